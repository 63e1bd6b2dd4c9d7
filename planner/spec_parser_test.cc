#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "planner/accelerator_names.h"
#include "sky/planner/spec.h"

namespace sky::planner {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The bundled list (data/accelerators.csv) when the ingest step has copied it, else the
// SkyPilot original it is copied from.
std::string AcceleratorsCsv() {
  std::string bundled = std::string(SKY_SOURCE_DIR) + "/data/accelerators.csv";
  if (std::filesystem::exists(bundled)) return bundled;
  return std::string(SKY_SHARED_DIR) + "/data/catalog/skypilot_catalog_v9/common/accelerators.csv";
}

class SpecParserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::vector<std::string>> names = LoadAcceleratorNames(AcceleratorsCsv());
    ASSERT_TRUE(names.ok()) << names.status().ToString();
    known_ = *names;
  }

  // Every issue of `json` as "path: message".
  std::vector<std::string> Issues(const std::string& json) {
    std::vector<SpecIssue> issues;
    Result<PipelineSpec> spec = ParsePipelineSpec(json, known_, &issues);
    EXPECT_EQ(spec.ok(), issues.empty());
    std::vector<std::string> out;
    for (const SpecIssue& issue : issues) out.push_back(issue.path + ": " + issue.message);
    return out;
  }

  // A valid two-stage spec with `extra` spliced in at the top level.
  static std::string Spec(const std::string& stages, const std::string& extra = "") {
    return R"({"name": "p", "inputs": {"corpus": {"size_gb": 10, "location": "gcp:us-central1"}},
               "stages": )" +
           stages + (extra.empty() ? "" : ", " + extra) + "}";
  }

  static constexpr const char* kTwoStages = R"([
      {"name": "tokenize", "resources": {"cpus": 4}, "runtime_hours": 1, "reads": ["corpus"]},
      {"name": "train", "after": ["tokenize"], "resources": {"accelerators": {"A100": 8}},
       "runtime_hours": 5}])";

  std::vector<std::string> known_;
};

TEST_F(SpecParserTest, LoadsBundledAcceleratorNames) {
  EXPECT_EQ(known_.size(), 71u);
  EXPECT_THAT(known_, Contains("A100"));
  EXPECT_THAT(known_, Contains("A100-80GB"));
  EXPECT_TRUE(LoadAcceleratorNames("/nonexistent.csv").status().IsNotFound());
}

TEST_F(SpecParserTest, ExampleSpecsParseWithoutIssues) {
  for (const char* name : {"llm-finetune", "quickstart", "etl-train-serve"}) {
    std::string text = ReadFile(std::string(SKY_SOURCE_DIR) + "/data/examples/" + name + ".json");
    ASSERT_FALSE(text.empty()) << name;
    EXPECT_THAT(Issues(text), ElementsAre()) << name;
  }
}

TEST_F(SpecParserTest, ParsesEveryFieldOfTheDesignExample) {
  Result<PipelineSpec> spec = ParsePipelineSpec(
      ReadFile(std::string(SKY_SOURCE_DIR) + "/data/examples/llm-finetune.json"), known_);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->name, "llm-finetune");
  EXPECT_EQ(*spec->deadline_hours, 30);
  EXPECT_EQ(*spec->budget_usd, 800);
  EXPECT_EQ(spec->objective, Objective::kCost);
  ASSERT_EQ(spec->inputs.size(), 1u);
  EXPECT_EQ(spec->inputs[0].location, "gcp:us-central1");
  ASSERT_EQ(spec->stages.size(), 3u);
  const StageSpec& train = spec->stages[1];
  EXPECT_EQ(train.after, std::vector<std::string>{"tokenize"});
  EXPECT_EQ(train.resources.accelerators.at("H100"), 8);
  EXPECT_FALSE(train.runtime_hours.has_value());
  EXPECT_EQ(train.runtime_by_accelerator.at("H100"), 11);
  EXPECT_EQ(*train.checkpoint_minutes, 30);
  EXPECT_EQ(spec->stages[0].resources.memory_gb, 128);
  EXPECT_EQ(*spec->stages[0].runtime_hours, 3);
  EXPECT_EQ(spec->outputs.at("train"), "gcp:us-central1");
  EXPECT_THAT(spec->constraints.markets, ElementsAre(Market::kOnDemand, Market::kSpot));
  EXPECT_THAT(spec->constraints.stage_regions.at("tokenize"), ElementsAre("gcp:us-*"));
  EXPECT_EQ(spec->deadline_policy, DeadlinePolicy::kStrict);
  EXPECT_EQ(spec->restart_minutes, 12);
  ASSERT_EQ(spec->reservations.size(), 1u);
  EXPECT_EQ(spec->reservations[0].instance_type, "p4d.24xlarge");
  EXPECT_EQ(spec->network.same_provider->usd_per_gb, 0.02);
  ASSERT_EQ(spec->network.pairs.size(), 1u);
  EXPECT_EQ(spec->network.pairs[0].link.gbps, 5);
}

