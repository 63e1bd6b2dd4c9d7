#include "api/http/api_limits.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace sky::api {
namespace {

using nlohmann::json;

Result<ApiLimits> FromFlags(const std::vector<std::string>& words) {
  FlagSpec spec;
  AddLimitFlags(spec);
  auto args = CliArgs::Parse(words, spec);
  if (!args.ok()) return args.status();
  return LimitsFrom(*args);
}

// `depth` nested arrays around 1: Nested(2) is "[[1]]".
std::string Nested(size_t depth) { return std::string(depth, '[') + "1" + std::string(depth, ']'); }

// A spec with `n` stages (other fields do not matter to the count).
std::string SpecWithStages(size_t n) {
  json stages = json::array();
  for (size_t i = 0; i < n; ++i) stages.push_back({{"name", "s" + std::to_string(i)}});
  return json{{"name", "p"}, {"stages", stages}}.dump();
}

TEST(ApiLimitsTest, DefaultsAreTheDocumentedOnes) {
  const ApiLimits limits;
  EXPECT_EQ(limits.max_body_bytes, 4u << 20);
  EXPECT_EQ(limits.max_upload_bytes, 64u << 20);
  EXPECT_EQ(limits.max_query_bytes, 8192u);
  EXPECT_EQ(limits.max_json_depth, 32);
  EXPECT_EQ(limits.max_stages, 100u);
  EXPECT_EQ(limits.max_offers_per_page, 1000u);
  auto parsed = FromFlags({});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->max_json_depth, 32);
  EXPECT_EQ(parsed->max_upload_bytes, 64u << 20);
}

TEST(ApiLimitsTest, FlagsSetEveryLimit) {
  auto limits =
      FromFlags({"--max-body-bytes", "100", "--max-upload-bytes", "200", "--max-query-bytes", "300",
                 "--max-json-depth", "4", "--max-stages", "5", "--max-offers-per-page", "6"});
  ASSERT_TRUE(limits.ok()) << limits.status().ToString();
  EXPECT_EQ(limits->max_body_bytes, 100u);
  EXPECT_EQ(limits->max_upload_bytes, 200u);
  EXPECT_EQ(limits->max_query_bytes, 300u);
  EXPECT_EQ(limits->max_json_depth, 4);
  EXPECT_EQ(limits->max_stages, 5u);
  EXPECT_EQ(limits->max_offers_per_page, 6u);
}

TEST(ApiLimitsTest, OutOfRangeFlagsAreRefusedWithTheirRange) {
  struct Case {
    std::vector<std::string> words;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--max-json-depth", "0"},
       "flag --max-json-depth: must be a whole number between 1 and 1000"},
      {{"--max-json-depth", "1001"}, "between 1 and 1000, not '1001'"},
      {{"--max-stages", "-1"}, "flag --max-stages: must be a whole number between 1 and 100000"},
      {{"--max-offers-per-page", "0"}, "flag --max-offers-per-page: must be a whole number"},
      {{"--max-query-bytes", "2000000"},
       "flag --max-query-bytes: must be a whole number between 0"},
      {{"--max-body-bytes", "4k"}, "flag --max-body-bytes: must be a whole number between 0"},
      {{"--max-upload-bytes", "1e9"}, "flag --max-upload-bytes: must be a whole number"},
  };
  for (const Case& c : cases) {
    auto limits = FromFlags(c.words);
    ASSERT_FALSE(limits.ok()) << c.words[0] << " " << c.words[1];
    EXPECT_TRUE(limits.status().IsInvalidArgument());
    EXPECT_NE(limits.status().message().find(c.message), std::string::npos)
        << limits.status().message();
  }
}

TEST(ApiLimitsTest, MessagesNameTheLimitAndItsFlag) {
  EXPECT_EQ(BodyTooLargeMessage(64, false),
            "request body exceeds the limit of 64 bytes (--max-body-bytes)");
  EXPECT_EQ(BodyTooLargeMessage(128, true),
            "request body exceeds the limit of 128 bytes (--max-upload-bytes)");
  EXPECT_EQ(QueryTooLongMessage(9000, 8192),
            "query string of 9000 bytes exceeds the limit of 8192 bytes (--max-query-bytes)");
}

TEST(ApiLimitsTest, JsonUpToTheDepthLimitPasses) {
  EXPECT_TRUE(CheckJsonDepth(Nested(4), 4).ok);
  EXPECT_TRUE(CheckJsonDepth(R"({"a": {"b": [1, 2, {}]}})", 4).ok);
  EXPECT_TRUE(CheckJsonDepth("  {}", 1).ok);
}

TEST(ApiLimitsTest, DeeperJsonNamesThePathAndTheLimit) {
  const LimitViolation v = CheckJsonDepth(R"({"a": 1, "b": [0, {"c": {"d": []}}]})", 3);
  ASSERT_FALSE(v.ok);
  EXPECT_EQ(v.path, "b[1].c");
  EXPECT_EQ(v.message,
            "JSON nesting deeper than the limit of 3 levels (--max-json-depth) at b[1].c");
  const LimitViolation arrays = CheckJsonDepth(Nested(5), 4);
  ASSERT_FALSE(arrays.ok);
  EXPECT_EQ(arrays.path, "[0][0][0][0]");
}

