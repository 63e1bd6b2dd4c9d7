#pragma once
// The pipeline spec (DESIGN.md, "Pipeline spec") as plain C++ values, and its parser.
// Value types; safe to share read-only between threads.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sky/types/offer.h"
#include "sky/types/result.h"

namespace sky::planner {

enum class Objective { kCost, kTime };
enum class DeadlinePolicy { kStrict, kExpected };

struct Resources {
  // Any-of: the stage needs exactly `count` of ONE of these accelerators on one instance.
  // Keys keep the spelling of the spec; matching is case-insensitive.
  std::map<std::string, int> accelerators;
  double cpus = 0;       // minimum vCPUs
  double memory_gb = 0;  // minimum memory
};

struct StageSpec {
  std::string name;
  std::vector<std::string> after;  // predecessor stages
  std::vector<std::string> reads;  // pipeline inputs
  Resources resources;
  // Runtime in hours: one number for every accelerator (`runtime_hours`), or per accelerator
  // name (`runtime_by_accelerator`, keys as in the spec). Exactly one of them is set.
  std::optional<double> runtime_hours;
  std::map<std::string, double> runtime_by_accelerator;
  double output_gb = 0;
  std::optional<double> checkpoint_minutes;
  std::string command;  // what the instance runs (executor); the planner ignores it
  // The data plane (executor): `setup` runs once before `command` (shell; empty: none), `env`
  // is added to the environment of both (names are shell names not starting with SKY_), and
  // `image`, when set, is the container image both run in. (The `{}` of these fields and of
  // InputSpec::uri keep aggregate initialisers written before they existed warning-free.)
  std::string setup{};
  std::map<std::string, std::string> env{};
  std::string image{};
  std::optional<double> checkpoint_gb{};  // expected checkpoint size, for migration costs
};

struct InputSpec {
  std::string name;
  double size_gb = 0;
  RegionId location;  // "provider:region"
  std::string uri{};  // where the data is (sky/types/object_uri.h), normalised; empty: not given
};

struct LinkCost {
  double usd_per_gb = 0;
  double gbps = 0;
};

struct LinkOverride {
  RegionId src;
  RegionId dst;
  LinkCost link;
};

struct NetworkOverrides {
  std::optional<LinkCost> same_region;
  std::optional<LinkCost> same_provider;
  std::optional<LinkCost> cross_provider;
  std::vector<LinkOverride> pairs;
};

struct Reservation {
  std::string provider;
  std::string region;
  std::string instance_type;
  int count = 0;
};

struct Constraints {
  std::vector<std::string> providers;  // empty: all
  std::vector<std::string> regions;    // globs; a pattern with ':' matches "provider:region"
  std::vector<Market> markets;         // empty: on_demand and spot
  std::map<std::string, std::vector<std::string>> stage_regions;  // stage -> globs
};

struct PipelineSpec {
  std::string name;
  std::optional<double> deadline_hours;
  std::optional<double> budget_usd;
  Objective objective = Objective::kCost;
  std::vector<InputSpec> inputs;
  std::vector<StageSpec> stages;
  std::map<std::string, RegionId> outputs;  // stage -> delivery location
  Constraints constraints;
  DeadlinePolicy deadline_policy = DeadlinePolicy::kStrict;
  double restart_minutes = 12;
  std::vector<Reservation> reservations;
  NetworkOverrides network;
  // Keep the stages' intermediate outputs after the pipeline ends (default: deleted then).
  bool keep_outputs = false;
};

// One validation problem, with the JSON path it concerns: `stages[1].after[0]`.
struct SpecIssue {
  std::string path;
  std::string message;
};

// Parses and validates a spec. `known_accelerators` is the vocabulary that names must come
// from (catalog + bundled list), matched case-insensitively; an unknown name is an issue with
// the nearest names suggested. When `known_accelerators` is empty, names are not checked.
// Returns InvalidArgument listing every issue ("path: message" per line) when the JSON is
// malformed or the spec is invalid; when `issues` is not null it receives them one by one.
// Never throws.
Result<PipelineSpec> ParsePipelineSpec(std::string_view json_text,
                                       const std::vector<std::string>& known_accelerators,
                                       std::vector<SpecIssue>* issues = nullptr);

// Serialises a spec back to JSON text (round-trips through ParsePipelineSpec).
std::string PipelineSpecToJson(const PipelineSpec& spec);

// Reads the `AcceleratorName` column of a SkyPilot `accelerators.csv` (`data/accelerators.csv`).
// Returns NotFound when the file cannot be opened, InvalidArgument (file:line) when it has no
// such column or a row lacks a name.
Result<std::vector<std::string>> LoadAcceleratorNames(const std::string& csv_path);

}  // namespace sky::planner