TEST_F(SpecParserTest, RoundTripsThroughJson) {
  for (const char* name : {"llm-finetune", "quickstart", "etl-train-serve"}) {
    std::string text = ReadFile(std::string(SKY_SOURCE_DIR) + "/data/examples/" + name + ".json");
    Result<PipelineSpec> first = ParsePipelineSpec(text, known_);
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    std::string json = PipelineSpecToJson(*first);
    Result<PipelineSpec> second = ParsePipelineSpec(json, known_);
    ASSERT_TRUE(second.ok()) << second.status().ToString() << "\n" << json;
    EXPECT_EQ(PipelineSpecToJson(*second), json) << name;
    EXPECT_EQ(second->stages.size(), first->stages.size());
    EXPECT_EQ(second->deadline_policy, first->deadline_policy);
  }
}

TEST_F(SpecParserTest, UnknownStageInAfterIsNamedWithItsPath) {
  EXPECT_THAT(Issues(Spec(R"([
      {"name": "tokenize", "resources": {"cpus": 4}, "runtime_hours": 1},
      {"name": "train", "after": ["tokenise"], "resources": {"cpus": 4}, "runtime_hours": 1}])")),
              ElementsAre("stages[1].after[0]: unknown stage \"tokenise\", "
                          "did you mean \"tokenize\"?"));
}

TEST_F(SpecParserTest, CyclesAreNamed) {
  EXPECT_THAT(Issues(Spec(R"([
      {"name": "train", "after": ["eval"], "resources": {"cpus": 4}, "runtime_hours": 1},
      {"name": "eval", "after": ["train"], "resources": {"cpus": 4}, "runtime_hours": 1}])")),
              ElementsAre("stages: cycle train -> eval -> train"));
  EXPECT_THAT(Issues(Spec(R"([
      {"name": "a", "after": ["a"], "resources": {"cpus": 4}, "runtime_hours": 1}])")),
              ElementsAre("stages: cycle a -> a"));
}

TEST_F(SpecParserTest, UnknownAcceleratorSuggestsNearestNames) {
  std::vector<std::string> issues = Issues(Spec(R"([
      {"name": "t", "resources": {"accelerators": {"A1000": 8, "h100": 8}},
       "runtime_hours": 5}])"));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_THAT(issues[0], HasSubstr("stages[0].resources.accelerators.A1000: unknown accelerator "
                                   "\"A1000\", did you mean \"A100\", \"A4000\", \"A5000\"?"));
  EXPECT_THAT(internal::NearestNames("a100-80gb", known_), Contains("A100-80GB"));
  EXPECT_THAT(internal::NearestNames("H10", known_), Contains("H100"));
  EXPECT_THAT(internal::NearestNames("Z", {"t"}), ElementsAre());
}

