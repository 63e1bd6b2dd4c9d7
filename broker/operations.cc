#include "sky/broker/operations.h"

#include <cstdio>
#include <exception>
#include <utility>

namespace sky::broker {

struct OperationRunner::Operation {
  std::string id;
  OperationKind kind = OperationKind::kPlan;
  std::string tenant;
  OperationState state = OperationState::kQueued;
  Work work;  // moved out when the operation starts
  Progress progress;
  std::string result;
  Status error;
  double created_at = 0;
  std::optional<double> finished_at;
};

std::string_view Name(OperationKind kind) {
  switch (kind) {
    case OperationKind::kPlan:
      return "plan";
    case OperationKind::kIngest:
      return "ingest";
    case OperationKind::kRefresh:
      return "refresh";
    case OperationKind::kReplay:
      return "replay";
  }
  return "unknown";
}

std::string_view Name(OperationState state) {
  switch (state) {
    case OperationState::kQueued:
      return "queued";
    case OperationState::kRunning:
      return "running";
    case OperationState::kSucceeded:
      return "succeeded";
    case OperationState::kFailed:
      return "failed";
  }
  return "unknown";
}

void Progress::Set(int64_t done, int64_t total, std::string message) {
  MutexLock lock(mu_);
  view_ = ProgressView{done, total, std::move(message)};
}

ProgressView Progress::Get() const {
  MutexLock lock(mu_);
  return view_;
}

OperationRunner::OperationRunner(const Clock& clock, OperationRunnerOptions options)
    : clock_(clock), options_(options), rng_(std::random_device{}()) {
  const int threads = options_.threads < 1 ? 1 : options_.threads;
  workers_.reserve(static_cast<size_t>(threads));
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

OperationRunner::~OperationRunner() {
  {
    MutexLock lock(mu_);
    stop_ = true;
  }
  work_ready_.NotifyAll();
  changed_.NotifyAll();
  for (std::thread& t : workers_) t.join();
}

Result<std::string> OperationRunner::Submit(OperationKind kind, std::string tenant, Work work) {
  MutexLock lock(mu_);
  EvictLocked();
  if (queue_.size() >= options_.max_queued) {
    return Status::ResourceExhausted("too many operations waiting (" +
                                     std::to_string(queue_.size()) + "); try again later");
  }
  auto op = std::make_unique<Operation>();
  op->id = NewIdLocked();
  op->kind = kind;
  op->tenant = std::move(tenant);
  op->work = std::move(work);
  op->created_at = clock_.NowSeconds();
  Operation* raw = op.get();
  ops_.emplace(raw->id, std::move(op));
  queue_.push_back(raw);
  work_ready_.NotifyOne();
  return raw->id;
}

Result<OperationView> OperationRunner::Get(const std::string& id, const std::string& tenant) const {
  MutexLock lock(mu_);
  const Operation* op = FindLocked(id, tenant);
  if (op == nullptr) return Status::NotFound("no operation " + id);
  return ViewOf(*op);
}

Result<OperationView> OperationRunner::Wait(const std::string& id, const std::string& tenant,
                                            std::chrono::milliseconds timeout) const {
  MutexLock lock(mu_);
  // Looked up again after every wake-up: the map may change while the lock is released.
  changed_.WaitFor(lock, timeout, [&] {
    mu_.AssertHeld();  // the wait calls this with mu_ held
    const Operation* op = FindLocked(id, tenant);
    return stop_ || op == nullptr || op->finished_at.has_value();
  });
  const Operation* op = FindLocked(id, tenant);
  if (op == nullptr) return Status::NotFound("no operation " + id);
  return ViewOf(*op);
}

void OperationRunner::WorkerLoop() {
  MutexLock lock(mu_);
  while (true) {
    work_ready_.Wait(lock, [this] {
      mu_.AssertHeld();  // the wait calls this with mu_ held
      return stop_ || !queue_.empty();
    });
    if (stop_) return;
    Operation* op = queue_.front();
    queue_.pop_front();
    op->state = OperationState::kRunning;
    lock.Unlock();
    Run(*op);  // `op` stays alive: only finished operations are erased
    lock.Lock();
  }
}

// Runs the work without the lock. The work is destroyed before the operation is reported
// finished, so that what it captured (temporary files) is gone by then.
void OperationRunner::Run(Operation& op) {
  Work work = std::move(op.work);
  Result<std::string> outcome = Status::Internal("operation produced no outcome");
  try {
    outcome = work(op.progress);
  } catch (const std::exception& e) {
    outcome = Status::Internal(std::string("operation threw: ") + e.what());
  } catch (...) {
    outcome = Status::Internal("operation threw an unknown exception");
  }
  work = nullptr;
  Finish(op, std::move(outcome));
}

void OperationRunner::Finish(Operation& op, Result<std::string> outcome) {
  {
    MutexLock lock(mu_);
    if (outcome.ok()) {
      op.state = OperationState::kSucceeded;
      op.result = std::move(outcome).value();
    } else {
      op.state = OperationState::kFailed;
      op.error = std::move(outcome).status();
    }
    op.finished_at = clock_.NowSeconds();
    finished_.push_back(op.id);
    EvictLocked();
  }
  changed_.NotifyAll();
}

std::string OperationRunner::NewIdLocked() {
  while (true) {
    char text[20];
    std::snprintf(text, sizeof text, "op_%012llx",
                  static_cast<unsigned long long>(rng_() & 0xffffffffffffULL));
    if (ops_.count(text) == 0) return text;
  }
}

// Drops the oldest finished operations beyond `max_finished`, and those finished longer than
// `keep_seconds` ago (finished_ is in finishing order, so the oldest come first).
void OperationRunner::EvictLocked() {
  const double now = clock_.NowSeconds();
  while (!finished_.empty()) {
    auto it = ops_.find(finished_.front());
    const bool expired =
        it != ops_.end() && *it->second->finished_at + options_.keep_seconds <= now;
    if (finished_.size() <= options_.max_finished && !expired) break;
    if (it != ops_.end()) ops_.erase(it);
    finished_.pop_front();
  }
}

const OperationRunner::Operation* OperationRunner::FindLocked(const std::string& id,
                                                              const std::string& tenant) const {
  auto it = ops_.find(id);
  if (it == ops_.end() || it->second->tenant != tenant) return nullptr;
  const Operation& op = *it->second;
  // Expired but not yet evicted (nothing was submitted or finished since): already gone.
  if (op.finished_at && *op.finished_at + options_.keep_seconds <= clock_.NowSeconds()) {
    return nullptr;
  }
  return &op;
}

OperationView OperationRunner::ViewOf(const Operation& op) {
  OperationView v;
  v.id = op.id;
  v.kind = op.kind;
  v.tenant = op.tenant;
  v.state = op.state;
  v.progress = op.progress.Get();
  v.result = op.result;
  v.error = op.error;
  v.created_at = op.created_at;
  v.finished_at = op.finished_at;
  return v;
}

}  // namespace sky::broker
