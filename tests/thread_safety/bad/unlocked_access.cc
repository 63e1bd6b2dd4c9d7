// Negative fixture for tests/thread_safety/check.sh: Peek() reads a SKY_GUARDED_BY member
// without holding its mutex, so the check must fail on this file. Never built; only checked.
#include "sky/types/mutex.h"

namespace sky {

class Counter {
 public:
  void Add() SKY_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    ++count_;
  }
  int Peek() const { return count_; }  // the unlocked access

 private:
  mutable Mutex mu_;
  int count_ SKY_GUARDED_BY(mu_) = 0;
};

int PeekAfterAdd() {
  Counter counter;
  counter.Add();
  return counter.Peek();
}

}  // namespace sky