TEST_F(SpecParserTest, MissingRuntimeForOneAccelerator) {
  EXPECT_THAT(Issues(Spec(R"([
      {"name": "t", "resources": {"accelerators": {"A100": 8, "H100": 8}},
       "runtime_hours": {"a100": 20, "V100": 3}}])")),
              ElementsAre("stages[0].runtime_hours: no runtime for \"H100\"",
                          "stages[0].runtime_hours.V100: \"V100\" is not one of the stage's "
                          "accelerators"));
}

TEST_F(SpecParserTest, NegativeSizesAndNonPositiveLimits) {
  std::vector<std::string> issues = Issues(
      R"({"name": "p", "deadline_hours": 0, "budget_usd": -5, "restart_minutes": -1,
          "inputs": {"corpus": {"size_gb": -1, "location": "gcp:us-central1"}},
          "stages": [{"name": "t", "resources": {"cpus": -2, "memory_gb": 8},
                      "runtime_hours": -3, "output_gb": -4, "checkpoint_minutes": 0}]})");
  EXPECT_THAT(issues, ElementsAre("deadline_hours: must be positive, got 0",
                                  "budget_usd: must be positive, got -5",
                                  "restart_minutes: must not be negative, got -1",
                                  "inputs.corpus.size_gb: must not be negative, got -1",
                                  "stages[0].resources.cpus: must not be negative, got -2",
                                  "stages[0].runtime_hours: must be positive, got -3",
                                  "stages[0].output_gb: must not be negative, got -4",
                                  "stages[0].checkpoint_minutes: must be positive, got 0"));
}

TEST_F(SpecParserTest, DuplicatesAndUnknownReferences) {
  std::vector<std::string> issues = Issues(Spec(R"([
      {"name": "t", "resources": {"cpus": 4}, "runtime_hours": 1, "reads": ["corpuss"]},
      {"name": "t", "resources": {"cpus": 4}, "runtime_hours": 1}])",
                                                R"("outputs": {"trian": "gcp:us-central1"},
      "constraints": {"stage_regions": {"x": ["us-*"]}})"));
  EXPECT_THAT(issues, ElementsAre("stages[0].reads[0]: unknown input \"corpuss\", did you mean "
                                  "\"corpus\"?",
                                  "outputs.trian: unknown stage \"trian\"",
                                  "constraints.stage_regions.x: unknown stage \"x\"",
                                  "stages[1].name: duplicate stage \"t\" (also stages[0])"));
}

TEST_F(SpecParserTest, LocationsMarketsAndEnumValues) {
  std::vector<std::string> issues = Issues(
      R"({"name": "p", "objective": "money", "deadline_policy": "lenient",
          "inputs": {"c": {"size_gb": 1, "location": "gcp"}},
          "stages": [{"name": "t", "resources": {"cpus": 4}, "runtime_hours": 1}],
          "outputs": {"t": "gcp:us-central1:us-central1-a"},
          "constraints": {"markets": ["spto", "reserved", "spot"]}})");
  EXPECT_THAT(issues,
              ElementsAre("objective: unknown value \"money\", expected \"cost\" or \"time\"",
                          "deadline_policy: unknown value \"lenient\", expected \"expected\" or "
                          "\"strict\"",
                          "inputs.c.location: \"gcp\" is not a provider:region location",
                          "outputs.t: \"gcp:us-central1:us-central1-a\" is not a provider:region "
                          "location",
                          "constraints.markets[0]: unknown market \"spto\", expected "
                          "\"on_demand\" or \"spot\"",
                          "constraints.markets[1]: reserved offers are not planning candidates; "
                          "list capacity you hold under \"reservations\""));
}

TEST_F(SpecParserTest, ReservationFields) {
  std::vector<std::string> issues = Issues(Spec(kTwoStages, R"("reservations": [
      {"provider": "aws", "region": "aws:us-east-1", "instance_type": "p4d.24xlarge", "count": 0},
      {"provider": "aws", "region": "us-east-1"}, 7])"));
  EXPECT_THAT(issues, ElementsAre("reservations[0].region: expected a region name such as "
                                  "\"us-east-1\", got \"aws:us-east-1\"",
                                  "reservations[0].count: expected a positive whole number, got 0",
                                  "reservations[1].instance_type: required",
                                  "reservations[1].count: required",
                                  "reservations[2]: expected an object, got number"));
}

