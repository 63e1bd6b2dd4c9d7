#include "broker/replay/hindsight.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>

namespace sky::broker {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Dollars below which two costs are the same (sums of the same prices in another order differ
// by ~1e-13); ties go to the schedule that finishes first.
constexpr double kCostEpsilon = 1e-9;
// Relative slack when hours become ticks, so that 0.3 h of 0.1 h ticks is 3 ticks, not 4
// (0.3 / 0.1 = 2.9999999999999996 in doubles).
constexpr double kTickEpsilon = 1e-9;
// Idle decisions: a place index to launch there, or one of these.
constexpr int16_t kWait = -1;
constexpr int16_t kNoWay = -2;  // nothing finishes from here
// Running decisions at a checkpoint boundary.
constexpr uint8_t kStop = 0;
constexpr uint8_t kGo = 1;  // run one more checkpoint interval, or to the finish

int64_t TicksUp(double hours, double tick) {
  if (hours <= 0) return 0;
  const double x = hours / tick;
  return static_cast<int64_t>(std::ceil(x - kTickEpsilon * std::max(1.0, x)));
}

int64_t TicksDown(double hours, double tick) {
  const double x = hours / tick;
  return static_cast<int64_t>(std::floor(x + kTickEpsilon * std::max(1.0, x)));
}

bool NonNegative(double v) { return std::isfinite(v) && v >= 0; }

Status ValidatePlaces(const std::vector<HindsightPlace>& places) {
  if (places.empty()) return Status::InvalidArgument("places: none given");
  if (places.size() > static_cast<size_t>(std::numeric_limits<int16_t>::max())) {
    return Status::InvalidArgument("places: more than " +
                                   std::to_string(std::numeric_limits<int16_t>::max()));
  }
  const size_t ticks = places[0].available.size();
  for (size_t p = 0; p < places.size(); ++p) {
    const HindsightPlace& place = places[p];
    const std::string name = "places[" + std::to_string(p) + "] (" + place.location + ")";
    if (place.available.empty() || place.available.size() != ticks ||
        place.usd_per_hour.size() != ticks) {
      return Status::InvalidArgument(name + ": available and usd_per_hour must be non-empty and " +
                                     "as long as places[0].available (" + std::to_string(ticks) +
                                     ")");
    }
    for (double price : place.usd_per_hour) {
      if (!NonNegative(price)) return Status::InvalidArgument(name + ": a price below 0 or NaN");
    }
  }
  return Status::Ok();
}

Status ValidateJob(const HindsightJob& job) {
  if (!(job.work_hours > 0) || !std::isfinite(job.work_hours)) {
    return Status::InvalidArgument("work_hours: must be > 0");
  }
  if (!(job.tick_hours > 0) || !std::isfinite(job.tick_hours)) {
    return Status::InvalidArgument("tick_hours: must be > 0");
  }
  if (!NonNegative(job.deadline_hours)) {
    return Status::InvalidArgument("deadline_hours: must be >= 0");
  }
  if (!NonNegative(job.restart_hours))
    return Status::InvalidArgument("restart_hours: must be >= 0");
  if (std::isnan(job.checkpoint_hours)) return Status::InvalidArgument("checkpoint_hours: NaN");
  return Status::Ok();
}

// The whole-tick model of the job on the places (hindsight.h).
struct Model {
  size_t places = 0;
  int64_t horizon = 0;                        // H: the job must end by this tick boundary
  int64_t work = 0;                           // W
  int64_t restart = 0;                        // R
  int64_t interval = 0;                       // C
  int64_t levels = 0;                         // K: checkpoints k*C < W
  std::vector<int64_t> move_ticks;            // [from * P + to]
  std::vector<double> move_usd;               // [from * P + to]
  std::vector<std::vector<double>> prefix;    // [p][t]: dollars of ticks 0 .. t-1
  std::vector<std::vector<int64_t>> run_len;  // [p][t]: available ticks from t on
};

Status AddMoves(const HindsightJob& job, Model& m) {
  const size_t n = m.places;
  m.move_ticks.assign(n * n, 0);
  m.move_usd.assign(n * n, 0);
  for (size_t a = 0; a < n; ++a) {
    for (size_t b = 0; b < n; ++b) {
      if (a == b) continue;
      const double usd = job.move_usd ? job.move_usd(a, b) : 0;
      const double hours = job.move_hours ? job.move_hours(a, b) : 0;
      if (!NonNegative(usd) || !NonNegative(hours)) {
        return Status::InvalidArgument("move_usd/move_hours(" + std::to_string(a) + ", " +
                                       std::to_string(b) + "): must be finite and >= 0");
      }
      m.move_usd[a * n + b] = usd;
      m.move_ticks[a * n + b] = TicksUp(hours, job.tick_hours);
    }
  }
  return Status::Ok();
}

void AddTraces(const std::vector<HindsightPlace>& places, double tick_hours, Model& m) {
  const size_t ticks = places[0].available.size();
  m.prefix.assign(m.places, std::vector<double>(ticks + 1, 0));
  m.run_len.assign(m.places, std::vector<int64_t>(ticks + 1, 0));
  for (size_t p = 0; p < m.places; ++p) {
    for (size_t t = 0; t < ticks; ++t) {
      m.prefix[p][t + 1] = m.prefix[p][t] + places[p].usd_per_hour[t] * tick_hours;
    }
    for (size_t t = ticks; t-- > 0;) {
      m.run_len[p][t] = places[p].available[t] ? m.run_len[p][t + 1] + 1 : 0;
    }
  }
}

Result<Model> BuildModel(const std::vector<HindsightPlace>& places, const HindsightJob& job) {
  SKY_RETURN_IF_ERROR(ValidatePlaces(places));
  SKY_RETURN_IF_ERROR(ValidateJob(job));
  Model m;
  m.places = places.size();
  const auto ticks = static_cast<int64_t>(places[0].available.size());
  m.horizon = std::min(ticks, TicksDown(job.deadline_hours, job.tick_hours));
  m.work = std::max<int64_t>(1, TicksUp(job.work_hours, job.tick_hours));
  m.restart = TicksUp(job.restart_hours, job.tick_hours);
  m.interval = job.checkpoint_hours > 0
                   ? std::max<int64_t>(1, TicksUp(job.checkpoint_hours, job.tick_hours))
                   : m.work;
  m.levels = (m.work + m.interval - 1) / m.interval;
  SKY_RETURN_IF_ERROR(AddMoves(job, m));
  AddTraces(places, job.tick_hours, m);
  return m;
}

// The least cost to finish from a state, and the tick the job then ends.
struct Value {
  double usd = kInf;
  int64_t finish = 0;
};

bool Better(const Value& a, const Value& b) {
  if (a.usd < b.usd - kCostEpsilon) return true;
  return a.usd <= b.usd + kCostEpsilon && a.finish < b.finish;
}

// The backward dynamic programme of hindsight.h: values in a ring over the ticks a decision
// can look ahead, decisions for every state (for the forward walk that builds the schedule).
class Solver {
 public:
  explicit Solver(const Model& m) : m_(m) {
    int64_t max_move = 0;
    for (int64_t t : m.move_ticks) max_move = std::max(max_move, t);
    depth_ = m.restart + max_move + m.interval + 1;
    const size_t states = static_cast<size_t>(m.levels) * m.places;
    idle_.assign(static_cast<size_t>(depth_) * states, Value{});
    run_.assign(static_cast<size_t>(depth_) * states, Value{});
    idle_choice_.assign(static_cast<size_t>(m.horizon + 1) * states, kNoWay);
    run_choice_.assign(static_cast<size_t>(m.horizon + 1) * states, kStop);
  }

  double Solve() {
    for (int64_t t = m_.horizon; t >= 0; --t) {
      for (int64_t k = 0; k < m_.levels; ++k) {
        for (size_t at = 0; at < m_.places; ++at) SolveIdle(t, k, at);
      }
      for (int64_t k = 0; k < m_.levels; ++k) {
        for (size_t at = 0; at < m_.places; ++at) SolveRun(t, k, at);
      }
    }
    return idle_[Index(0, 0, 0)].usd;
  }

  HindsightResult Walk() const;

 private:
  size_t Index(int64_t t, int64_t k, size_t at) const {
    return (static_cast<size_t>(t % depth_) * m_.levels + k) * m_.places + at;
  }
  size_t Choice(int64_t t, int64_t k, size_t at) const {
    return (static_cast<size_t>(t) * m_.levels + k) * m_.places + at;
  }
  bool Moves(int64_t k, size_t from, size_t to) const { return k > 0 && from != to; }
  // Ticks of the first block of a launch at `to`: overhead, then work up to a checkpoint or
  // the finish.
  int64_t LaunchTicks(int64_t k, size_t from, size_t to) const {
    const int64_t overhead =
        m_.restart + (Moves(k, from, to) ? m_.move_ticks[from * m_.places + to] : 0);
    return overhead + std::min(m_.work - k * m_.interval, m_.interval);
  }
  // Dollars of `n` ticks at `p` from `t`, or infinity when they are not all available.
  double Block(size_t p, int64_t t, int64_t n) const {
    if (t + n > m_.horizon || m_.run_len[p][t] < n) return kInf;
    return m_.prefix[p][t + n] - m_.prefix[p][t];
  }
  // A block of `usd` at `p` that ends at `end` with level k's work done, then the best from
  // there (the finish, or running at the next checkpoint level).
  Value After(double usd, int64_t end, int64_t k, size_t p) const {
    if (m_.work - k * m_.interval <= m_.interval) return {usd, end};
    const Value next = run_[Index(end, k + 1, p)];
    return {usd + next.usd, next.finish};
  }
  void SolveIdle(int64_t t, int64_t k, size_t from);
  void SolveRun(int64_t t, int64_t k, size_t p);

  const Model& m_;
  int64_t depth_ = 1;
  std::vector<Value> idle_, run_;
  std::vector<int16_t> idle_choice_;
  std::vector<uint8_t> run_choice_;
};

void Solver::SolveIdle(int64_t t, int64_t k, size_t from) {
  Value best;
  int16_t choice = kNoWay;
  for (size_t to = 0; to < m_.places; ++to) {
    const int64_t n = LaunchTicks(k, from, to);
    double usd = Block(to, t, n);
    if (usd == kInf) continue;
    if (Moves(k, from, to)) usd += m_.move_usd[from * m_.places + to];
    const Value launch = After(usd, t + n, k, to);
    if (Better(launch, best)) {
      best = launch;
      choice = static_cast<int16_t>(to);
    }
  }
  if (t < m_.horizon && Better(idle_[Index(t + 1, k, from)], best)) {
    best = idle_[Index(t + 1, k, from)];
    choice = kWait;
  }
  idle_[Index(t, k, from)] = best;
  idle_choice_[Choice(t, k, from)] = choice;
}

void Solver::SolveRun(int64_t t, int64_t k, size_t p) {
  // Going on is tried first, so that a tie never stops to relaunch in the same place.
  Value best;
  uint8_t choice = kStop;
  const int64_t n = std::min(m_.work - k * m_.interval, m_.interval);
  const double block = Block(p, t, n);
  if (block < kInf) {
    best = After(block, t + n, k, p);
    choice = kGo;
  }
  if (Better(idle_[Index(t, k, p)], best)) {
    best = idle_[Index(t, k, p)];
    choice = kStop;
  }
  run_[Index(t, k, p)] = best;
  run_choice_[Choice(t, k, p)] = choice;
}

// Follows the decisions from (tick 0, idle, no checkpoint) to the finish.
HindsightResult Solver::Walk() const {
  HindsightResult out;
  int64_t t = 0, k = 0;
  size_t at = 0;
  bool running = false;
  while (true) {
    if (running && run_choice_[Choice(t, k, at)] == kStop) running = false;
    int64_t n = 0;
    if (!running) {
      const int16_t c = idle_choice_[Choice(t, k, at)];
      if (c == kWait) {
        out.schedule.push_back({static_cast<size_t>(t++), -1});
        continue;
      }
      const auto to = static_cast<size_t>(c);
      n = LaunchTicks(k, at, to);
      if (Moves(k, at, to)) out.cost_usd += m_.move_usd[at * m_.places + to];
      at = to;
      running = true;
      ++out.launches;
    } else {
      n = std::min(m_.work - k * m_.interval, m_.interval);
    }
    out.cost_usd += Block(at, t, n);
    for (int64_t i = 0; i < n; ++i)
      out.schedule.push_back({static_cast<size_t>(t + i), static_cast<int>(at)});
    t += n;
    if (m_.work - k * m_.interval <= m_.interval) break;
    ++k;
  }
  out.feasible = true;
  out.finish_hours = static_cast<double>(t);  // in ticks; scaled by the caller
  return out;
}

// "48 h", "0.25 h": ticks as hours, without trailing zeros.
std::string Hours(int64_t ticks, double tick_hours) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g h", static_cast<double>(ticks) * tick_hours);
  return buf;
}

std::string InfeasibleReason(const Model& m, const HindsightJob& job) {
  const std::string have = Hours(m.horizon, job.tick_hours);
  if (m.work + m.restart > m.horizon) {
    return "the work and one restart take " + Hours(m.work + m.restart, job.tick_hours) +
           ", more than the " + have + " before the deadline (or the traces' end)";
  }
  return "no schedule finishes within the " + have +
         " before the deadline (or the traces' end): too little capacity on these traces";
}

}  // namespace

Result<HindsightResult> SolveHindsight(const std::vector<HindsightPlace>& places,
                                       const HindsightJob& job) {
  SKY_ASSIGN_OR_RETURN(Model model, BuildModel(places, job));
  Solver solver(model);
  const double best = solver.Solve();
  if (best == kInf) {
    HindsightResult out;
    out.reason = InfeasibleReason(model, job);
    return out;
  }
  HindsightResult out = solver.Walk();
  out.finish_hours *= job.tick_hours;
  return out;
}

}  // namespace sky::broker
