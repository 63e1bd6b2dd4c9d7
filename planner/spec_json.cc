// ParsePipelineSpec: the document, its top-level scalars, inputs and outputs, and the stage
// graph checks. Stages are in spec_stages.cc, constraints/reservations/network in
// spec_sections.cc.
#include <map>
#include <string>
#include <vector>

#include "planner/spec_parser.h"
#include "sky/planner/spec.h"

namespace sky::planner {
namespace internal {
namespace {

// Records the first syntax error of a document, with nlohmann's line and column.
class SyntaxErrorFinder : public nlohmann::json_sax<Json> {
 public:
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception& ex) override {
    // what() is "[json.exception.parse_error.101] parse error at line 3, column 5: ...".
    message = ex.what();
    size_t bracket = message.find("] ");
    if (bracket != std::string::npos) message = message.substr(bracket + 2);
    return false;
  }
  std::string message = "parse error";
};

std::string SyntaxError(std::string_view text) {
  SyntaxErrorFinder finder;
  Json::sax_parse(text, &finder);
  return "malformed JSON: " + finder.message;
}

template <typename Enum>
std::optional<Enum> ReadEnum(const Json& root, const std::string& key,
                             const std::map<std::string, Enum>& values, SpecReader& reader) {
  std::optional<std::string> text = reader.String(root, key, "");
  if (!text) return std::nullopt;
  auto it = values.find(*text);
  if (it != values.end()) return it->second;
  std::string expected;
  for (const auto& [name, value] : values) {
    expected += (expected.empty() ? "\"" : " or \"") + name + "\"";
  }
  reader.Add(key, "unknown value \"" + *text + "\", expected " + expected);
  return std::nullopt;
}

void ParseTopLevel(const Json& root, PipelineSpec& spec, SpecReader& reader) {
  reader.CheckKeys(root, "",
                   {"name", "deadline_hours", "budget_usd", "objective", "inputs", "stages",
                    "outputs", "constraints", "deadline_policy", "restart_minutes", "reservations",
                    "network", "keep_outputs"});
  std::optional<std::string> name = reader.String(root, "name", "", true);
  if (name && name->empty()) reader.Add("name", "must not be empty");
  spec.name = name.value_or("");
  spec.deadline_hours = reader.Number(root, "deadline_hours", "");
  reader.CheckPositive(spec.deadline_hours, "deadline_hours");
  spec.budget_usd = reader.Number(root, "budget_usd", "");
  reader.CheckPositive(spec.budget_usd, "budget_usd");
  spec.objective =
      ReadEnum<Objective>(root, "objective",
                          {{"cost", Objective::kCost}, {"time", Objective::kTime}}, reader)
          .value_or(Objective::kCost);
  spec.deadline_policy =
      ReadEnum<DeadlinePolicy>(
          root, "deadline_policy",
          {{"strict", DeadlinePolicy::kStrict}, {"expected", DeadlinePolicy::kExpected}}, reader)
          .value_or(DeadlinePolicy::kStrict);
  std::optional<double> restart = reader.Number(root, "restart_minutes", "");
  reader.CheckNonNegative(restart, "restart_minutes");
  spec.restart_minutes = restart.value_or(12);
  ParseKeepOutputs(root, spec, reader);
}

void ParseInputs(const Json& root, PipelineSpec& spec, SpecReader& reader) {
  auto it = root.find("inputs");
  if (it == root.end() || !reader.ExpectType(*it, Json::value_t::object, "inputs")) return;
  for (const auto& item : it->items()) {
    const std::string path = KeyPath("inputs", item.key());
    if (!reader.ExpectType(item.value(), Json::value_t::object, path)) continue;
    reader.CheckKeys(item.value(), path, {"size_gb", "location", "uri"});
    InputSpec input;
    input.name = item.key();
    std::optional<double> size = reader.Number(item.value(), "size_gb", path, true);
    reader.CheckNonNegative(size, KeyPath(path, "size_gb"));
    input.size_gb = size.value_or(0);
    std::optional<std::string> location = reader.String(item.value(), "location", path, true);
    if (location) reader.CheckLocation(*location, KeyPath(path, "location"), false);
    input.location = location.value_or("");
    ParseInputUri(item.value(), path, input, reader);
    spec.inputs.push_back(std::move(input));
  }
}

void ParseOutputs(const Json& root, const SpecContext& context, PipelineSpec& spec,
                  SpecReader& reader) {
  auto it = root.find("outputs");
  if (it == root.end() || !reader.ExpectType(*it, Json::value_t::object, "outputs")) return;
  for (const auto& item : it->items()) {
    const std::string path = KeyPath("outputs", item.key());
    if (!context.stages.count(item.key())) reader.Add(path, "unknown stage \"" + item.key() + "\"");
    if (!reader.ExpectType(item.value(), Json::value_t::string, path)) continue;
    std::string location = item.value().get<std::string>();
    reader.CheckLocation(location, path, false);
    spec.outputs[item.key()] = location;
  }
}

SpecContext MakeContext(const Json& root, const std::vector<std::string>& accelerators) {
  SpecContext context;
  context.accelerators = accelerators;
  for (const std::string& name : accelerators) context.accelerators_lower.insert(AsciiLower(name));
  auto stages = root.find("stages");
  if (stages != root.end() && stages->is_array()) {
    for (const Json& stage : *stages) {
      auto name = stage.is_object() ? stage.find("name") : stage.end();
      if (stage.is_object() && name != stage.end() && name->is_string()) {
        context.stages.insert(name->get<std::string>());
      }
    }
  }
  auto inputs = root.find("inputs");
  if (inputs != root.end() && inputs->is_object()) {
    for (const auto& item : inputs->items()) context.inputs.insert(item.key());
  }
  return context;
}

}  // namespace
}  // namespace internal

Result<PipelineSpec> ParsePipelineSpec(std::string_view json_text,
                                       const std::vector<std::string>& known_accelerators,
                                       std::vector<SpecIssue>* issues) {
  using internal::Json;
  internal::SpecReader reader;
  PipelineSpec spec;
  Json root = Json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    reader.Add("spec", internal::SyntaxError(json_text));
  } else if (reader.ExpectType(root, Json::value_t::object, "spec")) {
    internal::SpecContext context = internal::MakeContext(root, known_accelerators);
    internal::ParseTopLevel(root, spec, reader);
    internal::ParseInputs(root, spec, reader);
    internal::ParseStages(root, context, spec, reader);
    internal::ParseOutputs(root, context, spec, reader);
    internal::ParseConstraints(root, context, spec, reader);
    internal::ParseReservations(root, spec, reader);
    internal::ParseNetwork(root, spec, reader);
    internal::CheckStageGraph(spec, reader);
  }
  std::vector<SpecIssue> found = reader.TakeIssues();
  if (issues != nullptr) *issues = found;
  if (found.empty()) return spec;
  std::string message = "invalid pipeline spec:";
  for (const SpecIssue& issue : found) message += "\n" + issue.path + ": " + issue.message;
  return Status::InvalidArgument(message);
}

}  // namespace sky::planner
