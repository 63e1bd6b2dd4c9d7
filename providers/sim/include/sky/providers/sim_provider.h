#pragma once
// SimProvider: an in-process cloud for the embedded default, tests and replay (STYLE.md "ship
// the in-memory fake as real code"). It serves the offers handed to it at construction,
// launches instances on an injected clock, and preempts spot instances and refuses capacity
// from recorded spot traces, or from a seeded random model where a location has none. Fully
// deterministic for a given seed, traces and sequence of calls. Thread-safe.
//
// Instead of running startup scripts, an instance tagged with kTagWorkSeconds simulates the
// stage's command (sim_agent.h) and reports it in Instance::agent once running. With
// SimOptions::state_path the whole cloud is written through to a file on every mutation, so a
// restarted broker finds its instances again (crash tests).

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sky/providers/provider.h"
#include "sky/providers/sim_state.h"
#include "sky/providers/spot_trace.h"
#include "sky/types/clock.h"
#include "sky/types/mutex.h"

namespace sky::providers {

struct SimOptions {
  // Seconds from launch until an instance runs. Default: 60.
  double boot_seconds = 60;
  // Spot preemptions per hour where no trace covers the location (exponential inter-arrival,
  // seeded). Default: 0 (never).
  double spot_preemption_rate_per_hour = 0;
  // Seed of the random model. Default: 1.
  uint64_t seed = 1;
  // Traces by location, "provider:region:zone" or "provider:region"; a zone's trace wins over
  // its region's. A trace bounds how many spot instances may live there at each tick.
  std::map<std::string, SpotTrace> traces;
  // The clock time at which every trace starts. Default: 0.
  double trace_start_seconds = 0;
  // File the whole cloud is written through to (atomically) before every mutating call
  // returns: launch, terminate, a preemption or boot found by a refresh. Open() resumes it; the
  // constructor starts an empty cloud and overwrites it. Two processes must never use one file
  // at the same time (there is no locking). Default: empty (in memory only).
  std::string state_path;
  // Real seconds each Launch call sleeps after storing its outcome (and writing the state file)
  // and before returning, without holding the lock: a slow cloud API, which widens the window
  // in which a crash test can kill the broker between "the cloud created the instance" and
  // "the broker heard about it". Default: 0 (no sleep).
  double api_latency_seconds = 0;

  // Injected API faults (sim_faults.h), drawn from their own generator seeded by `seed`, so
  // that the broker's retry, back-off and reconcile paths meet what real clouds do.
  // Fraction of calls (every Provider method) that fail at once, before acting, with a
  // retryable Unavailable (a 5xx). Default: 0.
  double error_rate = 0;
  // Fraction of calls that take `timeout_seconds` and then fail with DeadlineExceeded. For
  // Launch and Terminate, half of them time out AFTER the cloud acted (the instance exists
  // though the caller heard nothing): an ambiguous outcome the broker must reconcile through
  // the idempotency key. error_rate + timeout_rate is capped at 1. Default: 0.
  double timeout_rate = 0;
  // Real seconds a timed-out call takes before it fails (not holding the sim's lock).
  // Default: 1.
  double timeout_seconds = 1;
  // Throttling bursts: during the first `throttle_burst_seconds` of every
  // `throttle_burst_every_seconds` of clock time, every call fails with Unavailable, reason
  // "throttled". Default: 0 and 0 (never).
  double throttle_burst_every_seconds = 0;
  double throttle_burst_seconds = 0;
};

class SimFaults;  // providers/sim/sim_faults.h

class SimProvider final : public Provider {
 public:
  // An empty cloud. `clock` must outlive the provider.
  SimProvider(std::vector<Offer> offers, const Clock& clock, SimOptions options = {});
  ~SimProvider() override;

  // A cloud resumed from options.state_path when that file exists (instances, idempotency
  // keys, next id, stats), else an empty one. InvalidArgument naming the file when it is
  // corrupt or unreadable. `clock` must outlive the provider.
  static Result<std::unique_ptr<SimProvider>> Open(std::vector<Offer> offers, const Clock& clock,
                                                   SimOptions options);

