// provisioning | running: poll `describe` so that silent preemptions are seen, apply what the
// instance reports (heartbeats, or the agent report a provider relays), and act on exits.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "broker/executor/executor_impl.h"

namespace sky::broker {
namespace {

// Progress changes smaller than this are not written to the store (checkpoints always are).
constexpr double kProgressStep = 0.05;

// Compares two hashes without an early exit, so timing reveals nothing about a token.
bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

Status CheckFraction(const std::optional<double>& value, const char* field) {
  if (value && !(*value >= 0 && *value <= 1)) {
    return Status::InvalidArgument(std::string(field) + " must be between 0 and 1");
  }
  return Status::Ok();
}

std::string Percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f%%", fraction * 100);
  return buf;
}

HeartbeatReport FromAgent(const providers::AgentReport& agent) {
  HeartbeatReport report;
  report.progress = agent.progress;
  report.checkpoint = agent.checkpoint;
  report.exit_code = agent.exit_code;
  report.log_tail = agent.log_tail;
  return report;
}

}  // namespace

std::optional<double> Executor::Impl::PollStage(const PipelineRecord& record, PipelineRun& run,
                                                const StageRecord& stage) {
  PipelineRun::StageTimers& timers = run.timers[stage.name];
  const double now = Now();
  if (timers.retry_at > now) return timers.retry_at;
  if (timers.next_poll_at > now) return timers.next_poll_at;
  std::optional<Offer> offer = FindOffer(stage.offer_id);
  providers::Provider* provider = ProviderFor(offer ? offer->provider : "sim");
  if (!provider) return OnLost(record, run, stage, "no provider configured for its offer");
  auto described = provider->Describe({stage.instance_id});
  if (!described.ok()) {
    if (described.status().IsNotFound()) {
      return OnLost(record, run, stage, "instance " + stage.instance_id + " vanished");
    }
    const bool first = timers.backoff_seconds <= 0;
    timers.retry_at = now + Backoff(timers);
    if (first) {
      (void)Event(record.id, stage.name, "unavailable",
                  "describe failed: " + described.status().message() + "; backing off");
    }
    return timers.retry_at;
  }
  timers.backoff_seconds = 0;
  if (described->empty()) return OnLost(record, run, stage, "instance missing from describe");
  return OnInstance(record, run, stage, described->front());
}

std::optional<double> Executor::Impl::OnInstance(const PipelineRecord& record, PipelineRun& run,
                                                 const StageRecord& stage,
                                                 const providers::Instance& instance) {
  if (instance.agent) {
    HeartbeatReport report = FromAgent(*instance.agent);
    (void)ApplyReport(record, stage, report);
    if (report.exit_code) return OnExit(record, run, stage, report);
  }
  if (instance.state == providers::InstanceState::kTerminated) {
    return OnLost(record, run, stage,
                  "instance " + instance.id + " terminated (" +
                      std::string(providers::TerminationReasonName(instance.reason)) + ")");
  }
  if (stage.state == StageState::kProvisioning &&
      instance.state == providers::InstanceState::kRunning) {
    (void)TransitionStage(record.id, stage.name, StageState::kRunning,
                          "instance " + instance.id + " running in " + instance.provider + ":" +
                              instance.region + (instance.zone.empty() ? "" : ":" + instance.zone));
  }
  if (options_.market_policy && instance.state == providers::InstanceState::kRunning) {
    const double saved =
        std::max(stage.checkpoint, instance.agent ? instance.agent->checkpoint : 0.0);
    if (std::optional<double> moved = ReviewMarket(record, run, stage, instance, saved)) {
      return moved;
    }
  }
  PipelineRun::StageTimers& timers = run.timers[stage.name];
  timers.next_poll_at = Now() + options_.poll_seconds;
  return timers.next_poll_at;
}

Status Executor::Impl::ApplyReport(const PipelineRecord& record, const StageRecord& stage,
                                   const HeartbeatReport& report) {
  if (report.restore_failed || !report.transfers.empty() || !report.checkpoint_uri.empty() ||
      !report.notes.empty()) {
    SKY_RETURN_IF_ERROR(ApplyDataReport(record, stage, report));
    if (report.restore_failed) {  // the stored checkpoint no longer counts: start from the report
      StageRecord restarted = stage;
      restarted.checkpoint = 0;
      HeartbeatReport rest = report;
      rest.restore_failed = false;
      rest.transfers.clear();
      rest.notes.clear();
      rest.checkpoint_uri.clear();
      return ApplyReport(record, restarted, rest);
    }
  }
  const double progress = report.progress.value_or(stage.progress);
  // A checkpoint never goes backwards: a fresh attempt resumes from the last one saved.
  const double checkpoint = std::max(stage.checkpoint, report.checkpoint.value_or(0));
  // Progress is shown, checkpoints are needed to resume: write every new checkpoint and exit,
  // but progress only in steps, so that a thousand stages polled every minute stay cheap.
  const bool worth_writing = checkpoint != stage.checkpoint || report.exit_code ||
                             std::abs(progress - stage.progress) >= kProgressStep ||
                             (progress == 1 && stage.progress != 1);
  if (!worth_writing) return Status::Ok();
  return store_.SetStageProgress(record.id, stage.name, progress, checkpoint,
                                 report.exit_code ? report.log_tail : "", Now());
}

