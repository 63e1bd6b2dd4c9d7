#pragma once
// Fault-injecting providers for the executor's scenario tests (STYLE.md "forwarding wrapper"):
// each forwards to a real provider (the sim) and overrides one behaviour. Thread-safe like the
// sim: every counter is guarded by one mutex.

#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "sky/providers/provider.h"

namespace sky::testing {

// Refuses launches with a scripted error while `refuse(request)` says so, counting them.
class RefusingProvider : public providers::ProviderWrapper {
 public:
  using Rule = std::function<Status(const providers::LaunchRequest&)>;
  RefusingProvider(providers::Provider& target, Rule rule)
      : ProviderWrapper(target), rule_(std::move(rule)) {}

  Result<providers::Instance> Launch(const providers::LaunchRequest& request) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
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
    std::lock_guard<std::mutex> lock(mu_);
    return refused_;
  }
  std::vector<std::string> launch_keys() const {
    std::lock_guard<std::mutex> lock(mu_);
    return launch_keys_;
  }

 private:
  mutable std::mutex mu_;
  Rule rule_;
  std::vector<std::string> refused_;      // guarded by mu_: offer ids, in order
  std::vector<std::string> launch_keys_;  // guarded by mu_: every launch call's key
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
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& inst : *result) Apply(inst);
    return result;
  }
  int preempted() const {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int>(preempted_.size());
  }

 private:
  void Apply(providers::Instance& inst) {
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
  mutable std::mutex mu_;
  int times_left_;                   // guarded by mu_
  std::set<std::string> preempted_;  // guarded by mu_
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
        inst.agent->log_tail = "Traceback (most recent call last):\nRuntimeError: CUDA out of memory";
      }
    }
    return result;
  }

 private:
  const std::string stage_;
  const int exit_code_;
};

}  // namespace sky::testing
