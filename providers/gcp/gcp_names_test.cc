#include "providers/gcp/gcp_names.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace sky::providers::gcp {
namespace {

TEST(GcpNamesTest, InstanceNamesAreValidStableAndDistinct) {
  const std::regex gce_name("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");
  std::set<std::string> seen;
  for (const std::string key :
       {"p1/train/attempt-1", "p1/train/attempt-2", "P1_TRAIN", "42", "",
        "a-very-long-pipeline-identifier-that-goes-on/and-a-stage-name-that-is-also-long/3",
        "ÜnïcødeKey!!"}) {
    const Result<std::string> name = InstanceNameForKey(key);
    ASSERT_TRUE(name.ok());
    EXPECT_TRUE(std::regex_match(*name, gce_name)) << *name;
    EXPECT_TRUE(IsValidResourceName(*name)) << *name;
    EXPECT_LE(name->size(), 63u);
    EXPECT_EQ(*InstanceNameForKey(key), *name);  // same key, same name
    EXPECT_TRUE(seen.insert(*name).second) << "collision for " << key;
  }
  EXPECT_EQ(InstanceNameForKey("p1/train/attempt-1")->rfind("sky-p1-train-attempt-1-", 0), 0u);
}

TEST(GcpNamesTest, RequestIdIsAStableVersion5Uuid) {
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  const std::string id = *RequestIdForKey("p1/train/attempt-1");
  EXPECT_TRUE(std::regex_match(id, uuid)) << id;
  EXPECT_EQ(*RequestIdForKey("p1/train/attempt-1"), id);
  EXPECT_NE(*RequestIdForKey("p1/train/attempt-2"), id);
}

TEST(GcpNamesTest, LabelsAreSanitisedToGceRules) {
  EXPECT_EQ(SanitizeLabelKey("skybroker-pipeline"), "skybroker-pipeline");
  EXPECT_EQ(SanitizeLabelKey("Skybroker.Stage"), "skybroker-stage");
  EXPECT_EQ(SanitizeLabelKey("9lives"), "k-9lives");
  EXPECT_EQ(SanitizeLabelValue("Pipe/Line:42_x"), "pipe-line-42_x");
  EXPECT_EQ(SanitizeLabelValue(std::string(80, 'a')).size(), 63u);
  const auto labels = LabelsFromTags({{"skybroker-pipeline", "LLM Finetune#7"}, {"", "v"}});
  for (const auto& [key, value] : labels) {
    EXPECT_TRUE(IsValidLabelKey(key)) << key;
    EXPECT_TRUE(IsValidLabelValue(value)) << value;
  }
  EXPECT_EQ(labels.at("skybroker-pipeline"), "llm-finetune-7");
  EXPECT_FALSE(IsValidLabelKey("Upper"));
  EXPECT_FALSE(IsValidLabelKey("-dash"));
  EXPECT_FALSE(IsValidLabelValue("a.b"));
  EXPECT_FALSE(IsValidResourceName("ends-"));
  EXPECT_FALSE(IsValidResourceName("1abc"));
}

TEST(GcpNamesTest, AcceleratorNamesMapBothWays) {
  EXPECT_EQ(GceAcceleratorName("T4"), "nvidia-tesla-t4");
  EXPECT_EQ(GceAcceleratorName("a100-80gb"), "nvidia-a100-80gb");
  EXPECT_EQ(GceAcceleratorName("H100"), "nvidia-h100-80gb");
  EXPECT_EQ(GceAcceleratorName("L4"), "nvidia-l4");
  EXPECT_EQ(GceAcceleratorName("A10G"), "");  // an AWS-only GPU
  EXPECT_EQ(CanonicalAcceleratorName("nvidia-tesla-v100"), "V100");
  EXPECT_EQ(CanonicalAcceleratorName("nvidia-h200-141gb"), "H200");
  EXPECT_EQ(CanonicalAcceleratorName("tpu"), "");
  EXPECT_TRUE(TakesAttachedAccelerators("n1-highmem-8"));
  EXPECT_FALSE(TakesAttachedAccelerators("a2-highgpu-8g"));
  EXPECT_FALSE(TakesAttachedAccelerators("g2-standard-4"));
}

TEST(GcpNamesTest, ParsesRfc3339WithOffsetsAndFractions) {
  // 2013-12-13T18:45:23.351Z = 1386960323.351
  EXPECT_DOUBLE_EQ(*ParseRfc3339("2013-12-13T10:45:23.351-08:00"), 1386960323.351);
  EXPECT_DOUBLE_EQ(*ParseRfc3339("2013-12-13T18:45:23.351Z"), 1386960323.351);
  EXPECT_DOUBLE_EQ(*ParseRfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_DOUBLE_EQ(*ParseRfc3339("2024-02-29T05:30:00+05:30"), 1709164800);
  EXPECT_TRUE(ParseRfc3339("2013-12-13").status().IsInvalidArgument());
  EXPECT_TRUE(ParseRfc3339("2013-12-13T10:45:23+0800").status().IsInvalidArgument());
}

TEST(GcpNamesTest, LastPathSegment) {
  EXPECT_EQ(LastPathSegment("https://x/projects/p/zones/us-central1-a"), "us-central1-a");
  EXPECT_EQ(LastPathSegment("n1-standard-1"), "n1-standard-1");
}

}  // namespace
}  // namespace sky::providers::gcp
