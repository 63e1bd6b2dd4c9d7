// Pipeline states: submitted -> planned -> running -> succeeded | failed | cancelled, and the
// per-pass walk over the stages of a running pipeline.
#include <cstdio>
#include <random>
#include <sstream>

#include "broker/executor/executor_impl.h"

namespace sky::broker {
namespace {

std::string NewPipelineId() {
  // Not the seeded generator: ids must differ across restarts of the same deployment.
  std::random_device device;
  char buf[24];
  std::snprintf(buf, sizeof buf, "p-%08x%04x", device(), device() & 0xffffu);
  return buf;
}

std::string Dollars(double usd) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "$%.2f", usd);
  return buf;
}

bool AllSucceeded(const PipelineRecord& record) {
  for (const auto& s : record.stages) {
    if (s.state != StageState::kSucceeded) return false;
  }
  return true;
}

const StageRecord* FirstFailed(const PipelineRecord& record) {
  for (const auto& s : record.stages) {
    if (s.state == StageState::kFailed) return &s;
  }
  return nullptr;
}

}  // namespace

Result<std::string> Executor::Impl::Submit(const std::string& tenant, std::string_view spec_json,
                                           std::vector<planner::SpecIssue>* issues) {
  SKY_ASSIGN_OR_RETURN(planner::PipelineSpec spec, plans_.ParseSpec(spec_json, issues));
  std::vector<std::string> stage_names;
  for (const auto& stage : spec.stages) stage_names.push_back(stage.name);
  const std::string id = NewPipelineId();
  SKY_RETURN_IF_ERROR(store_.CreatePipeline(id, tenant, spec.name,
                                            planner::PipelineSpecToJson(spec), stage_names, Now()));
  Schedule(id, Now());
  return id;
}

Result<PipelineRun*> Executor::Impl::RunFor(const PipelineRecord& record) {
  {
    MutexLock lock(mu_);
    auto it = runs_.find(record.id);
    if (it != runs_.end()) return it->second.get();
  }
  auto run = std::make_unique<PipelineRun>();
  // The stored spec was validated at submit; accelerator names need no second check.
  SKY_ASSIGN_OR_RETURN(run->spec, planner::ParsePipelineSpec(record.spec_json, {}));
  if (!record.plan_json.empty()) {
    SKY_ASSIGN_OR_RETURN(planner::Plan plan, planner::PlanFromJson(record.plan_json));
    run->plan = std::move(plan);
  }
  MutexLock lock(mu_);
  auto& slot = runs_[record.id];
  if (!slot) slot = std::move(run);
  return slot.get();
}

std::optional<double> Executor::Impl::Advance(const std::string& id) {
  auto record = store_.GetPipeline(id);
  if (!record.ok()) {
    if (record.status().IsNotFound()) return std::nullopt;
    return Now() + options_.poll_seconds;  // the store is busy or failing: try again later
  }
  if (IsTerminal(record->state)) {
    // Terminating may have failed (a provider was down): keep trying until nothing is left.
    if (StopLiveAttempts(id, "cancelled").ok()) return std::nullopt;
    return Now() + options_.poll_seconds;
  }
  auto run = RunFor(*record);
  if (!run.ok()) {
    (void)FailPipeline(*record, "stored pipeline unreadable: " + run.status().message());
    return std::nullopt;
  }
  Status status;
  switch (record->state) {
    case PipelineState::kSubmitted:
      status = PlanPipeline(*record, **run);
      break;
    case PipelineState::kPlanned:
      status = store_.Transition(id, PipelineState::kRunning, "launching the first stages", Now());
      break;
    case PipelineState::kRunning:
      return AdvanceRunning(*record, **run);
    default:
      return std::nullopt;
  }
  return status.ok() ? Now() : Now() + options_.poll_seconds;
}

Status Executor::Impl::PlanPipeline(const PipelineRecord& record, PipelineRun& run) {
  planner::PlannerOptions options = options_.planner;
  for (std::string& blocked : blocklist_.Active(Now())) options.excluded.push_back(blocked);
  auto plan = plans_.Plan(run.spec, options);
  if (!plan.ok()) return FailPipeline(record, "planning failed: " + plan.status().message());
  if (plan->status == planner::PlanStatus::kInfeasible) {
    std::string why;
    for (const auto& reason : plan->infeasible_reasons) why += (why.empty() ? "" : "; ") + reason;
    return FailPipeline(record, "no feasible plan: " + why);
  }
  SKY_RETURN_IF_ERROR(store_.SetPlan(record.id, planner::PlanToJson(*plan), Now()));
  run.plan = *plan;
  std::ostringstream reason;
  reason << "plan " << planner::PlanStatusName(plan->status) << ": "
         << Dollars(plan->total_cost_usd) << " estimated, makespan " << plan->makespan_hours
         << " h";
  return store_.Transition(record.id, PipelineState::kPlanned, reason.str(), Now());
}

