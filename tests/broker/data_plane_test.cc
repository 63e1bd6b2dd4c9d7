// The executor's side of the data plane (README "Data") on real parts: what each attempt's
// startup script is told to move, how the transfers it reports are priced and stored, the
// failures that keep a stage from `succeeded`, and the broker's own deliveries and clean-up
// with the real rclone on file:// storage. Heartbeats are posted as the script would.
#include "sky/broker/data_plane.h"

#include <filesystem>
#include <fstream>

#include "tests/broker/executor_fixture.h"

namespace sky::testing {
namespace {

namespace fs = std::filesystem;
using broker::HeartbeatReport;
using broker::StageState;
using broker::TransferReport;

// The sim as a cloud whose instances run the startup script: the launch requests are kept and
// the agent reports the sim simulates are dropped, so that only the test's heartbeats speak.
class ScriptCloud : public providers::ProviderWrapper {
 public:
  explicit ScriptCloud(providers::Provider& sim) : ProviderWrapper(sim) {}
  bool RunsStartupScript() const override { return true; }
  Result<providers::Instance> Launch(const providers::LaunchRequest& request) override {
    launches.push_back(request);
    return target().Launch(request);
  }
  Result<std::vector<providers::Instance>> Describe(const std::vector<std::string>& ids) override {
    auto described = target().Describe(ids);
    if (described.ok()) {
      for (auto& instance : *described) instance.agent.reset();
    }
    return described;
  }
  std::vector<providers::LaunchRequest> launches;
};

// prep (CPU) -> train (A100, checkpoints) -> eval (CPU), all in gcp:us-central1 by
// constraint, reading `corpus`; moves within the region cost $0.01/GB by the spec.
std::string DataSpec(const std::string& corpus_uri, const std::string& extra = "") {
  return R"({"name": "data", "restart_minutes": 6)" + extra + R"(,
    "inputs": {"corpus": {"size_gb": 1, "location": "gcp:us-central1", "uri": ")" +
         corpus_uri + R"("}},
    "stages": [
      {"name": "prep", "reads": ["corpus"], "resources": {"cpus": 8}, "runtime_hours": 0.5,
       "output_gb": 1, "command": "prep", "env": {"MODE": "fast"}, "setup": "pip install x"},
      {"name": "train", "after": ["prep"], "resources": {"accelerators": {"A100": 1}},
       "runtime_hours": 4, "output_gb": 1, "checkpoint_minutes": 30, "checkpoint_gb": 2,
       "command": "train"},
      {"name": "eval", "after": ["train"], "resources": {"cpus": 8}, "runtime_hours": 0.5,
       "command": "eval"}],
    "outputs": {"eval": "gcp:us-central1"},
    "constraints": {"regions": ["us-central1"]},
    "network": {"same_region": {"usd_per_gb": 0.01, "gbps": 10}}})";
}

class DataPlaneTest : public ExecutorFixture {
 protected:
  void SetUp() override {
    ExecutorFixture::SetUp();
    objects_ = fs::path(dir_.path()) / "objects";
    fs::create_directories(objects_);
    options_.data.storage = broker::StorageMap::LocalDirectory(objects_.string());
    cloud_ = std::make_unique<ScriptCloud>(sim());
    StartExecutor(*cloud_);
  }
  void TearDown() override {
    if (world_) world_->StopExecutor();
    cloud_.reset();
    ExecutorFixture::TearDown();
  }

