// Replay benchmark (issue #7): the 45-day, 9-zone p3.2xlarge availability traces of Can't Be
// Late (availability/1-node/aws-02-15-2023, 195 s ticks), a 48-hour V100 job with a 60-hour
// deadline and 12 minutes of restart overhead, all four policies, 50 start offsets: 200 runs
// of the real executor on the sim cloud, on as many threads as the machine has. Prices are
// AWS us-east-1's for p3.2xlarge: $3.06/h on-demand, $0.918/h spot.
// Run: build-*/tests/bench/replay_bench [--offsets=N] [--deadline=H]
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "sky/broker/replay.h"

namespace sky::broker {
namespace {

int g_offsets = 50;
double g_deadline = 60;

std::string TraceDir() {
  return std::string(SKY_SHARED_DIR) +
         "/data/spot_traces/cant_be_late_nsdi24/availability/1-node/aws-02-15-2023";
}

planner::PipelineSpec Job() {
  auto spec = planner::ParsePipelineSpec(
      R"({"name": "v100-48h", "deadline_hours": )" + std::to_string(g_deadline) +
          R"(, "restart_minutes": 12, "stages": [{"name": "train",
          "resources": {"accelerators": {"V100": 1}}, "runtime_hours": 48}]})",
      {});
  return spec.ok() ? *spec : planner::PipelineSpec{};
}

void PrintSummary(const ReplayReport& report) {
  std::printf("%-17s %6s %10s %10s %8s %9s %8s %8s\n", "policy", "runs", "mean $", "p95 $", "vs OD",
              "met %", "preempt", "spot h");
  for (const ReplaySummary& s : report.summary) {
    std::printf("%-17s %6d %10.2f %10.2f %8.3f %9.1f %8.2f %8.1f\n",
                std::string(Name(s.policy)).c_str(), s.runs, s.mean_cost_usd, s.p95_cost_usd,
                s.cost_vs_on_demand.value_or(0), s.deadlines_met_percent, s.mean_preemptions,
                s.mean_spot_hours);
  }
}

void BM_ReplayNineZones(benchmark::State& state) {
  auto traces = LoadReplayTraces({TraceDir()});
  if (!traces.ok()) {
    state.SkipWithError(traces.status().ToString().c_str());
    return;
  }
  const planner::PipelineSpec spec = Job();
  ReplayPrices prices;
  prices.spot_usd_per_hour = 0.918;
  prices.on_demand_usd_per_hour = 3.06;
  auto offers = BuildReplayOffers(spec, *traces, prices);
  if (!offers.ok()) {
    state.SkipWithError(offers.status().ToString().c_str());
    return;
  }
  ReplayOptions options;
  options.start_offsets = g_offsets;
  Result<ReplayReport> report = Status::Internal("not run");
  for (auto _ : state) {
    report = RunReplay(spec, *traces, *offers, planner::NetworkModel{}, options);
    if (!report.ok()) {
      state.SkipWithError(report.status().ToString().c_str());
      return;
    }
  }
  state.counters["runs"] = static_cast<double>(report->runs.size());
  state.counters["threads"] = std::thread::hardware_concurrency();
  state.counters["runs_per_s"] = report->runs.size() / report->wall_seconds;
  PrintSummary(*report);
}
BENCHMARK(BM_ReplayNineZones)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

}  // namespace
}  // namespace sky::broker

int main(int argc, char** argv) {
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--offsets=", 0) == 0) {
      sky::broker::g_offsets = std::atoi(arg.c_str() + 10);
    } else if (arg.rfind("--deadline=", 0) == 0) {
      sky::broker::g_deadline = std::atof(arg.c_str() + 11);
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
