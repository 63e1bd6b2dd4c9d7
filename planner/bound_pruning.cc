#include "planner/bound_pruning.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace sky::planner {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// own[i][c]: compute cost plus the egress fixed by c alone (input reads, output deliveries).
Result<std::vector<std::vector<double>>> OwnCosts(const PipelineGraph& graph,
                                                  const CandidateSet& set, LinkTable& links) {
  std::vector<std::vector<double>> own(set.stages.size());
  for (size_t i = 0; i < set.stages.size(); ++i) {
    for (const Candidate& c : set.stages[i].candidates) own[i].push_back(c.cost.expected_cost);
  }
  for (const InputRead& read : graph.reads()) {
    const auto& cs = set.stages[read.stage].candidates;
    for (size_t c = 0; c < cs.size(); ++c) {
      SKY_ASSIGN_OR_RETURN(LinkCost l, links.Link(read.location, cs[c].location));
      own[read.stage][c] += read.gb * l.usd_per_gb;
    }
  }
  for (const OutputDelivery& out : graph.deliveries()) {
    const auto& cs = set.stages[out.stage].candidates;
    for (size_t c = 0; c < cs.size(); ++c) {
      SKY_ASSIGN_OR_RETURN(LinkCost l, links.Link(cs[c].location, out.location));
      own[out.stage][c] += out.gb * l.usd_per_gb;
    }
  }
  return own;
}

// Cheapest own cost per location of one stage.
std::map<RegionId, double> BestPerLocation(const StageCandidates& stage,
                                           const std::vector<double>& own) {
  std::map<RegionId, double> best;
  for (size_t c = 0; c < stage.candidates.size(); ++c) {
    auto [it, added] = best.emplace(stage.candidates[c].location, own[c]);
    if (!added) it->second = std::min(it->second, own[c]);
  }
  return best;
}

// extra[l] = min over the other side's locations m of (best[m] + gb * usd) - min(best) for
// each location l of this side; `outgoing` says whether data flows from l to m.
Result<std::map<RegionId, double>> NeighbourExtra(const std::map<RegionId, double>& mine,
                                                  const std::map<RegionId, double>& theirs,
                                                  double gb, bool outgoing, LinkTable& links) {
  double base = kInf;
  for (const auto& [m, cost] : theirs) base = std::min(base, cost);
  std::map<RegionId, double> extra;
  for (const auto& [l, unused] : mine) {
    double best = kInf;
    for (const auto& [m, cost] : theirs) {
      SKY_ASSIGN_OR_RETURN(LinkCost link, outgoing ? links.Link(l, m) : links.Link(m, l));
      best = std::min(best, cost + gb * link.usd_per_gb);
    }
    extra[l] = best - base;
  }
  return extra;
}

}  // namespace

Result<CandidateBounds> CostLowerBounds(const PipelineGraph& graph, const CandidateSet& set,
                                        LinkTable& links) {
  SKY_ASSIGN_OR_RETURN(auto own, OwnCosts(graph, set, links));
  const size_t n = set.stages.size();
  std::vector<std::map<RegionId, double>> best(n);
  std::vector<double> base(n, kInf);
  double total_base = 0;
  for (size_t i = 0; i < n; ++i) {
    best[i] = BestPerLocation(set.stages[i], own[i]);
    for (double v : own[i]) base[i] = std::min(base[i], v);
    total_base += base[i];
  }
  std::vector<std::map<RegionId, double>> extra(n);  // summed over incident edges
  for (const GraphEdge& e : graph.edges()) {
    if (e.gb <= 0) continue;
    SKY_ASSIGN_OR_RETURN(auto out, NeighbourExtra(best[e.from], best[e.to], e.gb, true, links));
    SKY_ASSIGN_OR_RETURN(auto in, NeighbourExtra(best[e.to], best[e.from], e.gb, false, links));
    for (const auto& [l, v] : out) extra[e.from][l] += v;
    for (const auto& [m, v] : in) extra[e.to][m] += v;
  }
  CandidateBounds bounds;
  for (size_t i = 0; i < n; ++i) {
    bounds.lower.emplace_back();
    const auto& cs = set.stages[i].candidates;
    for (size_t c = 0; c < cs.size(); ++c) {
      auto it = extra[i].find(cs[c].location);
      const double ex = it == extra[i].end() ? 0.0 : it->second;
      bounds.lower[i].push_back(total_base - base[i] + own[i][c] + ex);
    }
  }
  return bounds;
}

CandidateSet Restrict(const CandidateSet& set, const CandidateBounds& bounds, int locations) {
  CandidateSet out = set;
  for (size_t i = 0; i < set.stages.size(); ++i) {
    const auto& cs = set.stages[i].candidates;
    std::map<RegionId, double> best;
    size_t fastest = 0;
    for (size_t c = 0; c < cs.size(); ++c) {
      auto [it, added] = best.emplace(cs[c].location, bounds.lower[i][c]);
      if (!added) it->second = std::min(it->second, bounds.lower[i][c]);
      if (cs[c].cost.scheduled_hours < cs[fastest].cost.scheduled_hours) fastest = c;
    }
    std::vector<std::pair<double, RegionId>> ranked;
    for (const auto& [loc, lb] : best) ranked.emplace_back(lb, loc);
    std::sort(ranked.begin(), ranked.end());
    ranked.resize(std::min(ranked.size(), static_cast<size_t>(locations)));
    out.stages[i].candidates.clear();
    for (size_t c = 0; c < cs.size(); ++c) {
      const bool near = std::any_of(ranked.begin(), ranked.end(),
                                    [&](const auto& r) { return r.second == cs[c].location; });
      if (near || c == fastest || cs[c].reservation >= 0) {
        out.stages[i].candidates.push_back(cs[c]);
      }
    }
  }
  return out;
}