TEST_F(SpecParserTest, StageNeedsSomeResources) {
  EXPECT_THAT(Issues(Spec(R"([{"name": "t", "runtime_hours": 1},
      {"name": "u", "resources": {"accelerators": {}}, "runtime_hours": 1}])")),
              ElementsAre("stages[0].resources: needs accelerators, or cpus / memory_gb",
                          "stages[1].resources: needs accelerators, or cpus / memory_gb"));
}

TEST_F(SpecParserTest, WrongTypesAndUnknownKeys) {
  std::vector<std::string> issues = Issues(Spec(kTwoStages, R"("deadline_hours": "30",
      "deadline_hour": 30, "budget_usd": true, "network": {"pairs": [{"src": "gcp:us-central1",
      "dst": "aws:us-east-1", "usd_per_gb": 0.05, "gbs": 5}]})"));
  EXPECT_THAT(issues, ElementsAre("deadline_hour: unknown key, did you mean \"deadline_hours\"?",
                                  "deadline_hours: expected a number, got string",
                                  "budget_usd: expected a number, got boolean",
                                  "network.pairs[0].gbs: unknown key, did you mean \"gbps\"?",
                                  "network.pairs[0].gbps: required"));
}

TEST_F(SpecParserTest, MalformedJsonReportsLineAndColumn) {
  std::vector<std::string> issues = Issues("{\n  \"name\": \"p\",\n  \"stages\": [,]\n}");
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_THAT(issues[0], HasSubstr("spec: malformed JSON"));
  EXPECT_THAT(issues[0], HasSubstr("line 3, column 14"));
  EXPECT_THAT(Issues("[1, 2]"), ElementsAre("spec: expected an object, got array"));
  EXPECT_THAT(Issues(""), ElementsAre(HasSubstr("spec: malformed JSON")));
}

TEST_F(SpecParserTest, EveryTruncationIsAnIssueNotACrash) {
  std::string text = ReadFile(std::string(SKY_SOURCE_DIR) + "/data/examples/llm-finetune.json");
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  for (size_t length = 0; length < text.size(); ++length) {
    std::vector<SpecIssue> issues;
    EXPECT_FALSE(ParsePipelineSpec(text.substr(0, length), known_, &issues).ok()) << length;
    ASSERT_FALSE(issues.empty()) << length;
  }
  EXPECT_THAT(Issues(Spec(kTwoStages, R"("deadline_hours": 1e999)")),
              ElementsAre(HasSubstr("spec: malformed JSON: number overflow")));
}

TEST_F(SpecParserTest, CollectsEveryIssueIntoTheStatus) {
  Result<PipelineSpec> spec = ParsePipelineSpec(
      R"({"stages": [{"name": "t", "after": ["x"], "runtime_hours": 1}], "budget_usd": 0})",
      known_);
  ASSERT_FALSE(spec.ok());
  EXPECT_TRUE(spec.status().IsInvalidArgument());
  const std::string& message = spec.status().message();
  EXPECT_THAT(message, HasSubstr("\nname: required"));
  EXPECT_THAT(message, HasSubstr("\nbudget_usd: must be positive, got 0"));
  EXPECT_THAT(message, HasSubstr("\nstages[0].after[0]: unknown stage \"x\""));
  EXPECT_THAT(message, HasSubstr("\nstages[0].resources: needs accelerators"));
}

TEST_F(SpecParserTest, EmptyVocabularySkipsTheNameCheck) {
  Result<PipelineSpec> spec = ParsePipelineSpec(
      Spec(R"([{"name": "t", "resources": {"accelerators": {"NewGPU": 1}}, "runtime_hours": 2}])"),
      {});
  EXPECT_TRUE(spec.ok()) << spec.status().ToString();
}

}  // namespace
}  // namespace sky::planner
