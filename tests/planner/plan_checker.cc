#include "tests/planner/plan_checker.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "sky/types/ascii.h"
#include "sky/types/glob.h"

namespace sky::planner::testing {
namespace {

constexpr double kTol = 1e-6;

bool Near(double a, double b) { return std::abs(a - b) <= kTol * std::max(1.0, std::abs(b)); }
bool AtMost(double a, double b) { return a <= b + kTol * std::max(1.0, std::abs(b)); }

bool RegionMatches(const std::vector<std::string>& globs, const Offer& o) {
  if (globs.empty()) return true;
  for (const std::string& g : globs) {
    const std::string text =
        g.find(':') != std::string::npos ? o.provider + ":" + o.region : o.region;
    if (GlobMatch(g, text)) return true;
  }
  return false;
}

class Checker {
 public:
  Checker(const Plan& plan, const PipelineSpec& spec, const std::vector<Offer>& offers,
          const NetworkModel& network, const PlannerOptions& options)
      : plan_(plan), spec_(spec), network_(network), options_(options) {
    for (const Offer& o : offers) offers_.emplace(o.id, &o);
  }

  std::vector<std::string> Run() {
    if (plan_.status == PlanStatus::kInfeasible) {
      if (plan_.infeasible_reasons.empty()) Fail("infeasible plan without a reason");
      if (!plan_.stages.empty()) Fail("infeasible plan with placements");
      return violations_;
    }
    if (plan_.stages.size() != spec_.stages.size()) {
      Fail("plan has " + std::to_string(plan_.stages.size()) + " placements for " +
           std::to_string(spec_.stages.size()) + " stages");
      return violations_;
    }
    for (size_t i = 0; i < spec_.stages.size(); ++i) CheckStage(i);
    CheckReservations();
    CheckTransfersAndTimes();
    CheckTotals();
    return violations_;
  }

 private:
  void Fail(const std::string& what) { violations_.push_back(what); }

  void CheckStage(size_t i) {
    const StageSpec& st = spec_.stages[i];
    const StagePlacement& p = plan_.stages[i];
    const std::string who = "stage \"" + st.name + "\": ";
    if (p.name != st.name) Fail(who + "placement is named \"" + p.name + "\"");
    auto it = offers_.find(p.offer_id);
    if (it == offers_.end()) return Fail(who + "unknown offer " + p.offer_id);
    const Offer& o = *it->second;
    if (o.market == Market::kReserved) Fail(who + "placed on a reserved-market offer");
    if (p.provider != o.provider || p.region != o.region || p.zone != o.zone ||
        p.instance_type != o.instance_type || p.market != o.market) {
      Fail(who + "placement fields differ from offer " + o.id);
    }
    CheckResources(st, o, who);
    CheckConstraints(st, o, p.reserved, who);
    CheckDuration(st, o, p, who);
  }

  void CheckResources(const StageSpec& st, const Offer& o, const std::string& who) {
    if (o.vcpus < st.resources.cpus || o.memory_gb < st.resources.memory_gb) {
      Fail(who + "offer below the cpus / memory minimums");
    }
    if (st.resources.accelerators.empty()) {
      if (!o.accelerator.empty() || o.accelerator_count != 0) Fail(who + "CPU stage on a GPU");
      return;
    }
    bool ok = false;
    for (const auto& [name, count] : st.resources.accelerators) {
      ok = ok || (EqualsIgnoreCase(name, o.accelerator) && count == o.accelerator_count);
    }
    if (!ok) Fail(who + "offer has " + std::to_string(o.accelerator_count) + "x " + o.accelerator);
  }

