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

}  // namespace sky
