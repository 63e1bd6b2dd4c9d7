#pragma once
// A seeded generator of small random planning instances for the exactness test: DAGs of up
// to 5 stages, a handful of offers per stage on several clouds (spot and on-demand), random
// network prices and throughputs through the spec's class overrides and pairs, inputs,
// outputs, reservations and constraints. Deterministic for a seed.

#include <cstdint>
#include <vector>

#include "sky/planner/planner.h"
#include "sky/planner/spec.h"
#include "sky/types/offer.h"

namespace sky::planner::testing {

struct Instance {
  PipelineSpec spec;  // deadline and budget unset: the test picks them
  std::vector<Offer> offers;
  PlannerOptions options;
};

Instance RandomInstance(uint32_t seed);

}  // namespace sky::planner::testing
