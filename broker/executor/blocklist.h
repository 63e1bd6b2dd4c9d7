#pragma once
// Blocklist: offers, zones, regions and providers the executor must avoid for a while after a
// capacity error, a quota error, a preemption or a credentials failure (DESIGN.md "Failover").
// Entries are the planner's exclusion keys (PlannerOptions::excluded): an offer id or
// "provider:region[:zone]", optionally "#spot" / "#on_demand" for one market only; each
// expires at a clock time. Thread-safe.

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "sky/types/offer.h"

namespace sky::broker {

class Blocklist {
 public:
  // Blocks `key` until `until` (a later block of the same key extends it, never shortens it).
  void Block(const std::string& key, double until);
  // Every key still blocked at `now`, sorted (expired entries are dropped).
  std::vector<std::string> Active(double now);
  // True when the offer itself, its zone or its region (for any market or the offer's) is
  // blocked at `now`.
  bool Blocks(const Offer& offer, double now);

 private:
  std::mutex mu_;
  std::map<std::string, double> until_;  // guarded by mu_
};

}  // namespace sky::broker
