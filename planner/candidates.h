#pragma once
// Candidate generation and dominated pruning (DESIGN.md, "Planning model", "Candidates").
// Pure functions over value types; thread-safe.

#include <string>
#include <vector>

#include "planner/cost_model.h"
#include "sky/planner/planner.h"
#include "sky/planner/spec.h"
#include "sky/types/offer.h"

namespace sky::planner {

// One offer a stage may run on.
struct Candidate {
  const Offer* offer = nullptr;  // not owned; for a reservation the matching on-demand offer
  int reservation = -1;          // index into spec.reservations, or -1
  RegionId location;             // network location, "provider:region" (zones of a region are one)
  CandidateCost cost;
};

struct StageCandidates {
  std::vector<Candidate> candidates;
  // When `candidates` is empty: which constraint removed them, in plain words.
  std::string empty_reason;
};

struct CandidateSet {
  std::vector<StageCandidates> stages;  // in spec order
  int generated = 0;                    // (stage, candidate) pairs before pruning
  int pruned = 0;                       // removed as dominated
  std::vector<int> reservation_counts;  // spec.reservations[r].count
};

// True when `offer` has the resources `stage` asks for: exactly `count` of one named
// accelerator (case-insensitive) for an accelerator stage, no accelerator for a CPU stage, and
// the cpus / memory_gb minimums.
bool SatisfiesResources(const StageSpec& stage, const Offer& offer);

// True when `excluded` names the offer's id, its region or its zone.
bool IsExcluded(const Offer& offer, const std::vector<std::string>& excluded);

// Every candidate of every stage (spec order), with the reservation candidates. `reserved`
// market offers are never candidates. A stage left without candidates gets `empty_reason`.
// Candidates point into `offers`, which must outlive the set.
CandidateSet GenerateCandidates(const PipelineSpec& spec, const std::vector<Offer>& offers,
                                const PlannerOptions& options, const CostModel& cost_model);

// Removes, within one stage and one place (a zone for spot, a region otherwise), every
// candidate beaten or tied on both expected cost and scheduled duration; of exact ties the
// one with the smallest offer id stays. Reservation candidates are neither pruned nor used to
// prune (their capacity is limited). Returns the number removed and adds it to `set.pruned`.
int PruneDominated(CandidateSet& set);

}  // namespace sky::planner
