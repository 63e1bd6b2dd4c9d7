// pending | recovering -> provisioning: record the attempt, then ask the provider; on a capacity
// or quota error block the place and move to the next candidate; on throttling, a 5xx or a
// timeout back off and retry the SAME attempt (same idempotency key), never failing over.
#include <algorithm>
#include <cstdio>

#include "broker/executor/container_run.h"
#include "broker/executor/executor_impl.h"
#include "broker/executor/stage_data.h"
#include "broker/executor/startup_script.h"

namespace sky::broker {
namespace {

// Slack (hours) a late stage may eat into before it is re-planned rather than launched as
// planned: boots and polling make every stage a little late, which alone is no reason.
constexpr double kLateSlackHours = 0.05;

std::string Price(double usd_per_hour) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "$%.4g/h", usd_per_hour);
  return buf;
}

std::string Minutes(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f min", seconds / 60);
  return buf;
}

}  // namespace

bool Executor::Impl::PredecessorsDone(const PipelineRecord& record,
                                      const planner::StageSpec& stage) const {
  for (const std::string& pred : stage.after) {
    for (const StageRecord& s : record.stages) {
      if (s.name == pred && s.state != StageState::kSucceeded) return false;
    }
  }
  return true;
}

std::optional<double> Executor::Impl::LaunchStage(const PipelineRecord& record, PipelineRun& run,
                                                  const StageRecord& stage) {
  if (options_.market_policy) return LaunchByPolicy(record, run, stage);
  const planner::StagePlacement* placement = PlacementOf(run, stage.name);
  std::optional<Offer> offer = placement ? FindOffer(placement->offer_id) : std::nullopt;
  // Late enough that the rest of the plan, shifted by the delay, would miss the deadline.
  const bool late = placement && stage.state == StageState::kPending && run.spec.deadline_hours &&
                    run.plan &&
                    PipelineHours(record) - placement->start_hours + run.plan->makespan_hours >
                        *run.spec.deadline_hours - kLateSlackHours;
  if (!offer || blocklist_.Blocks(*offer, Now()) || late) {
    const std::string why = !offer ? "its planned offer is gone"
                            : late ? "it starts too late for the plan to meet the deadline"
                                   : "its planned place is blocked";
    Status replanned = Replan(record, run, stage.name, "'" + stage.name + "': " + why);
    placement = PlacementOf(run, stage.name);
    offer = placement ? FindOffer(placement->offer_id) : std::nullopt;
    if (!replanned.ok() || !offer || blocklist_.Blocks(*offer, Now())) {
      (void)TransitionStage(
          record.id, stage.name, StageState::kFailed,
          "no candidate offer left: " +
              (replanned.ok() ? std::string("every place is blocked") : replanned.message()));
      return Now();
    }
  }
  return StartAttempt(record, run, stage, *offer, "");
}

std::optional<double> Executor::Impl::StartAttempt(const PipelineRecord& record, PipelineRun& run,
                                                   const StageRecord& stage, const Offer& offer,
                                                   const std::string& why) {
  if (stage.attempt + 1 > options_.max_stage_attempts) {
    (void)TransitionStage(record.id, stage.name, StageState::kFailed,
                          "gave up after " + std::to_string(stage.attempt) + " launch attempts");
    return Now();
  }
  AttemptRecord attempt;
  attempt.pipeline_id = record.id;
  attempt.stage = stage.name;
  attempt.attempt = stage.attempt + 1;
  attempt.offer_id = offer.id;
  attempt.provider = offer.provider;
  attempt.location = offer.location_id();
  attempt.market = std::string(MarketName(offer.market));
  attempt.price_per_hour = offer.price_per_hour;
  attempt.idempotency_key = AttemptKey(record.id, StageIndex(run, stage.name), attempt.attempt);
  attempt.requested_at = Now();
  const std::string reason = "attempt " + std::to_string(attempt.attempt) + " on " + offer.id +
                             " (" + attempt.market + ", " + Price(offer.price_per_hour) + ")" +
                             (why.empty() ? "" : ": " + why);
  Status recorded =
      store_.RecordLaunch(attempt, tokens_.Hash(tokens_.TokenFor(attempt.idempotency_key)),
                          StageState::kProvisioning, reason, Now());
  if (!recorded.ok()) return Now() + options_.poll_seconds;
  if (stage.state != StageState::kProvisioning) CountTransition();
  return CallLaunch(record, run, stage, attempt, offer);
}

