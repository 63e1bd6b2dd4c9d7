#include "broker/replay/hindsight.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <iostream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "tests/support/status_matchers.h"

namespace sky::broker {
namespace {

// Dollars two costs may differ by and be equal (float sums in another order).
constexpr double kUsdTolerance = 1e-9;

HindsightPlace OnDemand(double usd_per_hour, size_t ticks) {
  return {"aws:us-east-1", false, std::vector<bool>(ticks, true),
          std::vector<double>(ticks, usd_per_hour)};
}

// A spot place from a pattern such as "1100": 1 = available.
HindsightPlace Spot(double usd_per_hour, const std::string& pattern) {
  HindsightPlace p{"aws:us-east-1:us-east-1a", true, {}, {}};
  for (char c : pattern) p.available.push_back(c == '1');
  p.usd_per_hour.assign(pattern.size(), usd_per_hour);
  return p;
}

HindsightJob Job(double work, double deadline, double restart, double checkpoint) {
  HindsightJob job;
  job.work_hours = work;
  job.deadline_hours = deadline;
  job.tick_hours = 1;
  job.restart_hours = restart;
  job.checkpoint_hours = checkpoint;
  return job;
}

std::vector<int> Places(const HindsightResult& r) {
  std::vector<int> out;
  for (const HindsightStep& s : r.schedule) out.push_back(s.place);
  return out;
}

// An independent reading of hindsight.h's semantics, tick by tick, in whole ticks: what one
// per-tick action does to the job. Written without the solver's checkpoint-boundary shortcut,
// so it loses work at preemptions and voluntary stops.
struct Brute {
  const std::vector<HindsightPlace>* places = nullptr;
  int64_t work = 0, restart = 0, interval = 0;  // interval 0: no checkpoints
  std::vector<std::vector<int64_t>> move_ticks;
  std::vector<std::vector<double>> move_usd;
  double tick_hours = 1;
  // The state.
  int64_t t = 0, saved = 0;
  int saved_at = -1;  // place of the checkpoint; -1: none yet
  int cur = -1;       // place of the running attempt; -1: none
  int64_t elapsed = 0, overhead = 0, resumed = 0;
  double cost = 0;
  bool done = false;
  int launches = 0;

