#include "tests/planner/brute_force.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "sky/types/glob.h"

namespace sky::planner::testing {
namespace {

struct Choice {
  const Offer* offer;
  int reservation;  // -1: bought
  double duration;  // scheduled
  double cost;      // expected compute cost
};

std::string Loc(const Offer& o) { return o.provider + ":" + o.region; }
std::string ProviderOf(const std::string& loc) { return loc.substr(0, loc.find(':')); }

// Pairs, then the spec's class overrides (the random instances always set all three).
LinkCost Link(const PipelineSpec& spec, const std::string& src, const std::string& dst) {
  for (const LinkOverride& p : spec.network.pairs) {
    if (p.src == src && p.dst == dst) return p.link;
  }
  if (src == dst) return *spec.network.same_region;
  if (ProviderOf(src) == ProviderOf(dst)) return *spec.network.same_provider;
  return *spec.network.cross_provider;
}

bool AnyGlob(const std::vector<std::string>& globs, const Offer& o) {
  if (globs.empty()) return true;
  for (const std::string& g : globs) {
    if (GlobMatch(g, g.find(':') == std::string::npos ? o.region : Loc(o))) return true;
  }
  return false;
}

std::optional<double> Runtime(const StageSpec& s, const Offer& o) {
  if (s.runtime_hours) return s.runtime_hours;
  for (const auto& [name, h] : s.runtime_by_accelerator) {
    if (AsciiLower(name) == AsciiLower(o.accelerator)) return h;
  }
  return std::nullopt;
}

// Everything but the market; nullopt when the offer cannot run the stage.
std::optional<double> Fits(const PipelineSpec& spec, const StageSpec& s, const Offer& o,
                           const PlannerOptions& options) {
  if (o.market == Market::kReserved) return std::nullopt;
  if (o.vcpus < s.resources.cpus || o.memory_gb < s.resources.memory_gb) return std::nullopt;
  bool gpu_ok = s.resources.accelerators.empty() && o.accelerator_count == 0;
  for (const auto& [name, count] : s.resources.accelerators) {
    gpu_ok |= AsciiLower(name) == AsciiLower(o.accelerator) && count == o.accelerator_count;
  }
  const auto& c = spec.constraints;
  const bool provider_ok =
      c.providers.empty() || std::count(c.providers.begin(), c.providers.end(), o.provider);
  auto sr = c.stage_regions.find(s.name);
  bool ok = gpu_ok && provider_ok && AnyGlob(c.regions, o) &&
            (sr == c.stage_regions.end() || AnyGlob(sr->second, o));
  for (const std::string& e : options.excluded) {
    ok = ok && e != o.id && e != Loc(o) && (o.zone.empty() || e != Loc(o) + ":" + o.zone);
  }
  if (!ok) return std::nullopt;
  return Runtime(s, o);
}

Choice Price(const PipelineSpec& spec, const StageSpec& s, const Offer& o, double t, int res,
             const PlannerOptions& options) {
  if (res >= 0 || o.market == Market::kOnDemand) {
    return {&o, res, t, res >= 0 ? 0.0 : t * o.price_per_hour};
  }
  auto it = options.preemption_rates.find(o.id);
  const double lambda =
      it == options.preemption_rates.end() ? options.default_preemption_rate : it->second;
  const double c = s.checkpoint_minutes ? *s.checkpoint_minutes / 60 : t;
  const double r = spec.restart_minutes / 60;
  const double e = t * (1 + lambda * (c / 2 + r));
  const double w = spec.deadline_policy == DeadlinePolicy::kStrict ? e + c + r : e;
  return {&o, -1, w, e * o.price_per_hour};
}

std::vector<Choice> Candidates(const PipelineSpec& spec, const StageSpec& s,
                               const std::vector<Offer>& offers, const PlannerOptions& options) {
  std::vector<Choice> out;
  const auto& markets = spec.constraints.markets;
  for (const Offer& o : offers) {
    auto t = Fits(spec, s, o, options);
    const bool market_ok = markets.empty() ? o.market != Market::kReserved
                                           : std::count(markets.begin(), markets.end(), o.market);
    if (t && market_ok) out.push_back(Price(spec, s, o, *t, -1, options));
  }
  for (size_t r = 0; r < spec.reservations.size(); ++r) {
    const Reservation& res = spec.reservations[r];
    const Offer* pick = nullptr;
    for (const Offer& o : offers) {
      if (o.market == Market::kOnDemand && o.provider == res.provider && o.region == res.region &&
          o.instance_type == res.instance_type && Fits(spec, s, o, options) &&
          (pick == nullptr || o.id < pick->id)) {
        pick = &o;
      }
    }
    if (pick != nullptr && res.count > 0) {
      out.push_back(Price(spec, s, *pick, *Fits(spec, s, *pick, options), r, options));
    }
  }
  return out;
}

class Enumerator {
 public:
  Enumerator(const PipelineSpec& spec, std::vector<std::vector<Choice>> cands)
      : spec_(spec), cands_(std::move(cands)), pick_(spec.stages.size()) {}

