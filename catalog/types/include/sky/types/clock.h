#pragma once
// Clock: where logic gets the time (STYLE.md section 6), so tests and replay run on a
// virtual clock without sleeping. Times are seconds since an arbitrary epoch.

#include <atomic>
#include <chrono>

namespace sky {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual double NowSeconds() const = 0;
};

// Monotonic time with an arbitrary epoch, for durations and timeouts. Thread-safe.
class SystemClock final : public Clock {
 public:
  double NowSeconds() const override {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

// Wall time: seconds since 1970-01-01 UTC, for timestamps that leave the process (JWT claims,
// observed_at of offers, cloud APIs). The edge of the system; logic takes a Clock. Thread-safe.
class WallClock final : public Clock {
 public:
  double NowSeconds() const override {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// A clock that moves only when told. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(double start_seconds = 0) : now_(start_seconds) {}
  double NowSeconds() const override { return now_.load(); }
  void Advance(double seconds) {
    double current = now_.load();
    while (!now_.compare_exchange_weak(current, current + seconds)) {
    }
  }
  void Set(double seconds) { now_.store(seconds); }

 private:
  std::atomic<double> now_;
};

// A clock that runs `speed` times faster than `base` from `origin` on:
// now = origin + (base.NowSeconds() - origin) * speed. With base = WallClock and a fixed origin
// shared by every process, restarted processes agree on the time (crash tests, demos).
// REQUIRES: speed > 0; `base` outlives this clock. Thread-safe as far as `base` is.
class ScaledClock final : public Clock {
 public:
  ScaledClock(const Clock& base, double origin, double speed)
      : base_(base), origin_(origin), speed_(speed) {}
  double NowSeconds() const override { return origin_ + (base_.NowSeconds() - origin_) * speed_; }
  double origin() const { return origin_; }
  double speed() const { return speed_; }

 private:
  const Clock& base_;
  const double origin_;
  const double speed_;
};

}  // namespace sky