std::optional<double> Executor::Impl::OnExit(const PipelineRecord& record, PipelineRun& run,
                                             const StageRecord& stage,
                                             const HeartbeatReport& report) {
  const std::string& id = record.id;
  const int exit_code = report.exit_code.value_or(0);
  const std::string& log_tail = report.log_tail;
  if (stage.state == StageState::kProvisioning) {
    (void)TransitionStage(id, stage.name, StageState::kRunning, "the instance reported in");
  }
  std::optional<Offer> offer = FindOffer(stage.offer_id);
  providers::Provider* provider = ProviderFor(offer ? offer->provider : "sim");
  Status stopped = provider ? provider->Terminate(stage.instance_id) : Status::Ok();
  if (!stopped.ok() && !stopped.IsNotFound()) {
    run.timers[stage.name].retry_at = Now() + Backoff(run.timers[stage.name]);
    return run.timers[stage.name].retry_at;  // keep the exit for the next look
  }
  const std::string attempt = std::to_string(stage.attempt);
  if (!report.data_error.empty() || exit_code == 0) {
    // Never succeeded without its outputs stored: a data error (a missing input, an upload
    // that failed after its retries) fails the stage, as retrying cannot conjure the data.
    Status stored = exit_code == 0 && report.data_error.empty()
                        ? StoreOutputs(record, run, stage, report)
                        : Status::FailedPrecondition(report.data_error);
    if (!stored.ok()) {
      (void)store_.EndAttempt(id, stage.name, stage.attempt, "failed", Now());
      (void)TransitionStage(id, stage.name, StageState::kFailed,
                            "data: " + stored.message() + " (attempt " + attempt + ")");
      return Now();
    }
  }
  if (exit_code == 0) {
    (void)store_.EndAttempt(id, stage.name, stage.attempt, "succeeded", Now());
    (void)TransitionStage(id, stage.name, StageState::kSucceeded,
                          "exit 0 on attempt " + attempt + " (" + stage.offer_id + ")");
    PurgeCheckpoints(record, stage);
    return Now();
  }
  (void)store_.EndAttempt(id, stage.name, stage.attempt, "failed", Now());
  auto failures = store_.AddStageFailure(id, stage.name);
  const int64_t count = failures.ok() ? *failures : stage.failures + 1;
  const std::string code = "exit " + std::to_string(exit_code);
  if (count >= options_.max_stage_failures) {
    (void)TransitionStage(id, stage.name, StageState::kFailed,
                          code + " (failure " + std::to_string(count) + " of " +
                              std::to_string(options_.max_stage_failures) + "); last log lines:\n" +
                              (log_tail.empty() ? stage.log_tail : log_tail));
    return Now();
  }
  (void)TransitionStage(id, stage.name, StageState::kRecovering,
                        code + " (failure " + std::to_string(count) + " of " +
                            std::to_string(options_.max_stage_failures) + "); retrying");
  return Now();
}

std::optional<double> Executor::Impl::OnLost(const PipelineRecord& record, PipelineRun& run,
                                             const StageRecord& stage, const std::string& why) {
  const double now = Now();
  std::optional<Offer> offer = FindOffer(stage.offer_id);
  (void)store_.EndAttempt(record.id, stage.name, stage.attempt, "preempted", now);
  if (offer) {
    // A preemption says the zone's spot capacity is scarce; on-demand there is unaffected.
    const std::string key = offer->location_id() + "#" + std::string(MarketName(offer->market));
    const double cooldown = options_.preemption_cooldown_seconds;
    blocklist_.Block(key, now + cooldown);
    (void)Event(record.id, stage.name, "preempted",
                why + " at checkpoint " + Percent(stage.checkpoint) + "; blocking " + key +
                    " for " + std::to_string(static_cast<int>(cooldown / 60)) + " min");
  }
  run.timers[stage.name] = {};
  (void)TransitionStage(record.id, stage.name, StageState::kPreempted, why);
  return now;
}

Status Executor::Impl::Heartbeat(const std::string& id, const std::string& stage_name,
                                 std::string_view token, const HeartbeatReport& report) {
  SKY_RETURN_IF_ERROR(CheckFraction(report.progress, "progress"));
  SKY_RETURN_IF_ERROR(CheckFraction(report.checkpoint, "checkpoint"));
  bool exited = false;
  Status status = WithClaim(id, [&]() -> Status {
    SKY_ASSIGN_OR_RETURN(PipelineRecord record, store_.GetPipeline(id));
    SKY_ASSIGN_OR_RETURN(const StageRecord* stage, CheckStageToken(record, stage_name, token));
    SKY_RETURN_IF_ERROR(ApplyReport(record, *stage, report));
    if (!report.exit_code) return Status::Ok();
    SKY_ASSIGN_OR_RETURN(PipelineRun * run, RunFor(record));
    // The report may have changed the stage (its checkpoint): decide on the stored one.
    SKY_ASSIGN_OR_RETURN(PipelineRecord now, store_.GetPipeline(id));
    SKY_ASSIGN_OR_RETURN(const StageRecord* current, CheckStageToken(now, stage_name, token));
    (void)OnExit(now, *run, *current, report);
    exited = true;
    return Status::Ok();
  });
  if (exited) Schedule(id, Now());
  return status;
}

Result<const StageRecord*> Executor::Impl::CheckStageToken(const PipelineRecord& record,
                                                           const std::string& stage_name,
                                                           std::string_view token) {
  const StageRecord* stage = nullptr;
  for (const auto& s : record.stages) {
    if (s.name == stage_name) stage = &s;
  }
  if (!stage) {
    return Status::NotFound("pipeline '" + record.id + "' has no stage '" + stage_name + "'");
  }
  if (stage->token_hash.empty() || !ConstantTimeEquals(tokens_.Hash(token), stage->token_hash)) {
    return Status::Unauthenticated("bad stage token for '" + stage_name + "'");
  }
  if (IsTerminal(record.state) ||
      (stage->state != StageState::kProvisioning && stage->state != StageState::kRunning)) {
    return Status::FailedPrecondition("stage '" + stage_name + "' is " +
                                      std::string(Name(stage->state)) + ", not running");
  }
  return stage;
}

}  // namespace sky::broker
