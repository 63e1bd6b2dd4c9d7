#pragma once
// The hindsight optimum of one single-stage job over recorded traces (issue 17, the `optimal`
// replay policy): knowing every place's future availability and price, where to run (or wait)
// at each tick so that the job finishes by its deadline at the least cost. A pure function;
// thread-safe (no shared state).
//
// The model, in whole ticks of `tick_hours` (the trace's gap_seconds / 3600). Every duration
// rounds UP to whole ticks (a relative epsilon of 1e-9 absorbs float noise): work W, restart R,
// checkpoint interval C (none when checkpoint_hours <= 0) and transfer M(a, b). The model is
// exact for the replay's semantics when these are whole multiples of the tick; otherwise each
// is off by less than a tick, and a caller wanting a finer resolution splits every trace tick
// into k (tick_hours / k, every per-tick value repeated k times): the solver is unchanged.
// On v100_priced/aws-02-15-2023 (9 zones + 3 on-demand regions, 48 h job by 72 h, restart
// 12 min, checkpoints every 10 min, 195 s ticks) k = 1 costs $44.30 at offset 0 in 0.2 s and
// k = 13 (15 s: every duration whole) $44.25 in 2.7 s and 200 MB: rounding moves it ~0.1%.
// Decisions fall on tick boundaries, where the replay's executor acts (its polls).
//  - At each tick t the job is at one place or waits. Waiting costs nothing.
//  - An attempt is a maximal run of ticks at one place. Its first O ticks are overhead:
//    O = R (boot: the sim's boot time), plus M(L, p) when a checkpoint exists and lives at
//    another place L (the restore runs on the new instance, after boot). Overhead is billed and
//    makes no progress; each later tick adds one tick of work. An attempt that needs the
//    transfer also pays move_usd(L, p) once, at its launch.
//  - Every tick is billed at the place's price of that tick (usd_per_hour * tick_hours).
//  - The attempt writes a checkpoint after every C ticks of its own work (as the sim does:
//    counted from the attempt's start, not from absolute progress), at the place it runs.
//    Progress restarts from the last checkpoint, so every checkpoint is a multiple of C.
//  - A spot place with available[t] == false cannot be launched at tick t, and an attempt
//    running there is preempted at the start of tick t: the work since its last checkpoint is
//    lost. On-demand places are available at every tick.
//  - The job ends at the tick boundary where progress reaches W; it must be at most
//    floor(deadline_hours / tick_hours) and at most the traces' length.
//
// Why the solver may look only at schedules that leave a place at checkpoints (and is still
// exact): take any schedule. An attempt that ends (preempted or stopped) without finishing
// leaves (checkpoint, its place) exactly as its last checkpoint did; cutting the attempt at
// that checkpoint and waiting for the rest of it (or waiting for all of it, when it wrote no
// checkpoint) reaches the same state at the same tick, for no more money (prices are >= 0)
// and with the same future available. So an optimal schedule exists in which every attempt runs its
// overhead, then whole checkpoint intervals, and ends there or at the finish; a preemption then
// never loses work, it only bounds where attempts can run. The brute force in hindsight_test.cc
// enumerates every per-tick schedule (with lost work) and confirms the equality.
//
// The dynamic programme (backward over ticks): Idle(t, k, L) = least cost to finish from tick t
// when the last checkpoint holds k*C ticks of work at place L, with nothing running; Run(t, k,
// p) = the same while running at p at a checkpoint boundary. Idle: wait one tick, or launch at
// any place (overhead then C ticks of work, or the rest of the work when that is at most C).
// Run: stop (-> Idle at p), run C more ticks, or finish. Complexity: time O(T * K * P^2) and
// memory O(T * K * P) bytes of decisions plus O((R + max M + C) * K * P) values, where T =
// ticks to the horizon, K = ceil(W / C) checkpoint levels, P = places.
// Measured (RelWithDebInfo, hindsight_test.cc SolvesLargeInstancesQuickly): 9 places x 600
// ticks x a 48 h job (K = 240) in ~0.05 s; 10 places x 1330 ticks of 195 s x 48 h (K = 222)
// in ~0.12 s, with about 9 MB of decisions.

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "sky/types/result.h"

namespace sky::broker {

// One place a job can run: a spot zone (with its trace) or an on-demand offer.
struct HindsightPlace {
  std::string location;              // "provider:region:zone" (only for the caller's reading)
  bool spot = false;                 // informative: availability alone decides
  std::vector<bool> available;       // per tick; on-demand: all true
  std::vector<double> usd_per_hour;  // per tick; same length as `available`
};

struct HindsightJob {
  double work_hours = 0;        // run time of the stage, > 0
  double deadline_hours = 0;    // from tick 0, >= 0
  double tick_hours = 0;        // length of one tick, > 0
  double restart_hours = 0;     // boot overhead of every launch, billed, >= 0
  double checkpoint_hours = 0;  // checkpoint interval of the stage's work; <= 0: none
  // Checkpoint transfer from place `from` to place `to` (indices into the places): dollars
  // charged at the launch and hours spent on the new instance after boot. Called only for
  // from != to (0 is assumed for from == to); empty functions mean 0. Must be >= 0.
  std::function<double(size_t from, size_t to)> move_usd;
  std::function<double(size_t from, size_t to)> move_hours;
};

struct HindsightStep {
  size_t tick = 0;
  int place = -1;  // index into the places; -1: wait
};

struct HindsightResult {
  bool feasible = false;
  std::string reason;  // why not, when !feasible
  double cost_usd = 0;
  std::vector<HindsightStep> schedule;  // ticks 0 .. finish, one step per tick
  double finish_hours = 0;              // when the work is done (a tick boundary)
  int launches = 0;                     // attempts in the schedule
};

// The least-cost schedule under the model above; among schedules of equal cost, one that
// finishes first. InvalidArgument (naming the field) for no places or more than 32767, per-tick
// vectors that are empty or of different lengths, a negative or non-finite price, a non-positive
// work_hours or tick_hours, a negative deadline_hours or restart_hours, or a negative or non-finite
// move cost. A job that cannot finish by the deadline on these traces is an answer (feasible =
// false, reason said), not an error.
Result<HindsightResult> SolveHindsight(const std::vector<HindsightPlace>& places,
                                       const HindsightJob& job);

}  // namespace sky::broker
