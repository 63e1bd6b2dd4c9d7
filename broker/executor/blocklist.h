#pragma once
// Blocklist: offers, zones, regions and providers the executor must avoid for a while after a
// capacity error, a quota error, a preemption or a credentials failure (DESIGN.md "Failover").
// Entries are the planner's exclusion keys (PlannerOptions::excluded): an offer id or
// "provider:region[:zone]", optionally "#spot" / "#on_demand" for one market only; each
// expires at a clock time. Thread-safe.

#include <map>
#include <string>
#include <vector>

#include "sky/types/mutex.h"
#include "sky/types/offer.h"

namespace sky::broker {

class Blocklist {
 public:
  // Blocks `key` until `until` (a later block of the same key extends it, never shortens it).
  void Block(const std::string& key, double until) SKY_EXCLUDES(mu_);
  // Every key still blocked at `now`, sorted (expired entries are dropped).
  std::vector<std::string> Active(double now) SKY_EXCLUDES(mu_);
  // True when the offer itself, its zone or its region (for any market or the offer's) is
  // blocked at `now`.
  bool Blocks(const Offer& offer, double now) SKY_EXCLUDES(mu_);

 private:
  Mutex mu_;
  std::map<std::string, double> until_ SKY_GUARDED_BY(mu_);
};

}  // namespace sky::broker
