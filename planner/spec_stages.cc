// ParsePipelineSpec, part 2: `stages` (resources, runtimes, references) and the stage graph.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "planner/accelerator_names.h"
#include "planner/spec_parser.h"

namespace sky::planner::internal {
namespace {

// Reads a list of names that must each be in `defined` ("stage" or "input").
std::vector<std::string> References(const Json& stage, const std::string& key,
                                    const std::string& parent, const std::set<std::string>& defined,
                                    const std::string& kind, SpecReader& reader) {
  std::vector<std::string> out;
  auto it = stage.find(key);
  const std::string path = KeyPath(parent, key);
  if (it == stage.end() || !reader.ExpectType(*it, Json::value_t::array, path)) return out;
  for (size_t i = 0; i < it->size(); ++i) {
    const Json& item = (*it)[i];
    if (!reader.ExpectType(item, Json::value_t::string, IndexPath(path, i))) continue;
    std::string name = item.get<std::string>();
    if (!defined.count(name)) {
      std::string hint =
          DidYouMean(NearestNames(name, std::vector<std::string>(defined.begin(), defined.end())));
      reader.Add(IndexPath(path, i),
                 "unknown " + kind + " \"" + name + "\"" + (hint.empty() ? "" : ", " + hint));
    }
    out.push_back(std::move(name));
  }
  return out;
}

void ParseAccelerators(const Json& accelerators, const std::string& path,
                       const SpecContext& context, Resources& resources, SpecReader& reader) {
  if (!reader.ExpectType(accelerators, Json::value_t::object, path)) return;
  std::set<std::string> seen;
  for (const auto& item : accelerators.items()) {
    const std::string item_path = KeyPath(path, item.key());
    const std::string lower = AsciiLower(item.key());
    if (!seen.insert(lower).second) {
      reader.Add(item_path, "duplicate accelerator \"" + item.key() + "\"");
    }
    if (!context.accelerators_lower.empty() && !context.accelerators_lower.count(lower)) {
      std::string hint = DidYouMean(NearestNames(item.key(), context.accelerators));
      reader.Add(item_path,
                 "unknown accelerator \"" + item.key() + "\"" + (hint.empty() ? "" : ", " + hint));
    }
    std::optional<int> count = reader.Count(item.value(), item_path);
    if (count) resources.accelerators[item.key()] = *count;
  }
}

void ParseResources(const Json& stage, const std::string& parent, const SpecContext& context,
                    StageSpec& out, SpecReader& reader) {
  const std::string path = KeyPath(parent, "resources");
  auto it = stage.find("resources");
  bool has_accelerators = false;
  if (it != stage.end() && reader.ExpectType(*it, Json::value_t::object, path)) {
    reader.CheckKeys(*it, path, {"accelerators", "cpus", "memory_gb"});
    auto accelerators = it->find("accelerators");
    if (accelerators != it->end()) {
      has_accelerators = accelerators->is_object() && !accelerators->empty();
      ParseAccelerators(*accelerators, KeyPath(path, "accelerators"), context, out.resources,
                        reader);
    }
    std::optional<double> cpus = reader.Number(*it, "cpus", path);
    reader.CheckNonNegative(cpus, KeyPath(path, "cpus"));
    std::optional<double> memory = reader.Number(*it, "memory_gb", path);
    reader.CheckNonNegative(memory, KeyPath(path, "memory_gb"));
    out.resources.cpus = cpus.value_or(0);
    out.resources.memory_gb = memory.value_or(0);
    if (has_accelerators || it->contains("cpus") || it->contains("memory_gb")) return;
  } else if (it != stage.end()) {
    return;  // wrong type, already recorded
  }
  reader.Add(path, "needs accelerators, or cpus / memory_gb");
}

void CheckRuntimeTable(const StageSpec& stage, const std::string& path, SpecReader& reader) {
  if (stage.resources.accelerators.empty()) {
    reader.Add(path, "a stage without accelerators needs one number of hours");
    return;
  }
  std::set<std::string> runtimes, accelerators;
  for (const auto& [name, hours] : stage.runtime_by_accelerator) runtimes.insert(AsciiLower(name));
  for (const auto& [name, count] : stage.resources.accelerators) {
    accelerators.insert(AsciiLower(name));
    if (!runtimes.count(AsciiLower(name))) reader.Add(path, "no runtime for \"" + name + "\"");
  }
  for (const auto& [name, hours] : stage.runtime_by_accelerator) {
    if (!accelerators.count(AsciiLower(name))) {
      reader.Add(KeyPath(path, name), "\"" + name + "\" is not one of the stage's accelerators");
    }
  }
}

void ParseRuntime(const Json& stage, const std::string& parent, StageSpec& out,
                  SpecReader& reader) {
  const std::string path = KeyPath(parent, "runtime_hours");
  auto it = stage.find("runtime_hours");
  if (it == stage.end()) {
    reader.Add(path, "required");
  } else if (it->is_number()) {
    out.runtime_hours = it->get<double>();
    reader.CheckPositive(out.runtime_hours, path);
  } else if (it->is_object()) {
    for (const auto& item : it->items()) {
      const std::string item_path = KeyPath(path, item.key());
      if (!reader.ExpectType(item.value(), Json::value_t::number_float, item_path)) continue;
      out.runtime_by_accelerator[item.key()] = item.value().get<double>();
      reader.CheckPositive(item.value().get<double>(), item_path);
    }
    CheckRuntimeTable(out, path, reader);
  } else {
    reader.Add(path,
               "expected a number or an object of hours per accelerator, got " + JsonTypeName(*it));
  }
}

StageSpec ParseStage(const Json& stage, const std::string& path, const SpecContext& context,
                     SpecReader& reader) {
  StageSpec out;
  if (!reader.ExpectType(stage, Json::value_t::object, path)) return out;
  reader.CheckKeys(stage, path,
                   {"name", "after", "reads", "resources", "runtime_hours", "output_gb",
                    "checkpoint_minutes", "command", "setup", "env", "image", "checkpoint_gb"});
  std::optional<std::string> name = reader.String(stage, "name", path, true);
  if (name && name->empty()) reader.Add(KeyPath(path, "name"), "must not be empty");
  out.name = name.value_or("");
  out.after = References(stage, "after", path, context.stages, "stage", reader);
  out.reads = References(stage, "reads", path, context.inputs, "input", reader);
  ParseResources(stage, path, context, out, reader);
  ParseRuntime(stage, path, out, reader);
  std::optional<double> output_gb = reader.Number(stage, "output_gb", path);
  reader.CheckNonNegative(output_gb, KeyPath(path, "output_gb"));
  out.output_gb = output_gb.value_or(0);
  out.checkpoint_minutes = reader.Number(stage, "checkpoint_minutes", path);
  reader.CheckPositive(out.checkpoint_minutes, KeyPath(path, "checkpoint_minutes"));
  out.command = reader.String(stage, "command", path).value_or("");
  ParseStageData(stage, path, out, reader);
  return out;
}

using Graph = std::map<std::string, std::vector<std::string>>;

// Stage -> the stages that list it in `after` (unknown names are left out).
Graph Successors(const PipelineSpec& spec) {
  Graph successors;
  for (const StageSpec& stage : spec.stages) successors[stage.name];
  for (const StageSpec& stage : spec.stages) {
    for (const std::string& before : stage.after) {
      auto it = successors.find(before);
      if (it != successors.end()) it->second.push_back(stage.name);
    }
  }
  return successors;
}

// The names along `stack` from `repeated` on, then `repeated` again.
std::vector<std::string> CycleFrom(const std::vector<std::pair<std::string, size_t>>& stack,
                                   const std::string& repeated) {
  std::vector<std::string> cycle;
  bool in_cycle = false;
  for (const auto& entry : stack) {
    in_cycle = in_cycle || entry.first == repeated;
    if (in_cycle) cycle.push_back(entry.first);
  }
  cycle.push_back(repeated);
  return cycle;
}

// Follows `after` edges (predecessor -> stage) depth-first and returns each cycle found, as
// the list of names along it with the first repeated at the end.
std::vector<std::vector<std::string>> FindCycles(const PipelineSpec& spec) {
  Graph successors = Successors(spec);
  enum class Mark { kNew, kActive, kDone };
  std::map<std::string, Mark> marks;
  std::vector<std::vector<std::string>> cycles;
  for (const StageSpec& stage : spec.stages) {  // in spec order, so cycles read naturally
    const std::string& start = stage.name;
    if (marks[start] != Mark::kNew) continue;
    // Iterative DFS: the path so far, each with the index of its next successor to visit.
    std::vector<std::pair<std::string, size_t>> stack = {{start, 0}};
    marks[start] = Mark::kActive;
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      const std::vector<std::string>& out = successors[node];
      if (next == out.size()) {
        marks[node] = Mark::kDone;
        stack.pop_back();
        continue;
      }
      const std::string succ = out[next++];
      if (marks[succ] == Mark::kActive) {
        cycles.push_back(CycleFrom(stack, succ));
      } else if (marks[succ] == Mark::kNew) {
        marks[succ] = Mark::kActive;
        stack.emplace_back(succ, 0);
      }
    }
  }
  return cycles;
}

}  // namespace

