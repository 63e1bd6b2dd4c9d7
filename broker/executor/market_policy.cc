// The replay policies, implemented from Wu et al., "Can't Be Late: Optimizing Spot Instance
// Savings under Deadlines", NSDI'24: the rules of section 3.3 (Thrifty, Safety Net,
// Exploitation), greedy (section 3.4) and Uniform Progress (section 5.2.2).
#include "sky/broker/market_policy.h"

namespace sky::broker {
namespace {

constexpr MarketDecision kSpotNow{MarketChoice::kSpot, "spot available"};

// Safety Net Rule (section 3.3): once idle with R(t) < C(t) + 2d, on-demand until the end. The
// margin covers what the paper's continuous model does not have: progress lost back to the
// last checkpoint and events seen only at the next poll.
bool SafetyNetDue(const MarketView& v) {
  const double time_left = *v.deadline_hours - v.now_hours;
  return time_left < v.remaining_work_hours + 2 * v.restart_hours + v.margin_hours;
}

MarketChoice ChoiceOf(Market market) {
  return market == Market::kSpot ? MarketChoice::kSpot : MarketChoice::kOnDemand;
}

// Without a deadline there is nothing to protect: spot when there is some, else on-demand
// rather than waiting for ever.
MarketDecision WithoutDeadline(const MarketView& v) {
  if (v.current) return {ChoiceOf(*v.current), "no deadline: keep"};
  return v.spot_available ? kSpotNow : MarketDecision{MarketChoice::kOnDemand, "no spot"};
}

class OnDemandPolicy final : public MarketPolicy {
 public:
  std::string_view name() const override { return "on_demand"; }
  MarketDecision Decide(const MarketView&) const override {
    return {MarketChoice::kOnDemand, "on-demand only"};
  }
};

class GreedySpotPolicy final : public MarketPolicy {
 public:
  explicit GreedySpotPolicy(bool any_zone) : any_zone_(any_zone) {}
  std::string_view name() const override { return "greedy_spot"; }
  bool AnySpotZone() const override { return any_zone_; }
  MarketDecision Decide(const MarketView& v) const override {
    if (!v.deadline_hours) return WithoutDeadline(v);
    // Exploitation Rule: stay on spot until preempted; the safety net keeps on-demand to the end.
    if (v.current == Market::kSpot) return {MarketChoice::kSpot, "exploitation"};
    if (v.current == Market::kOnDemand) return {MarketChoice::kOnDemand, "safety net"};
    if (!v.spot_possible) return {MarketChoice::kOnDemand, "no spot candidate"};
    if (SafetyNetDue(v)) return {MarketChoice::kOnDemand, "safety net"};
    if (v.spot_available) return kSpotNow;
    return {MarketChoice::kIdle, "waiting for spot"};
  }

 private:
  const bool any_zone_;
};

class UniformProgressPolicy : public MarketPolicy {
 public:
  explicit UniformProgressPolicy(bool any_zone) : any_zone_(any_zone) {}
  std::string_view name() const override { return "uniform_progress"; }
  bool AnySpotZone() const override { return any_zone_; }
  MarketDecision Decide(const MarketView& v) const override {
    if (!v.deadline_hours) return WithoutDeadline(v);
    if (v.current == Market::kSpot) return {MarketChoice::kSpot, "exploitation"};
    if (!v.spot_possible) return {MarketChoice::kOnDemand, "no spot candidate"};
    const double done = v.total_work_hours - v.remaining_work_hours;  // cp(t)
    if (v.current == Market::kOnDemand) {
      // Hysteresis: stay until cp(t) >= ep(t + 2d); past the safety net, stay to the end.
      if (SafetyNetDue(v)) return {MarketChoice::kOnDemand, "safety net"};
      if (done < Expected(v, v.now_hours + 2 * v.restart_hours)) {
        return {MarketChoice::kOnDemand, "hysteresis"};
      }
      // Ahead: leave on-demand; the idle decision that follows takes spot if there is some.
      return {v.spot_available ? MarketChoice::kSpot : MarketChoice::kIdle, "ahead of ep(t+2d)"};
    }
    if (SafetyNetDue(v)) return {MarketChoice::kOnDemand, "safety net"};
    // Taking Risks: spot whenever available, even behind the line.
    if (v.spot_available) return kSpotNow;
    if (done < Expected(v, v.now_hours)) return {MarketChoice::kOnDemand, "uniform progress"};
    return {MarketChoice::kIdle, "ahead of ep(t)"};
  }

 protected:
  // ep(t) = C(0) t / R(0) (section 5.2.1, eq. 5): progress spread evenly up to the deadline.
  static double Expected(const MarketView& v, double t) {
    return v.total_work_hours * t / *v.deadline_hours;
  }

 private:
  const bool any_zone_;
};

// The broker's own: Uniform Progress over every place the planner ranks (every zone and cloud
// that meets the spec, cheapest first), with one change of its own: once on on-demand it
// leaves only for spot that is there now. Uniform Progress, ahead of its line with no spot,
// stops on-demand and idles, and soon falls behind and relaunches: each round pays the restart
// twice for nothing, which with several zones to watch costs more than it saves.
class BrokerPolicy final : public UniformProgressPolicy {
 public:
  BrokerPolicy() : UniformProgressPolicy(true) {}
  std::string_view name() const override { return "broker"; }
  MarketDecision Decide(const MarketView& v) const override {
    MarketDecision d = UniformProgressPolicy::Decide(v);
    if (v.current == Market::kOnDemand && d.choice == MarketChoice::kIdle) {
      return {MarketChoice::kOnDemand, "on-demand until spot returns"};
    }
    return d;
  }
};

}  // namespace

std::unique_ptr<MarketPolicy> NewOnDemandPolicy() { return std::make_unique<OnDemandPolicy>(); }
std::unique_ptr<MarketPolicy> NewGreedySpotPolicy(bool any_zone) {
  return std::make_unique<GreedySpotPolicy>(any_zone);
}
std::unique_ptr<MarketPolicy> NewUniformProgressPolicy(bool any_zone) {
  return std::make_unique<UniformProgressPolicy>(any_zone);
}
std::unique_ptr<MarketPolicy> NewBrokerPolicy() { return std::make_unique<BrokerPolicy>(); }

Result<std::unique_ptr<MarketPolicy>> NewMarketPolicy(std::string_view name) {
  if (name == "on_demand") return NewOnDemandPolicy();
  if (name == "greedy_spot") return NewGreedySpotPolicy();
  if (name == "uniform_progress") return NewUniformProgressPolicy();
  if (name == "broker") return NewBrokerPolicy();
  return Status::InvalidArgument("unknown market policy \"" + std::string(name) +
                                 "\": expected on_demand, greedy_spot, uniform_progress or broker");
}

}  // namespace sky::broker
