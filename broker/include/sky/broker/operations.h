#pragma once
// OperationRunner: long work (a large plan, a catalog ingest or refresh, a replay) run off the
// request threads (DESIGN.md "Security": work that may take longer than 2 s answers 202 with
// an operation to poll). A small pool of threads runs submitted work in submission order; each
// operation keeps its state, progress, result (JSON text) or error Status, and its created and
// finished times from an injected Clock.
// Operations live in memory only: they do not survive a restart, after which their ids are
// unknown (NotFound). Finished operations are kept for `keep_seconds` and at most
// `max_finished` of them (the oldest finished go first); running and queued ones are always
// kept.
// Thread-safe: every public method may be called from any thread. No lock is held while work
// runs.

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "sky/types/clock.h"
#include "sky/types/mutex.h"
#include "sky/types/result.h"

namespace sky::broker {

enum class OperationKind {
  kPlan,     // POST /v1/plans that did not finish within the wait bound
  kIngest,   // POST /v1/catalog/ingest
  kRefresh,  // POST /v1/catalog/refresh
  kReplay,   // a trace replay
};

enum class OperationState {
  kQueued,     // submitted; waiting for a free worker
  kRunning,    // a worker runs its work
  kSucceeded,  // the work returned a result
  kFailed,     // the work returned an error (or threw)
};

// "plan", "ingest", "refresh", "replay" / "queued", "running", "succeeded", "failed".
std::string_view Name(OperationKind kind);
std::string_view Name(OperationState state);

// How far an operation got. `total` 0: unknown.
struct ProgressView {
  int64_t done = 0;
  int64_t total = 0;
  std::string message;
};

// Handed to the work so that it can report progress. Thread-safe.
class Progress {
 public:
  void Set(int64_t done, int64_t total, std::string message) SKY_EXCLUDES(mu_);
  ProgressView Get() const SKY_EXCLUDES(mu_);

 private:
  mutable Mutex mu_;
  ProgressView view_ SKY_GUARDED_BY(mu_);
};

// A copy of one operation's state.
struct OperationView {
  std::string id;  // "op_" + 12 hex digits
  OperationKind kind = OperationKind::kPlan;
  std::string tenant;
  OperationState state = OperationState::kQueued;
  ProgressView progress;
  std::string result;  // JSON text when succeeded, else empty
  Status error;        // not OK when failed
  double created_at = 0;
  std::optional<double> finished_at;  // set once succeeded or failed
  bool finished() const {
    return state == OperationState::kSucceeded || state == OperationState::kFailed;
  }
};

struct OperationRunnerOptions {
  // Worker threads. Default: 2.
  int threads = 2;
  // How long a finished operation stays visible, in Clock seconds. Default: 1 h.
  double keep_seconds = 3600;
  // At most this many finished operations are kept. Default: 1,000.
  size_t max_finished = 1000;
  // At most this many operations wait for a worker; Submit fails beyond. Default: 1,000.
  size_t max_queued = 1000;
};

class OperationRunner {
 public:
  // The work of one operation: returns the result as JSON text, or an error Status.
  // Exceptions it throws fail the operation with kInternal.
  using Work = std::function<Result<std::string>(Progress& progress)>;

  // Starts the workers. `clock` stamps created_at / finished_at and ages finished operations;
  // it must outlive the runner. REQUIRES: options.threads >= 1.
  explicit OperationRunner(const Clock& clock, OperationRunnerOptions options = {});
  OperationRunner(const OperationRunner&) = delete;
  OperationRunner& operator=(const OperationRunner&) = delete;
  // Lets running work finish and joins the workers; work still queued is dropped unrun.
  ~OperationRunner();

  // Queues `work` as an operation of `tenant` and returns its id. ResourceExhausted when
  // `max_queued` operations already wait for a worker.
  Result<std::string> Submit(OperationKind kind, std::string tenant, Work work) SKY_EXCLUDES(mu_);

  // The operation `id` of `tenant`. NotFound when it is unknown, was dropped (age, count,
  // restart) or belongs to another tenant: ids of other tenants are not revealed.
  Result<OperationView> Get(const std::string& id, const std::string& tenant) const
      SKY_EXCLUDES(mu_);

  // As Get, but first waits until the operation has finished or `timeout` has passed
  // (real time, not the Clock's); the view says which.
  Result<OperationView> Wait(const std::string& id, const std::string& tenant,
                             std::chrono::milliseconds timeout) const SKY_EXCLUDES(mu_);

 private:
  struct Operation;

  void WorkerLoop() SKY_EXCLUDES(mu_);
  void Run(Operation& op) SKY_EXCLUDES(mu_);
  void Finish(Operation& op, Result<std::string> outcome) SKY_EXCLUDES(mu_);
  std::string NewIdLocked() SKY_REQUIRES(mu_);
  void EvictLocked() SKY_REQUIRES(mu_);
  const Operation* FindLocked(const std::string& id, const std::string& tenant) const
      SKY_REQUIRES(mu_);
  static OperationView ViewOf(const Operation& op);

  const Clock& clock_;
  const OperationRunnerOptions options_;
  mutable Mutex mu_;
  mutable CondVar changed_;  // an operation finished, or stop_ was set
  CondVar work_ready_;       // queue_ grew, or stop_ was set
  // Operations are heap-allocated so that a worker may use one while the map changes; only
  // finished ones are ever erased. An operation's fields are written under mu_ too.
  std::map<std::string, std::unique_ptr<Operation>> ops_ SKY_GUARDED_BY(mu_);
  std::deque<Operation*> queue_ SKY_GUARDED_BY(mu_);      // submission order
  std::deque<std::string> finished_ SKY_GUARDED_BY(mu_);  // ids in finishing order
  std::mt19937_64 rng_ SKY_GUARDED_BY(mu_);
  bool stop_ SKY_GUARDED_BY(mu_) = false;
  std::vector<std::thread> workers_;  // last: started after everything above exists
};

}  // namespace sky::broker