  broker::StageRecord Stage(const std::string& id, const std::string& name) {
    auto record = store().GetPipeline(id);  // named: a range-for over *temporary would dangle
    for (const auto& s : record->stages) {
      if (s.name == name) return s;
    }
    ADD_FAILURE() << "no stage " << name;
    return {};
  }
  // Runs until `stage` is running (its instance booted).
  void RunUntilRunning(const std::string& id, const std::string& stage) {
    for (int i = 0; i < 200 && Stage(id, stage).state != StageState::kRunning; ++i) RunFor(30);
    ASSERT_EQ(Stage(id, stage).state, StageState::kRunning) << EventLog(id);
  }
  Status Beat(const std::string& id, const std::string& stage, const HeartbeatReport& report) {
    return executor().Heartbeat(id, stage, tokens_.TokenFor(Stage(id, stage).idempotency_key),
                                report);
  }
  // The outputs of `stage`'s current attempt, written where its script would upload them.
  std::string StoreOutputs(const std::string& id, const std::string& stage,
                           const std::string& text) {
    std::string uri = broker::AttemptOutputUri("file://" + objects_.string(), id, stage,
                                               Stage(id, stage).attempt);
    const fs::path dir = uri.substr(std::string("file://").size());
    fs::create_directories(dir);
    std::ofstream(dir / "result.txt") << text;
    return uri;
  }
  HeartbeatReport Exit0(const std::string& outputs_uri, int64_t bytes) {
    HeartbeatReport report;
    report.exit_code = 0;
    report.outputs_uri = outputs_uri;
    report.transfers.push_back(TransferReport{"output", "", outputs_uri, bytes, 0.5});
    return report;
  }
  // Runs prep to success with stored outputs; returns the pipeline id.
  std::string RunPrep(const std::string& extra = "") {
    std::string id = Submit(DataSpec("s3://corpus-bucket/corpus.txt", extra));
    RunUntilRunning(id, "prep");
    EXPECT_OK(Beat(id, "prep", Exit0(StoreOutputs(id, "prep", "shards"), 6)));
    RunFor(30);
    EXPECT_EQ(Stage(id, "prep").state, StageState::kSucceeded) << EventLog(id);
    return id;
  }
  std::string LastScript() const { return cloud_->launches.back().startup_script; }

  fs::path objects_;
  std::unique_ptr<ScriptCloud> cloud_;
};

TEST_F(DataPlaneTest, TheScriptIsToldWhatToCopyWhereToStoreAndWhatToRun) {
  const std::string id = Submit(DataSpec("s3://corpus-bucket/corpus.txt"));
  RunUntilRunning(id, "prep");
  const std::string script = LastScript();
  const std::string prefix = "file://" + objects_.string();
  EXPECT_NE(script.find("s3:corpus-bucket/corpus.txt"), std::string::npos);  // rclone path
  EXPECT_NE(script.find(broker::AttemptOutputUri(prefix, id, "prep", 1)), std::string::npos);
  EXPECT_NE(script.find(broker::AttemptCheckpointsUri(prefix, id, "prep", 1)), std::string::npos);
  EXPECT_NE(script.find("pip install x"), std::string::npos);
  EXPECT_NE(script.find("MODE='fast'"), std::string::npos);
  // No broker credentials configured: the s3 remote is the instance's own identity.
  EXPECT_NE(script.find("RCLONE_CONFIG_S3_ENV_AUTH"), std::string::npos);
  EXPECT_EQ(script.find("storage-credentials"), std::string::npos);
}

