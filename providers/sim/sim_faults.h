#pragma once
// SimFaults: the sim cloud's injected API faults (SimOptions::error_rate, timeout_rate,
// timeout_seconds, throttle_burst_every_seconds, throttle_burst_seconds), so that the broker's
// retry, back-off and reconcile paths run against the simulated cloud the way they run against
// a real one: 5xx errors, calls that time out (for mutating calls sometimes after the cloud
// acted: an ambiguous outcome), and periodic throttling bursts.
// Deterministic for a given seed and sequence of (clock time, call) pairs: it draws from its
// own generator, so the preemption model's draws are the same with faults on or off.
// Thread-safe.

#include <cstdint>
#include <random>

#include "sky/providers/sim_provider.h"
#include "sky/types/mutex.h"
#include "sky/types/status.h"

namespace sky::providers {

enum class SimFault {
  kNone,           // the call goes through
  kError,          // fails at once with Unavailable (a 5xx), before acting
  kThrottled,      // inside a throttling burst: Unavailable with reason "throttled"
  kTimeoutBefore,  // takes timeout_seconds, then DeadlineExceeded; the cloud did not act
  kTimeoutAfter,   // the cloud acts, then the call takes timeout_seconds and DeadlineExceeded
};

class SimFaults {
 public:
  explicit SimFaults(const SimOptions& options);

  // The fault of one call made at clock time `now`. `acts`: the call changes the cloud
  // (launch, terminate), so half of its timeouts come after the change took effect; for a
  // read a timeout is always kTimeoutBefore.
  SimFault Next(double now, bool acts) SKY_EXCLUDES(mu_);

  // Whether `now` falls inside a throttling burst: the first throttle_burst_seconds of every
  // throttle_burst_every_seconds of clock time (bursts start at clock multiples of it).
  bool Throttled(double now) const;

  // The error a call that met `fault` returns, naming `operation` (`acts` as for Next: the
  // message of a timeout then warns that the call may have taken effect). Sleeps
  // timeout_seconds of real time first for a timeout: call it without holding a lock.
  // REQUIRES: fault != kNone.
  Status Fail(SimFault fault, const char* operation, bool acts) const SKY_EXCLUDES(mu_);

  // Adds the counts of injected faults to `stats`.
  void AddTo(SimStats& stats) const SKY_EXCLUDES(mu_);

 private:
  const double error_rate_;
  const double timeout_rate_;
  const double timeout_seconds_;
  const double burst_every_;
  const double burst_seconds_;
  mutable Mutex mu_;
  std::mt19937_64 rng_ SKY_GUARDED_BY(mu_);
  int64_t errors_ SKY_GUARDED_BY(mu_) = 0;
  int64_t timeouts_ SKY_GUARDED_BY(mu_) = 0;
  int64_t throttled_ SKY_GUARDED_BY(mu_) = 0;
};

}  // namespace sky::providers
