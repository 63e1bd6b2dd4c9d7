#pragma once
// Replay (DESIGN.md "Replay"): runs one pipeline through the real Executor against recorded
// spot traces, on a virtual clock, once per (policy, start offset), and reports what each
// policy cost and whether it met the deadline. Each run is its own world: an in-memory
// PipelineStore, the `sim` provider fed by the traces from the run's offset, a ManualClock,
// and the Executor with the policy (market_policy.h; `broker` is the executor's own
// planner-driven failover). The offers, catalog and planner are built once and shared, since
// no run changes them. Every (re)launch costs the restart overhead (the sim's boot time) and
// progress survives a preemption or a switch up to the last checkpoint, for every policy.
// Functions here are thread-safe; RunReplay runs its runs on a pool of threads.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sky/planner/network.h"
#include "sky/planner/planner.h"
#include "sky/planner/spec.h"
#include "sky/providers/spot_trace.h"
#include "sky/types/offer.h"
#include "sky/types/result.h"

namespace sky::broker {

enum class ReplayPolicy { kOnDemand, kGreedySpot, kUniformProgress, kBroker };

// "on_demand", "greedy_spot", "uniform_progress", "broker".
std::string_view Name(ReplayPolicy policy);
// Parses one name; InvalidArgument listing the valid ones.
Result<ReplayPolicy> ParseReplayPolicy(std::string_view name);
// Every policy, in the order above.
std::vector<ReplayPolicy> AllReplayPolicies();

// One zone's recorded trace.
struct ReplayTrace {
  std::string location;  // "provider:region:zone"
  providers::SpotTrace trace;
  std::string source;  // the file or request key it came from
};

// The location of a trace named `name`: "provider:region:zone" as given, or derived from a
// file name "<zone>_<anything>.json" (us-east-1a_v100_1.json), with the provider the first of
// aws, gcp, azure found in the path (aws-02-15-2023/...) and the region the zone without its
// last letter ("us-east-1a" -> "us-east-1", "us-central1-a" -> "us-central1").
// InvalidArgument when no zone or provider can be told; name it LOCATION=FILE then.
Result<std::string> TraceLocation(std::string_view name);

// Reads trace files: a directory means every *.json in it (sorted), LOCATION=FILE names the
// location. NotFound for a missing path, InvalidArgument (with the file) for a bad trace, an
// unknown location, or two traces of one location.
Result<std::vector<ReplayTrace>> LoadReplayTraces(const std::vector<std::string>& paths);

// Where the offers' prices come from, best first: the trace's `prices` (spot), the flags,
// then `catalog` (the same instance type in the zone's region: on-demand, and the median of
// its spot zones, e.g. from the AWS spot price history).
struct ReplayPrices {
  std::optional<double> spot_usd_per_hour;       // every zone without trace prices
  std::optional<double> on_demand_usd_per_hour;  // every region
  std::vector<Offer> catalog;
};

// The offers of the replay's world: for every accelerator a stage can use and every trace, a
// spot offer in the trace's zone, and an on-demand offer in each trace region; catalog offers
// without accelerators in those regions (on-demand) for stages without accelerators. The
// instance type is the catalog's cheapest on-demand one with that accelerator and count in
// the region ("<provider>-<accelerator>x<count>" without one). InvalidArgument saying which
// price is missing where, or for a spec with no stage.
Result<std::vector<Offer>> BuildReplayOffers(const planner::PipelineSpec& spec,
                                             const std::vector<ReplayTrace>& traces,
                                             const ReplayPrices& prices);

struct ReplayOptions {
  // Policies to run. Default: all four.
  std::vector<ReplayPolicy> policies = AllReplayPolicies();
  // Start points, evenly spaced over the part of the traces that leaves room for the deadline
  // (traces of different lengths are aligned from their start; the shortest bounds it).
  // Default: 1 (the traces' start).
  int start_offsets = 1;
  // Replaces the spec's restart_minutes (the changeover delay d). Default: the spec's.
  std::optional<double> restart_minutes;
  // Checkpoint interval of stages that have none. Default: the smallest trace gap.
  std::optional<double> checkpoint_minutes;
  // The executor's poll interval. Default: the smallest trace gap.
  std::optional<double> poll_seconds;
  // Worker threads; 0: the hardware's. Default: 0.
  int threads = 0;
  // greedy_spot and uniform_progress take spot in any traced zone (cheapest first) rather than
  // only in their first one, as the paper's policies do. Default: false.
  bool any_zone = false;
  // Keep every run's timeline of attempts in the report. Default: true.
  bool timelines = true;
  planner::PlannerOptions planner;
  // Called after each run with (runs done, runs in all), from one thread at a time.
  std::function<void(int, int)> on_progress;
};

// One instance of a run: from its launch to its end.
struct ReplaySegment {
  double start_hours = 0;  // since the run's start
  double end_hours = 0;
  std::string location;
  Market market = Market::kOnDemand;
  std::string outcome;  // succeeded | preempted | switched | capacity | cancelled | ...
  double cost_usd = 0;
};

struct ReplayRun {
  ReplayPolicy policy = ReplayPolicy::kBroker;
  double offset_hours = 0;  // where in the traces it started
  bool succeeded = false;
  double finish_hours = 0;  // when the pipeline ended (or the run was stopped)
  bool deadline_met = false;
  double cost_usd = 0;
  int preemptions = 0;
  int launches = 0;                            // instances that were created (refusals not counted)
  double spot_hours = 0, on_demand_hours = 0;  // instance hours, boots included
  std::string failure;  // why the pipeline failed or was stopped; empty when it succeeded
  std::vector<ReplaySegment> timeline;
};

struct ReplaySummary {
  ReplayPolicy policy = ReplayPolicy::kBroker;
  int runs = 0;
  double mean_cost_usd = 0, p95_cost_usd = 0;
  std::optional<double> cost_vs_on_demand;  // mean cost / on_demand's mean cost, when run
  int deadlines_met = 0;
  double deadlines_met_percent = 0;
  double mean_preemptions = 0;
  double mean_spot_hours = 0, mean_on_demand_hours = 0;
  double mean_finish_hours = 0;
};

struct ReplayReport {
  std::string pipeline;
  double deadline_hours = 0;
  double work_hours = 0;  // the planned run time of every stage
  double restart_minutes = 0, checkpoint_minutes = 0, poll_seconds = 0;
  std::vector<ReplayTrace> traces;
  std::vector<Offer> offers;
  std::vector<double> offsets_hours;
  std::vector<ReplaySummary> summary;  // in the order of ReplayOptions::policies
  std::vector<ReplayRun> runs;         // policy by policy, offsets in order
  std::vector<std::string> warnings;
  double wall_seconds = 0;
};

// Replays `spec` on `offers` (BuildReplayOffers) with `traces`. InvalidArgument for a spec
// without deadline_hours (deadlines met is what replay measures), no traces, no policy or a
// start_offsets below 1; the planner's errors for a spec it cannot plan. A pipeline that fails
// in a run is a result of that run (deadline missed, failure said), not an error.
Result<ReplayReport> RunReplay(const planner::PipelineSpec& spec,
                               const std::vector<ReplayTrace>& traces,
                               const std::vector<Offer>& offers,
                               const planner::NetworkModel& network, const ReplayOptions& options);

// The report as JSON text: the inputs (traces without their data), the summary per policy,
// and every run with its timeline.
std::string ReplayReportToJson(const ReplayReport& report);

}  // namespace sky::broker