CandidateSet KeepWithin(const CandidateSet& set, const CandidateBounds& bounds, double upper) {
  CandidateSet out = set;
  const double limit = upper + 1e-9 * std::max(1.0, std::abs(upper));
  for (size_t i = 0; i < set.stages.size(); ++i) {
    out.stages[i].candidates.clear();
    for (size_t c = 0; c < set.stages[i].candidates.size(); ++c) {
      if (bounds.lower[i][c] <= limit)
        out.stages[i].candidates.push_back(set.stages[i].candidates[c]);
    }
  }
  return out;
}

int CountCandidates(const CandidateSet& set) {
  int n = 0;
  for (const StageCandidates& s : set.stages) n += static_cast<int>(s.candidates.size());
  return n;
}

}  // namespace sky::planner

namespace sky::planner {
namespace {

// Per stage and candidate: hours until its inputs arrive (`inputs`) or its deliveries take
// after it ends (`deliveries`).
Result<std::vector<std::vector<double>>> FixedHours(const PipelineGraph& graph,
                                                    const CandidateSet& set, LinkTable& links,
                                                    bool inputs) {
  std::vector<std::vector<double>> hours(set.stages.size());
  for (size_t i = 0; i < set.stages.size(); ++i)
    hours[i].assign(set.stages[i].candidates.size(), 0);
  auto add = [&](int stage, const RegionId& other, double gb) -> Status {
    const auto& cs = set.stages[stage].candidates;
    for (size_t c = 0; c < cs.size() && gb > 0; ++c) {
      SKY_ASSIGN_OR_RETURN(LinkCost l, inputs ? links.Link(other, cs[c].location)
                                              : links.Link(cs[c].location, other));
      hours[stage][c] = std::max(hours[stage][c], TransferHours(gb, l.gbps));
    }
    return Status::Ok();
  };
  if (inputs) {
    for (const InputRead& r : graph.reads()) SKY_RETURN_IF_ERROR(add(r.stage, r.location, r.gb));
  } else {
    for (const OutputDelivery& o : graph.deliveries()) {
      SKY_RETURN_IF_ERROR(add(o.stage, o.location, o.gb));
    }
  }
  return hours;
}

// ready[i]: earliest start of stage i from its predecessors at their fastest; after[i]: the
// shortest time from stage i's end to the makespan through its successors at their fastest.
void EarliestBounds(const PipelineGraph& graph, const CandidateSet& set,
                    const std::vector<std::vector<double>>& in,
                    const std::vector<std::vector<double>>& out, std::vector<double>& ready,
                    std::vector<double>& after) {
  const size_t n = set.stages.size();
  std::vector<std::vector<int>> preds(n), succs(n);
  for (const GraphEdge& e : graph.edges()) {
    preds[e.to].push_back(e.from);
    succs[e.from].push_back(e.to);
  }
  auto dur = [&](size_t i, size_t c) { return set.stages[i].candidates[c].cost.scheduled_hours; };
  ready.assign(n, 0);
  after.assign(n, 0);
  std::vector<double> finish(n, kInf), span(n, kInf);
  for (int i : graph.topological_order()) {
    for (int p : preds[i]) ready[i] = std::max(ready[i], finish[p]);
    for (size_t c = 0; c < in[i].size(); ++c) {
      finish[i] = std::min(finish[i], std::max(ready[i], in[i][c]) + dur(i, c));
    }
  }
  const auto& topo = graph.topological_order();
  for (auto it = topo.rbegin(); it != topo.rend(); ++it) {
    const int i = *it;
    for (int s : succs[i]) after[i] = std::max(after[i], span[s]);
    for (size_t c = 0; c < out[i].size(); ++c) {
      span[i] = std::min(span[i], dur(i, c) + std::max(out[i][c], after[i]));
    }
  }
}

}  // namespace

Result<CandidateSet> DropLate(const PipelineGraph& graph, const CandidateSet& set, LinkTable& links,
                              double deadline_hours) {
  SKY_ASSIGN_OR_RETURN(auto in, FixedHours(graph, set, links, true));
  SKY_ASSIGN_OR_RETURN(auto out, FixedHours(graph, set, links, false));
  const size_t n = set.stages.size();
  std::vector<double> ready, after;
  EarliestBounds(graph, set, in, out, ready, after);
  auto dur = [&](size_t i, size_t c) { return set.stages[i].candidates[c].cost.scheduled_hours; };
  CandidateSet kept = set;
  const double limit = deadline_hours + 1e-9 * std::max(1.0, deadline_hours);
  for (size_t i = 0; i < n; ++i) {
    kept.stages[i].candidates.clear();
    for (size_t c = 0; c < in[i].size(); ++c) {
      const double end = std::max(ready[i], in[i][c]) + dur(i, c);
      if (end + std::max(out[i][c], after[i]) <= limit) {
        kept.stages[i].candidates.push_back(set.stages[i].candidates[c]);
      }
    }
    if (kept.stages[i].candidates.empty()) return set;
  }
  return kept;
}

}  // namespace sky::planner