std::optional<double> Executor::Impl::AdvanceRunning(const PipelineRecord& record,
                                                     PipelineRun& run) {
  const int64_t transitions_before = transitions();
  std::optional<double> next;
  for (const StageRecord& stage : record.stages) {
    std::optional<double> at;
    switch (stage.state) {
      case StageState::kPending: {
        const auto& spec = run.spec.stages[StageIndex(run, stage.name)];
        if (PredecessorsDone(record, spec)) at = LaunchStage(record, run, stage);
        break;
      }
      case StageState::kProvisioning:
        at = stage.instance_id.empty() ? RetryLaunch(record, run, stage)
                                       : PollStage(record, run, stage);
        break;
      case StageState::kRunning:
        at = PollStage(record, run, stage);
        break;
      case StageState::kPreempted:
      case StageState::kRecovering:
        at = RecoverStage(record, run, stage);
        break;
      case StageState::kSucceeded:
      case StageState::kFailed:
        break;
    }
    if (at && (!next || *at < *next)) next = at;
  }
  // Most passes only poll: no stage moved, so the record read at the start is still current.
  if (transitions() == transitions_before && next) return next;
  auto after = store_.GetPipeline(record.id);
  if (!after.ok()) return Now() + options_.poll_seconds;
  if (IsTerminal(after->state)) return std::nullopt;
  // Either end can fail to terminate a live instance (the cloud is down): the pipeline then
  // stays scheduled, so that a later pass (Advance on a terminal pipeline) finishes the job
  // rather than leaving the instance running, unseen and billed, until the next restart.
  const double retry_at = Now() + options_.poll_seconds;
  if (AllSucceeded(*after)) {
    if (FinishPipeline(*after).ok()) return std::nullopt;
    return next.value_or(retry_at);
  }
  if (const StageRecord* failed = FirstFailed(*after)) {
    Status ended = FailPipeline(*after, "stage '" + failed->name + "' failed");
    return ended.ok() ? std::nullopt : std::optional<double>(retry_at);
  }
  return next ? next : std::optional<double>(Now() + options_.poll_seconds);
}

Status Executor::Impl::StopLiveAttempts(const std::string& id, const std::string& outcome) {
  SKY_ASSIGN_OR_RETURN(std::vector<AttemptRecord> attempts, store_.Attempts(id));
  Status first;
  for (const AttemptRecord& a : attempts) {
    if (!a.outcome.empty()) continue;
    providers::Provider* provider = ProviderFor(a.provider);
    std::vector<std::string> ids;
    if (!a.instance_id.empty()) {
      ids.push_back(a.instance_id);
    } else if (provider) {
      // The launch may have reached the cloud without an answer: find it by its tags.
      auto tagged = provider->ListByTag(providers::kTagPipeline, id);
      if (!tagged.ok()) {
        if (first.ok()) first = tagged.status();
        continue;
      }
      for (const auto& inst : *tagged) {
        auto attempt = inst.tags.find(providers::kTagAttempt);
        auto stage = inst.tags.find(providers::kTagStage);
        if (attempt != inst.tags.end() && stage != inst.tags.end() && stage->second == a.stage &&
            attempt->second == std::to_string(a.attempt)) {
          ids.push_back(inst.id);
        }
      }
    }
    Status status =
        provider ? Status::Ok() : Status::FailedPrecondition("no provider for " + a.provider);
    for (const auto& instance_id : ids) {
      if (status.ok()) status = provider->Terminate(instance_id);
    }
    if (status.ok() || status.IsNotFound()) {
      status = store_.EndAttempt(id, a.stage, a.attempt, outcome, Now());
    }
    if (!status.ok() && first.ok()) first = status;
  }
  return first;
}

Status Executor::Impl::FailPipeline(const PipelineRecord& record, const std::string& reason) {
  Status stopped = StopLiveAttempts(record.id, "cancelled");
  for (const StageRecord& stage : record.stages) {
    if (IsTerminal(stage.state)) continue;
    (void)TransitionStage(record.id, stage.name, StageState::kFailed, "pipeline failed");
  }
  SKY_RETURN_IF_ERROR(store_.Transition(record.id, PipelineState::kFailed, reason, Now()));
  PurgeIntermediateData(record);
  auto view = Get(record.id);
  if (view.ok()) {
    (void)Event(record.id, std::nullopt, "cost",
                "actual " + Dollars(view->actual_cost_usd) + " (plan estimated " +
                    Dollars(view->estimated_cost_usd) + ")");
  }
  return stopped;
}