  // Applies action `x` (place or -1) at tick t. False when x cannot be launched or kept.
  bool Step(int x) {
    if (cur >= 0 && !(*places)[cur].available[t]) cur = -1;  // preempted at the tick's start
    if (x >= 0 && !(*places)[x].available[t]) return false;
    if (x != cur) {
      cur = x;
      if (x >= 0) Launch(x);
    }
    if (x >= 0) Run(x);
    ++t;
    return true;
  }
  void Launch(int x) {
    const bool moved = saved > 0 && saved_at != x;
    overhead = restart + (moved ? move_ticks[saved_at][x] : 0);
    if (moved) cost += move_usd[saved_at][x];
    elapsed = 0;
    resumed = saved;
    ++launches;
  }
  void Run(int x) {
    cost += (*places)[x].usd_per_hour[t] * tick_hours;
    ++elapsed;
    const int64_t worked = elapsed - overhead;
    if (worked <= 0) return;
    if (resumed + worked >= work) {
      done = true;
    } else if (interval > 0 && worked % interval == 0) {
      saved = resumed + worked;
      saved_at = x;
    }
  }
};

struct Best {
  bool found = false;
  double cost = std::numeric_limits<double>::infinity();
};

void Search(const Brute& state, int64_t horizon, Best& best) {
  if (state.done) {
    best.found = true;
    best.cost = std::min(best.cost, state.cost);
    return;
  }
  if (state.t >= horizon) return;
  for (int x = -1; x < static_cast<int>(state.places->size()); ++x) {
    Brute next = state;
    if (next.Step(x)) Search(next, horizon, best);
  }
}

// A random tiny instance, every duration a whole number of ticks (the brute force takes them
// as ticks; the solver gets hours).
struct Tiny {
  std::vector<HindsightPlace> places;
  HindsightJob job;
  Brute brute;
  int64_t horizon = 0;
};

int Pick(std::mt19937& rng, int lo, int hi) {
  return std::uniform_int_distribution<int>(lo, hi)(rng);
}

// Transfer ticks and dollars between every two of `n` places.
void RandomMoves(std::mt19937& rng, int n, Brute& brute) {
  brute.move_ticks.assign(n, std::vector<int64_t>(n, 0));
  brute.move_usd.assign(n, std::vector<double>(n, 0));
  for (int a = 0; a < n; ++a) {
    for (int b = 0; b < n; ++b) {
      if (a == b) continue;
      brute.move_ticks[a][b] = Pick(rng, 0, 2);
      brute.move_usd[a][b] = Pick(rng, 0, 30) / 10.0;
    }
  }
}

// REQUIRES: the caller points x.brute.places at x.places once x has its final address.
Tiny RandomTiny(std::mt19937& rng) {
  auto pick = [&rng](int lo, int hi) { return Pick(rng, lo, hi); };
  Tiny x;
  const int n = pick(1, 3), ticks = pick(2, 8);
  const double tick = 0.25;
  for (int p = 0; p < n; ++p) {
    const bool spot = pick(0, 3) > 0;
    HindsightPlace place{"p" + std::to_string(p), spot, {}, {}};
    for (int t = 0; t < ticks; ++t) {
      place.available.push_back(!spot || pick(0, 2) > 0);
      place.usd_per_hour.push_back(pick(1, 40) / 10.0);
    }
    x.places.push_back(place);
  }
  const int work = pick(1, 6), restart = pick(0, 2), interval = pick(0, 3), deadline = pick(0, 10);
  x.brute.work = work;
  x.brute.restart = restart;
  x.brute.interval = interval;
  x.brute.tick_hours = tick;
  RandomMoves(rng, n, x.brute);
  x.job.work_hours = work * tick;
  x.job.deadline_hours = deadline * tick;
  x.job.tick_hours = tick;
  x.job.restart_hours = restart * tick;
  x.job.checkpoint_hours = interval * tick;
  const Brute& b = x.brute;
  x.job.move_usd = [m = b.move_usd](size_t from, size_t to) { return m[from][to]; };
  x.job.move_hours = [m = b.move_ticks, tick](size_t from, size_t to) {
    return static_cast<double>(m[from][to]) * tick;
  };
  x.horizon = std::min(deadline, ticks);
  return x;
}

// Replays a solver schedule through the brute force's semantics.
Brute Replay(const Tiny& x, const HindsightResult& r) {
  Brute b = x.brute;
  b.places = &x.places;
  for (const HindsightStep& s : r.schedule) {
    EXPECT_EQ(s.tick, static_cast<size_t>(b.t));
    if (!b.Step(s.place)) ADD_FAILURE() << "schedule launches an unavailable place";
  }
  return b;
}

TEST(HindsightTest, OnDemandOnlyRunsStraightThrough) {
  // 4 h of work + 1 h boot at $3/h: 5 ticks billed.
  auto r = SolveHindsight({OnDemand(3, 10)}, Job(4, 10, 1, 1));
  ASSERT_OK(r);
  EXPECT_TRUE(r->feasible);
  EXPECT_NEAR(r->cost_usd, 15, kUsdTolerance);
  EXPECT_DOUBLE_EQ(r->finish_hours, 5);
  EXPECT_EQ(r->launches, 1);
  EXPECT_EQ(Places(*r), (std::vector<int>{0, 0, 0, 0, 0}));
}

TEST(HindsightTest, CheapSpotAvailableHalfTheTimeWinsWithSlack) {
  // Spot at $1 (3x cheaper) available in ticks 0-1 and 4-5; hourly checkpoints, no boot:
  // spot 0-1, wait 2-3, spot 4-5 = $4, done at 6 h.
  const std::vector<HindsightPlace> places = {OnDemand(3, 8), Spot(1, "11001100")};
  auto r = SolveHindsight(places, Job(4, 8, 0, 1));
  ASSERT_OK(r);
  EXPECT_NEAR(r->cost_usd, 4, kUsdTolerance);
  EXPECT_DOUBLE_EQ(r->finish_hours, 6);
  EXPECT_EQ(Places(*r), (std::vector<int>{1, 1, -1, -1, 1, 1}));
  // With a 4 h deadline there is no slack: spot 0-1 then on-demand 2-3 = 2 + 6.
  auto tight = SolveHindsight(places, Job(4, 4, 0, 1));
  ASSERT_OK(tight);
  EXPECT_NEAR(tight->cost_usd, 8, kUsdTolerance);
  EXPECT_EQ(Places(*tight), (std::vector<int>{1, 1, 0, 0}));
}

TEST(HindsightTest, PreemptionLosesWorkSinceTheLastCheckpoint) {
  // 4 h of work, checkpoints every 3 h, spot lost in tick 2. Starting at once would run ticks
  // 0-1, lose both at the preemption, then run 3-6: $6. The optimum waits: $4, done at 7 h.
  const std::vector<HindsightPlace> places = {Spot(1, "11011111")};
  auto r = SolveHindsight(places, Job(4, 8, 0, 3));
  ASSERT_OK(r);
  EXPECT_NEAR(r->cost_usd, 4, kUsdTolerance);
  EXPECT_DOUBLE_EQ(r->finish_hours, 7);
  EXPECT_EQ(Places(*r), (std::vector<int>{-1, -1, -1, 0, 0, 0, 0}));
  Brute eager;
  eager.places = &places;
  eager.work = 4;
  eager.interval = 3;
  for (int x : {0, 0, -1, 0, 0, 0, 0}) ASSERT_TRUE(eager.Step(x));
  EXPECT_TRUE(eager.done);
  EXPECT_NEAR(eager.cost, 6, kUsdTolerance);
  // By 6 h the spot window after the outage is too short: on-demand 0-2 ($15, checkpoint
  // at 3 h), then spot at 3 to finish ($1).
  auto tight = SolveHindsight({Spot(1, "11011111"), OnDemand(5, 8)}, Job(4, 6, 0, 3));
  ASSERT_OK(tight);
  EXPECT_NEAR(tight->cost_usd, 16, kUsdTolerance);
  EXPECT_EQ(Places(*tight), (std::vector<int>{1, 1, 1, 0}));
}

TEST(HindsightTest, StaysWhenTheTransferCostsMoreThanItSaves) {
  // On-demand A at $2; spot B at $1 from tick 2 on. No slack (4 h of work by 4 h). Moving at
  // 2 h saves $2 of compute; a $3 transfer makes staying the optimum, a $1 one moving.
  const std::vector<HindsightPlace> places = {OnDemand(2, 4), Spot(1, "0011")};
  HindsightJob job = Job(4, 4, 0, 1);
  job.move_usd = [](size_t, size_t) { return 3.0; };
  auto stay = SolveHindsight(places, job);
  ASSERT_OK(stay);
  EXPECT_NEAR(stay->cost_usd, 8, kUsdTolerance);
  EXPECT_EQ(Places(*stay), (std::vector<int>{0, 0, 0, 0}));
  job.move_usd = [](size_t, size_t) { return 1.0; };
  auto move = SolveHindsight(places, job);
  ASSERT_OK(move);
  EXPECT_NEAR(move->cost_usd, 4 + 2 + 1, kUsdTolerance);
  EXPECT_EQ(Places(*move), (std::vector<int>{0, 0, 1, 1}));
  EXPECT_EQ(move->launches, 2);
  // A 1 h transfer (billed on B) does not fit the deadline: stay again.
  job.move_hours = [](size_t, size_t) { return 1.0; };
  auto slow = SolveHindsight(places, job);
  ASSERT_OK(slow);
  EXPECT_NEAR(slow->cost_usd, 8, kUsdTolerance);
}

TEST(HindsightTest, InfeasibleDeadlineIsAnAnswer) {
  auto r = SolveHindsight({OnDemand(3, 10)}, Job(5, 4, 0, 1));
  ASSERT_OK(r);
  EXPECT_FALSE(r->feasible);
  EXPECT_NE(r->reason.find("deadline"), std::string::npos) << r->reason;
  EXPECT_TRUE(r->schedule.empty());
  // Enough time, not enough capacity: 3 h of work, spot only, never 3 ticks in a row and no
  // checkpoints.
  auto scarce = SolveHindsight({Spot(1, "1101101101")}, Job(3, 10, 0, 0));
  ASSERT_OK(scarce);
  EXPECT_FALSE(scarce->feasible);
  EXPECT_NE(scarce->reason.find("capacity"), std::string::npos) << scarce->reason;
}

TEST(HindsightTest, DurationsRoundUpToWholeTicksWithoutFloatNoise) {
  HindsightJob job = Job(0.3, 1, 0.25, 0);
  job.tick_hours = 0.1;  // 0.3 h = 3 ticks (not 4), 0.25 h of boot = 3 ticks
  auto r = SolveHindsight({OnDemand(1, 10)}, job);
  ASSERT_OK(r);
  EXPECT_EQ(r->schedule.size(), 6u);
  EXPECT_NEAR(r->cost_usd, 0.6, kUsdTolerance);
  EXPECT_NEAR(r->finish_hours, 0.6, kUsdTolerance);
}

TEST(HindsightTest, RejectsMalformedInput) {
  EXPECT_TRUE(SolveHindsight({}, Job(1, 1, 0, 0)).status().IsInvalidArgument());
  EXPECT_TRUE(SolveHindsight({OnDemand(1, 3), OnDemand(1, 4)}, Job(1, 1, 0, 0))
                  .status()
                  .IsInvalidArgument());
  EXPECT_TRUE(SolveHindsight({OnDemand(-1, 3)}, Job(1, 1, 0, 0)).status().IsInvalidArgument());
  EXPECT_TRUE(SolveHindsight({OnDemand(1, 3)}, Job(0, 1, 0, 0)).status().IsInvalidArgument());
  HindsightJob job = Job(1, 3, 0, 0);
  job.move_usd = [](size_t, size_t) { return -1.0; };
  auto bad_move = SolveHindsight({OnDemand(1, 3), OnDemand(1, 3)}, job);
  EXPECT_TRUE(bad_move.status().IsInvalidArgument());
  EXPECT_NE(bad_move.status().ToString().find("move_usd"), std::string::npos);
}

TEST(HindsightTest, EqualsBruteForceOnRandomTinyInstances) {
  std::mt19937 rng(17);
  constexpr int kInstances = 600;
  int feasible = 0;
  for (int i = 0; i < kInstances; ++i) {
    Tiny x = RandomTiny(rng);
    x.brute.places = &x.places;
    Best best;
    Search(x.brute, x.horizon, best);
    auto r = SolveHindsight(x.places, x.job);
    ASSERT_OK(r);
    ASSERT_EQ(r->feasible, best.found) << "instance " << i << ": " << r->reason;
    if (!best.found) continue;
    ++feasible;
    ASSERT_NEAR(r->cost_usd, best.cost, kUsdTolerance) << "instance " << i;
    // The schedule itself does what it claims under the brute force's semantics.
    const Brute replayed = Replay(x, *r);
    EXPECT_TRUE(replayed.done) << "instance " << i;
    EXPECT_NEAR(replayed.cost, r->cost_usd, kUsdTolerance) << "instance " << i;
    EXPECT_EQ(replayed.launches, r->launches) << "instance " << i;
    EXPECT_NEAR(r->finish_hours, static_cast<double>(replayed.t) * x.job.tick_hours, 1e-12);
  }
  // The instances exercise both answers.
  EXPECT_GT(feasible, kInstances / 4);
  EXPECT_LT(feasible, kInstances);
}

// Markov on/off availability: runs of ~`mean_on` available ticks and ~`mean_off` lost ones.
std::vector<HindsightPlace> SyntheticPlaces(std::mt19937& rng, int spot, int ticks) {
  std::vector<HindsightPlace> places;
  std::uniform_real_distribution<double> u(0, 1);
  for (int p = 0; p < spot; ++p) {
    HindsightPlace place{"spot" + std::to_string(p), true, {}, {}};
    bool on = u(rng) < 0.5;
    double price = 0.9 + u(rng);
    for (int t = 0; t < ticks; ++t) {
      if (u(rng) < (on ? 1.0 / 40 : 1.0 / 25)) on = !on;
      if (u(rng) < 0.02) price = 0.9 + u(rng);
      place.available.push_back(on);
      place.usd_per_hour.push_back(price);
    }
    places.push_back(std::move(place));
  }
  places.push_back(OnDemand(3.06, static_cast<size_t>(ticks)));
  return places;
}

double TimeSolve(const std::vector<HindsightPlace>& places, const HindsightJob& job,
                 HindsightResult& out) {
  const auto start = std::chrono::steady_clock::now();
  auto r = SolveHindsight(places, job);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_OK(r);
  if (r.ok()) out = *r;
  return seconds;
}

TEST(HindsightTest, SolvesLargeInstancesQuickly) {
  std::mt19937 rng(7);
  // The brief's size: 9 places (8 spot + on-demand) x 600 ticks of 6 min, 48 h job by 60 h.
  HindsightJob job = Job(48, 60, 0.2, 1.0 / 6);
  job.tick_hours = 0.1;
  job.move_usd = [](size_t, size_t) { return 1.0; };
  job.move_hours = [](size_t, size_t) { return 0.1; };
  HindsightResult small;
  const double small_s = TimeSolve(SyntheticPlaces(rng, 8, 600), job, small);
  // The size: 9 spot zones + on-demand, 195 s ticks, 72 h deadline, restart 12 min,
  // checkpoints every 10 min.
  HindsightJob big = Job(48, 72, 0.2, 1.0 / 6);
  big.tick_hours = 195.0 / 3600;
  big.move_usd = job.move_usd;
  big.move_hours = job.move_hours;
  HindsightResult large;
  const double large_s = TimeSolve(SyntheticPlaces(rng, 9, 1330), big, large);
  std::cout << "hindsight: 9 places x 600 ticks: " << small_s << " s (feasible " << small.feasible
            << ", $" << small.cost_usd << ", " << small.launches
            << " launches); 10 places x 1329 ticks of 195 s: " << large_s << " s (feasible "
            << large.feasible << ", $" << large.cost_usd << ", " << large.launches
            << " launches)\n";
  EXPECT_TRUE(small.feasible);
  EXPECT_TRUE(large.feasible);
  // Never above running on demand from the start.
  EXPECT_LE(small.cost_usd, 3.06 * 48.2 + 1e-6);
  EXPECT_LT(small_s + large_s, 20);  // generous: a shared 2-core machine, any build type
}

}  // namespace
}  // namespace sky::broker
