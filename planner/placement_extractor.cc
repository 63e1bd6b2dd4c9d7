#include "planner/placement_extractor.h"

#include <algorithm>
#include <string>
#include <utility>

namespace sky::planner {

Result<std::vector<int>> ChosenCandidates(const PlannerModel& model,
                                          const std::vector<double>& values) {
  std::vector<int> choice;
  for (size_t i = 0; i < model.x.size(); ++i) {
    int best = -1;
    double best_value = 0.5;  // integral up to GLPK's tolerance
    for (size_t c = 0; c < model.x[i].size(); ++c) {
      const int col = model.x[i][c];
      if (col < 0 || static_cast<size_t>(col) >= values.size()) {
        return Status::Internal("extract: solution does not match the model");
      }
      if (values[col] > best_value) {
        best_value = values[col];
        best = static_cast<int>(c);
      }
    }
    if (best < 0) return Status::Internal("extract: a stage has no chosen candidate");
    choice.push_back(best);
  }
  return choice;
}

Status PlacementExtractor::Extract(const std::vector<int>& choice, Plan& plan) {
  const int n = graph_.num_stages();
  if (static_cast<int>(choice.size()) != n) return Status::Internal("extract: bad choice");
  plan.stages.clear();
  plan.transfers.clear();
  // ready[i]: the earliest time stage i's data is all there.
  std::vector<double> ready(n, 0.0);
  SKY_RETURN_IF_ERROR(AddInputs(choice, plan, ready));
  SKY_RETURN_IF_ERROR(AddEdges(choice, plan, ready));
  plan.makespan_hours = 0;
  for (const StagePlacement& s : plan.stages) {
    plan.makespan_hours = std::max(plan.makespan_hours, s.end_hours);
  }
  SKY_RETURN_IF_ERROR(AddDeliveries(choice, plan));
  plan.compute_cost_usd = 0;
  plan.egress_cost_usd = 0;
  for (const StagePlacement& s : plan.stages) plan.compute_cost_usd += s.cost_usd;
  for (const Transfer& t : plan.transfers) plan.egress_cost_usd += t.cost_usd;
  plan.total_cost_usd = plan.compute_cost_usd + plan.egress_cost_usd;
  return Status::Ok();
}

Status PlacementExtractor::AddInputs(const std::vector<int>& choice, Plan& plan,
                                     std::vector<double>& ready) {
  for (const InputRead& read : graph_.reads()) {
    if (read.gb <= 0) continue;
    const Candidate& c = cands_.stages[read.stage].candidates[choice[read.stage]];
    SKY_ASSIGN_OR_RETURN(
        Transfer t, Move(read.name, graph_.name(read.stage), read.location, c.location, read.gb));
    ready[read.stage] = std::max(ready[read.stage], t.hours);
    plan.transfers.push_back(std::move(t));
  }
  return Status::Ok();
}

Status PlacementExtractor::AddEdges(const std::vector<int>& choice, Plan& plan,
                                    std::vector<double>& ready) {
  const int n = graph_.num_stages();
  std::vector<StagePlacement> placed(n);
  std::vector<std::vector<const GraphEdge*>> incoming(n);
  for (const GraphEdge& e : graph_.edges()) incoming[e.to].push_back(&e);
  for (int i : graph_.topological_order()) {
    for (const GraphEdge* e : incoming[i]) {
      const Candidate& src = cands_.stages[e->from].candidates[choice[e->from]];
      const Candidate& dst = cands_.stages[i].candidates[choice[i]];
      double hours = 0;
      if (e->gb > 0) {
        SKY_ASSIGN_OR_RETURN(Transfer t, Move(graph_.name(e->from), graph_.name(i), src.location,
                                              dst.location, e->gb));
        hours = t.hours;
        plan.transfers.push_back(std::move(t));
      }
      ready[i] = std::max(ready[i], placed[e->from].end_hours + hours);
    }
    placed[i] = Place(i, cands_.stages[i].candidates[choice[i]], ready[i]);
  }
  plan.stages = std::move(placed);
  return Status::Ok();
}

Status PlacementExtractor::AddDeliveries(const std::vector<int>& choice, Plan& plan) {
  for (const OutputDelivery& out : graph_.deliveries()) {
    if (out.gb <= 0) continue;
    const Candidate& c = cands_.stages[out.stage].candidates[choice[out.stage]];
    SKY_ASSIGN_OR_RETURN(Transfer t,
                         Move(graph_.name(out.stage), "output", c.location, out.location, out.gb));
    plan.makespan_hours = std::max(plan.makespan_hours, plan.stages[out.stage].end_hours + t.hours);
    plan.transfers.push_back(std::move(t));
  }
  return Status::Ok();
}

StagePlacement PlacementExtractor::Place(int stage, const Candidate& c, double start) const {
  StagePlacement p;
  p.name = graph_.name(stage);
  p.offer_id = c.offer->id;
  p.provider = c.offer->provider;
  p.region = c.offer->region;
  p.zone = c.offer->zone;
  p.instance_type = c.offer->instance_type;
  p.accelerator = c.offer->accelerator;
  p.accelerator_count = c.offer->accelerator_count;
  p.market = c.offer->market;
  p.reserved = c.reservation >= 0;
  p.price_per_hour = p.reserved ? 0.0 : c.offer->price_per_hour;
  p.start_hours = start;
  p.end_hours = start + c.cost.scheduled_hours;
  p.runtime_hours = c.cost.runtime_hours;
  p.cost_usd = c.cost.expected_cost;
  return p;
}

Result<Transfer> PlacementExtractor::Move(std::string from, std::string to, const RegionId& src,
                                          const RegionId& dst, double gb) {
  SKY_ASSIGN_OR_RETURN(LinkCost link, links_.Link(src, dst));
  Transfer t;
  t.from = std::move(from);
  t.to = std::move(to);
  t.src = src;
  t.dst = dst;
  t.gb = gb;
  t.usd_per_gb = link.usd_per_gb;
  t.gbps = link.gbps;
  t.hours = TransferHours(gb, link.gbps);
  t.cost_usd = gb * link.usd_per_gb;
  return t;
}

}  // namespace sky::planner
