// The pure data-plane functions: what an attempt's script is told to move, and prices.
#include "broker/executor/stage_data.h"

#include <gtest/gtest.h>

#include "tests/support/offer_builder.h"
#include "tests/support/status_matchers.h"

namespace sky::broker {
namespace {

class StageDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto spec = planner::ParsePipelineSpec(R"({"name": "d",
      "inputs": {"corpus": {"size_gb": 1, "location": "aws:us-east-1", "uri": "s3://b/c.txt"},
                 "notes": {"size_gb": 1, "location": "aws:us-east-1"}},
      "stages": [{"name": "prep", "reads": ["corpus", "notes"], "resources": {"cpus": 1},
                  "runtime_hours": 1},
                 {"name": "train", "after": ["prep"], "resources": {"cpus": 1},
                  "runtime_hours": 1}],
      "network": {"pairs": [{"src": "aws:us-east-1", "dst": "gcp:us-central1",
                             "usd_per_gb": 0.05, "gbps": 1}]}})",
                                           {});
    ASSERT_OK(spec);
    spec_ = *spec;
    record_.id = "p1";
    record_.stages = {StageRecord{}, StageRecord{}};
    record_.stages[0].name = "prep";
    record_.stages[0].output_uri = "gs://g/sky/p1/prep/attempt-1/output";
    record_.stages[0].output_location = "aws:us-east-1:use1-az1";
    record_.stages[1].name = "train";
    record_.stages[1].attempt = 2;
    record_.stages[1].checkpoint_uri = "gs://g/sky/p1/train/attempt-1/checkpoint/3";
    record_.stages[1].checkpoint_location = "gcp:us-east1:us-east1-b";
    data_.storage = StorageMap::LocalDirectory("/objects");
    offer_ =
        testing::OfferBuilder().Provider("gcp").Region("us-central1").Zone("us-central1-a").Build();
  }

  planner::PipelineSpec spec_;
  PipelineRecord record_;
  DataPlaneOptions data_;
  Offer offer_;
  planner::NetworkModel network_;
};

TEST_F(StageDataTest, ScriptDataNamesInputsWithAUriOutputsCheckpointsAndTheRestore) {
  auto prep = ScriptDataFor(data_, "http://b:8080", record_, spec_, record_.stages[0], 1, offer_);
  ASSERT_OK(prep);
  ASSERT_EQ(prep->inputs.size(), 1u);  // `notes` has no uri: priced, never copied
  EXPECT_EQ(prep->inputs[0].name, "corpus");
  EXPECT_EQ(prep->inputs[0].from.rclone_path, "s3:b/c.txt");
  EXPECT_EQ(prep->output.uri, "file:///objects/p1/prep/attempt-1/output");
  EXPECT_EQ(prep->output.rclone_path, "/objects/p1/prep/attempt-1/output");
  EXPECT_EQ(prep->restore.uri, "");
  EXPECT_EQ(prep->credentials_url, "");
  EXPECT_EQ(prep->identity_remotes.at("RCLONE_CONFIG_S3_ENV_AUTH"), "true");
  auto train = ScriptDataFor(data_, "http://b:8080", record_, spec_, record_.stages[1], 2, offer_);
  ASSERT_OK(train);
  ASSERT_EQ(train->inputs.size(), 1u);
  EXPECT_EQ(train->inputs[0].from.rclone_path, "gs:g/sky/p1/prep/attempt-1/output");
  EXPECT_EQ(train->restore.rclone_path, "gs:g/sky/p1/train/attempt-1/checkpoint/3");
  EXPECT_EQ(train->checkpoints.uri, "file:///objects/p1/train/attempt-2/checkpoint");
}

TEST_F(StageDataTest, BrokerCredentialsReplaceIdentityForTheirSchemeOnly) {
  data_.rclone_env = {{"RCLONE_CONFIG_GS_TYPE", "google cloud storage"}};
  auto prep = ScriptDataFor(data_, "http://b:8080", record_, spec_, record_.stages[0], 1, offer_);
  ASSERT_OK(prep);
  EXPECT_EQ(prep->credentials_url, "http://b:8080/v1/pipelines/p1/stages/prep/storage-credentials");
  EXPECT_EQ(prep->identity_remotes.count("RCLONE_CONFIG_GS_TYPE"), 0u);
  EXPECT_EQ(prep->identity_remotes.at("RCLONE_CONFIG_S3_TYPE"), "s3");
}

TEST_F(StageDataTest, APlaceWithoutStorageIsAFailedPrecondition) {
  auto map = StorageMap::Parse(R"({"aws:*": "s3://b/p"})");
  ASSERT_OK(map);
  data_.storage = *map;
  auto prep = ScriptDataFor(data_, "", record_, spec_, record_.stages[0], 1, offer_);
  EXPECT_TRUE(prep.status().IsFailedPrecondition());
  EXPECT_NE(prep.status().message().find("gcp:us-central1:us-central1-a"), std::string::npos);
}

TEST_F(StageDataTest, TransfersArePricedPerPairFromWhereTheBytesWere) {
  EXPECT_EQ(LocationOfInput(record_, spec_, "corpus"), "aws:us-east-1");
  EXPECT_EQ(LocationOfInput(record_, spec_, "prep"), "aws:us-east-1:use1-az1");
  EXPECT_EQ(LocationOfInput(record_, spec_, "nope"), "");
  const TransferRecord input =
      PriceTransfer(network_, record_, spec_, record_.stages[1], "gcp:us-central1:us-central1-a",
                    TransferReport{"input", "prep", "gs://x", 3'000'000'000, 2}, 100);
  EXPECT_EQ(input.src, "aws:us-east-1:use1-az1");
  EXPECT_DOUBLE_EQ(input.usd, 3 * 0.05);  // the spec's pair price, zones counting as regions
  EXPECT_EQ(input.attempt, 2);
  const TransferRecord restore =
      PriceTransfer(network_, record_, spec_, record_.stages[1], "gcp:us-central1:us-central1-a",
                    TransferReport{"restore", "checkpoint", "gs://x", 1'000'000'000, 1}, 100);
  EXPECT_EQ(restore.src, "gcp:us-east1:us-east1-b");
  EXPECT_GT(restore.usd, 0);  // across GCP regions: the network model's class default
  EXPECT_EQ(TransferUsd(network_, spec_, "", "gcp:us-central1", 10), 0);
}

}  // namespace
}  // namespace sky::broker
