#pragma once
// The sections of ParsePipelineSpec (spec_json.cc, spec_stages.cc, spec_sections.cc). Each
// reads one part of the document, fills `spec` and records every problem in the reader.
// Internal to sky_planner. Not thread-safe: one call chain per parse.

#include <set>
#include <string>
#include <vector>

#include "planner/spec_reader.h"
#include "sky/planner/spec.h"

namespace sky::planner::internal {

// What the sections need to resolve references: names defined elsewhere in the document.
struct SpecContext {
  std::set<std::string> stages;              // every string `stages[i].name`
  std::set<std::string> inputs;              // every key of `inputs`
  std::vector<std::string> accelerators;     // known accelerator names (may be empty: no check)
  std::set<std::string> accelerators_lower;  // the same, lower-cased
};

void ParseStages(const Json& root, const SpecContext& context, PipelineSpec& spec,
                 SpecReader& reader);
void ParseConstraints(const Json& root, const SpecContext& context, PipelineSpec& spec,
                      SpecReader& reader);
void ParseReservations(const Json& root, PipelineSpec& spec, SpecReader& reader);
void ParseNetwork(const Json& root, PipelineSpec& spec, SpecReader& reader);

// The data-plane fields (spec_data.cc): `inputs.<name>.uri` of one input object, a stage's
// `setup`, `env`, `image` and `checkpoint_gb`, and the top-level `keep_outputs`.
void ParseInputUri(const Json& input, const std::string& path, InputSpec& out, SpecReader& reader);
void ParseStageData(const Json& stage, const std::string& path, StageSpec& out, SpecReader& reader);
void ParseKeepOutputs(const Json& root, PipelineSpec& spec, SpecReader& reader);

// Duplicate stage names and cycles in `after` ("stages: cycle train -> eval -> train").
void CheckStageGraph(const PipelineSpec& spec, SpecReader& reader);

}  // namespace sky::planner::internal