  std::vector<Outcome> All() {
    used_.assign(spec_.reservations.size(), 0);
    Recurse(0);
    return out_;
  }

 private:
  void Recurse(size_t i) {
    if (i == cands_.size()) {
      out_.push_back(Evaluate());
      return;
    }
    for (const Choice& c : cands_[i]) {
      if (c.reservation >= 0 && used_[c.reservation] >= spec_.reservations[c.reservation].count) {
        continue;
      }
      if (c.reservation >= 0) ++used_[c.reservation];
      pick_[i] = &c;
      Recurse(i + 1);
      if (c.reservation >= 0) --used_[c.reservation];
    }
  }

  // Stages are generated so that predecessors come first (the random DAGs use i < j).
  Outcome Evaluate() const {
    const size_t n = spec_.stages.size();
    std::vector<double> end(n, 0);
    Outcome o;
    for (size_t i = 0; i < n; ++i) {
      const StageSpec& s = spec_.stages[i];
      const std::string here = Loc(*pick_[i]->offer);
      double start = 0;
      for (const InputSpec& in : spec_.inputs) {
        if (std::count(s.reads.begin(), s.reads.end(), in.name) == 0 || in.size_gb <= 0) continue;
        const LinkCost l = Link(spec_, in.location, here);
        start = std::max(start, in.size_gb * 8 / l.gbps / 3600);
        o.cost += in.size_gb * l.usd_per_gb;
      }
      for (const std::string& pred : s.after) {
        const size_t p = std::stoul(pred.substr(1));
        const double gb = spec_.stages[p].output_gb;
        const LinkCost l = Link(spec_, Loc(*pick_[p]->offer), here);
        start = std::max(start, end[p] + (gb > 0 ? gb * 8 / l.gbps / 3600 : 0));
        o.cost += gb * l.usd_per_gb;
      }
      end[i] = start + pick_[i]->duration;
      o.cost += pick_[i]->cost;
      o.makespan = std::max(o.makespan, end[i]);
      auto out = spec_.outputs.find(s.name);
      if (out != spec_.outputs.end() && s.output_gb > 0) {
        const LinkCost l = Link(spec_, here, out->second);
        o.makespan = std::max(o.makespan, end[i] + s.output_gb * 8 / l.gbps / 3600);
        o.cost += s.output_gb * l.usd_per_gb;
      }
    }
    return o;
  }

  const PipelineSpec& spec_;
  std::vector<std::vector<Choice>> cands_;
  std::vector<const Choice*> pick_;
  std::vector<int> used_;
  std::vector<Outcome> out_;
};

bool Better(const Outcome& a, const Outcome& b, Objective objective) {
  const double a1 = objective == Objective::kCost ? a.cost : a.makespan;
  const double b1 = objective == Objective::kCost ? b.cost : b.makespan;
  const double a2 = objective == Objective::kCost ? a.makespan : a.cost;
  const double b2 = objective == Objective::kCost ? b.makespan : b.cost;
  const double tol = kBruteTol * std::max(1.0, std::abs(b1));
  if (a1 < b1 - tol) return true;
  if (a1 > b1 + tol) return false;
  return a2 < b2;
}

}  // namespace

BruteForceResult BruteForce(const PipelineSpec& spec, const std::vector<Offer>& offers,
                            const PlannerOptions& options) {
  BruteForceResult result;
  std::vector<std::vector<Choice>> cands;
  for (const StageSpec& s : spec.stages) {
    cands.push_back(Candidates(spec, s, offers, options));
    result.some_stage_without_candidate |= cands.back().empty();
  }
  if (result.some_stage_without_candidate) return result;
  for (const Outcome& o : Enumerator(spec, std::move(cands)).All()) {
    if (spec.budget_usd && o.cost > *spec.budget_usd) continue;
    result.feasible_all.push_back(o);
    if (spec.deadline_hours && o.makespan > *spec.deadline_hours) continue;
    if (!result.best || Better(o, *result.best, spec.objective)) result.best = o;
  }
  return result;
}

std::vector<Outcome> ParetoFront(std::vector<Outcome> outcomes) {
  std::sort(outcomes.begin(), outcomes.end(), [](const Outcome& a, const Outcome& b) {
    return a.makespan < b.makespan || (a.makespan == b.makespan && a.cost < b.cost);
  });
  std::vector<Outcome> front;
  for (const Outcome& o : outcomes) {
    if (front.empty() || o.cost < front.back().cost - kBruteTol * std::max(1.0, o.cost)) {
      front.push_back(o);
    }
  }
  return front;
}

}  // namespace sky::planner::testing
