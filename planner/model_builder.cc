#include "planner/model_builder.h"

#include <map>
#include <string>

namespace sky::planner {
namespace {

// A row being assembled; repeated columns add up (GLPK rejects duplicates).
class RowBuilder {
 public:
  void Add(int col, double coef) { terms_[col] += coef; }
  MilpRow Finish(std::string name, double lower, double upper) const {
    MilpRow row;
    row.name = std::move(name);
    row.lower = lower;
    row.upper = upper;
    for (const auto& [col, coef] : terms_) row.Add(col, coef);
    return row;
  }

 private:
  std::map<int, double> terms_;
};

std::string Name(const char* prefix, int a, int b = -1, int c = -1, int d = -1) {
  std::string n = prefix;
  for (int v : {a, b, c, d}) {
    if (v >= 0) n += "_" + std::to_string(v);
  }
  return n;
}

}  // namespace

ModelBuilder::ModelBuilder(const PipelineGraph& graph, const CandidateSet& candidates,
                           LinkTable& links)
    : graph_(graph), cands_(candidates), links_(links) {
  for (const StageCandidates& stage : cands_.stages) {
    std::map<RegionId, int> index;
    std::vector<RegionId> locs;
    std::vector<std::vector<int>> at;
    for (size_t c = 0; c < stage.candidates.size(); ++c) {
      auto [it, added] = index.emplace(stage.candidates[c].location, static_cast<int>(locs.size()));
      if (added) {
        locs.push_back(it->first);
        at.emplace_back();
      }
      at[it->second].push_back(static_cast<int>(c));
    }
    locations_.push_back(std::move(locs));
    at_location_.push_back(std::move(at));
  }
}

Result<PlannerModel> ModelBuilder::Build(const ModelOptions& options) {
  PlannerModel m;
  SKY_RETURN_IF_ERROR(AddStageColumns(m));
  if (options.deadline_hours) m.milp.columns[m.makespan].upper = *options.deadline_hours;
  AddAssignmentConstraints(m);
  AddReservationConstraints(m);
  SKY_RETURN_IF_ERROR(AddInputReads(m));
  SKY_RETURN_IF_ERROR(AddEdgeTransfers(m, options.pair_rows));
  SKY_RETURN_IF_ERROR(AddOutputDeliveries(m));
  AddCostRow(m, options);
  SetObjective(m, options.objective);
  return m;
}

Status ModelBuilder::AddStageColumns(PlannerModel& m) const {
  const int n = graph_.num_stages();
  if (static_cast<int>(cands_.stages.size()) != n) {
    return Status::Internal("model: candidate set does not match the pipeline");
  }
  for (int i = 0; i < n; ++i) {
    const auto& cs = cands_.stages[i].candidates;
    if (cs.empty()) return Status::Internal("model: stage without candidates");
    m.x.emplace_back();
    for (size_t c = 0; c < cs.size(); ++c) {
      m.x[i].push_back(
          m.milp.AddColumn({Name("x", i, static_cast<int>(c)), ColumnKind::kBinary, 0, 1, 0}));
      m.cost.push_back(cs[c].cost.expected_cost);
    }
  }
  for (int i = 0; i < n; ++i) {
    m.start.push_back(m.milp.AddColumn({Name("s", i), ColumnKind::kContinuous, 0, kInfinity, 0}));
    m.cost.push_back(0);
  }
  m.makespan = m.milp.AddColumn({"M", ColumnKind::kContinuous, 0, kInfinity, 0});
  m.cost.push_back(0);
  return Status::Ok();
}

void ModelBuilder::AddAssignmentConstraints(PlannerModel& m) const {
  for (size_t i = 0; i < m.x.size(); ++i) {
    MilpRow row;
    row.name = Name("assign", static_cast<int>(i));
    row.lower = row.upper = 1;
    for (int col : m.x[i]) row.Add(col, 1);
    m.milp.AddRow(std::move(row));
  }
}

void ModelBuilder::AddReservationConstraints(PlannerModel& m) const {
  std::map<int, MilpRow> rows;  // reservation index -> row
  for (size_t i = 0; i < m.x.size(); ++i) {
    const auto& cs = cands_.stages[i].candidates;
    for (size_t c = 0; c < cs.size(); ++c) {
      if (cs[c].reservation >= 0) rows[cs[c].reservation].Add(m.x[i][c], 1);
    }
  }
  // Each reservation holds `count` instances; the count is the row's upper bound. Stages
  // run concurrently or not, a reservation serves at most `count` of them (DESIGN.md).
  for (auto& [r, row] : rows) {
    row.name = Name("reservation", r);
    row.lower = -kInfinity;
    row.upper = cands_.reservation_counts.at(r);
    m.milp.AddRow(std::move(row));
  }
}

MilpRow ModelBuilder::PrecedenceRow(const PlannerModel& m, int from, int to) const {
  MilpRow row;
  row.lower = 0;
  row.Add(m.start[to], 1);
  row.Add(m.start[from], -1);
  const auto& cs = cands_.stages[from].candidates;
  for (size_t c = 0; c < cs.size(); ++c) row.Add(m.x[from][c], -cs[c].cost.scheduled_hours);
  return row;
}

Status ModelBuilder::AddInputReads(PlannerModel& m) {
  int k = 0;
  for (const InputRead& read : graph_.reads()) {
    if (read.gb <= 0) continue;
    const int i = read.stage;
    const auto& cs = cands_.stages[i].candidates;
    MilpRow row;
    row.name = Name("input", i, k++);
    row.lower = 0;
    row.Add(m.start[i], 1);
    for (size_t c = 0; c < cs.size(); ++c) {
      SKY_ASSIGN_OR_RETURN(LinkCost link, links_.Link(read.location, cs[c].location));
      row.Add(m.x[i][c], -TransferHours(read.gb, link.gbps));
      m.cost[m.x[i][c]] += read.gb * link.usd_per_gb;
    }
    m.milp.AddRow(std::move(row));
  }
  return Status::Ok();
}

Status ModelBuilder::AddEdgeTransfers(PlannerModel& m, bool pair_rows) {
  for (const GraphEdge& e : graph_.edges()) {
    MilpRow precedence = PrecedenceRow(m, e.from, e.to);
    precedence.name = Name("after", e.from, e.to);
    if (e.gb > 0) {
      SKY_RETURN_IF_ERROR(AddPairColumns(m, e, precedence, pair_rows));
    }
    RowBuilder merged;
    for (size_t k = 0; k < precedence.cols.size(); ++k) {
      merged.Add(precedence.cols[k], precedence.coefs[k]);
    }
    m.milp.AddRow(merged.Finish(precedence.name, 0, kInfinity));
  }
  return Status::Ok();
}

Status ModelBuilder::AddSingleSide(PlannerModel& m, const GraphEdge& e, MilpRow& precedence) {
  // w[l][m] equals y of the side with several locations: put the link on its x.
  const bool single_src = locations_[e.from].size() == 1;
  const int side = single_src ? e.to : e.from;
  const auto& cs = cands_.stages[side].candidates;
  for (size_t c = 0; c < cs.size(); ++c) {
    const RegionId& src = single_src ? locations_[e.from][0] : cs[c].location;
    const RegionId& dst = single_src ? cs[c].location : locations_[e.to][0];
    SKY_ASSIGN_OR_RETURN(LinkCost link, links_.Link(src, dst));
    precedence.Add(m.x[side][c], -TransferHours(e.gb, link.gbps));
    m.cost[m.x[side][c]] += e.gb * link.usd_per_gb;
  }
  return Status::Ok();
}

Status ModelBuilder::AddPairColumns(PlannerModel& m, const GraphEdge& e, MilpRow& precedence,
                                    bool pair_rows) {
  const auto& src_locs = locations_[e.from];
  const auto& dst_locs = locations_[e.to];
  if (src_locs.size() == 1 || dst_locs.size() == 1) return AddSingleSide(m, e, precedence);
  std::vector<RowBuilder> out_rows(src_locs.size()), in_rows(dst_locs.size());
  for (size_t l = 0; l < src_locs.size(); ++l) {
    for (size_t d = 0; d < dst_locs.size(); ++d) {
      SKY_ASSIGN_OR_RETURN(LinkCost link, links_.Link(src_locs[l], dst_locs[d]));
      const int w =
          m.milp.AddColumn({Name("w", e.from, e.to, static_cast<int>(l), static_cast<int>(d)),
                            ColumnKind::kContinuous, 0, 1, 0});
      m.cost.push_back(e.gb * link.usd_per_gb);
      ++m.pair_columns;
      precedence.Add(w, -TransferHours(e.gb, link.gbps));
      // w >= y_il + y_jm - 1 (implied by the flow rows below, see model_builder.h)
      MilpRow lin;
      lin.name = Name("pair", e.from, e.to, static_cast<int>(l)) + "_" + std::to_string(d);
      lin.lower = -1;
      lin.Add(w, 1);
      for (int c : at_location_[e.from][l]) lin.Add(m.x[e.from][c], -1);
      for (int c : at_location_[e.to][d]) lin.Add(m.x[e.to][c], -1);
      if (pair_rows) m.milp.AddRow(std::move(lin));
      out_rows[l].Add(w, 1);
      in_rows[d].Add(w, 1);
    }
  }
  for (size_t l = 0; l < src_locs.size(); ++l) {
    for (int c : at_location_[e.from][l]) out_rows[l].Add(m.x[e.from][c], -1);
    m.milp.AddRow(out_rows[l].Finish(Name("flow_out", e.from, e.to, static_cast<int>(l)), 0, 0));
  }
  for (size_t d = 0; d < dst_locs.size(); ++d) {
    for (int c : at_location_[e.to][d]) in_rows[d].Add(m.x[e.to][c], -1);
    m.milp.AddRow(in_rows[d].Finish(Name("flow_in", e.from, e.to, static_cast<int>(d)), 0, 0));
  }
  return Status::Ok();
}

Status ModelBuilder::AddOutputDeliveries(PlannerModel& m) {
  std::vector<bool> bounded(graph_.num_stages(), false);
  for (const GraphEdge& e : graph_.edges()) bounded[e.from] = true;
  int k = 0;
  for (const OutputDelivery& out : graph_.deliveries()) {
    if (out.gb <= 0) continue;
    const int i = out.stage;
    const auto& cs = cands_.stages[i].candidates;
    MilpRow row;
    row.name = Name("deliver", i, k++);
    row.lower = 0;
    row.Add(m.makespan, 1);
    row.Add(m.start[i], -1);
    for (size_t c = 0; c < cs.size(); ++c) {
      SKY_ASSIGN_OR_RETURN(LinkCost link, links_.Link(cs[c].location, out.location));
      row.Add(m.x[i][c], -(cs[c].cost.scheduled_hours + TransferHours(out.gb, link.gbps)));
      m.cost[m.x[i][c]] += out.gb * link.usd_per_gb;
    }
    m.milp.AddRow(std::move(row));
    bounded[i] = true;
  }
  // Stages with successors or a delivery row are bounded through them.
  for (int i = 0; i < graph_.num_stages(); ++i) {
    if (bounded[i]) continue;
    // M - s_i - dur_i >= 0
    MilpRow row;
    row.name = Name("end", i);
    row.lower = 0;
    row.Add(m.makespan, 1);
    row.Add(m.start[i], -1);
    const auto& cs = cands_.stages[i].candidates;
    for (size_t c = 0; c < cs.size(); ++c) row.Add(m.x[i][c], -cs[c].cost.scheduled_hours);
    m.milp.AddRow(std::move(row));
  }
  return Status::Ok();
}

void ModelBuilder::AddCostRow(PlannerModel& m, const ModelOptions& options) const {
  // Only with a budget: a free row would be read as the objective by MPS readers.
  if (!options.budget_usd) return;
  MilpRow row;
  row.name = "cost";
  row.upper = *options.budget_usd;
  for (size_t j = 0; j < m.cost.size(); ++j) {
    if (m.cost[j] != 0) row.Add(static_cast<int>(j), m.cost[j]);
  }
  m.cost_row = m.milp.AddRow(std::move(row));
}

void ModelBuilder::SetObjective(PlannerModel& m, Objective objective) const {
  for (size_t j = 0; j < m.milp.columns.size(); ++j) {
    m.milp.columns[j].objective = objective == Objective::kCost ? m.cost[j] : 0.0;
  }
  if (objective == Objective::kTime) m.milp.columns[m.makespan].objective = 1;
}

}  // namespace sky::planner