TEST_F(DataPlaneTest, TransfersArePricedAtTheSpecsPriceAndPredecessorOutputsBecomeInputs) {
  const std::string id = RunPrep();
  EXPECT_EQ(Stage(id, "prep").output_uri,
            broker::AttemptOutputUri("file://" + objects_.string(), id, "prep", 1));
  RunUntilRunning(id, "train");
  EXPECT_NE(LastScript().find(objects_.string() + "/" + id + "/prep/attempt-1/output"),
            std::string::npos);
  HeartbeatReport report;
  report.transfers.push_back(
      TransferReport{"input", "prep", Stage(id, "prep").output_uri, 2'000'000'000, 12.5});
  ASSERT_OK(Beat(id, "train", report));
  auto view = executor().Get(id);
  ASSERT_OK(view);
  ASSERT_EQ(view->transfers.size(), 2u);  // prep's output, train's input
  const broker::TransferRecord& input = view->transfers.back();
  EXPECT_EQ(input.kind, "input");
  EXPECT_EQ(input.bytes, 2'000'000'000);
  EXPECT_EQ(input.src, AttemptsOf(id, "prep").front().location);
  EXPECT_EQ(input.dst, AttemptsOf(id, "train").front().location);
  EXPECT_DOUBLE_EQ(input.usd, 2 * 0.01);  // 2 GB x the spec's same-region $0.01/GB
}

TEST_F(DataPlaneTest, ExitZeroWithoutStoredOutputsFailsTheStage) {
  const std::string id = Submit(DataSpec("s3://corpus-bucket/corpus.txt"));
  RunUntilRunning(id, "prep");
  HeartbeatReport report;
  report.exit_code = 0;
  ASSERT_OK(Beat(id, "prep", report));
  EXPECT_EQ(Stage(id, "prep").state, StageState::kFailed);
  EXPECT_NE(EventLog(id).find("running -> failed: data: the command exited 0 but its outputs "
                              "were not stored (attempt 1)"),
            std::string::npos)
      << EventLog(id);
}

TEST_F(DataPlaneTest, AMissingInputFailsTheStageNamingTheUriWithoutRetrying) {
  const std::string id = Submit(DataSpec("s3://corpus-bucket/corpus.txt"));
  RunUntilRunning(id, "prep");
  HeartbeatReport report;
  report.exit_code = 1;
  report.data_error = "input 'corpus' (s3://corpus-bucket/corpus.txt): directory not found";
  ASSERT_OK(Beat(id, "prep", report));
  EXPECT_EQ(RunUntilTerminal(id), broker::PipelineState::kFailed);
  EXPECT_EQ(AttemptsOf(id, "prep").size(), 1u);
  EXPECT_NE(EventLog(id).find("data: input 'corpus' (s3://corpus-bucket/corpus.txt): directory "
                              "not found"),
            std::string::npos)
      << EventLog(id);
}

TEST_F(DataPlaneTest, ACompleteCheckpointIsWhatTheNextAttemptRestores) {
  const std::string id = RunPrep();
  RunUntilRunning(id, "train");
  HeartbeatReport report;
  report.checkpoint = 0.25;
  report.checkpoint_seq = 1;
  report.checkpoint_uri =
      "file://" + objects_.string() + "/" + id + "/train/attempt-1/checkpoint/1";
  report.transfers.push_back(TransferReport{"checkpoint", "1", report.checkpoint_uri, 100, 1});
  ASSERT_OK(Beat(id, "train", report));
  EXPECT_EQ(Stage(id, "train").checkpoint_uri, report.checkpoint_uri);
  EXPECT_EQ(Stage(id, "train").checkpoint, 0.25);
  // The instance vanishes: the next attempt restores that checkpoint.
  ASSERT_OK(sim().Terminate(Stage(id, "train").instance_id));
  for (int i = 0; i < 200 && Stage(id, "train").attempt < 2; ++i) RunFor(30);
  ASSERT_EQ(Stage(id, "train").attempt, 2) << EventLog(id);
  EXPECT_NE(LastScript().find(objects_.string() + "/" + id + "/train/attempt-1/checkpoint/1"),
            std::string::npos);
  EXPECT_NE(LastScript().find("SKY_RESUME_FROM='0.250000'"), std::string::npos);
}

// The broker acts on reported URIs with its own credentials: an instance may name only the
// places the broker gave its attempt.
TEST_F(DataPlaneTest, ReportedUrisOutsideTheAttemptsPlacesAreRefused) {
  const std::string id = RunPrep();
  RunUntilRunning(id, "train");
  HeartbeatReport stolen;
  stolen.checkpoint = 0.5;
  stolen.checkpoint_seq = 1;
  stolen.checkpoint_uri = "file:///etc";
  stolen.transfers.push_back(TransferReport{"checkpoint", "1", "file:///etc", 1, 1});
  const Status refused = Beat(id, "train", stolen);
  EXPECT_TRUE(refused.IsInvalidArgument()) << refused.ToString();
  EXPECT_NE(refused.message().find("checkpoint_uri file:///etc is not this attempt's"),
            std::string::npos);
  EXPECT_EQ(Stage(id, "train").checkpoint_uri, "");
  EXPECT_EQ(executor().Get(id)->transfers.size(), 1u) << "nothing of the report was written";
  const std::string other = "file://" + objects_.string() + "/" + id + "/prep/attempt-1/output";
  ASSERT_OK(Beat(id, "train", Exit0(other, 6)));
  EXPECT_EQ(Stage(id, "train").state, StageState::kFailed);
  EXPECT_NE(EventLog(id).find("data: outputs_uri " + other + " is not this attempt's"),
            std::string::npos)
      << EventLog(id);
}

TEST_F(DataPlaneTest, ACheckpointThatCannotBeRestoredRestartsFromZeroAndSaysSo) {
  const std::string id = RunPrep();
  RunUntilRunning(id, "train");
  ASSERT_OK(store().SetStageCheckpoint(id, "train", 0.5, "s3://gone/c/1", "gcp:us-central1"));
  HeartbeatReport report;
  report.restore_failed = true;
  report.notes.push_back(
      "checkpoint restore from s3://gone/c/1 failed: not found; starting from "
      "zero");
  report.progress = 0.01;
  ASSERT_OK(Beat(id, "train", report));
  EXPECT_EQ(Stage(id, "train").checkpoint, 0);
  EXPECT_EQ(Stage(id, "train").checkpoint_uri, "");
  EXPECT_NE(EventLog(id).find("data train: checkpoint restore from s3://gone/c/1 failed: not "
                              "found; starting from zero"),
            std::string::npos)
      << EventLog(id);
}

TEST_F(DataPlaneTest, OutputsAreDeliveredVerifiedAndIntermediatesCleanedUp) {
  if (std::system("command -v rclone >/dev/null 2>&1") != 0) GTEST_SKIP() << "no rclone";
  const std::string id = RunPrep();
  RunUntilRunning(id, "train");
  const fs::path checkpoint = objects_ / id / "train/attempt-1/checkpoint/1";
  fs::create_directories(checkpoint);
  std::ofstream(checkpoint / "step") << "4";
  ASSERT_OK(Beat(id, "train", Exit0(StoreOutputs(id, "train", "model"), 5)));
  RunFor(30);
  ASSERT_EQ(Stage(id, "train").state, StageState::kSucceeded) << EventLog(id);
  EXPECT_FALSE(fs::exists(objects_ / id / "train/attempt-1/checkpoint"));  // deleted on success
  RunUntilRunning(id, "eval");
  ASSERT_OK(Beat(id, "eval", Exit0(StoreOutputs(id, "eval", "report!"), 7)));
  EXPECT_EQ(RunUntilTerminal(id), broker::PipelineState::kSucceeded) << EventLog(id);
  const fs::path delivered = objects_ / "delivered" / id / "eval" / "result.txt";
  ASSERT_TRUE(fs::exists(delivered)) << EventLog(id);
  EXPECT_EQ(fs::file_size(delivered), 7u);
  auto view = executor().Get(id);
  ASSERT_OK(view);
  EXPECT_EQ(view->transfers.back().kind, "delivery");
  EXPECT_EQ(view->transfers.back().bytes, 7);
  EXPECT_FALSE(fs::exists(objects_ / id)) << "intermediate outputs are deleted at the end";
  EXPECT_NE(EventLog(id).find("deleted intermediate data at"), std::string::npos);
}

TEST_F(DataPlaneTest, KeepOutputsKeepsIntermediateOutputs) {
  if (std::system("command -v rclone >/dev/null 2>&1") != 0) GTEST_SKIP() << "no rclone";
  const std::string id = RunPrep(R"(, "keep_outputs": true)");
  ASSERT_OK(executor().Cancel(id, "test"));
  EXPECT_TRUE(fs::exists(objects_ / id / "prep/attempt-1/output/result.txt"));
  EXPECT_NE(EventLog(id).find("keeping intermediate outputs (keep_outputs)"), std::string::npos);
}

TEST_F(DataPlaneTest, CredentialsGoOnlyToTheCurrentAttemptsToken) {
  world_->StopExecutor();
  options_.data.rclone_env = {{"RCLONE_CONFIG_S3_TYPE", "s3"},
                              {"RCLONE_CONFIG_S3_SECRET_ACCESS_KEY", "it's-secret"}};
  StartExecutor(*cloud_);
  const std::string id = Submit(DataSpec("s3://corpus-bucket/corpus.txt"));
  RunUntilRunning(id, "prep");
  // The script asks for them instead of carrying them, and does not fall back on identity.
  EXPECT_EQ(LastScript().find("it's-secret"), std::string::npos);
  EXPECT_NE(LastScript().find("/stages/prep/storage-credentials"), std::string::npos);
  EXPECT_EQ(LastScript().find("RCLONE_CONFIG_S3_ENV_AUTH"), std::string::npos);
  auto text = executor().StorageCredentials(id, "prep",
                                            tokens_.TokenFor(Stage(id, "prep").idempotency_key));
  ASSERT_OK(text);
  EXPECT_EQ(*text,
            "export RCLONE_CONFIG_S3_SECRET_ACCESS_KEY='it'\\''s-secret'\n"
            "export RCLONE_CONFIG_S3_TYPE='s3'\n");
  EXPECT_TRUE(executor().StorageCredentials(id, "prep", "tok-wrong").status().IsUnauthenticated());
  EXPECT_TRUE(executor().StorageCredentials(id, "nope", "x").status().IsNotFound());
}

}  // namespace
}  // namespace sky::testing