  void CheckConstraints(const StageSpec& st, const Offer& o, bool reserved,
                        const std::string& who) {
    const Constraints& c = spec_.constraints;
    if (!c.providers.empty() &&
        std::none_of(c.providers.begin(), c.providers.end(),
                     [&](const std::string& p) { return EqualsIgnoreCase(p, o.provider); })) {
      Fail(who + "provider " + o.provider + " not allowed");
    }
    if (!RegionMatches(c.regions, o)) Fail(who + "region " + o.region + " not allowed");
    auto sr = c.stage_regions.find(st.name);
    if (sr != c.stage_regions.end() && !RegionMatches(sr->second, o)) {
      Fail(who + "region " + o.region + " outside stage_regions");
    }
    const bool market_ok = c.markets.empty()
                               ? (o.market == Market::kOnDemand || o.market == Market::kSpot)
                               : std::count(c.markets.begin(), c.markets.end(), o.market) > 0;
    if (!reserved && !market_ok) Fail(who + "market not allowed");
    for (const std::string& e : options_.excluded) {
      const std::string region = o.provider + ":" + o.region;
      if (e == o.id || e == region || (!o.zone.empty() && e == region + ":" + o.zone)) {
        Fail(who + "uses excluded " + e);
      }
    }
  }

  void CheckDuration(const StageSpec& st, const Offer& o, const StagePlacement& p,
                     const std::string& who) {
    double t = st.runtime_hours.value_or(-1);
    for (const auto& [name, hours] : st.runtime_by_accelerator) {
      if (EqualsIgnoreCase(name, o.accelerator)) t = hours;
    }
    if (t < 0) return Fail(who + "no runtime for " + o.accelerator);
    double e = t, w = t, cost = p.reserved ? 0.0 : o.price_per_hour * t;
    if (!p.reserved && o.market == Market::kSpot) {
      auto rate = options_.preemption_rates.find(o.id);
      const double lambda =
          rate != options_.preemption_rates.end() ? rate->second : options_.default_preemption_rate;
      const double c = st.checkpoint_minutes ? *st.checkpoint_minutes / 60 : t;
      const double r = spec_.restart_minutes / 60;
      e = t * (1 + lambda * (c / 2 + r));
      w = spec_.deadline_policy == DeadlinePolicy::kStrict ? e + c + r : e;
      cost = o.price_per_hour * e;
    }
    if (!Near(p.runtime_hours, t)) Fail(who + "runtime " + std::to_string(p.runtime_hours));
    if (!Near(p.end_hours - p.start_hours, w)) Fail(who + "scheduled duration is wrong");
    if (!Near(p.cost_usd, cost))
      Fail(who + "cost " + std::to_string(p.cost_usd) + " expected " + std::to_string(cost));
    if (p.start_hours < -kTol) Fail(who + "starts before 0");
  }

  void CheckReservations() {
    std::vector<int> used(spec_.reservations.size(), 0);
    for (const StagePlacement& p : plan_.stages) {
      if (!p.reserved) continue;
      bool found = false;
      for (size_t r = 0; r < spec_.reservations.size() && !found; ++r) {
        const Reservation& res = spec_.reservations[r];
        if (EqualsIgnoreCase(res.provider, p.provider) && res.region == p.region &&
            res.instance_type == p.instance_type && p.market == Market::kOnDemand &&
            used[r] < res.count) {
          ++used[r];
          found = true;
        }
      }
      if (!found) Fail("stage \"" + p.name + "\": reserved placement without a free reservation");
    }
  }

  // Expects one transfer (from, to) with gb; returns its hours (0 when gb is 0).
  double ExpectTransfer(const std::string& from, const std::string& to, const RegionId& src,
                        const RegionId& dst, double gb) {
    if (gb <= 0) return 0;
    ++expected_transfers_;
    for (const Transfer& t : plan_.transfers) {
      if (t.from != from || t.to != to) continue;
      const LinkCost link = network_.Link(src, dst, spec_.network);
      const double hours = gb * 8 / link.gbps / 3600;
      if (t.src != src || t.dst != dst || !Near(t.gb, gb) || !Near(t.usd_per_gb, link.usd_per_gb) ||
          !Near(t.gbps, link.gbps) || !Near(t.hours, hours) ||
          !Near(t.cost_usd, gb * link.usd_per_gb)) {
        Fail("transfer " + from + " -> " + to + " is priced or placed wrongly");
      }
      return hours;
    }
    Fail("missing transfer " + from + " -> " + to);
    return 0;
  }