std::optional<double> Executor::Impl::RetryLaunch(const PipelineRecord& record, PipelineRun& run,
                                                  const StageRecord& stage) {
  auto attempts = store_.Attempts(record.id);
  if (!attempts.ok()) return Now() + options_.poll_seconds;
  const AttemptRecord* current = nullptr;
  for (const auto& a : *attempts) {
    if (a.stage == stage.name && a.attempt == stage.attempt) current = &a;
  }
  // The last attempt ended (capacity, quota): the next candidate gets a new attempt.
  if (!current || !current->outcome.empty()) return LaunchStage(record, run, stage);
  PipelineRun::StageTimers& timers = run.timers[stage.name];
  if (timers.retry_at > Now()) return timers.retry_at;
  std::optional<Offer> offer = FindOffer(current->offer_id);
  if (!offer) {
    (void)store_.EndAttempt(record.id, stage.name, current->attempt, "replaced", Now());
    return Now();
  }
  return CallLaunch(record, run, stage, *current, *offer);
}

Result<providers::LaunchRequest> Executor::Impl::BuildLaunchRequest(const PipelineRecord& record,
                                                                    const PipelineRun& run,
                                                                    const StageRecord& stage,
                                                                    const AttemptRecord& attempt,
                                                                    const Offer& offer) {
  const planner::StageSpec& spec = run.spec.stages[StageIndex(run, stage.name)];
  providers::LaunchRequest request;
  request.offer = offer;
  request.idempotency_key = attempt.idempotency_key;
  request.tags = {{providers::kTagDeployment, options_.deployment},
                  {providers::kTagPipeline, record.id},
                  {providers::kTagStage, stage.name},
                  {providers::kTagAttempt, std::to_string(attempt.attempt)},
                  {providers::kTagResumeFrom, std::to_string(stage.checkpoint)}};
  if (auto hours = StageRuntimeHours(spec, offer.accelerator)) {
    request.tags[providers::kTagWorkSeconds] = std::to_string(*hours * 3600);
  }
  if (spec.checkpoint_minutes) {
    request.tags[providers::kTagCheckpointSeconds] = std::to_string(*spec.checkpoint_minutes * 60);
  }
  StartupScriptParams script;
  script.heartbeat_url = options_.heartbeat_base_url + "/v1/pipelines/" + record.id + "/stages/" +
                         stage.name + "/heartbeat";
  script.token = tokens_.TokenFor(attempt.idempotency_key);
  script.setup = spec.setup;
  script.command = spec.command;
  script.env = spec.env;  // names were checked at submit: none starts with SKY_
  script.env["SKY_PIPELINE_ID"] = record.id;
  script.env["SKY_STAGE"] = stage.name;
  script.env["SKY_ATTEMPT"] = std::to_string(attempt.attempt);
  script.env["SKY_RESUME_FROM"] = std::to_string(stage.checkpoint);
  script.heartbeat_interval_seconds = std::min(30.0, options_.poll_seconds);
  script.log_tail_lines = options_.log_tail_lines;
  if (DataPlaneFor(offer)) {
    SKY_ASSIGN_OR_RETURN(script.data,
                         ScriptDataFor(options_.data, options_.heartbeat_base_url, record, run.spec,
                                       stage, attempt.attempt, offer));
  }
  if (!spec.image.empty() && ProviderRunsImage(offer.provider)) {
    request.image = spec.image;  // the instance is the container
  } else {
    script.container.image = spec.image;
    script.container.gpus = offer.accelerator_count > 0;
  }
  request.startup_script = RenderStartupScript(script);
  return request;
}

