// Executor: the public entry points and the schedule (which pipeline is due when, which
// thread holds it). The state handlers live in executor_*.cc (see executor_impl.h).
#include "sky/broker/executor.h"

#include <algorithm>
#include <chrono>

#include "broker/executor/executor_impl.h"

namespace sky::broker {

Executor::Impl::Impl(PipelineStore& store, const PlanService& plans,
                     std::vector<providers::Provider*> providers, const Clock& clock,
                     TokenMinter& tokens, ExecutorOptions options)
    : store_(store),
      plans_(plans),
      providers_(std::move(providers)),
      clock_(clock),
      tokens_(tokens),
      options_(std::move(options)),
      rng_(options_.seed) {}

Executor::Impl::~Impl() { Stop(); }

void Executor::Impl::Schedule(const std::string& id, double at) {
  {
    MutexLock lock(mu_);
    auto [it, inserted] = wake_.emplace(id, at);
    if (!inserted) it->second = std::min(it->second, at);
  }
  cv_.NotifyAll();
}

bool Executor::Impl::ClaimNext(std::string& id) {
  const double now = Now();
  MutexLock lock(mu_);
  const std::string* best = nullptr;
  double best_at = 0;
  for (const auto& [pid, at] : wake_) {
    if (at > now || busy_.count(pid)) continue;
    if (!best || at < best_at) {
      best = &pid;
      best_at = at;
    }
  }
  if (!best) return false;
  id = *best;
  wake_.erase(id);
  busy_.insert(id);
  return true;
}

void Executor::Impl::Release(const std::string& id, std::optional<double> next) {
  {
    MutexLock lock(mu_);
    busy_.erase(id);
    if (next) {
      auto [it, inserted] = wake_.emplace(id, *next);
      if (!inserted) it->second = std::min(it->second, *next);
    } else {
      wake_.erase(id);
      runs_.erase(id);
    }
  }
  cv_.NotifyAll();
}

int Executor::Impl::RunDue() {
  // Collect first so that a pipeline rescheduled for "now" runs once per call, not forever.
  const double now = Now();
  std::vector<std::string> due;
  {
    MutexLock lock(mu_);
    for (const auto& [id, at] : wake_) {
      if (at <= now && !busy_.count(id)) due.push_back(id);
    }
    for (const auto& id : due) {
      wake_.erase(id);
      busy_.insert(id);
    }
  }
  for (const auto& id : due) Release(id, Advance(id));
  return static_cast<int>(due.size());
}

std::optional<double> Executor::Impl::NextWakeIn() const {
  const double now = Now();
  MutexLock lock(mu_);
  std::optional<double> earliest;
  for (const auto& [id, at] : wake_) {
    if (!earliest || at < *earliest) earliest = at;
  }
  if (!earliest) return std::nullopt;
  return std::max(0.0, *earliest - now);
}

size_t Executor::Impl::active() const {
  MutexLock lock(mu_);
  std::set<std::string> ids(busy_);
  for (const auto& [id, at] : wake_) ids.insert(id);
  return ids.size();
}

Status Executor::Impl::WithClaim(const std::string& id, const std::function<Status()>& body) {
  {
    MutexLock lock(mu_);
    cv_.Wait(lock, [&] {
      mu_.AssertHeld();  // the wait calls this with mu_ held
      return !busy_.count(id);
    });
    busy_.insert(id);
  }
  Status status = body();
  {
    MutexLock lock(mu_);
    busy_.erase(id);
  }
  cv_.NotifyAll();
  return status;
}

void Executor::Impl::WorkerLoop() {
  while (!stop_.load()) {
    std::string id;
    if (ClaimNext(id)) {
      Release(id, Advance(id));
      continue;
    }
    MutexLock lock(mu_);
    cv_.WaitFor(lock, std::chrono::milliseconds(idle_wait_ms_));
  }
}

void Executor::Impl::Start(int threads, int idle_wait_ms) {
  idle_wait_ms_ = std::max(1, idle_wait_ms);
  stop_.store(false);
  for (int i = 0; i < std::max(1, threads); ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

void Executor::Impl::Stop() {
  stop_.store(true);
  cv_.NotifyAll();
  for (auto& worker : workers_) worker.join();
  workers_.clear();
}

// --- Executor: forwards to Impl ---

Result<std::unique_ptr<Executor>> Executor::Create(PipelineStore& store, const PlanService& plans,
                                                   std::vector<providers::Provider*> providers,
                                                   const Clock& clock, TokenMinter& tokens,
                                                   ExecutorOptions options) {
  providers.erase(std::remove(providers.begin(), providers.end(), nullptr), providers.end());
  if (providers.empty()) return Status::InvalidArgument("the executor needs at least one provider");
  if (options.poll_seconds <= 0) return Status::InvalidArgument("poll_seconds must be positive");
  if (options.max_stage_failures < 1 || options.max_stage_attempts < 1) {
    return Status::InvalidArgument("max_stage_failures and max_stage_attempts must be >= 1");
  }
  auto impl =
      std::make_unique<Impl>(store, plans, std::move(providers), clock, tokens, std::move(options));
  return std::unique_ptr<Executor>(new Executor(std::move(impl), store));
}

Executor::Executor(std::unique_ptr<Impl> impl, PipelineStore& store)
    : impl_(std::move(impl)), store_(store) {}
Executor::~Executor() { impl_->Stop(); }

Status Executor::Recover() { return impl_->Recover(); }
Result<std::string> Executor::Submit(const std::string& tenant, std::string_view spec_json,
                                     std::vector<planner::SpecIssue>* issues) {
  return impl_->Submit(tenant, spec_json, issues);
}
Status Executor::Cancel(const std::string& id, const std::string& reason) {
  return impl_->Cancel(id, reason);
}
Status Executor::Heartbeat(const std::string& id, const std::string& stage, std::string_view token,
                           const HeartbeatReport& report) {
  return impl_->Heartbeat(id, stage, token, report);
}
Result<std::string> Executor::StorageCredentials(const std::string& id, const std::string& stage,
                                                 std::string_view token) {
  return impl_->StorageCredentials(id, stage, token);
}
Result<PipelineView> Executor::Get(const std::string& id) { return impl_->Get(id); }
Result<std::vector<EventRecord>> Executor::Events(const std::string& id, int64_t after_seq) {
  return store_.Events(id, after_seq);
}
int Executor::RunDue() { return impl_->RunDue(); }
std::optional<double> Executor::NextWakeIn() const { return impl_->NextWakeIn(); }
size_t Executor::active() const { return impl_->active(); }
void Executor::Start(int threads, int idle_wait_ms) { impl_->Start(threads, idle_wait_ms); }
void Executor::Stop() { impl_->Stop(); }
int64_t Executor::transitions_written() const { return impl_->transitions(); }

}  // namespace sky::broker
