// RunReplay: the shared world, the start offsets, the pool of runs and the summaries.
#include "sky/broker/replay.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <map>
#include <thread>

#include "broker/replay/replay_run.h"
#include "sky/broker/catalog_service.h"
#include "sky/broker/plan_service.h"
#include "sky/types/mutex.h"

namespace sky::broker {
namespace {

constexpr std::pair<ReplayPolicy, std::string_view> kPolicyNames[] = {
    {ReplayPolicy::kOnDemand, "on_demand"},
    {ReplayPolicy::kGreedySpot, "greedy_spot"},
    {ReplayPolicy::kUniformProgress, "uniform_progress"},
    {ReplayPolicy::kBroker, "broker"},
};

Status Validate(const planner::PipelineSpec& spec, const std::vector<ReplayTrace>& traces,
                const ReplayOptions& options) {
  if (!spec.deadline_hours) {
    return Status::InvalidArgument(
        "the pipeline has no deadline_hours: replay reports whether deadlines are met");
  }
  if (traces.empty()) return Status::InvalidArgument("no trace given");
  if (options.policies.empty()) return Status::InvalidArgument("no policy to replay");
  if (options.start_offsets < 1) return Status::InvalidArgument("start offsets must be >= 1");
  if (options.poll_seconds && !(*options.poll_seconds > 0)) {
    return Status::InvalidArgument("the poll interval must be positive");
  }
  return Status::Ok();
}

double SmallestGap(const std::vector<ReplayTrace>& traces) {
  double gap = traces.front().trace.gap_seconds;
  for (const ReplayTrace& t : traces) gap = std::min(gap, t.trace.gap_seconds);
  return gap;
}

// The spec every run submits: the replay's restart overhead, and a checkpoint interval for
// every stage (the paper's model: progress survives a changeover).
planner::PipelineSpec ReplaySpec(const planner::PipelineSpec& spec, const ReplayOptions& options,
                                 double gap_seconds) {
  planner::PipelineSpec out = spec;
  if (options.restart_minutes) out.restart_minutes = *options.restart_minutes;
  for (planner::StageSpec& stage : out.stages) {
    if (!stage.checkpoint_minutes) {
      stage.checkpoint_minutes = options.checkpoint_minutes.value_or(gap_seconds / 60);
    }
  }
  return out;
}

// Evenly spaced over [0, shortest trace - deadline], on tick boundaries of the smallest gap.
std::vector<double> Offsets(const std::vector<ReplayTrace>& traces, double deadline_seconds,
                            int count, double gap, std::vector<std::string>& warnings) {
  double shortest = traces.front().trace.duration_seconds();
  for (const ReplayTrace& t : traces) shortest = std::min(shortest, t.trace.duration_seconds());
  const double span = std::max(0.0, shortest - deadline_seconds);
  if (span <= 0) {
    warnings.push_back(
        "the traces are shorter than the deadline: every run starts at their "
        "start, and their last tick holds past their end");
  }
  std::vector<double> offsets;
  for (int i = 0; i < count; ++i) {
    offsets.push_back(std::floor(span * i / count / gap) * gap);
  }
  return offsets;
}

ReplaySummary Summarise(ReplayPolicy policy, const std::vector<const ReplayRun*>& runs) {
  ReplaySummary s;
  s.policy = policy;
  s.runs = static_cast<int>(runs.size());
  if (runs.empty()) return s;
  std::vector<double> costs;
  for (const ReplayRun* r : runs) {
    costs.push_back(r->cost_usd);
    s.mean_cost_usd += r->cost_usd;
    s.deadlines_met += r->deadline_met ? 1 : 0;
    s.mean_preemptions += r->preemptions;
    s.mean_spot_hours += r->spot_hours;
    s.mean_on_demand_hours += r->on_demand_hours;
    s.mean_finish_hours += r->finish_hours;
  }
  const double n = static_cast<double>(runs.size());
  s.mean_cost_usd /= n;
  s.mean_preemptions /= n;
  s.mean_spot_hours /= n;
  s.mean_on_demand_hours /= n;
  s.mean_finish_hours /= n;
  s.deadlines_met_percent = 100.0 * s.deadlines_met / n;
  std::sort(costs.begin(), costs.end());
  // Nearest rank: the smallest cost at or above 95% of the runs.
  s.p95_cost_usd = costs[static_cast<size_t>(std::ceil(0.95 * n)) - 1];
  return s;
}

void Summarise(const ReplayOptions& options, ReplayReport& report) {
  std::optional<double> on_demand_mean;
  for (ReplayPolicy policy : options.policies) {
    std::vector<const ReplayRun*> runs;
    for (const ReplayRun& r : report.runs) {
      if (r.policy == policy) runs.push_back(&r);
    }
    report.summary.push_back(Summarise(policy, runs));
    if (policy == ReplayPolicy::kOnDemand) on_demand_mean = report.summary.back().mean_cost_usd;
  }
  if (!on_demand_mean || *on_demand_mean <= 0) return;
  for (ReplaySummary& s : report.summary) s.cost_vs_on_demand = s.mean_cost_usd / *on_demand_mean;
}

// Runs every (policy, offset) on `threads` threads; results in policy-major order.
std::vector<ReplayRun> RunAll(const ReplayWorld& world, const ReplayOptions& options,
                              const std::vector<double>& offsets) {
  const size_t total = options.policies.size() * offsets.size();
  std::vector<ReplayRun> runs(total);
  std::atomic<size_t> next{0};
  Mutex progress_mu;
  int done = 0;
  auto work = [&] {
    for (size_t i = next++; i < total; i = next++) {
      runs[i] =
          RunReplayOnce(world, options.policies[i / offsets.size()], offsets[i % offsets.size()]);
      MutexLock lock(progress_mu);
      ++done;
      if (options.on_progress) options.on_progress(done, static_cast<int>(total));
    }
  };
  unsigned threads = options.threads > 0 ? static_cast<unsigned>(options.threads)
                                         : std::max(1u, std::thread::hardware_concurrency());
  threads = std::min<unsigned>(threads, static_cast<unsigned>(total));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& thread : pool) thread.join();
  return runs;
}

// The catalog and planner every run reads: the replay's offers, nothing else.
Result<std::unique_ptr<CatalogService>> ReplayCatalog(const std::vector<Offer>& offers) {
  SKY_ASSIGN_OR_RETURN(std::unique_ptr<CatalogService> catalog, CatalogService::Open(":memory:"));
  std::map<std::string, std::vector<Offer>> by_provider;
  for (const Offer& o : offers) by_provider[o.provider].push_back(o);
  for (auto& [provider, list] : by_provider) {
    SKY_RETURN_IF_ERROR(catalog->ApplyProviderOffers(provider, std::move(list), {}).status());
  }
  return catalog;
}

// The report's inputs, before any run.
ReplayReport ReportInputs(const planner::PipelineSpec& replayed, const planner::Plan& plan,
                          const std::vector<ReplayTrace>& traces, const std::vector<Offer>& offers,
                          const ReplayOptions& options, double gap) {
  ReplayReport report;
  report.pipeline = replayed.name;
  report.deadline_hours = *replayed.deadline_hours;
  for (const auto& s : plan.stages) report.work_hours += s.runtime_hours;
  report.restart_minutes = replayed.restart_minutes;
  report.checkpoint_minutes = options.checkpoint_minutes.value_or(gap / 60);
  report.poll_seconds = options.poll_seconds.value_or(gap);
  report.traces = traces;
  report.offers = offers;
  return report;
}

// What every run shares, but the plan service and the traces (set by the caller).
ReplayWorld WorldFor(const ReplayReport& report, const planner::PipelineSpec& replayed,
                     const ReplayOptions& options) {
  ReplayWorld world;
  world.spec_json = planner::PipelineSpecToJson(replayed);
  world.deadline_hours = report.deadline_hours;
  world.work_hours = report.work_hours;
  world.offers = report.offers;
  world.poll_seconds = report.poll_seconds;
  world.restart_seconds = replayed.restart_minutes * 60;
  world.planner = options.planner;
  world.timeline = options.timelines;
  world.any_zone = options.any_zone;
  return world;
}

}  // namespace

