// The data-plane fields of the pipeline spec (issue 16): inputs.<name>.uri, a stage's setup,
// env, image and checkpoint_gb, and keep_outputs. Parsing, every error with its JSON path, and
// the round trip through PipelineSpecToJson.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "sky/planner/spec.h"
#include "tests/support/status_matchers.h"

namespace sky::planner {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class SpecDataTest : public ::testing::Test {
 protected:
  // Every issue of `json` as "path: message" (accelerator names are not checked here).
  static std::vector<std::string> Issues(const std::string& json) {
    std::vector<SpecIssue> issues;
    Result<PipelineSpec> spec = ParsePipelineSpec(json, {}, &issues);
    EXPECT_EQ(spec.ok(), issues.empty());
    std::vector<std::string> out;
    for (const SpecIssue& issue : issues) out.push_back(issue.path + ": " + issue.message);
    return out;
  }

  // A valid one-stage spec whose stage has `stage_extra` and whose input `corpus` has
  // `input_extra` spliced in; `top_extra` goes at the top level.
  static std::string Spec(const std::string& stage_extra, const std::string& input_extra = "",
                          const std::string& top_extra = "") {
    return R"({"name": "p", "inputs": {"corpus": {"size_gb": 10, "location": "gcp:us-central1")" +
           (input_extra.empty() ? "" : ", " + input_extra) + R"(}},
               "stages": [{"name": "train", "resources": {"cpus": 4}, "runtime_hours": 1,
                           "reads": ["corpus"])" +
           (stage_extra.empty() ? "" : ", " + stage_extra) + "}]" +
           (top_extra.empty() ? "" : ", " + top_extra) + "}";
  }

  static PipelineSpec Parsed(const std::string& json) {
    Result<PipelineSpec> spec = ParsePipelineSpec(json, {});
    EXPECT_OK(spec) << json;
    return spec.ok() ? *spec : PipelineSpec{};
  }

  static constexpr const char* kAllFields = R"(
      "setup": "pip install -r requirements.txt",
      "env": {"EPOCHS": 3, "LR": 0.5, "FP16": true, "OFF": false, "MODE": "fast", "_x1": "",
              "BIG": 12345678901, "NEG": -2, "EXP": 1e-7},
      "image": "registry.example.com:5000/team/train:v1.2@sha256:0123abcd",
      "checkpoint_gb": 42.5)";
};

TEST_F(SpecDataTest, OldSpecsGetEmptyDefaults) {
  PipelineSpec spec = Parsed(Spec(""));
  EXPECT_EQ(spec.inputs[0].uri, "");
  EXPECT_EQ(spec.stages[0].setup, "");
  EXPECT_TRUE(spec.stages[0].env.empty());
  EXPECT_EQ(spec.stages[0].image, "");
  EXPECT_FALSE(spec.stages[0].checkpoint_gb.has_value());
  EXPECT_FALSE(spec.keep_outputs);
  std::string json = PipelineSpecToJson(spec);
  for (const char* key : {"uri", "setup", "env", "image", "checkpoint_gb", "keep_outputs"}) {
    EXPECT_THAT(json, Not(HasSubstr(std::string("\"") + key + "\""))) << key;
  }
}

TEST_F(SpecDataTest, ParsesEveryDataField) {
  PipelineSpec spec =
      Parsed(Spec(kAllFields, R"("uri": "gs://team-data/corpus/v1/")", R"("keep_outputs": true)"));
  EXPECT_EQ(spec.inputs[0].uri, "gs://team-data/corpus/v1");  // normalised
  const StageSpec& train = spec.stages[0];
  EXPECT_EQ(train.setup, "pip install -r requirements.txt");
  EXPECT_EQ(train.env, (std::map<std::string, std::string>{{"EPOCHS", "3"},
                                                           {"LR", "0.5"},
                                                           {"FP16", "true"},
                                                           {"OFF", "false"},
                                                           {"MODE", "fast"},
                                                           {"_x1", ""},
                                                           {"BIG", "12345678901"},
                                                           {"NEG", "-2"},
                                                           {"EXP", "1e-07"}}));
  EXPECT_EQ(train.image, "registry.example.com:5000/team/train:v1.2@sha256:0123abcd");
  EXPECT_EQ(*train.checkpoint_gb, 42.5);
  EXPECT_TRUE(spec.keep_outputs);
  EXPECT_FALSE(Parsed(Spec("", "", R"("keep_outputs": false)")).keep_outputs);
  EXPECT_EQ(*Parsed(Spec(R"("checkpoint_gb": 0)")).stages[0].checkpoint_gb, 0);
}

TEST_F(SpecDataTest, AcceptsEveryUriScheme) {
  for (const char* uri : {"s3://b/k", "gs://b/k", "az://c/k", "https://data.example.com/x",
                          "file:///var/data/corpus"}) {
    EXPECT_EQ(Parsed(Spec("", std::string(R"("uri": ")") + uri + "\"")).inputs[0].uri, uri);
  }
}

TEST_F(SpecDataTest, RoundTripsThroughJson) {
  std::string text =
      Spec(kAllFields, R"("uri": "s3://team-use1/corpus")", R"("keep_outputs": true)");
  PipelineSpec first = Parsed(text);
  std::string json = PipelineSpecToJson(first);
  PipelineSpec second = Parsed(json);
  EXPECT_EQ(PipelineSpecToJson(second), json);
  EXPECT_EQ(second.inputs[0].uri, "s3://team-use1/corpus");
  EXPECT_EQ(second.stages[0].setup, first.stages[0].setup);
  EXPECT_EQ(second.stages[0].env, first.stages[0].env);
  EXPECT_EQ(second.stages[0].image, first.stages[0].image);
  EXPECT_EQ(second.stages[0].checkpoint_gb, first.stages[0].checkpoint_gb);
  EXPECT_TRUE(second.keep_outputs);
  EXPECT_THAT(json, HasSubstr(R"("EPOCHS": "3")"));  // env values are stored as text
}

TEST_F(SpecDataTest, BadUrisAreIssuesAtTheirInputPath) {
  EXPECT_THAT(Issues(Spec("", R"("uri": "http://example.com/x")")),
              ElementsAre("inputs.corpus.uri: object URI \"http://example.com/x\": unknown scheme "
                          "\"http\"; expected s3://bucket/key, gs://bucket/key, "
                          "az://container/key, https://host/path or file:///abs/path"));
  EXPECT_THAT(Issues(Spec("", R"("uri": "s3:///key")")),
              ElementsAre("inputs.corpus.uri: object URI \"s3:///key\": empty bucket"));
  EXPECT_THAT(Issues(Spec("", R"("uri": "file://data/x")")),
              ElementsAre(HasSubstr("inputs.corpus.uri: object URI \"file://data/x\": a file URI "
                                    "needs an absolute path")));
  EXPECT_THAT(Issues(Spec("", R"("uri": "gs://b/a/../k")")),
              ElementsAre(HasSubstr("inputs.corpus.uri: object URI \"gs://b/a/../k\": path "
                                    "segment \"..\" is not allowed")));
  EXPECT_THAT(Issues(Spec("", R"("uri": "s3://b/a k")")),
              ElementsAre(HasSubstr("inputs.corpus.uri: object URI \"s3://b/a k\": whitespace")));
  EXPECT_THAT(Issues(Spec("", R"("uri": "")")),
              ElementsAre(HasSubstr("inputs.corpus.uri: empty object URI")));
  EXPECT_THAT(Issues(Spec("", R"("uri": 7)")),
              ElementsAre("inputs.corpus.uri: expected a string, got number"));
  EXPECT_THAT(Issues(Spec("", R"("url": "s3://b/k")")),
              ElementsAre("inputs.corpus.url: unknown key, did you mean \"uri\"?"));
}

TEST_F(SpecDataTest, BadEnvNamesAndValuesAreIssuesAtTheirPath) {
  std::vector<std::string> issues = Issues(Spec(R"("env": {
      "1ST": "a", "MY-VAR": "b", "": "c", "SKY_STAGE": "d", "sky_output_dir": "e",
      "Sky_x": "f", "SKYLINE": "ok", "OBJ": {"a": 1}, "ARR": [1], "NUL": null,
      "NAME WITH SPACE": 1})"));
  EXPECT_THAT(
      issues,
      ElementsAre("stages[0].env.: \"\" is not a shell variable name ([A-Za-z_][A-Za-z0-9_]*)",
                  "stages[0].env.1ST: \"1ST\" is not a shell variable name "
                  "([A-Za-z_][A-Za-z0-9_]*)",
                  "stages[0].env.ARR: expected a string, number or boolean, got array",
                  "stages[0].env.MY-VAR: \"MY-VAR\" is not a shell variable name "
                  "([A-Za-z_][A-Za-z0-9_]*)",
                  "stages[0].env.NAME WITH SPACE: \"NAME WITH SPACE\" is not a shell "
                  "variable name ([A-Za-z_][A-Za-z0-9_]*)",
                  "stages[0].env.NUL: expected a string, number or boolean, got null",
                  "stages[0].env.OBJ: expected a string, number or boolean, got object",
                  "stages[0].env.SKY_STAGE: names starting with SKY_ are reserved for "
                  "the broker",
                  "stages[0].env.Sky_x: names starting with SKY_ are reserved for the "
                  "broker",
                  "stages[0].env.sky_output_dir: names starting with SKY_ are reserved "
                  "for the broker"));
  EXPECT_THAT(Issues(Spec(R"("env": {"RCLONE_CONFIG_S3_TYPE": "s3", "RCLONER": "ok"})")),
              ElementsAre("stages[0].env.RCLONE_CONFIG_S3_TYPE: names starting with RCLONE_ are "
                          "reserved for the data plane's storage credentials"));
  EXPECT_THAT(Issues(Spec(R"("env": ["A=1"])")),
              ElementsAre("stages[0].env: expected an object, got array"));
  EXPECT_THAT(Issues(Spec(R"("env": {"A": "x\u0000y"})")),
              ElementsAre("stages[0].env.A: must not contain a NUL character"));
}

TEST_F(SpecDataTest, BadImagesAreIssuesAtTheirPath) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"("")", "must not be empty (leave the key out to run without a container)"},
      {R"("ubuntu 22.04")",
       "' ' at position 6 is not allowed in an image reference (letters, digits and . _ / : @ -)"},
      {R"("ubuntu\t")", "byte 9 at position 6 is not allowed in an image reference"},
      {R"("--privileged")", "must start with a letter or digit"},
      {R"("img;rm -rf /")", "';' at position 3 is not allowed"},
      {R"x("img$(id)")x", "'$' at position 3 is not allowed"},
      {"\"" + std::string(256, 'a') + "\"", "longer than 255 characters (256)"},
      {"3", "expected a string, got number"},
  };
  for (const auto& [value, message] : cases) {
    EXPECT_THAT(Issues(Spec(R"("image": )" + value)),
                ElementsAre(HasSubstr("stages[0].image: " + message)))
        << value;
  }
  EXPECT_EQ(Parsed(Spec(R"("image": "python:3.12-slim")")).stages[0].image, "python:3.12-slim");
  EXPECT_EQ(Parsed(Spec("\"image\": \"" + std::string(255, 'a') + "\"")).stages[0].image.size(),
            255u);
}

TEST_F(SpecDataTest, WrongTypesAndRangesOfTheOtherFields) {
  EXPECT_THAT(Issues(Spec(R"("setup": ["pip install x"], "checkpoint_gb": -1)", "",
                          R"("keep_outputs": "yes")")),
              ElementsAre("keep_outputs: expected a boolean, got string",
                          "stages[0].setup: expected a string, got array",
                          "stages[0].checkpoint_gb: must not be negative, got -1"));
  EXPECT_THAT(Issues(Spec(R"("checkpoint_gb": "5", "imag": "x")")),
              ElementsAre("stages[0].imag: unknown key, did you mean \"image\"?",
                          "stages[0].checkpoint_gb: expected a number, got string"));
  EXPECT_THAT(Issues(Spec("", "", R"("keep_output": true)")),
              ElementsAre("keep_output: unknown key, did you mean \"keep_outputs\"?"));
}

TEST_F(SpecDataTest, EveryIssueReachesTheStatusMessage) {
  Result<PipelineSpec> spec =
      ParsePipelineSpec(Spec(R"("env": {"SKY_X": 1})", R"("uri": "ftp://h/x")"), {});
  ASSERT_FALSE(spec.ok());
  EXPECT_TRUE(spec.status().IsInvalidArgument());
  EXPECT_THAT(spec.status().message(), HasSubstr("\ninputs.corpus.uri: object URI \"ftp://h/x\""));
  EXPECT_THAT(spec.status().message(),
              HasSubstr("\nstages[0].env.SKY_X: names starting with SKY_ are reserved"));
}

}  // namespace
}  // namespace sky::planner
