#pragma once
// SimProvider: an in-process cloud for the embedded default, tests and replay (STYLE.md "ship
// the in-memory fake as real code"). It serves the offers handed to it at construction,
// launches instances on an injected clock, and preempts spot instances and refuses capacity
// from recorded spot traces, or from a seeded random model where a location has none. Fully
// deterministic for a given seed, traces and sequence of calls. Thread-safe.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "sky/providers/provider.h"
#include "sky/providers/spot_trace.h"
#include "sky/types/clock.h"

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
};

struct SimStats {
  int64_t launches = 0;            // instances created
  int64_t idempotent_replays = 0;  // launches answered with an existing instance
  int64_t capacity_refusals = 0;
  int64_t preemptions = 0;
  int64_t live = 0;  // not terminated
};

class SimProvider final : public Provider {
 public:
  // `clock` must outlive the provider.
  SimProvider(std::vector<Offer> offers, const Clock& clock, SimOptions options = {});

  std::string name() const override { return "sim"; }
  Result<std::vector<Offer>> ListOffers() override;
  // NotFound for an offer it does not serve; ResourceExhausted when a trace or the offer's
  // `available` count leaves no capacity.
  Result<Instance> Launch(const LaunchRequest& request) override;
  Result<std::vector<Instance>> Describe(const std::vector<std::string>& ids) override;
  Result<std::vector<Instance>> ListByTag(const std::string& key, const std::string& value) override;
  Status Terminate(const std::string& id) override;

  SimStats stats() const;

 private:
  struct SimInstance {
    Instance instance;
    std::string location;     // the offer's location id
    double preempt_at = -1;   // random model; < 0 when none
  };

  void RefreshLocked(double now);
  void ApplyTraceLocked(const std::string& location, const SpotTrace& trace, double now);
  const SpotTrace* TraceFor(const Offer& offer) const;
  int LiveSpotAt(const std::string& location) const;
  Status CheckCapacityLocked(const Offer& offer, double now);

  const Clock& clock_;
  const SimOptions options_;
  std::map<OfferId, Offer> offers_;
  mutable std::mutex mu_;
  std::mt19937_64 rng_;                                // guarded by mu_
  std::map<std::string, SimInstance> instances_;       // guarded by mu_; by id, ordered
  std::map<std::string, std::string> by_key_;          // guarded by mu_; idempotency key -> id
  std::map<std::string, double> trace_checked_until_;  // guarded by mu_; location -> time
  SimStats stats_;                                     // guarded by mu_
  int64_t next_id_ = 1;                                // guarded by mu_
};

}  // namespace sky::providers
