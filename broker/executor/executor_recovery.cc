// preempted -> recovering -> provisioning: re-plan the remaining work from the last checkpoint
// with the time and money left, through the planner (maybe onto another cloud, maybe onto
// on-demand when the slack no longer allows spot: the Can't Be Late safety net).
#include <cstdio>
#include <set>

#include "broker/executor/executor_impl.h"

namespace sky::broker {
namespace {

std::string Fixed(double value, const char* unit) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.2f %s", value, unit);
  return buf;
}

std::string PlaceOf(const planner::StagePlacement& p) {
  return p.provider + ":" + p.region + (p.zone.empty() ? "" : ":" + p.zone) + " " +
         p.instance_type + " " + std::string(MarketName(p.market));
}

std::string Reasons(const planner::Plan& plan) {
  std::string text;
  for (const auto& r : plan.infeasible_reasons) text += (text.empty() ? "" : "; ") + r;
  return text;
}

}  // namespace

std::optional<double> Executor::Impl::RecoverStage(const PipelineRecord& record, PipelineRun& run,
                                                   const StageRecord& stage) {
  StageRecord current = stage;
  if (stage.state == StageState::kPreempted) {
    char checkpoint[16];
    std::snprintf(checkpoint, sizeof checkpoint, "%.0f%%", stage.checkpoint * 100);
    const std::string how = options_.market_policy
                                ? std::string(options_.market_policy->name()) + " places"
                                : std::string("re-planning");
    Status moved = TransitionStage(record.id, stage.name, StageState::kRecovering,
                                   how + " the remaining work from checkpoint " + checkpoint);
    if (!moved.ok()) return Now() + options_.poll_seconds;
    current.state = StageState::kRecovering;
    // A market policy decides where (and whether) to go next when it launches.
    if (options_.market_policy) return LaunchStage(record, run, current);
    Status replanned = Replan(record, run, stage.name, "preemption of '" + stage.name + "'");
    if (!replanned.ok()) {
      (void)TransitionStage(record.id, stage.name, StageState::kFailed,
                            "no candidate offer left: " + replanned.message());
      return Now();
    }
  }
  return LaunchStage(record, run, current);
}

std::vector<StageProgress> Executor::Impl::ProgressOf(const PipelineRecord& record,
                                                      const PipelineRun& run,
                                                      const std::string& moving) {
  std::vector<StageProgress> out;
  for (const StageRecord& stage : record.stages) {
    StageProgress p;
    p.name = stage.name;
    p.checkpoint = stage.checkpoint;
    // Where the checkpoint is: the place that uploaded it (data plane), else where the stage
    // last ran (a cloud's own disk or bucket there).
    p.checkpoint_location = stage.checkpoint_location;
    if (p.checkpoint_location.empty() && stage.checkpoint > 0) {
      if (std::optional<Offer> last = FindOffer(stage.offer_id)) {
        p.checkpoint_location = last->location_id();
      }
    }
    const planner::StagePlacement* placed = PlacementOf(run, stage.name);
    const bool live = stage.name != moving && (stage.state == StageState::kProvisioning ||
                                               stage.state == StageState::kRunning);
    if (placed && (stage.state == StageState::kSucceeded || live)) {
      p.kind = live ? StageProgress::Kind::kInFlight : StageProgress::Kind::kDone;
      p.location = placed->provider + ":" + placed->region;
      p.remaining_hours = live ? placed->runtime_hours * (1 - stage.progress) : 0;
    }
    out.push_back(std::move(p));
  }
  return out;
}

Status Executor::Impl::Replan(const PipelineRecord& record, PipelineRun& run,
                              const std::string& moving, const std::string& why) {
  if (!run.plan) return Status::FailedPrecondition("pipeline has no plan to revise");
  auto view = Get(record.id);
  const double spent = view.ok() ? view->actual_cost_usd : 0;
  SKY_ASSIGN_OR_RETURN(
      RemainingWork work,
      BuildRemainingSpec(run.spec, ProgressOf(record, run, moving), PipelineHours(record), spent));
  planner::PlannerOptions options = options_.planner;
  for (std::string& blocked : blocklist_.Active(Now())) options.excluded.push_back(blocked);
  SKY_ASSIGN_OR_RETURN(planner::Plan plan, plans_.Plan(work.spec, options));
  if (plan.status == planner::PlanStatus::kInfeasible && work.spec.deadline_hours) {
    (void)Event(
        record.id, std::nullopt, "deadline",
        "the deadline can no longer be met (" + Reasons(plan) + "); finishing as fast as possible");
    work.spec.deadline_hours.reset();
    work.spec.objective = planner::Objective::kTime;
    work.deadline_dropped = true;
    SKY_ASSIGN_OR_RETURN(plan, plans_.Plan(work.spec, options));
  } else if (work.deadline_dropped) {
    (void)Event(record.id, std::nullopt, "deadline",
                "the deadline has passed; finishing as fast as possible");
  }
  if (plan.status == planner::PlanStatus::kInfeasible) return Status::Infeasible(Reasons(plan));
  const planner::Plan before = *run.plan;
  planner::Plan merged = MergePlan(before, plan, PipelineHours(record));
  SKY_RETURN_IF_ERROR(store_.SetPlan(record.id, planner::PlanToJson(merged), Now()));
  run.plan = merged;
  std::string moves;
  for (const auto& p : plan.stages)
    moves += (moves.empty() ? "" : ", ") + p.name + " -> " + PlaceOf(p);
  (void)Event(record.id, std::nullopt, "replan",
              why + ": " + moves + "; plan now " + Fixed(merged.total_cost_usd, "USD") +
                  (work.spec.deadline_hours ? ", " + Fixed(work.hours_left, "h left") : ""));
  return ExplainOnDemandSwitch(record, before, merged, work);
}

Status Executor::Impl::ExplainOnDemandSwitch(const PipelineRecord& record,
                                             const planner::Plan& before,
                                             const planner::Plan& after,
                                             const RemainingWork& work) {
  std::vector<std::string> switched;
  for (const auto& a : after.stages) {
    for (const auto& b : before.stages) {
      if (a.name == b.name && b.market == Market::kSpot && a.market == Market::kOnDemand) {
        switched.push_back(a.name);
      }
    }
  }
  if (switched.empty() || !work.spec.deadline_hours) return Status::Ok();
  // Why on-demand? Without its deadline the planner answers by price (and blocked places)
  // alone: a stage that would then stay on spot was moved by the deadline.
  planner::PipelineSpec relaxed = work.spec;
  relaxed.deadline_hours.reset();
  planner::PlannerOptions options = options_.planner;
  for (std::string& blocked : blocklist_.Active(Now())) options.excluded.push_back(blocked);
  auto by_price = plans_.Plan(relaxed, options);
  std::set<std::string> spot_by_price;
  if (by_price.ok()) {
    for (const auto& p : by_price->stages) {
      if (p.market == Market::kSpot) spot_by_price.insert(p.name);
    }
  }
  for (const auto& name : switched) {
    if (spot_by_price.count(name)) {
      (void)Event(record.id, name, "deadline",
                  "switching '" + name + "' to on-demand: " + Fixed(work.hours_left, "h") +
                      " left before the deadline is too little for spot's worst case "
                      "(the Can't Be Late safety net)");
    } else {
      (void)Event(record.id, name, "market",
                  "'" + name + "' moves to on-demand: the cheapest place left (" +
                      std::to_string(options.excluded.size()) + " places in cool-down)");
    }
  }
  return Status::Ok();
}

}  // namespace sky::broker
