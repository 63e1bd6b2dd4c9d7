#include "providers/rest/json_fields.h"

#include <gtest/gtest.h>

namespace sky::providers::rest {
namespace {

using nlohmann::json;

TEST(RestJsonFieldsTest, MissingOrMistypedMembersReadAsEmpty) {
  const json object = {{"s", "text"}, {"n", 2.5}, {"b", true}, {"o", {{"x", 1}}}};
  EXPECT_EQ(String(object, "s"), "text");
  EXPECT_EQ(String(object, "n"), "");
  EXPECT_EQ(String(object, "absent"), "");
  EXPECT_DOUBLE_EQ(Number(object, "n"), 2.5);
  EXPECT_DOUBLE_EQ(Number(object, "s"), 0.0);
  EXPECT_TRUE(Bool(object, "b", false));
  EXPECT_FALSE(Bool(object, "s", false));
  EXPECT_TRUE(Bool(object, "absent", true));
  ASSERT_NE(Member(object, "o"), nullptr);
  EXPECT_DOUBLE_EQ(Number(*Member(object, "o"), "x"), 1.0);
  EXPECT_EQ(Member(object, "absent"), nullptr);
}

TEST(RestJsonFieldsTest, NonObjectsHaveNoMembers) {
  EXPECT_EQ(Member(json::array({1, 2}), "0"), nullptr);
  EXPECT_EQ(Member(json("text"), "s"), nullptr);
  EXPECT_EQ(String(json(nullptr), "s"), "");
}

}  // namespace
}  // namespace sky::providers::rest
