#include "planner/cost_model.h"

#include <cmath>

namespace sky::planner {

CostModel::CostModel(const PipelineSpec& spec, const PlannerOptions& options)
    : options_(options),
      restart_hours_(spec.restart_minutes / 60.0),
      strict_(spec.deadline_policy == DeadlinePolicy::kStrict) {}

std::optional<double> CostModel::RuntimeHours(const StageSpec& stage,
                                              const std::string& accelerator) {
  if (stage.runtime_hours) return *stage.runtime_hours;
  const std::string wanted = AsciiLower(accelerator);
  for (const auto& [name, hours] : stage.runtime_by_accelerator) {
    if (AsciiLower(name) == wanted) return hours;
  }
  return std::nullopt;
}

double CostModel::PreemptionRate(const OfferId& id) const {
  auto it = options_.preemption_rates.find(id);
  return it != options_.preemption_rates.end() ? it->second : options_.default_preemption_rate;
}

CandidateCost CostModel::Evaluate(const StageSpec& stage, const Offer& offer, double runtime_hours,
                                  bool reserved) const {
  CandidateCost cost;
  cost.runtime_hours = runtime_hours;
  if (reserved || offer.market != Market::kSpot) {
    cost.expected_hours = runtime_hours;
    cost.scheduled_hours = runtime_hours;
    cost.expected_cost = reserved ? 0.0 : offer.price_per_hour * runtime_hours;
    return cost;
  }
  // Without checkpoints a preemption loses everything done so far: c = T.
  const double c = stage.checkpoint_minutes ? *stage.checkpoint_minutes / 60.0 : runtime_hours;
  const double lambda = PreemptionRate(offer.id);
  cost.expected_hours = runtime_hours * (1.0 + lambda * (c / 2.0 + restart_hours_));
  cost.scheduled_hours = strict_ ? cost.expected_hours + c + restart_hours_ : cost.expected_hours;
  cost.expected_cost = offer.price_per_hour * cost.expected_hours;
  return cost;
}

}  // namespace sky::planner

namespace sky::planner {

Result<LinkCost> LinkTable::Link(const RegionId& src, const RegionId& dst) {
  auto key = std::make_pair(src, dst);
  auto it = cache_.find(key);
  if (it != cache_.end()) return it->second;
  const LinkCost link = network_.Link(src, dst, overrides_);
  if (!(link.gbps > 0) || !std::isfinite(link.gbps) || !(link.usd_per_gb >= 0) ||
      !std::isfinite(link.usd_per_gb)) {
    return Status::InvalidArgument("network: link " + src + " -> " + dst +
                                   " needs a price >= 0 and a throughput > 0");
  }
  cache_.emplace(std::move(key), link);
  return link;
}

}  // namespace sky::planner
