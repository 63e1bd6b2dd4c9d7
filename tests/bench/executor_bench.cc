// Executor benchmark (issue #5): 1,000 concurrent pipelines of 3 stages each on the sim cloud,
// on an accelerated (manual) clock, against the bundled catalog (data/catalog) and a real
// SQLite file. Spot instances are preempted at 0.1/h (seeded), so failover and re-planning
// are part of what is measured. Reports wall time, transitions written per second (pipeline
// and stage transitions, each its own SQLite transaction) and peak RSS.
// Run: build-*/tests/bench/executor_bench [--pipelines=N]
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sky/broker/catalog_service.h"
#include "sky/broker/executor.h"
#include "sky/broker/executor_world.h"
#include "sky/broker/pipeline_store.h"
#include "sky/broker/plan_service.h"
#include "sky/planner/network.h"
#include "sky/providers/sim_provider.h"
#include "sky/types/clock.h"
#include "tests/support/temp_dir.h"

namespace sky::broker {
namespace {

int g_pipelines = 1000;

double PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// tokenize (CPU) -> train (A100 or L4, checkpointed) -> eval (CPU); runtimes vary by pipeline.
std::string Spec(int i) {
  const double train = 1.0 + (i % 7) * 0.5;
  return R"({"name": "bench-)" + std::to_string(i) + R"(", "deadline_hours": 24,
    "constraints": {"providers": ["gcp"], "regions": ["us-central1", "us-east1", "europe-west4"]},
    "stages": [
      {"name": "tokenize", "resources": {"cpus": 8}, "runtime_hours": 0.5, "output_gb": 5},
      {"name": "train", "after": ["tokenize"], "resources": {"accelerators": {"A100": 1, "L4": 1}},
       "runtime_hours": {"A100": )" +
         std::to_string(train) + R"(, "L4": )" + std::to_string(train * 2.5) +
         R"(}, "output_gb": 2, "checkpoint_minutes": 20},
      {"name": "eval", "after": ["train"], "resources": {"cpus": 4}, "runtime_hours": 0.25}]})";
}

// The executor world of replay and the tests (sim, store, executor, tokens) with the bundled
// catalog behind its planner, the store a SQLite file in a temp dir.
struct World {
  ::sky::testing::TempDir dir{"sky_exec_bench_"};
  std::unique_ptr<ExecutorWorld> world;
  std::unique_ptr<CatalogService> catalog;  // on the world's clock
  std::unique_ptr<PlanService> plans;
};

Status Build(World& w) {
  if (w.dir.path().empty()) return Status::Internal("mkdtemp failed");
  ExecutorWorldOptions world;
  world.start_seconds = 1.7e9;
  world.store_path = w.dir.Path("broker.db");
  w.world = std::make_unique<ExecutorWorld>(world);
  SKY_ASSIGN_OR_RETURN(w.catalog, CatalogService::Open(":memory:", &w.world->clock()));
  SKY_RETURN_IF_ERROR(
      w.catalog->Ingest({std::string(SKY_SOURCE_DIR) + "/data/catalog"}, {}).status());
  SKY_ASSIGN_OR_RETURN(auto network, planner::NetworkModel::LoadFromDirectory(
                                         std::string(SKY_SOURCE_DIR) + "/data/network"));
  w.plans =
      std::make_unique<PlanService>(*w.catalog, std::move(network), std::vector<std::string>{});
  providers::SimOptions sim;
  sim.spot_preemption_rate_per_hour = 0.1;
  sim.boot_seconds = 90;
  w.world->StartSim(w.catalog->Snapshot()->offers(), sim);
  SKY_RETURN_IF_ERROR(w.world->OpenStore());
  ExecutorOptions options;
  options.poll_seconds = 60;
  SKY_RETURN_IF_ERROR(w.world->StartExecutor(*w.plans, options));
  return w.world->executor().Recover();
}

void BM_Executor1000Pipelines(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    World w;
    if (Status s = Build(w); !s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
    Executor& executor = w.world->executor();
    ManualClock& clock = w.world->clock();
    PipelineStore& store = w.world->store();
    state.ResumeTiming();
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < g_pipelines; ++i) (void)executor.Submit("bench", Spec(i));
    const double sim_start = clock.NowSeconds();
    while (executor.active() > 0) {
      executor.RunDue();
      auto wait = executor.NextWakeIn();
      if (wait && *wait > 0) clock.Advance(*wait);
    }
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.PauseTiming();
    int64_t transitions = 0, succeeded = 0, replans = 0;
    std::map<std::string, int> failures;  // why pipelines did not succeed, by reason
    auto listed = store.ListPipelines({"bench", std::nullopt, 0, 0});
    for (const auto& p : *listed) {
      auto log = store.Transitions(p.id);
      transitions += static_cast<int64_t>(log->size());
      auto events = store.Events(p.id);
      for (const auto& e : *events) replans += e.kind == "replan";
      succeeded += p.state == PipelineState::kSucceeded;
      if (p.state == PipelineState::kSucceeded) continue;
      for (const auto& t : *log) {
        if (t.to_state == "failed" && t.reason != "pipeline failed") {
          ++failures[t.reason.substr(0, 400)];
          break;
        }
      }
    }
    for (const auto& [reason, count] : failures)
      std::fprintf(stderr, "%5d  %s\n", count, reason.c_str());
    const auto stats = w.world->sim().stats();
    state.counters["pipelines"] = g_pipelines;
    state.counters["succeeded"] = static_cast<double>(succeeded);
    state.counters["transitions"] = static_cast<double>(transitions);
    state.counters["transitions_per_s"] = static_cast<double>(transitions) / wall;
    state.counters["wall_s"] = wall;
    state.counters["sim_hours"] = (clock.NowSeconds() - sim_start) / 3600;
    state.counters["preemptions"] = static_cast<double>(stats.preemptions);
    state.counters["launches"] = static_cast<double>(stats.launches);
    state.counters["replans"] = static_cast<double>(replans);
    state.counters["live_left"] = static_cast<double>(stats.live);
    state.counters["peak_rss_mb"] = PeakRssMb();
    w.world->StopExecutor();  // then what it used, in the reverse order of Build
    w.plans.reset();
    w.catalog.reset();
    w.world.reset();
    state.ResumeTiming();
  }
}
BENCHMARK(BM_Executor1000Pipelines)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace
}  // namespace sky::broker

int main(int argc, char** argv) {
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--pipelines=", 0) == 0) {
      sky::broker::g_pipelines = std::atoi(arg.c_str() + 12);
    } else {
      rest.push_back(argv[i]);
    }
  }
  int n = static_cast<int>(rest.size());
  benchmark::Initialize(&n, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
