#pragma once
// sky::Mutex, sky::MutexLock and sky::CondVar: std::mutex and std::condition_variable with
// clang's capability attributes, so that SKY_GUARDED_BY / SKY_REQUIRES / SKY_EXCLUDES
// (sky/types/thread_annotations.h) are checked by the compiler (-Wthread-safety). LevelDB's
// port::Mutex and util/mutexlock.h follow the same shape.
//
// Usage:
//   mutable sky::Mutex mu_;
//   int count_ SKY_GUARDED_BY(mu_) = 0;
//   void Add() SKY_EXCLUDES(mu_) { sky::MutexLock lock(mu_); ++count_; }
//
// Thread safety: Mutex and CondVar are safe for concurrent use, as their std counterparts.
// A MutexLock belongs to the thread that made it.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <utility>

#include "sky/types/thread_annotations.h"

namespace sky {

class SKY_CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() SKY_ACQUIRE() { mu_.lock(); }
  void Unlock() SKY_RELEASE() { mu_.unlock(); }
  // Tells the analysis that the caller holds this mutex (no run-time check).
  void AssertHeld() const SKY_THREAD_ANNOTATION(assert_capability(this)) {}

 private:
  friend class MutexLock;
  std::mutex mu_;
};

// Holds `mu` from construction to destruction. Unlock() / Lock() release and take it again in
// between (for a call that must not run under the lock, STYLE.md section 6).
class SKY_SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mu) SKY_ACQUIRE(mu) : lock_(mu.mu_) {}
  ~MutexLock() SKY_RELEASE() = default;
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

  void Unlock() SKY_RELEASE() { lock_.unlock(); }
  void Lock() SKY_ACQUIRE() { lock_.lock(); }

 private:
  friend class CondVar;
  std::unique_lock<std::mutex> lock_;
};

// A condition variable waited on with a MutexLock held; the wait releases the lock while it
// sleeps and holds it again when it returns, as std::condition_variable does.
class CondVar {
 public:
  void Wait(MutexLock& lock) { cv_.wait(lock.lock_); }
  template <typename Predicate>
  void Wait(MutexLock& lock, Predicate ready) {
    cv_.wait(lock.lock_, std::move(ready));
  }
  // Returns false when `timeout` passed first.
  template <typename Rep, typename Period, typename Predicate>
  bool WaitFor(MutexLock& lock, std::chrono::duration<Rep, Period> timeout, Predicate ready) {
    return cv_.wait_for(lock.lock_, timeout, std::move(ready));
  }
  template <typename Rep, typename Period>
  std::cv_status WaitFor(MutexLock& lock, std::chrono::duration<Rep, Period> timeout) {
    return cv_.wait_for(lock.lock_, timeout);
  }
  template <typename Clock, typename Duration, typename Predicate>
  bool WaitUntil(MutexLock& lock, std::chrono::time_point<Clock, Duration> deadline,
                 Predicate ready) {
    return cv_.wait_until(lock.lock_, deadline, std::move(ready));
  }
  void NotifyOne() { cv_.notify_one(); }
  void NotifyAll() { cv_.notify_all(); }

 private:
  std::condition_variable cv_;
};

}  // namespace sky
