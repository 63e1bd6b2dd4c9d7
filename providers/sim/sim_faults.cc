#include "providers/sim/sim_faults.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <thread>

namespace sky::providers {
namespace {

// Mixed into the seed so that the fault stream differs from the preemption model's stream.
constexpr uint64_t kFaultStream = 0x5eed'fa17'0000'0001ULL;

double Fraction(double value) { return std::clamp(value, 0.0, 1.0); }

std::string Seconds(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", seconds);
  return buf;
}

}  // namespace

SimFaults::SimFaults(const SimOptions& options)
    : error_rate_(Fraction(options.error_rate)),
      // Errors are drawn first: whatever is left of the unit interval bounds the timeouts.
      timeout_rate_(std::min(Fraction(options.timeout_rate), 1.0 - Fraction(options.error_rate))),
      timeout_seconds_(std::max(0.0, options.timeout_seconds)),
      burst_every_(std::max(0.0, options.throttle_burst_every_seconds)),
      burst_seconds_(std::max(0.0, options.throttle_burst_seconds)),
      rng_(options.seed ^ kFaultStream) {}

bool SimFaults::Throttled(double now) const {
  if (burst_every_ <= 0 || burst_seconds_ <= 0) return false;
  const double into_period = now - std::floor(now / burst_every_) * burst_every_;
  return into_period < burst_seconds_;
}

SimFault SimFaults::Next(double now, bool acts) {
  MutexLock lock(mu_);
  if (Throttled(now)) {
    ++throttled_;
    return SimFault::kThrottled;
  }
  // No draw when no rate is set: a sim without faults consumes nothing.
  if (error_rate_ <= 0 && timeout_rate_ <= 0) return SimFault::kNone;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double u = unit(rng_);
  if (u < error_rate_) {
    ++errors_;
    return SimFault::kError;
  }
  if (u >= error_rate_ + timeout_rate_) return SimFault::kNone;
  ++timeouts_;
  if (!acts) return SimFault::kTimeoutBefore;
  return unit(rng_) < 0.5 ? SimFault::kTimeoutAfter : SimFault::kTimeoutBefore;
}

Status SimFaults::Fail(SimFault fault, const char* operation, bool acts) const {
  const std::string op = operation;
  switch (fault) {
    case SimFault::kError:
      return Status::Unavailable("sim " + op + ": 503 Service Unavailable (injected)");
    case SimFault::kThrottled:
      return Status::Unavailable("sim " + op + ": 429 rate exceeded (injected burst)")
          .WithReason("throttled");
    case SimFault::kTimeoutBefore:
    case SimFault::kTimeoutAfter:
      if (timeout_seconds_ > 0) {
        std::this_thread::sleep_for(std::chrono::duration<double>(timeout_seconds_));
      }
      return Status::DeadlineExceeded("sim " + op + ": no answer within " +
                                      Seconds(timeout_seconds_) + " (injected" +
                                      (acts ? "; the call may have taken effect)" : ")"));
    case SimFault::kNone:
      break;
  }
  return Status::Internal("sim " + op + ": no fault to report");
}

void SimFaults::AddTo(SimStats& stats) const {
  MutexLock lock(mu_);
  stats.injected_errors += errors_;
  stats.injected_timeouts += timeouts_;
  stats.injected_throttles += throttled_;
}

}  // namespace sky::providers