void ParseStages(const Json& root, const SpecContext& context, PipelineSpec& spec,
                 SpecReader& reader) {
  auto it = root.find("stages");
  if (it == root.end()) {
    reader.Add("stages", "required");
    return;
  }
  if (!reader.ExpectType(*it, Json::value_t::array, "stages")) return;
  if (it->empty()) reader.Add("stages", "must list at least one stage");
  for (size_t i = 0; i < it->size(); ++i) {
    spec.stages.push_back(ParseStage((*it)[i], IndexPath("stages", i), context, reader));
  }
}

void CheckStageGraph(const PipelineSpec& spec, SpecReader& reader) {
  std::map<std::string, size_t> first;
  for (size_t i = 0; i < spec.stages.size(); ++i) {
    const std::string& name = spec.stages[i].name;
    if (name.empty()) continue;
    auto [it, inserted] = first.emplace(name, i);
    if (!inserted) {
      reader.Add(IndexPath("stages", i) + ".name",
                 "duplicate stage \"" + name + "\" (also " + IndexPath("stages", it->second) + ")");
    }
  }
  for (const std::vector<std::string>& cycle : FindCycles(spec)) {
    std::string text;
    for (const std::string& name : cycle) text += (text.empty() ? "" : " -> ") + name;
    reader.Add("stages", "cycle " + text);
  }
}

}  // namespace sky::planner::internal
