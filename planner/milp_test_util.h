#pragma once
// Helpers for the MILP unit tests: hand-built offers and stages.

#include <string>

#include "sky/planner/spec.h"
#include "sky/types/offer.h"

namespace sky::planner::test {

inline Offer MakeOffer(const std::string& provider, const std::string& region,
                       const std::string& zone, const std::string& type, const std::string& gpu,
                       int count, Market market, double price) {
  Offer o;
  o.provider = provider;
  o.region = region;
  o.zone = zone;
  o.instance_type = type;
  o.accelerator = gpu;
  o.accelerator_count = count;
  o.vcpus = 8 * (count > 0 ? count : 4);
  o.memory_gb = 64 * (count > 0 ? count : 2);
  o.market = market;
  o.price_per_hour = price;
  o.id = MakeOfferId(o);
  return o;
}

inline StageSpec GpuStage(const std::string& name, const std::string& gpu, int count,
                          double hours) {
  StageSpec s;
  s.name = name;
  s.resources.accelerators[gpu] = count;
  s.runtime_hours = hours;
  return s;
}

inline StageSpec CpuStage(const std::string& name, double cpus, double hours) {
  StageSpec s;
  s.name = name;
  s.resources.cpus = cpus;
  s.runtime_hours = hours;
  return s;
}

// Class defaults that make the tests independent of the measured tables.
inline NetworkOverrides FixedNetwork() {
  NetworkOverrides n;
  n.same_region = LinkCost{0, 100};
  n.same_provider = LinkCost{0.02, 25};
  n.cross_provider = LinkCost{0.09, 10};
  return n;
}

}  // namespace sky::planner::test
