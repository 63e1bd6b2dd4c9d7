#pragma once
// BoundPruning: an exact reduction of the candidates for the cost objective. For each
// candidate c of stage i, LB(c) = its compute cost and fixed egress (inputs read, outputs
// delivered) + for each neighbour j in the DAG the cheapest choice of j including the egress
// between them + the cheapest choice of every other stage. No plan that runs i on c costs less
// than LB(c), so once some plan costing UB is known, every candidate with LB(c) > UB can go.
// The planner finds UB by solving the MILP over Restrict()ed candidates first.
// Pure functions; not thread-safe only through the LinkTable they use.

#include <vector>

#include "planner/candidates.h"
#include "planner/cost_model.h"
#include "planner/pipeline_graph.h"
#include "sky/types/result.h"

namespace sky::planner {

struct CandidateBounds {
  std::vector<std::vector<double>> lower;  // [stage][candidate] -> LB in dollars
};

// Returns InvalidArgument for an unusable network link. REQUIRES: every stage has candidates.
Result<CandidateBounds> CostLowerBounds(const PipelineGraph& graph, const CandidateSet& set,
                                        LinkTable& links);

// Per stage: the candidates at the `locations` locations with the smallest bounds, the fastest
// candidate and every reservation candidate. Counts are those of `set`.
CandidateSet Restrict(const CandidateSet& set, const CandidateBounds& bounds, int locations);

// The candidates whose bound is at most `upper` (with a relative tolerance of 1e-9).
CandidateSet KeepWithin(const CandidateSet& set, const CandidateBounds& bounds, double upper);

// Number of (stage, candidate) pairs.
int CountCandidates(const CandidateSet& set);

}  // namespace sky::planner

namespace sky::planner {

// Drops the candidates that cannot finish by `deadline_hours` in any plan: the stage's
// earliest start (predecessors at their fastest, its own inputs' arrival), its duration and
// the shortest remaining path after it (successors at their fastest, its own deliveries)
// already exceed the deadline. Transfer times between stages count as 0, so the test is
// exact (never drops a candidate of a feasible plan). Returns `set` unchanged when a stage
// would be left without candidates (the MILP then proves and explains the infeasibility).
Result<CandidateSet> DropLate(const PipelineGraph& graph, const CandidateSet& set, LinkTable& links,
                              double deadline_hours);

}  // namespace sky::planner
