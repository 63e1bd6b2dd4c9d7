#include "api/cli/args.h"

#include <gtest/gtest.h>

namespace sky::api {
namespace {

FlagSpec Spec() {
  FlagSpec spec;
  spec.booleans = {"json"};
  spec.singles = {"gpu", "limit"};
  spec.multis = {"catalog"};
  return spec;
}

TEST(CliArgsTest, ParsesSinglesMultisBooleansAndPositionals) {
  auto args = CliArgs::Parse({"spec.json", "--gpu", "H100:8", "--catalog", "a.csv", "dir/",
                              "--json", "--limit=5", "--catalog", "c.csv"},
                             Spec());
  ASSERT_TRUE(args.ok()) << args.status().ToString();
  EXPECT_EQ(args->Get("gpu"), "H100:8");
  EXPECT_EQ(args->GetAll("catalog"), (std::vector<std::string>{"a.csv", "dir/", "c.csv"}));
  EXPECT_TRUE(args->Has("json"));
  EXPECT_EQ(*args->GetInt("limit").value(), 5);
  EXPECT_EQ(args->positional(), std::vector<std::string>{"spec.json"});
}

TEST(CliArgsTest, SingleFlagTakesOneValueThenPositionals) {
  auto args = CliArgs::Parse({"--gpu", "A100", "extra"}, Spec());
  ASSERT_TRUE(args.ok());
  EXPECT_EQ(args->Get("gpu"), "A100");
  EXPECT_EQ(args->positional(), std::vector<std::string>{"extra"});
}

TEST(CliArgsTest, UnknownFlagSuggestsNearest) {
  auto args = CliArgs::Parse({"--limt", "3"}, Spec());
  ASSERT_TRUE(args.status().IsInvalidArgument());
  EXPECT_NE(args.status().message().find("did you mean --limit"), std::string::npos);
}

TEST(CliArgsTest, MissingValueAndBooleanWithValueAreErrors) {
  EXPECT_TRUE(CliArgs::Parse({"--gpu"}, Spec()).status().IsInvalidArgument());
  EXPECT_TRUE(CliArgs::Parse({"--gpu", "--json"}, Spec()).status().IsInvalidArgument());
  EXPECT_TRUE(CliArgs::Parse({"--json=yes"}, Spec()).status().IsInvalidArgument());
}

TEST(CliArgsTest, NumbersAreValidated) {
  auto args = CliArgs::Parse({"--limit", "ten"}, Spec());
  ASSERT_TRUE(args.ok());
  auto limit = args->GetInt("limit");
  ASSERT_TRUE(limit.status().IsInvalidArgument());
  EXPECT_NE(limit.status().message().find("--limit"), std::string::npos);
  EXPECT_FALSE(args->GetDouble("gpu").value().has_value());
}

}  // namespace
}  // namespace sky::api
