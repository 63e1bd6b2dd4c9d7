// Planner benchmarks over every offer of the shared catalogs (SKY_SHARED_DIR/data/catalog plus
// the AWS spot price history) and the bundled network tables (data/network):
//   BM_Plan10StageDag   a 10-stage training/eval DAG. Target: optimal in < 1 s.
//   BM_Plan50StageDag   five such DAGs side by side, linked (50 stages). Target: < 10 s.
// Counters: candidates before/after pruning, MILP variables and constraints, seconds per pass
// (validate, prune, build, solve, extract), plan cost and makespan.
// SKY_PLANNER_BENCH_MPS=path writes the 10-stage MILP as free MPS (tests/bench/planner_bench.sh
// solves it with cbc for comparison).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "sky/catalog/ingest.h"
#include "sky/planner/planner.h"

namespace sky::planner {
namespace {

std::vector<Offer> LoadAllOffers() {
  const std::string data = std::string(SKY_SHARED_DIR) + "/data";
  auto sources = catalog::ExpandCatalogPaths(
      {data + "/catalog", data + "/spot_traces/aws_spot_price_history/prices_2022-05.tsv"});
  std::vector<Offer> offers;
  if (!sources.ok()) {
    std::fprintf(stderr, "catalog: %s\n", sources.status().ToString().c_str());
    return offers;
  }
  catalog::ParseOptions options;
  options.skip_bad_rows = true;
  std::set<OfferId> seen;
  for (const catalog::IngestSource& source : *sources) {
    auto batch = catalog::ParseCatalogFile(source, options);
    if (!batch.ok()) continue;  // e.g. the accelerator list: not an offer file
    for (Offer& o : batch->offers) {
      if (seen.insert(o.id).second) offers.push_back(std::move(o));
    }
  }
  return offers;
}

const std::vector<Offer>& AllOffers() {
  static const std::vector<Offer> offers = LoadAllOffers();
  return offers;
}

const NetworkModel& Network() {
  static const NetworkModel network = [] {
    auto loaded = NetworkModel::LoadFromDirectory(std::string(SKY_SOURCE_DIR) + "/data/network");
    return loaded.ok() ? std::move(loaded).value() : NetworkModel();
  }();
  return network;
}

StageSpec Stage(const std::string& name, std::vector<std::string> after, double output_gb) {
  StageSpec s;
  s.name = name;
  s.after = std::move(after);
  s.output_gb = output_gb;
  return s;
}

StageSpec Cpu(StageSpec s, double cpus, double hours) {
  s.resources.cpus = cpus;
  s.resources.memory_gb = cpus * 4;
  s.runtime_hours = hours;
  return s;
}

StageSpec Gpu(StageSpec s, std::map<std::string, double> hours, int count, double ckpt) {
  for (const auto& [gpu, h] : hours) s.resources.accelerators[gpu] = count;
  s.runtime_by_accelerator = std::move(hours);
  if (ckpt > 0) s.checkpoint_minutes = ckpt;
  return s;
}

// One 10-stage shard: ingest -> tokenize -> two trainings -> evals -> select -> distill ->
// quantize -> package, reading `input` and delivering the package to aws:us-east-1.
void AddShard(PipelineSpec& spec, int k, const RegionId& input_location) {
  const std::string p = "s" + std::to_string(k) + "-";
  spec.inputs.push_back({p + "data", 800, input_location});
  StageSpec ingest = Cpu(Stage(p + "ingest", {}, 300), 32, 2);
  ingest.reads = {p + "data"};
  std::vector<std::string> tokenize_after = {p + "ingest"};
  if (k > 0) tokenize_after.push_back("s" + std::to_string(k - 1) + "-tokenize");
  spec.stages.push_back(ingest);
  spec.stages.push_back(Cpu(Stage(p + "tokenize", tokenize_after, 200), 16, 3));
  spec.stages.push_back(
      Gpu(Stage(p + "train-a", {p + "tokenize"}, 50), {{"A100", 20}, {"H100", 11}}, 8, 30));
  spec.stages.push_back(
      Gpu(Stage(p + "train-b", {p + "tokenize"}, 50), {{"H100", 9}, {"H200", 7}}, 8, 30));
  spec.stages.push_back(
      Gpu(Stage(p + "eval-a", {p + "train-a"}, 1), {{"L4", 2}, {"A10G", 2.5}}, 1, 0));
  spec.stages.push_back(
      Gpu(Stage(p + "eval-b", {p + "train-b"}, 1), {{"L4", 2}, {"A10G", 2.5}}, 1, 0));
  spec.stages.push_back(Cpu(Stage(p + "select", {p + "eval-a", p + "eval-b"}, 0), 8, 0.5));
  spec.stages.push_back(Gpu(Stage(p + "distill", {p + "select", p + "train-a"}, 20),
                            {{"A100", 6}, {"H100", 4}}, 8, 20));
  spec.stages.push_back(
      Gpu(Stage(p + "quantize", {p + "distill"}, 10), {{"L4", 1}, {"T4", 2}}, 1, 0));
  spec.stages.push_back(Cpu(Stage(p + "package", {p + "quantize"}, 10), 8, 0.5));
  spec.outputs[p + "package"] = "aws:us-east-1";
}

PipelineSpec Dag(int shards) {
  static const char* kInputs[] = {"gcp:us-central1", "aws:us-east-1", "gcp:europe-west4",
                                  "aws:us-west-2", "gcp:us-east4"};
  PipelineSpec spec;
  spec.name = "bench-" + std::to_string(shards * 10);
  spec.deadline_hours = 48 + 6 * shards;  // 54 h for 10 stages, 78 h for 50
  for (int k = 0; k < shards; ++k) AddShard(spec, k, kInputs[k % 5]);
  return spec;
}

void Report(benchmark::State& state, const Plan& plan) {
  state.counters["offers"] = static_cast<double>(AllOffers().size());
  state.counters["candidates"] = plan.solver.candidates;
  state.counters["after_prune"] = plan.solver.candidates - plan.solver.candidates_pruned;
  state.counters["variables"] = plan.solver.variables;
  state.counters["constraints"] = plan.solver.constraints;
  for (const PassTiming& pass : plan.solver.passes) state.counters["s_" + pass.name] = pass.seconds;
  state.counters["optimal"] = plan.status == PlanStatus::kOptimal ? 1 : 0;
  state.counters["cost_usd"] = plan.total_cost_usd;
  state.counters["makespan_h"] = plan.makespan_hours;
}

void RunDag(benchmark::State& state, int shards, const char* mps_env) {
  const std::vector<Offer>& offers = AllOffers();
  const PipelineSpec spec = Dag(shards);
  PlannerOptions options;
  options.time_limit = std::chrono::seconds(60);
  const char* mps = mps_env != nullptr ? std::getenv(mps_env) : nullptr;
  if (mps != nullptr) options.export_mps_path = mps;
  Plan plan;
  for (auto _ : state) {
    auto result = PlanPipeline(spec, offers, Network(), options);
    if (!result.ok()) {
      state.SkipWithError(result.status().ToString().c_str());
      return;
    }
    plan = std::move(result).value();
  }
  Report(state, plan);
  if (mps != nullptr) {
    double solve_seconds = 0;
    for (const PassTiming& pass : plan.solver.passes) {
      if (pass.name == "solve") solve_seconds = pass.seconds;
    }
    std::printf("glpk_objective_usd %.6f glpk_solve_seconds %.3f status %s\n", plan.total_cost_usd,
                solve_seconds, std::string(PlanStatusName(plan.status)).c_str());
  }
}

void BM_Plan10StageDag(benchmark::State& state) { RunDag(state, 1, "SKY_PLANNER_BENCH_MPS"); }
void BM_Plan50StageDag(benchmark::State& state) { RunDag(state, 5, nullptr); }

BENCHMARK(BM_Plan10StageDag)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_Plan50StageDag)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace sky::planner

BENCHMARK_MAIN();
