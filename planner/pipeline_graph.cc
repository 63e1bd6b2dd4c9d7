#include "planner/pipeline_graph.h"

#include <cmath>
#include <map>
#include <set>

namespace sky::planner {
namespace {

class IssueList {
 public:
  void Add(const std::string& path, const std::string& message) {
    text_ += (text_.empty() ? "" : "\n") + path + ": " + message;
  }
  void NonNegative(const std::string& path, double value) {
    if (!std::isfinite(value) || value < 0) Add(path, "must be a finite number >= 0");
  }
  Status ToStatus() const { return text_.empty() ? Status::Ok() : Status::InvalidArgument(text_); }

 private:
  std::string text_;
};

std::string At(const std::string& prefix, size_t i) {
  return prefix + "[" + std::to_string(i) + "]";
}

void CheckStageNumbers(const StageSpec& stage, const std::string& path, IssueList& issues) {
  if (stage.runtime_hours.has_value() == !stage.runtime_by_accelerator.empty()) {
    issues.Add(path + ".runtime_hours", "give one number or one value per accelerator");
  }
  if (stage.runtime_hours) issues.NonNegative(path + ".runtime_hours", *stage.runtime_hours);
  for (const auto& [name, hours] : stage.runtime_by_accelerator) {
    issues.NonNegative(path + ".runtime_hours." + name, hours);
  }
  for (const auto& [name, count] : stage.resources.accelerators) {
    if (count <= 0) issues.Add(path + ".resources.accelerators." + name, "count must be >= 1");
  }
  issues.NonNegative(path + ".resources.cpus", stage.resources.cpus);
  issues.NonNegative(path + ".resources.memory_gb", stage.resources.memory_gb);
  issues.NonNegative(path + ".output_gb", stage.output_gb);
  if (stage.checkpoint_minutes &&
      !(*stage.checkpoint_minutes > 0 && std::isfinite(*stage.checkpoint_minutes))) {
    issues.Add(path + ".checkpoint_minutes", "must be a finite number > 0");
  }
}

void CollectEdges(const PipelineSpec& spec, const std::map<std::string, int>& index, int i,
                  std::vector<GraphEdge>& edges, IssueList& issues) {
  const StageSpec& stage = spec.stages[i];
  std::set<std::string> seen;
  for (size_t a = 0; a < stage.after.size(); ++a) {
    const std::string path = At(At("stages", i) + ".after", a);
    auto it = index.find(stage.after[a]);
    if (it == index.end()) {
      issues.Add(path, "unknown stage \"" + stage.after[a] + "\"");
    } else if (!seen.insert(stage.after[a]).second || it->second == i) {
      issues.Add(path, "repeated or self dependency \"" + stage.after[a] + "\"");
    } else {
      edges.push_back({it->second, i, spec.stages[it->second].output_gb});
    }
  }
}

void CollectReads(const PipelineSpec& spec, int i, std::vector<InputRead>& reads,
                  IssueList& issues) {
  const StageSpec& stage = spec.stages[i];
  for (size_t r = 0; r < stage.reads.size(); ++r) {
    const InputSpec* input = nullptr;
    for (const InputSpec& in : spec.inputs) {
      if (in.name == stage.reads[r]) input = &in;
    }
    if (input == nullptr) {
      issues.Add(At(At("stages", i) + ".reads", r), "unknown input \"" + stage.reads[r] + "\"");
      continue;
    }
    reads.push_back({i, input->name, input->location, input->size_gb});
  }
}

void CheckSpecNumbers(const PipelineSpec& spec, IssueList& issues) {
  if (spec.deadline_hours && !(*spec.deadline_hours > 0 && std::isfinite(*spec.deadline_hours))) {
    issues.Add("deadline_hours", "must be a finite number > 0");
  }
  if (spec.budget_usd) issues.NonNegative("budget_usd", *spec.budget_usd);
  for (size_t k = 0; k < spec.inputs.size(); ++k) {
    issues.NonNegative(At("inputs", k) + ".size_gb", spec.inputs[k].size_gb);
  }
  issues.NonNegative("restart_minutes", spec.restart_minutes);
  for (size_t i = 0; i < spec.reservations.size(); ++i) {
    if (spec.reservations[i].count < 0)
      issues.Add(At("reservations", i) + ".count", "must be >= 0");
  }
}

// Kahn's algorithm; stages left over sit on a cycle.
std::vector<int> TopologicalOrder(int n, const std::vector<GraphEdge>& edges) {
  std::vector<int> indegree(n, 0);
  std::vector<std::vector<int>> next(n);
  for (const GraphEdge& e : edges) {
    ++indegree[e.to];
    next[e.from].push_back(e.to);
  }
  std::vector<int> order;
  for (int i = 0; i < n; ++i) {
    if (indegree[i] == 0) order.push_back(i);
  }
  for (size_t k = 0; k < order.size(); ++k) {
    for (int j : next[order[k]]) {
      if (--indegree[j] == 0) order.push_back(j);
    }
  }
  return order;
}

}  // namespace

int PipelineGraph::Find(const std::string& name) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return static_cast<int>(i);
  }
  return -1;
}

Result<PipelineGraph> PipelineGraph::Build(const PipelineSpec& spec) {
  IssueList issues;
  PipelineGraph g;
  std::map<std::string, int> index;
  for (size_t i = 0; i < spec.stages.size(); ++i) {
    const std::string& name = spec.stages[i].name;
    if (name.empty()) issues.Add(At("stages", i) + ".name", "must not be empty");
    if (!index.emplace(name, static_cast<int>(i)).second) {
      issues.Add(At("stages", i) + ".name", "duplicate stage \"" + name + "\"");
    }
    g.names_.push_back(name);
  }
  if (spec.stages.empty()) issues.Add("stages", "must list at least one stage");
  for (size_t i = 0; i < spec.stages.size(); ++i) {
    CheckStageNumbers(spec.stages[i], At("stages", i), issues);
    CollectEdges(spec, index, static_cast<int>(i), g.edges_, issues);
    CollectReads(spec, static_cast<int>(i), g.reads_, issues);
  }
  for (const auto& [stage, location] : spec.outputs) {
    auto it = index.find(stage);
    if (it == index.end()) {
      issues.Add("outputs." + stage, "unknown stage \"" + stage + "\"");
      continue;
    }
    g.deliveries_.push_back({it->second, location, spec.stages[it->second].output_gb});
  }
  CheckSpecNumbers(spec, issues);
  SKY_RETURN_IF_ERROR(issues.ToStatus());
  g.topo_ = TopologicalOrder(g.num_stages(), g.edges_);
  if (static_cast<int>(g.topo_.size()) != g.num_stages()) {
    return Status::InvalidArgument("stages: the \"after\" dependencies form a cycle");
  }
  return g;
}

}  // namespace sky::planner