  // Every call below that mutates the cloud returns Unavailable when the state file cannot be
  // written; the mutation is then kept in memory and written by the next call. Every call may
  // also fail with an injected fault: Unavailable (error_rate; reason "throttled" in a
  // throttling burst) or DeadlineExceeded (timeout_rate; Launch and Terminate may have acted).
  std::string name() const override { return "sim"; }
  // The sim simulates the command from its tags: no startup script, so no data plane.
  bool RunsStartupScript() const override { return false; }
  Result<std::vector<Offer>> ListOffers() override;
  // NotFound for an offer it does not serve; ResourceExhausted when a trace or the offer's
  // `available` count leaves no capacity.
  Result<Instance> Launch(const LaunchRequest& request) SKY_EXCLUDES(mu_) override;
  Result<std::vector<Instance>> Describe(const std::vector<std::string>& ids)
      SKY_EXCLUDES(mu_) override;
  Result<std::vector<Instance>> ListByTag(const std::string& key, const std::string& value)
      SKY_EXCLUDES(mu_) override;
  Status Terminate(const std::string& id) SKY_EXCLUDES(mu_) override;

  SimStats stats() const SKY_EXCLUDES(mu_);
  // Every instance, live or terminated, in launch order, as of the last call that looked at
  // the cloud (it does not advance preemptions or boots itself).
  std::vector<Instance> AllInstances() const SKY_EXCLUDES(mu_);

 private:
  Result<Instance> LaunchAndStore(const LaunchRequest& request) SKY_EXCLUDES(mu_);
  Status TerminateAndStore(const std::string& id, double now) SKY_EXCLUDES(mu_);
  Result<Instance> LaunchLocked(const LaunchRequest& request, double now) SKY_REQUIRES(mu_);
  SimInstanceState NewInstanceLocked(const Offer& offer, const LaunchRequest& request, double now)
      SKY_REQUIRES(mu_);
  void StopLocked(SimInstanceState& sim, TerminationReason reason, double at) SKY_REQUIRES(mu_);
  Instance ViewLocked(const SimInstanceState& sim, double now) const SKY_REQUIRES(mu_);
  Status FlushLocked() SKY_REQUIRES(mu_);
  void RefreshLocked(double now) SKY_REQUIRES(mu_);
  void ApplyTraceLocked(const std::string& location, const SpotTrace& trace, double now)
      SKY_REQUIRES(mu_);
  const SpotTrace* TraceFor(const Offer& offer) const;
  int LiveSpotAt(const std::string& location) const SKY_REQUIRES(mu_);
  Status CheckCapacityLocked(const Offer& offer, double now) SKY_REQUIRES(mu_);
  void IndexLocked(const SimInstanceState& sim) SKY_REQUIRES(mu_);
  void UnindexLocked(const SimInstanceState& sim) SKY_REQUIRES(mu_);
  void RebuildIndexesLocked() SKY_REQUIRES(mu_);

  const Clock& clock_;
  const SimOptions options_;
  const std::unique_ptr<SimFaults> faults_;  // thread-safe on its own
  std::map<OfferId, Offer> offers_;
  mutable Mutex mu_;
  SimState state_ SKY_GUARDED_BY(mu_);
  // state_ changed since the state file was last written.
  bool dirty_ SKY_GUARDED_BY(mu_) = false;
  // Indexes over the live instances, so that a call costs O(log n) and not O(instances ever
  // launched); rebuilt from state_ on Open, never persisted.
  std::multimap<double, std::string> due_ SKY_GUARDED_BY(mu_);  // boot or preemption time -> id
  // location -> live spot ids
  std::map<std::string, std::set<std::string>> live_spot_ SKY_GUARDED_BY(mu_);
  std::map<OfferId, int> live_by_offer_ SKY_GUARDED_BY(mu_);
  int64_t live_ SKY_GUARDED_BY(mu_) = 0;
};

}  // namespace sky::providers
