// StorageMap routes and the data layout.
#include "sky/broker/data_plane.h"

#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"

namespace sky::broker {
namespace {

TEST(StorageMapTest, ExactEntryBeatsGlobsAndTheMostSpecificGlobWins) {
  auto map = StorageMap::Parse(R"({"*": "file:///srv/all", "aws:*": "s3://team/any",
      "aws:us-east-1": "s3://team-use1/skybroker/", "local:region-a:*": "file:///srv/a"})");
  ASSERT_OK(map);
  EXPECT_EQ(map->PrefixFor("aws:us-east-1"), "s3://team-use1/skybroker");
  // A zone takes its region's route.
  EXPECT_EQ(map->PrefixFor("aws:us-east-1:use1-az4"), "s3://team-use1/skybroker");
  EXPECT_EQ(map->PrefixFor("aws:eu-west-1"), "s3://team/any");
  EXPECT_EQ(map->PrefixFor("local:region-a:b"), "file:///srv/a");
  EXPECT_EQ(map->PrefixFor("gcp:us-central1"), "file:///srv/all");
}

TEST(StorageMapTest, UncoveredListsEachPlaceWithoutARouteOnce) {
  auto map = StorageMap::Parse(R"({"aws:us-east-1": "s3://b/p", "gcp:*": "gs://g/p"})");
  ASSERT_OK(map);
  EXPECT_EQ(map->Uncovered({"aws:us-east-1", "aws:us-west-2", "gcp:x", "aws:us-west-2"}),
            (std::vector<std::string>{"aws:us-west-2"}));
}

TEST(StorageMapTest, RejectsBadMapsNamingTheKey) {
  EXPECT_EQ(StorageMap::Parse("[]").status().message().find("storage: must be"), 0u);
  EXPECT_EQ(StorageMap::Parse("{").status().message(), "storage: not valid JSON");
  auto bad_scheme = StorageMap::Parse(R"({"gcp:*": "ftp://x/y"})");
  EXPECT_TRUE(bad_scheme.status().IsInvalidArgument());
  EXPECT_NE(bad_scheme.status().message().find("storage.\"gcp:*\""), std::string::npos);
  auto https = StorageMap::Parse(R"({"gcp:*": "https://example.org/x"})");
  EXPECT_NE(https.status().message().find("read-only"), std::string::npos);
  auto number = StorageMap::Parse(R"({"gcp:*": 3})");
  EXPECT_NE(number.status().message().find("must be a URI string"), std::string::npos);
}

TEST(StorageMapTest, LocalDirectoryServesEveryPlace) {
  StorageMap map = StorageMap::LocalDirectory("/var/lib/sky/objects");
  EXPECT_EQ(map.PrefixFor("anything:at-all:z"), "file:///var/lib/sky/objects");
}

TEST(DataLayoutTest, AttemptsAndDeliveriesHaveTheirOwnFolders) {
  EXPECT_EQ(AttemptOutputUri("s3://b/p", "pl-1", "train", 2),
            "s3://b/p/pl-1/train/attempt-2/output");
  EXPECT_EQ(AttemptCheckpointsUri("file:///o", "pl-1", "train", 1),
            "file:///o/pl-1/train/attempt-1/checkpoint");
  EXPECT_EQ(DeliveryUri("gs://g", "pl-1", "eval"), "gs://g/delivered/pl-1/eval");
  EXPECT_EQ(StageDataUri("gs://g/", "pl-1", "eval"), "gs://g/pl-1/eval");
}

TEST(RcloneEnvTest, KeepsOnlyRcloneConfigVariables) {
  auto env = RcloneEnvFrom({"HOME=/root", "RCLONE_CONFIG_S3_TYPE=s3", "RCLONE_BWLIMIT=1M",
                            "RCLONE_CONFIG_S3_SECRET_ACCESS_KEY=a=b", "BROKEN"});
  EXPECT_EQ(env,
            (std::map<std::string, std::string>{{"RCLONE_CONFIG_S3_TYPE", "s3"},
                                                {"RCLONE_CONFIG_S3_SECRET_ACCESS_KEY", "a=b"}}));
}

}  // namespace
}  // namespace sky::broker