std::optional<double> Executor::Impl::CallLaunch(const PipelineRecord& record, PipelineRun& run,
                                                 const StageRecord& stage,
                                                 const AttemptRecord& attempt, const Offer& offer) {
  providers::Provider* provider = ProviderFor(offer.provider);
  if (!provider) {
    return OnLaunchError(
        record, run, stage, attempt, offer,
        Status::FailedPrecondition("no provider configured for " + offer.provider));
  }
  auto request = BuildLaunchRequest(record, run, stage, attempt, offer);
  if (!request.ok()) {
    (void)store_.EndAttempt(record.id, stage.name, attempt.attempt, "rejected", Now());
    (void)TransitionStage(record.id, stage.name, StageState::kFailed,
                          "cannot launch: " + request.status().message());
    return Now();
  }
  auto instance = provider->Launch(*request);
  if (!instance.ok()) {
    return OnLaunchError(record, run, stage, attempt, offer, instance.status());
  }
  PipelineRun::StageTimers& timers = run.timers[stage.name];
  timers.backoff_seconds = 0;
  timers.retry_at = 0;
  if (!store_.SetAttemptInstance(record.id, stage.name, attempt.attempt, instance->id).ok()) {
    // Reconcile adopts it by its tags; the next pass finds it through the idempotency key.
    return Now() + options_.poll_seconds;
  }
  timers.next_poll_at = Now() + options_.poll_seconds;
  return timers.next_poll_at;
}

double Executor::Impl::Backoff(PipelineRun::StageTimers& timers) {
  timers.backoff_seconds =
      timers.backoff_seconds <= 0
          ? options_.throttle_initial_backoff_seconds
          : std::min(options_.throttle_max_backoff_seconds, 2 * timers.backoff_seconds);
  MutexLock lock(mu_);
  // Equal jitter: between half and all of the back-off, so retries of many stages spread out.
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return timers.backoff_seconds * jitter(rng_);
}

std::optional<double> Executor::Impl::OnLaunchError(const PipelineRecord& record, PipelineRun& run,
                                                    const StageRecord& stage,
                                                    const AttemptRecord& attempt,
                                                    const Offer& offer, const Status& error) {
  const double now = Now();
  // A timeout is an ambiguous outcome: the cloud may have created the instance without
  // answering. Only a retry with the same idempotency key finds it; ending the attempt and
  // moving on would leave that instance running, unseen and billed.
  if (error.IsUnavailable() || error.IsDeadlineExceeded()) {
    PipelineRun::StageTimers& timers = run.timers[stage.name];
    const double wait = Backoff(timers);
    timers.retry_at = now + wait;
    const std::string kind = error.IsDeadlineExceeded()      ? "timeout"
                             : error.reason() == "throttled" ? "throttled"
                                                             : "unavailable";
    (void)Event(record.id, stage.name, kind,
                offer.provider + " " + error.message() + "; retrying attempt " +
                    std::to_string(attempt.attempt) + " in " + std::to_string(int(wait)) +
                    " s with the same idempotency key (no failover)");
    return timers.retry_at;
  }
  std::string key = offer.region_id(), kind = "rejected", outcome = "rejected";
  double cooldown = options_.quota_cooldown_seconds;
  if (error.IsResourceExhausted() && error.reason() == "quota") {
    kind = outcome = "quota";
  } else if (error.IsResourceExhausted() || error.IsNotFound()) {
    // No capacity of this market here says nothing about the other market's.
    key = offer.location_id() + "#" + std::string(MarketName(offer.market));
    kind = outcome = "capacity";
    cooldown = options_.capacity_cooldown_seconds;
  }
  blocklist_.Block(key, now + cooldown);
  (void)store_.EndAttempt(record.id, stage.name, attempt.attempt, outcome, now);
  (void)Event(record.id, stage.name, kind,
              error.message() + "; blocking " + key + " for " + Minutes(cooldown) +
                  " and trying the next candidate");
  // A market policy chooses the next place itself, knowing this one has no capacity now.
  if (options_.market_policy) return now;
  Status replanned = Replan(record, run, stage.name, kind + " at " + key);
  if (!replanned.ok()) {
    (void)TransitionStage(
        record.id, stage.name, StageState::kFailed,
        "no candidate offer left after " + kind + " at " + key + ": " + replanned.message());
  }
  return now;
}

}  // namespace sky::broker
