// PipelineSpecToJson: the spec as the JSON of DESIGN.md ("Pipeline spec"); optional fields
// that are unset are left out so that the text parses back to the same spec.
#include <nlohmann/json.hpp>
#include <string>

#include "sky/planner/spec.h"

namespace sky::planner {
namespace {

using Json = nlohmann::ordered_json;

Json LinkJson(const LinkCost& link) {
  return {{"usd_per_gb", link.usd_per_gb}, {"gbps", link.gbps}};
}

Json StageJson(const StageSpec& stage) {
  Json out = {{"name", stage.name}};
  if (!stage.after.empty()) out["after"] = stage.after;
  if (!stage.reads.empty()) out["reads"] = stage.reads;
  Json resources = Json::object();
  if (!stage.resources.accelerators.empty())
    resources["accelerators"] = stage.resources.accelerators;
  if (stage.resources.cpus > 0) resources["cpus"] = stage.resources.cpus;
  if (stage.resources.memory_gb > 0) resources["memory_gb"] = stage.resources.memory_gb;
  out["resources"] = resources;
  if (stage.runtime_hours) {
    out["runtime_hours"] = *stage.runtime_hours;
  } else {
    out["runtime_hours"] = stage.runtime_by_accelerator;
  }
  if (stage.output_gb > 0) out["output_gb"] = stage.output_gb;
  if (stage.checkpoint_minutes) out["checkpoint_minutes"] = *stage.checkpoint_minutes;
  if (!stage.command.empty()) out["command"] = stage.command;
  if (!stage.setup.empty()) out["setup"] = stage.setup;
  if (!stage.env.empty()) out["env"] = stage.env;
  if (!stage.image.empty()) out["image"] = stage.image;
  if (stage.checkpoint_gb) out["checkpoint_gb"] = *stage.checkpoint_gb;
  return out;
}

Json ConstraintsJson(const Constraints& constraints) {
  Json out = Json::object();
  if (!constraints.providers.empty()) out["providers"] = constraints.providers;
  if (!constraints.regions.empty()) out["regions"] = constraints.regions;
  if (!constraints.markets.empty()) {
    Json markets = Json::array();
    for (Market market : constraints.markets) markets.push_back(std::string(MarketName(market)));
    out["markets"] = markets;
  }
  if (!constraints.stage_regions.empty()) out["stage_regions"] = constraints.stage_regions;
  return out;
}

Json NetworkJson(const NetworkOverrides& network) {
  Json out = Json::object();
  if (network.same_region) out["same_region"] = LinkJson(*network.same_region);
  if (network.same_provider) out["same_provider"] = LinkJson(*network.same_provider);
  if (network.cross_provider) out["cross_provider"] = LinkJson(*network.cross_provider);
  if (!network.pairs.empty()) {
    Json pairs = Json::array();
    for (const LinkOverride& pair : network.pairs) {
      Json item = LinkJson(pair.link);
      item["src"] = pair.src;
      item["dst"] = pair.dst;
      pairs.push_back(item);
    }
    out["pairs"] = pairs;
  }
  return out;
}

void AddCollections(const PipelineSpec& spec, Json& out) {
  if (!spec.inputs.empty()) {
    Json inputs = Json::object();
    for (const InputSpec& input : spec.inputs) {
      inputs[input.name] = {{"size_gb", input.size_gb}, {"location", input.location}};
      if (!input.uri.empty()) inputs[input.name]["uri"] = input.uri;
    }
    out["inputs"] = inputs;
  }
  Json stages = Json::array();
  for (const StageSpec& stage : spec.stages) stages.push_back(StageJson(stage));
  out["stages"] = stages;
  if (!spec.outputs.empty()) out["outputs"] = spec.outputs;
  Json constraints = ConstraintsJson(spec.constraints);
  if (!constraints.empty()) out["constraints"] = constraints;
  if (!spec.reservations.empty()) {
    Json reservations = Json::array();
    for (const Reservation& r : spec.reservations) {
      reservations.push_back({{"provider", r.provider},
                              {"region", r.region},
                              {"instance_type", r.instance_type},
                              {"count", r.count}});
    }
    out["reservations"] = reservations;
  }
  Json network = NetworkJson(spec.network);
  if (!network.empty()) out["network"] = network;
}

}  // namespace

std::string PipelineSpecToJson(const PipelineSpec& spec) {
  Json out = {{"name", spec.name}};
  if (spec.deadline_hours) out["deadline_hours"] = *spec.deadline_hours;
  if (spec.budget_usd) out["budget_usd"] = *spec.budget_usd;
  out["objective"] = spec.objective == Objective::kTime ? "time" : "cost";
  out["deadline_policy"] =
      spec.deadline_policy == DeadlinePolicy::kExpected ? "expected" : "strict";
  out["restart_minutes"] = spec.restart_minutes;
  if (spec.keep_outputs) out["keep_outputs"] = true;
  AddCollections(spec, out);
  return out.dump(2);
}

}  // namespace sky::planner