// The scan keeps no recursion: a body of a million brackets is refused, not a stack overflow.
TEST(ApiLimitsTest, AMillionLevelsAreRefusedWithoutRecursion) {
  const std::string deep(1000000, '[');
  const LimitViolation v = CheckJsonDepth(deep, 32);
  ASSERT_FALSE(v.ok);
  EXPECT_EQ(v.path.size(), 32u * 3);                            // "[0]" per level
  EXPECT_TRUE(CheckStageCount("{\"stages\": " + deep, 10).ok);  // malformed: passes
}

TEST(ApiLimitsTest, NonJsonAndMalformedBodiesAreLeftToTheHandler) {
  EXPECT_TRUE(CheckJsonDepth("provider,region\n[[[[[[[[,x\n", 2).ok);  // CSV upload
  EXPECT_TRUE(CheckJsonDepth("", 1).ok);
  EXPECT_TRUE(CheckJsonDepth("[[1]", 5).ok);           // syntax error, not too deep
  EXPECT_FALSE(CheckJsonDepth("[[[[1", 3).ok);         // too deep before the error
  EXPECT_TRUE(CheckJsonDepth("{\"a\": nope}", 1).ok);  // syntax error at depth 1
}

// A random document of at most `levels` levels, with strings full of brackets, quotes and
// backslashes (which the scan must not count).
json RandomDocument(std::mt19937& rng, int levels) {
  const int kind = static_cast<int>(rng() % (levels > 0 ? 5 : 3));
  if (kind == 0) {
    std::string text;
    for (size_t n = rng() % 6; n > 0; --n) text += "ab[]{}\"\\,:"[rng() % 11];
    return text;
  }
  if (kind == 1) return static_cast<int>(rng() % 100);
  if (kind == 2) return nullptr;
  json node = kind == 3 ? json::array() : json::object();
  for (size_t n = rng() % 4; n > 0; --n) {
    json child = RandomDocument(rng, levels - 1);
    if (kind == 3) {
      node.push_back(child);
    } else {
      node[std::to_string(rng() % 9) + "]\"{"] = child;
    }
  }
  return node;
}

int DepthOf(const json& node) {
  if (!node.is_structured()) return 0;
  int deepest = 0;
  for (const json& child : node) deepest = std::max(deepest, DepthOf(child));
  return deepest + 1;
}

// The scan agrees with a real parse on thousands of random documents, at every limit.
TEST(ApiLimitsTest, DepthAndStageCountAgreeWithAParse) {
  std::mt19937 rng(9);
  for (int i = 0; i < 3000; ++i) {
    json doc = RandomDocument(rng, 7);
    if (i % 2 == 0) doc = {{"name", "x"}, {"stages", doc}};
    const std::string text = doc.dump(i % 3 == 0 ? 2 : -1);
    const int depth = DepthOf(doc);
    for (int limit = 1; limit <= 9; ++limit) {
      ASSERT_EQ(CheckJsonDepth(text, limit).ok, !doc.is_structured() || depth <= limit)
          << "limit " << limit << ", depth " << depth << ": " << text;
    }
    const size_t stages = doc.is_object() && doc.contains("stages") && doc["stages"].is_array()
                              ? doc["stages"].size()
                              : 0;
    ASSERT_TRUE(CheckStageCount(text, stages).ok) << text;
    if (stages > 0) {
      ASSERT_FALSE(CheckStageCount(text, stages - 1).ok) << text;
    }
  }
}

TEST(ApiLimitsTest, StagesUpToTheLimitPass) {
  EXPECT_TRUE(CheckStageCount(SpecWithStages(3), 3).ok);
  EXPECT_TRUE(CheckStageCount(SpecWithStages(0), 3).ok);
  EXPECT_TRUE(CheckStageCount("not json", 3).ok);
  EXPECT_TRUE(CheckStageCount(R"({"stages": {"a": 1, "b": 2, "c": 3, "d": 4}})", 3).ok);
  // Only the top-level "stages" counts.
  EXPECT_TRUE(CheckStageCount(R"({"x": {"stages": [1, 2, 3, 4]}, "stages": []})", 3).ok);
}

TEST(ApiLimitsTest, MoreStagesNameTheLimit) {
  const LimitViolation v = CheckStageCount(SpecWithStages(4), 3);
  ASSERT_FALSE(v.ok);
  EXPECT_EQ(v.path, "stages");
  EXPECT_EQ(v.message, "stages: 4 stages exceed the limit of 3 (--max-stages)");
}

TEST(ApiLimitsTest, ViolationReplyIsA400WithThePath) {
  const HttpResponse r = ViolationReply(CheckStageCount(SpecWithStages(2), 1));
  EXPECT_EQ(r.status, 400);
  const json body = json::parse(r.body);
  EXPECT_EQ(body["error"]["code"], "invalid_argument");
  EXPECT_EQ(body["error"]["message"], "stages: 2 stages exceed the limit of 1 (--max-stages)");
  ASSERT_EQ(body["error"]["details"].size(), 1u);
  EXPECT_EQ(body["error"]["details"][0]["path"], "stages");
}

}  // namespace
}  // namespace sky::api
