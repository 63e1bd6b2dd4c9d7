#include "api/cli/args.h"

#include <gtest/gtest.h>

namespace sky::api {
namespace {

FlagSpec Spec() {
  FlagSpec spec;
  spec.Boolean("json", "print JSON")
      .Single("gpu", "NAME:N", "accelerator and count")
      .Single("limit", "N", "at most this many", "100");
  spec.Group("common flags").Multi("catalog", "PATH", "catalog files");
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

// "  --name VALUE" padded to the help column (27).
std::string Entry(const std::string& synopsis) {
  return "  " + synopsis + std::string(25 - synopsis.size(), ' ');
}

TEST(FlagSpecTest, HelpListsEveryFlagWithItsValueDefaultAndGroup) {
  EXPECT_EQ(Spec().Help(), "flags:\n" + Entry("--json") + "print JSON\n" + Entry("--gpu NAME:N") +
                               "accelerator and count\n" + Entry("--limit N") +
                               "at most this many (default 100)\n" + "common flags:\n" +
                               Entry("--catalog PATH...") + "catalog files\n");
}

TEST(FlagSpecTest, LongHelpWrapsAndLongNamesPutHelpOnTheNextLine) {
  FlagSpec spec;
  spec.Single("n", "N", std::string(60, 'a') + " " + std::string(30, 'b'));
  spec.Single(std::string(40, 'x'), "V", "short");
  const std::string indent(27, ' ');
  EXPECT_EQ(spec.Help(), "flags:\n" + Entry("--n N") + std::string(60, 'a') + "\n" + indent +
                             std::string(30, 'b') + "\n" + "  --" + std::string(40, 'x') + " V\n" +
                             indent + "short\n");
}

TEST(FlagSpecTest, FirstDeclarationWinsAndGroupsCanBeReopened) {
  FlagSpec spec;
  spec.Group("a").Single("x", "N", "first");
  spec.Group("b").Boolean("x", "second").Boolean("y", "in b");
  spec.Group("a").Boolean("z", "back in a");
  ASSERT_NE(spec.Find("x"), nullptr);
  EXPECT_EQ(spec.Find("x")->help, "first");
  EXPECT_EQ(spec.Find("x")->kind, FlagKind::kSingle);
  EXPECT_EQ(spec.Find("missing"), nullptr);
  EXPECT_EQ(spec.Help(), "a:\n" + Entry("--x N") + "first\n" + Entry("--z") + "back in a\n" +
                             "b:\n" + Entry("--y") + "in b\n");
}

TEST(FlagSpecTest, FormatDefaultDropsTrailingZeros) {
  EXPECT_EQ(FormatDefault(30), "30");
  EXPECT_EQ(FormatDefault(0.5), "0.5");
  EXPECT_EQ(FormatDefault(4194304), "4194304");
}

}  // namespace
}  // namespace sky::api
