#include "sky/types/mutex.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace sky {
namespace {

// A counter whose every access goes through the lock, as the library's classes do.
class Counter {
 public:
  void Add() SKY_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    ++count_;
  }
  int count() const SKY_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    return count_;
  }

 private:
  mutable Mutex mu_;
  int count_ SKY_GUARDED_BY(mu_) = 0;
};

TEST(MutexTest, SerialisesIncrementsFromManyThreads) {
  Counter counter;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&counter] {
      for (int i = 0; i < 10000; ++i) counter.Add();
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(counter.count(), 40000);
}

TEST(MutexTest, LockAndUnlockByHand) {
  Mutex mu;
  mu.Lock();
  mu.AssertHeld();
  std::atomic<bool> taken{false};
  std::thread other([&] {
    mu.Lock();
    taken = true;
    mu.Unlock();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(taken.load()) << "another thread took a held mutex";
  mu.Unlock();
  other.join();
  EXPECT_TRUE(taken.load());
}

TEST(MutexLockTest, UnlockLetsAnotherThreadInAndLockTakesItBack) {
  Mutex mu;
  int value = 0;
  MutexLock lock(mu);
  value = 1;
  lock.Unlock();
  std::thread other([&] {
    MutexLock inner(mu);
    value = 2;
  });
  other.join();  // would deadlock if Unlock had not released the mutex
  lock.Lock();
  EXPECT_EQ(value, 2);
  std::atomic<bool> taken{false};
  std::thread blocked([&] {
    MutexLock inner(mu);
    taken = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(taken.load()) << "Lock() did not take the mutex back";
  lock.Unlock();
  blocked.join();
  EXPECT_TRUE(taken.load());
  lock.Lock();  // held again, so the destructor's release is balanced
}

TEST(CondVarTest, WaitReturnsOnceTheConditionHolds) {
  Mutex mu;
  CondVar cv;
  bool ready = false;
  std::thread producer([&] {
    MutexLock lock(mu);
    ready = true;
    cv.NotifyAll();
  });
  {
    MutexLock lock(mu);
    cv.Wait(lock, [&] { return ready; });
    EXPECT_TRUE(ready);
  }
  producer.join();
}

TEST(CondVarTest, NotifyOneWakesAWaiterWithoutAPredicate) {
  Mutex mu;
  CondVar cv;
  int stage = 0;
  std::thread waiter([&] {
    MutexLock lock(mu);
    stage = 1;
    cv.NotifyOne();
    while (stage != 2) cv.Wait(lock);
    stage = 3;
    cv.NotifyOne();
  });
  MutexLock lock(mu);
  while (stage != 1) cv.Wait(lock);
  stage = 2;
  cv.NotifyOne();
  while (stage != 3) cv.Wait(lock);
  lock.Unlock();
  waiter.join();
  lock.Lock();
  EXPECT_EQ(stage, 3);
}

TEST(CondVarTest, WaitForTimesOutWhenNobodyNotifies) {
  Mutex mu;
  CondVar cv;
  MutexLock lock(mu);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(cv.WaitFor(lock, std::chrono::milliseconds(30), [] { return false; }));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(30));
  EXPECT_EQ(cv.WaitFor(lock, std::chrono::milliseconds(5)), std::cv_status::timeout);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(5);
  EXPECT_FALSE(cv.WaitUntil(lock, deadline, [] { return false; }));
  EXPECT_GE(std::chrono::steady_clock::now(), deadline);
}

TEST(CondVarTest, WaitForReturnsTrueWhenNotifiedInTime) {
  Mutex mu;
  CondVar cv;
  bool ready = false;
  std::thread producer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    MutexLock lock(mu);
    ready = true;
    cv.NotifyAll();
  });
  MutexLock lock(mu);
  EXPECT_TRUE(cv.WaitFor(lock, std::chrono::seconds(10), [&] { return ready; }));
  lock.Unlock();
  producer.join();
  lock.Lock();
}

}  // namespace
}  // namespace sky