std::string_view Name(ReplayPolicy policy) {
  for (const auto& [p, name] : kPolicyNames) {
    if (p == policy) return name;
  }
  return "unknown";
}

Result<ReplayPolicy> ParseReplayPolicy(std::string_view name) {
  std::string known;
  for (const auto& [p, n] : kPolicyNames) {
    if (n == name) return p;
    known += (known.empty() ? "" : ", ") + std::string(n);
  }
  return Status::InvalidArgument("unknown policy '" + std::string(name) + "' (known: " + known +
                                 ", or all)");
}

std::vector<ReplayPolicy> AllReplayPolicies() {
  std::vector<ReplayPolicy> all;
  for (const auto& [p, name] : kPolicyNames) all.push_back(p);
  return all;
}

Result<ReplayReport> RunReplay(const planner::PipelineSpec& spec,
                               const std::vector<ReplayTrace>& traces,
                               const std::vector<Offer>& offers,
                               const planner::NetworkModel& network, const ReplayOptions& options) {
  const auto started = std::chrono::steady_clock::now();  // reported wall time only
  SKY_RETURN_IF_ERROR(Validate(spec, traces, options));
  const double gap = SmallestGap(traces);
  const planner::PipelineSpec replayed = ReplaySpec(spec, options, gap);
  SKY_ASSIGN_OR_RETURN(std::unique_ptr<CatalogService> catalog, ReplayCatalog(offers));
  const PlanService plans(*catalog, network, {});
  SKY_ASSIGN_OR_RETURN(planner::Plan plan, plans.Plan(replayed, options.planner));
  if (plan.status == planner::PlanStatus::kInfeasible) {
    std::string why;
    for (const auto& r : plan.infeasible_reasons) why += (why.empty() ? "" : "; ") + r;
    return Status::Infeasible("the pipeline cannot be planned on the replay's offers: " + why);
  }
  ReplayReport report = ReportInputs(replayed, plan, traces, offers, options, gap);
  const std::vector<double> offsets =
      Offsets(traces, report.deadline_hours * 3600, options.start_offsets, gap, report.warnings);
  ReplayWorld world = WorldFor(report, replayed, options);
  world.plans = &plans;
  world.traces = &traces;
  report.runs = RunAll(world, options, offsets);
  for (double offset : offsets) report.offsets_hours.push_back(offset / 3600);
  Summarise(options, report);
  report.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace sky::broker