Status Executor::Impl::FinishPipeline(const PipelineRecord& record) {
  SKY_RETURN_IF_ERROR(StopLiveAttempts(record.id, "succeeded"));
  SKY_ASSIGN_OR_RETURN(PipelineView view, Get(record.id));
  SKY_RETURN_IF_ERROR(store_.Transition(
      record.id, PipelineState::kSucceeded,
      "all " + std::to_string(record.stages.size()) + " stages succeeded; actual " +
          Dollars(view.actual_cost_usd) + ", plan estimated " + Dollars(view.estimated_cost_usd),
      Now()));
  PurgeIntermediateData(record);
  return Status::Ok();
}

Status Executor::Impl::Cancel(const std::string& id, const std::string& reason) {
  return WithClaim(id, [&]() -> Status {
    SKY_ASSIGN_OR_RETURN(PipelineRecord record, store_.GetPipeline(id));
    if (IsTerminal(record.state)) {
      return Status::FailedPrecondition("pipeline '" + id + "' is already " +
                                        std::string(Name(record.state)));
    }
    // Recorded first: a crash from here on still ends with every instance terminated
    // (Advance and Recover stop the live attempts of a terminal pipeline).
    SKY_RETURN_IF_ERROR(store_.Transition(id, PipelineState::kCancelled, reason, Now()));
    Status stopped = StopLiveAttempts(id, "cancelled");
    for (const StageRecord& stage : record.stages) {
      if (!IsTerminal(stage.state)) {
        (void)TransitionStage(id, stage.name, StageState::kFailed, "pipeline cancelled");
      }
    }
    PurgeIntermediateData(record);
    auto view = Get(id);
    if (view.ok()) {
      (void)Event(id, std::nullopt, "cost", "cost so far " + Dollars(view->actual_cost_usd));
    }
    if (!stopped.ok()) Schedule(id, Now() + options_.poll_seconds);
    return Status::Ok();
  });
}

Result<PipelineView> Executor::Impl::Get(const std::string& id) {
  PipelineView view;
  SKY_ASSIGN_OR_RETURN(view.record, store_.GetPipeline(id));
  SKY_ASSIGN_OR_RETURN(view.attempts, store_.Attempts(id));
  SKY_ASSIGN_OR_RETURN(view.transfers, store_.Transfers(id));
  const double now = Now();
  for (const AttemptRecord& a : view.attempts) {
    view.actual_cost_usd += a.outcome.empty()
                                ? a.price_per_hour * std::max(0.0, now - a.requested_at) / 3600
                                : a.cost_usd;
  }
  if (!view.record.plan_json.empty()) {
    auto plan = planner::PlanFromJson(view.record.plan_json);
    if (plan.ok()) view.estimated_cost_usd = plan->total_cost_usd;
  }
  return view;
}

// --- shared helpers ---

Status Executor::Impl::TransitionStage(const std::string& id, const std::string& stage,
                                       StageState to, const std::string& reason) {
  SKY_RETURN_IF_ERROR(store_.Transition(id, stage, to, reason, Now()));
  CountTransition();
  return Status::Ok();
}

Status Executor::Impl::Event(const std::string& id, const std::optional<std::string>& stage,
                             const std::string& kind, const std::string& message) {
  return store_.AppendEvent(id, stage, kind, message, Now());
}

double Executor::Impl::PipelineHours(const PipelineRecord& record) const {
  return std::max(0.0, Now() - record.created_at) / 3600.0;
}

providers::Provider* Executor::Impl::ProviderFor(const std::string& offer_provider) const {
  providers::Provider* sim = nullptr;
  for (providers::Provider* p : providers_) {
    const std::string name = p->name();
    if (name == offer_provider) return p;
    if (name == "sim") sim = p;
  }
  return sim;
}

const planner::StagePlacement* Executor::Impl::PlacementOf(const PipelineRun& run,
                                                           const std::string& stage) const {
  if (!run.plan) return nullptr;
  for (const auto& placement : run.plan->stages) {
    if (placement.name == stage) return &placement;
  }
  return nullptr;
}

std::optional<Offer> Executor::Impl::FindOffer(const std::string& offer_id) const {
  auto snapshot = plans_.catalog().Snapshot();
  const Offer* offer = snapshot->Find(offer_id);
  if (!offer) return std::nullopt;
  return *offer;
}

std::string Executor::Impl::AttemptKey(const std::string& id, size_t stage_index, int64_t attempt) {
  return "sky-" + id + "-" + std::to_string(stage_index) + "-" + std::to_string(attempt);
}

size_t Executor::Impl::StageIndex(const PipelineRun& run, const std::string& stage) const {
  for (size_t i = 0; i < run.spec.stages.size(); ++i) {
    if (run.spec.stages[i].name == stage) return i;
  }
  return 0;  // the store's stages are the spec's: unreachable for a consistent record
}

}  // namespace sky::broker
