// Tests of the data-plane API of PipelineStore (schema version 3): checkpoint and output
// locations, transfers. Real SQLite files in a temp dir.
#include <gtest/gtest.h>

#include "sky/broker/pipeline_store.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace sky::broker {
namespace {

class PipelineStoreDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = Open();
    ASSERT_NE(store_, nullptr);
    ASSERT_OK(store_->CreatePipeline("p1", "acme", "n", "{}", {"prep", "train"}, 100));
  }
  std::unique_ptr<PipelineStore> Open() {
    auto store = PipelineStore::Open(dir_.Path("broker.db"));
    return store.ok() ? std::move(store).value() : nullptr;
  }
  StageRecord Stage(size_t i) { return store_->GetPipeline("p1").value().stages.at(i); }

  testing::TempDir dir_;
  std::unique_ptr<PipelineStore> store_;
};

TEST_F(PipelineStoreDataTest, CheckpointAndOutputSurviveAReopen) {
  ASSERT_OK(store_->SetStageCheckpoint("p1", "train", 0.4, "s3://b/p1/train/attempt-1/checkpoint/2",
                                       "local:region-b:a"));
  ASSERT_OK(store_->SetStageOutput("p1", "prep", "file:///o/p1/prep/attempt-1/output",
                                   "local:region-a:a"));
  store_ = Open();
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(Stage(1).checkpoint, 0.4);
  EXPECT_EQ(Stage(1).checkpoint_uri, "s3://b/p1/train/attempt-1/checkpoint/2");
  EXPECT_EQ(Stage(1).checkpoint_location, "local:region-b:a");
  EXPECT_EQ(Stage(0).output_uri, "file:///o/p1/prep/attempt-1/output");
  EXPECT_EQ(Stage(0).output_location, "local:region-a:a");
}

TEST_F(PipelineStoreDataTest, ACheckpointCanBeClearedForARestartFromZero) {
  ASSERT_OK(store_->SetStageCheckpoint("p1", "train", 0.4, "s3://b/c/1", "aws:us-east-1"));
  ASSERT_OK(store_->SetStageCheckpoint("p1", "train", 0, "", ""));
  EXPECT_EQ(Stage(1).checkpoint, 0);
  EXPECT_EQ(Stage(1).checkpoint_uri, "");
}

TEST_F(PipelineStoreDataTest, TransfersKeepTheirOrderAndValues) {
  TransferRecord in{0,
                    "p1",
                    "train",
                    1,
                    "input",
                    "prep",
                    "s3://a/x",
                    "local:region-a:a",
                    "local:region-b:a",
                    12345,
                    0.5,
                    0.000247,
                    200};
  TransferRecord out = in;
  out.kind = "output";
  out.bytes = 7;
  ASSERT_OK(store_->RecordTransfers({in, out}));
  auto transfers = store_->Transfers("p1");
  ASSERT_OK(transfers);
  ASSERT_EQ(transfers->size(), 2u);
  EXPECT_LT((*transfers)[0].seq, (*transfers)[1].seq);
  EXPECT_EQ((*transfers)[0].kind, "input");
  EXPECT_EQ((*transfers)[0].bytes, 12345);
  EXPECT_EQ((*transfers)[0].src, "local:region-a:a");
  EXPECT_DOUBLE_EQ((*transfers)[0].usd, 0.000247);
  EXPECT_EQ((*transfers)[1].bytes, 7);
}

TEST_F(PipelineStoreDataTest, BadTransfersAndUnknownStagesAreRejectedWithNothingWritten) {
  TransferRecord ok{0, "p1", "train", 1, "input", "", "", "", "", 1, 0, 0, 0};
  TransferRecord negative = ok;
  negative.bytes = -1;
  EXPECT_TRUE(store_->RecordTransfers({ok, negative}).IsInvalidArgument());
  TransferRecord unknown = ok;
  unknown.pipeline_id = "nope";
  EXPECT_TRUE(store_->RecordTransfers({ok, unknown}).IsNotFound());
  EXPECT_TRUE(store_->Transfers("p1").value().empty());
  EXPECT_TRUE(store_->SetStageOutput("p1", "nope", "", "").IsNotFound());
  EXPECT_TRUE(store_->SetStageCheckpoint("p1", "train", 2, "", "").IsInvalidArgument());
  EXPECT_TRUE(store_->Transfers("nope").status().IsNotFound());
}

}  // namespace
}  // namespace sky::broker