  const StagePlacement* Placed(const std::string& name) const {
    for (const StagePlacement& p : plan_.stages) {
      if (p.name == name) return &p;
    }
    return nullptr;
  }

  // Checks the data movements into and out of one stage and its start; returns when the
  // stage's last effect (its end, or its output delivered) is over.
  double CheckStageTimes(const StageSpec& st) {
    const StagePlacement& p = *Placed(st.name);
    const RegionId here = p.provider + ":" + p.region;
    for (const std::string& read : st.reads) {
      for (const InputSpec& in : spec_.inputs) {
        if (in.name != read) continue;
        const double h = ExpectTransfer(in.name, st.name, in.location, here, in.size_gb);
        if (!AtMost(h, p.start_hours)) Fail("stage \"" + st.name + "\" starts before " + read);
      }
    }
    for (const std::string& pred : st.after) {
      const StagePlacement* q = Placed(pred);
      const StageSpec& ps = *std::find_if(spec_.stages.begin(), spec_.stages.end(),
                                          [&](const StageSpec& s) { return s.name == pred; });
      const double h =
          ExpectTransfer(pred, st.name, q->provider + ":" + q->region, here, ps.output_gb);
      if (!AtMost(q->end_hours + h, p.start_hours)) {
        Fail("stage \"" + st.name + "\" starts before \"" + pred + "\" ends and its data arrives");
      }
    }
    double last = p.end_hours;
    auto out = spec_.outputs.find(st.name);
    if (out != spec_.outputs.end()) {
      last += ExpectTransfer(st.name, "output", here, out->second, st.output_gb);
    }
    return last;
  }

  void CheckTransfersAndTimes() {
    double last = 0;
    for (const StageSpec& st : spec_.stages) last = std::max(last, CheckStageTimes(st));
    if (static_cast<int>(plan_.transfers.size()) != expected_transfers_) {
      Fail("plan lists " + std::to_string(plan_.transfers.size()) + " transfers, expected " +
           std::to_string(expected_transfers_));
    }
    if (!AtMost(last, plan_.makespan_hours) || !AtMost(plan_.makespan_hours, last)) {
      Fail("makespan " + std::to_string(plan_.makespan_hours) + " is not the last end " +
           std::to_string(last));
    }
    for (const auto& deadline : {plan_.deadline_hours, spec_.deadline_hours}) {
      if (deadline && !AtMost(plan_.makespan_hours, *deadline)) {
        Fail("makespan " + std::to_string(plan_.makespan_hours) + " misses the deadline");
      }
    }
  }

  void CheckTotals() {
    double compute = 0, egress = 0;
    for (const StagePlacement& p : plan_.stages) compute += p.cost_usd;
    for (const Transfer& t : plan_.transfers) egress += t.cost_usd;
    if (!Near(plan_.compute_cost_usd, compute)) Fail("compute cost does not add up");
    if (!Near(plan_.egress_cost_usd, egress)) Fail("egress cost does not add up");
    if (!Near(plan_.total_cost_usd, compute + egress)) Fail("total cost does not add up");
    for (const auto& budget : {plan_.budget_usd, spec_.budget_usd}) {
      if (budget && !AtMost(plan_.total_cost_usd, *budget)) {
        Fail("total cost " + std::to_string(plan_.total_cost_usd) + " exceeds the budget");
      }
    }
  }

  const Plan& plan_;
  const PipelineSpec& spec_;
  const NetworkModel& network_;
  const PlannerOptions& options_;
  std::map<OfferId, const Offer*> offers_;
  std::vector<std::string> violations_;
  int expected_transfers_ = 0;
};

}  // namespace

std::vector<std::string> CheckPlan(const Plan& plan, const PipelineSpec& spec,
                                   const std::vector<Offer>& offers, const NetworkModel& network,
                                   const PlannerOptions& options) {
  return Checker(plan, spec, offers, network, options).Run();
}

std::string JoinViolations(const std::vector<std::string>& violations) {
  std::string out;
  for (const std::string& v : violations) out += v + "\n";
  return out;
}

}  // namespace sky::planner::testing
