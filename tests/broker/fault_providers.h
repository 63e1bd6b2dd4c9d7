#pragma once
// Fault-injecting providers for the executor's scenario tests (STYLE.md "forwarding wrapper"):
// each forwards to a real provider (the sim) and overrides one behaviour. Thread-safe like the
// sim: one mutex per provider covers its counters (SKY_GUARDED_BY).

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sky/providers/provider.h"
#include "sky/types/mutex.h"

namespace sky::testing {

// Refuses launches with a scripted error while `refuse(request)` says so, counting them.
class RefusingProvider : public providers::ProviderWrapper {
 public:
  using Rule = std::function<Status(const providers::LaunchRequest&)>;
  RefusingProvider(providers::Provider& target, Rule rule)
      : ProviderWrapper(target), rule_(std::move(rule)) {}

  Result<providers::Instance> Launch(const providers::LaunchRequest& request) override {
    {
      MutexLock lock(mu_);
      launch_keys_.push_back(request.idempotency_key);
      Status status = rule_(request);
      if (!status.ok()) {
        refused_.push_back(request.offer.id);
        return status;
      }
    }
    return target().Launch(request);
  }
  std::vector<std::string> refused() const {
    MutexLock lock(mu_);
    return refused_;
  }
  std::vector<std::string> launch_keys() const {
    MutexLock lock(mu_);
    return launch_keys_;
  }

 private:
  mutable Mutex mu_;
  Rule rule_;
  std::vector<std::string> refused_ SKY_GUARDED_BY(mu_);      // offer ids, in order
  std::vector<std::string> launch_keys_ SKY_GUARDED_BY(mu_);  // every launch call's key
};

// Preempts (silently: no notice, only `describe` shows it) the first instance of `stage` once
// it has run `after_seconds` on the clock, `times` times over the test.
class PreemptingProvider : public providers::ProviderWrapper {
 public:
  PreemptingProvider(providers::Provider& target, const Clock& clock, std::string stage,
                     double after_seconds, int times = 1)
      : ProviderWrapper(target),
        clock_(clock),
        stage_(std::move(stage)),
        after_(after_seconds),
        times_left_(times) {}

  Result<std::vector<providers::Instance>> Describe(const std::vector<std::string>& ids) override {
    auto result = target().Describe(ids);
    if (!result.ok()) return result;
    MutexLock lock(mu_);
    for (auto& inst : *result) Apply(inst);
    return result;
  }
  int preempted() const {
    MutexLock lock(mu_);
    return static_cast<int>(preempted_.size());
  }

 private:
  void Apply(providers::Instance& inst) SKY_REQUIRES(mu_) {
    if (preempted_.count(inst.id)) {
      inst.state = providers::InstanceState::kTerminated;
      inst.reason = providers::TerminationReason::kPreempted;
      return;
    }
    auto stage = inst.tags.find(providers::kTagStage);
    if (times_left_ <= 0 || stage == inst.tags.end() || stage->second != stage_) return;
    if (inst.state != providers::InstanceState::kRunning) return;
    if (inst.agent && inst.agent->exit_code) return;
    if (clock_.NowSeconds() < inst.launched_at_seconds + after_) return;
    --times_left_;
    preempted_.insert(inst.id);
    (void)target().Terminate(inst.id);  // the cloud took it back: no longer billed
    inst.state = providers::InstanceState::kTerminated;
    inst.reason = providers::TerminationReason::kPreempted;
  }

  const Clock& clock_;
  const std::string stage_;
  const double after_;
  mutable Mutex mu_;
  int times_left_ SKY_GUARDED_BY(mu_);
  std::set<std::string> preempted_ SKY_GUARDED_BY(mu_);
};

// Makes the command of `stage` exit with `exit_code` (and a log tail) instead of 0, every time.
class FailingCommandProvider : public providers::ProviderWrapper {
 public:
  FailingCommandProvider(providers::Provider& target, std::string stage, int exit_code)
      : ProviderWrapper(target), stage_(std::move(stage)), exit_code_(exit_code) {}

  Result<std::vector<providers::Instance>> Describe(const std::vector<std::string>& ids) override {
    auto result = target().Describe(ids);
    if (!result.ok()) return result;
    for (auto& inst : *result) {
      auto stage = inst.tags.find(providers::kTagStage);
      if (stage == inst.tags.end() || stage->second != stage_) continue;
      if (inst.agent && inst.agent->exit_code) {
        inst.agent->exit_code = exit_code_;
        inst.agent->log_tail =
            "Traceback (most recent call last):\nRuntimeError: CUDA out of memory";
      }
    }
    return result;
  }

 private:
  const std::string stage_;
  const int exit_code_;
};

}  // namespace sky::testing
