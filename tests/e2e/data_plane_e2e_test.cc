// End-to-end test of the data plane (README "Data"): `serve` with the `local` provider (each
// instance a process group running the real startup script), a real S3 API (s3rver, one bucket
// per region) reached by the real rclone, and pipelines whose commands really produce, read and
// checkpoint files. Every size and checksum the test asserts it computes itself from the bytes
// in s3rver's storage directory.
#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/e2e_fixture.h"
#include "tests/support/s3rver_server.h"

namespace sky::testing {
namespace {

using nlohmann::json;

// The cross-region price the specs set (both directions), $/GB of 10^9 bytes.
constexpr double kCrossRegionUsdPerGb = 0.02;

std::string Sha256Hex(const std::string& bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char b : digest) {
    hex += kHex[b >> 4];
    hex += kHex[b & 15];
  }
  return hex;
}

// The train command: 16 steps of 0.5 s reading tokenize's shards, a checkpoint every 4 steps
// (files first, then the fraction), resuming from the restored step. `big_second_checkpoint`
// makes checkpoint 2 a 3 MB file and marks, in the instance's directory, that it was signalled.
std::string TrainCommand(bool big_second_checkpoint) {
  std::string c =
      "set -e\n"
      "step=0\n"
      "if [ -f \"$SKY_CHECKPOINT_DIR/step\" ]; then step=$(cat \"$SKY_CHECKPOINT_DIR/step\"); fi\n"
      "start=$step\n"
      "while [ \"$step\" -lt 16 ]; do\n"
      "  sleep 0.5\n"
      "  step=$((step + 1))\n"
      "  if [ $((step % 4)) -eq 0 ] && [ \"$step\" -lt 16 ]; then\n"
      "    echo \"$step\" > \"$SKY_CHECKPOINT_DIR/step\"\n"
      "    cat \"$SKY_INPUTS\"/tokenize/shards/* | sha256sum > \"$SKY_CHECKPOINT_DIR/state\"\n";
  if (big_second_checkpoint) {
    c += "    if [ \"$step\" -eq 8 ]; then head -c 3000000 /dev/urandom > "
         "\"$SKY_CHECKPOINT_DIR/weights\"; fi\n";
  }
  c += "    awk -v s=\"$step\" 'BEGIN { print s / 16 }' > \"$SKY_CHECKPOINT_FILE\"\n";
  if (big_second_checkpoint) {
    c += "    if [ \"$step\" -eq 8 ]; then touch \"$TMPDIR/checkpoint-2-signalled\"; fi\n";
  }
  c += "  fi\n"
       "done\n"
       "echo \"$start\" > \"$SKY_OUTPUT_DIR/resumed_from\"\n"
       "cat \"$SKY_INPUTS\"/tokenize/shards/* | sha256sum | cut -c1-64 > "
       "\"$SKY_OUTPUT_DIR/model.txt\"\n";
  return c;
}

json PipelineSpec(const std::string& name, bool big_second_checkpoint) {
  json cross = {{"usd_per_gb", kCrossRegionUsdPerGb}, {"gbps", 1}};
  return {
      {"name", name},
      {"keep_outputs", true},
      {"inputs",
       {{"corpus",
         {{"size_gb", 0.0001},
          {"location", "local:region-a"},
          {"uri", "s3://region-a/inputs/corpus.txt"}}}}},
      {"stages",
       {{{"name", "tokenize"},
         {"reads", {"corpus"}},
         {"resources", {{"cpus", 1}}},
         {"runtime_hours", 0.01},
         {"output_gb", 0.0001},
         {"command",
          "mkdir -p \"$SKY_OUTPUT_DIR/shards\" && split -n 3 -d "
          "\"$SKY_INPUTS/corpus/corpus.txt\" \"$SKY_OUTPUT_DIR/shards/part-\""}},
        {{"name", "train"},
         {"after", {"tokenize"}},
         {"resources", {{"cpus", 1}}},
         {"runtime_hours", 0.01},
         {"output_gb", 0.0001},
         {"checkpoint_minutes", 0.05},
         {"checkpoint_gb", 0.003},
         {"env", {{"STEPS", 16}}},
         {"command", TrainCommand(big_second_checkpoint)}},
        {{"name", "evaluate"},
         {"after", {"train"}},
         {"resources", {{"cpus", 1}}},
         {"runtime_hours", 0.01},
         {"output_gb", 0.0001},
         {"setup", "echo setup-ran > \"$SKY_OUTPUT_DIR/setup.txt\""},
         {"command",
          "{ echo \"model $(cat \"$SKY_INPUTS/train/model.txt\")\"; "
          "echo \"resumed $(cat \"$SKY_INPUTS/train/resumed_from\")\"; } > "
          "\"$SKY_OUTPUT_DIR/report.txt\""}}}},
      {"outputs", {{"evaluate", "local:region-a"}}},
      {"constraints",
       {{"providers", {"local"}},
        {"markets", {"spot"}},
        {"stage_regions",
         {{"tokenize", {"local:region-a"}},
          {"train", {"local:region-b"}},
          {"evaluate", {"local:region-a"}}}}}},
      {"network",
       {{"same_region", {{"usd_per_gb", 0}, {"gbps", 10}}},
        {"pairs",
         {{{"src", "local:region-a"}, {"dst", "local:region-b"}, {"usd_per_gb", 0.02}, {"gbps", 1}},
          {{"src", "local:region-b"},
           {"dst", "local:region-a"},
           {"usd_per_gb", 0.02},
           {"gbps", 1}}}}}}};
}

class DataPlaneE2eTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    auto s3 = S3rverServer::Start(Path("s3"), {"region-a", "region-b"});
    if (!s3.ok() && S3rverServer::SkipAllowed(s3.status())) GTEST_SKIP() << s3.status().ToString();
    ASSERT_TRUE(s3.ok()) << s3.status().ToString();
    s3_ = std::move(*s3);
    // serve and the rclone it runs read these; the local instances get none of the
    // RCLONE_CONFIG_* ones: they fetch them from the broker with their attempt token.
    for (const auto& [name, value] : s3_->RcloneEnv()) setenv(name.c_str(), value.c_str(), 1);
    corpus_ = "the quick brown fox jumps over the lazy dog\n";
    for (int i = 0; i < 200; ++i) corpus_ += "line " + std::to_string(i) + " of the corpus\n";
    Write("corpus.txt", corpus_);
    const std::string upload =
        "rclone --config '' copyto " + Path("corpus.txt") + " s3:region-a/inputs/corpus.txt 2>&1";
    ASSERT_EQ(std::system(upload.c_str()), 0) << upload;
    Write("storage.json", R"({"local:region-a": "s3://region-a/skybroker",
                              "local:region-b:*": "s3://region-b/skybroker"})");
  }

  bool Serve(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {
        "--db",           Path("sky.db"),
        "--auth",         "off",
        "--providers",    "local",
        "--local-dir",    Path("local"),
        "--local-places", "local:region-a:a,local:region-a:b,local:region-b:a,local:region-b:b",
        "--storage",      Path("storage.json"),
        "--poll-seconds", "1"};
    args.insert(args.end(), extra.begin(), extra.end());
    return StartServe(args);
  }

  std::string Submit(const json& spec) {
    Reply r = Post("/v1/pipelines", spec.dump());
    EXPECT_EQ(r.code, 202) << r.body;
    return r.code == 202 ? r.body["id"].get<std::string>() : "";
  }

  // The stored objects under `bucket`/`prefix`, by key, as s3rver keeps them on disk.
  std::map<std::string, std::string> Objects(const std::string& bucket,
                                             const std::string& prefix) const {
    std::map<std::string, std::string> out;
    for (const std::string& key : s3_->Keys(bucket)) {
      if (key.rfind(prefix, 0) == 0) out[key] = ReadFile(s3_->ObjectFile(bucket, key));
    }
    return out;
  }
  static int64_t TotalBytes(const std::map<std::string, std::string>& objects) {
    int64_t total = 0;
    for (const auto& [key, bytes] : objects) total += static_cast<int64_t>(bytes.size());
    return total;
  }

  json Terminal(const std::string& id, int seconds = 120) {
    return WaitForPipeline(
        id,
        [](const json& v) {
          return v["state"] == "succeeded" || v["state"] == "failed" || v["state"] == "cancelled";
        },
        "", seconds, std::chrono::milliseconds(250));
  }

  static std::vector<json> TransfersOf(const json& view, const std::string& stage,
                                       const std::string& kind) {
    std::vector<json> out;
    for (const json& t : view["data"]["transfers"]) {
      if (t["stage"] == stage && t["kind"] == kind) out.push_back(t);
    }
    return out;
  }

  std::string EventLog(const std::string& id) {
    return Get("/v1/pipelines/" + id + "/events").body.dump();
  }

  // Preempts the live train instance once `ready(view)` holds; returns the instance id.
  std::string PreemptTrainWhen(const std::string& id,
                               const std::function<bool(const json&)>& ready) {
    json view = WaitForPipeline(
        id, [&](const json& v) { return ready(v) || v["state"] == "failed"; }, "", 90,
        std::chrono::milliseconds(100));
    const json& train = view["stages"][1];
    EXPECT_TRUE(ready(view)) << view.dump(2);
    std::string instance =
        train["instance_id"].is_string() ? train["instance_id"].get<std::string>() : "";
    Reply r = Post("/v1/admin/local/instances/" + instance + "/preempt", "{}");
    EXPECT_EQ(r.code / 100, 2) << r.body;
    return instance;
  }

  std::unique_ptr<S3rverServer> s3_;
  std::string corpus_;
};

TEST_F(DataPlaneE2eTest, ThreeStagesMoveRealFilesAcrossRegionsAndResumeFromACheckpoint) {
  ASSERT_TRUE(Serve()) << serve_.Errors();
  const std::string id = Submit(PipelineSpec("data", false));
  ASSERT_FALSE(id.empty());
  // Train checkpointed at least once (its upload finished): SIGKILL it mid-way.
  PreemptTrainWhen(id, [](const json& v) {
    const json& train = v["stages"][1];
    return train["state"] == "running" && train["checkpoint_uri"].is_string() &&
           train["attempt"] == 1;
  });
  json view = Terminal(id);
  ASSERT_EQ(view["state"], "succeeded") << view.dump(2) << EventLog(id);

  // Train ran twice, the second time in another zone, restored from a checkpoint.
  std::vector<json> train_attempts;
  for (const json& a : view["attempts"]) {
    if (a["stage"] == "train") train_attempts.push_back(a);
  }
  ASSERT_GE(train_attempts.size(), 2u) << view.dump(2);
  EXPECT_EQ(train_attempts.front()["outcome"], "preempted");
  EXPECT_NE(train_attempts.front()["location"], train_attempts.back()["location"]);
  const std::string last = std::to_string(train_attempts.back()["attempt"].get<int>());

  // Tokenize's shards, stored in region-a, read by train in region-b.
  const auto shards = Objects("region-a", "skybroker/" + id + "/tokenize/attempt-1/output/");
  ASSERT_EQ(shards.size(), 3u);
  std::string joined;
  for (const auto& [key, bytes] : shards) joined += bytes;
  EXPECT_EQ(joined, corpus_);  // split -n 3 cuts the corpus into three parts, nothing lost
  const auto train_inputs = TransfersOf(view, "train", "input");
  ASSERT_FALSE(train_inputs.empty()) << view["data"].dump(2);
  for (const json& t : train_inputs) {
    EXPECT_EQ(t["name"], "tokenize");
    EXPECT_EQ(t["bytes"].get<int64_t>(), TotalBytes(shards)) << t;
    EXPECT_EQ(t["src"].get<std::string>().rfind("local:region-a", 0), 0u) << t;
    EXPECT_NEAR(t["usd"].get<double>(), TotalBytes(shards) / 1e9 * kCrossRegionUsdPerGb, 1e-15)
        << t;
    EXPECT_GT(t["usd"].get<double>(), 0);
  }

  // The resumed attempt restored a checkpoint with a step above zero.
  const auto train_out =
      Objects("region-b", "skybroker/" + id + "/train/attempt-" + last + "/output/");
  ASSERT_EQ(train_out.size(), 2u) << "train outputs";
  const std::string resumed =
      train_out.at("skybroker/" + id + "/train/attempt-" + last + "/output/resumed_from");
  EXPECT_GT(std::stoi(resumed), 0) << resumed;
  EXPECT_EQ(train_out.at("skybroker/" + id + "/train/attempt-" + last + "/output/model.txt"),
            Sha256Hex(corpus_) + "\n");
  const auto restores = TransfersOf(view, "train", "restore");
  ASSERT_EQ(restores.size(), 1u) << view["data"].dump(2);
  EXPECT_GT(restores[0]["bytes"].get<int64_t>(), 0);
  EXPECT_FALSE(TransfersOf(view, "train", "checkpoint").empty());
  // Checkpoints are deleted once the stage succeeded.
  EXPECT_TRUE(Objects("region-b", "skybroker/" + id + "/train/attempt-1/checkpoint/").empty());

  // Evaluate (region-a) read train's output (region-b), paying the cross-region price.
  const auto eval_inputs = TransfersOf(view, "evaluate", "input");
  ASSERT_EQ(eval_inputs.size(), 1u);
  EXPECT_EQ(eval_inputs[0]["bytes"].get<int64_t>(), TotalBytes(train_out));
  EXPECT_NEAR(eval_inputs[0]["usd"].get<double>(),
              TotalBytes(train_out) / 1e9 * kCrossRegionUsdPerGb, 1e-15);

  // The delivery landed, byte for byte, and its transfer says so.
  const auto eval_out = Objects("region-a", "skybroker/" + id + "/evaluate/attempt-1/output/");
  const auto delivered = Objects("region-a", "skybroker/delivered/" + id + "/evaluate/");
  ASSERT_EQ(delivered.size(), 2u);  // report.txt and setup.txt
  const std::string report = delivered.at("skybroker/delivered/" + id + "/evaluate/report.txt");
  EXPECT_EQ(Sha256Hex(report),
            Sha256Hex(eval_out.at("skybroker/" + id + "/evaluate/attempt-1/output/report.txt")));
  EXPECT_EQ(report, "model " + Sha256Hex(corpus_) + "\nresumed " + resumed);
  const auto deliveries = TransfersOf(view, "evaluate", "delivery");
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0]["bytes"].get<int64_t>(), TotalBytes(delivered));

  // Egress: what moved across regions, at the spec's price, beside the plan's estimate.
  double egress = 0;
  for (const json& t : view["data"]["transfers"]) egress += t["usd"].get<double>();
  EXPECT_NEAR(view["cost"]["egress_actual_usd"].get<double>(), egress, 1e-12);
  EXPECT_GT(view["cost"]["egress_estimated_usd"].get<double>(), 0);
}

TEST_F(DataPlaneE2eTest, BadDataFieldsAre400sWithTheirPathsAndUncoveredPlacesAreSaidOnce) {
  ASSERT_TRUE(Serve()) << serve_.Errors();
  // The storage map covers local only: every other catalog place is left out, said once.
  EXPECT_NE(serve_.Errors().find("have no --storage route and are left out of plans"),
            std::string::npos)
      << serve_.Errors();
  json spec = PipelineSpec("bad", false);
  spec["inputs"]["corpus"]["uri"] = "ftp://region-a/corpus.txt";
  spec["stages"][1]["env"] = {{"SKY_STAGE", "x"}, {"1BAD", "y"}};
  const Reply r = Post("/v1/pipelines", spec.dump());
  ASSERT_EQ(r.code, 400) << r.text;
  std::set<std::string> paths;
  for (const json& d : r.body["error"]["details"]) paths.insert(d["path"].get<std::string>());
  EXPECT_EQ(paths, (std::set<std::string>{"inputs.corpus.uri", "stages[1].env.SKY_STAGE",
                                          "stages[1].env.1BAD"}))
      << r.text;
  // The command line says the same, exit 2.
  const std::string file = Write("bad.json", spec.dump());
  const ExecResult run = Exec("run " + file + " --server " + serve_.base());
  EXPECT_EQ(run.code, 2) << run.out;
  EXPECT_NE(run.out.find("inputs.corpus.uri"), std::string::npos) << run.out;
}

TEST_F(DataPlaneE2eTest, ABadStorageMapStopsServeNamingTheEntry) {
  Write("storage.json", R"({"local:*": "ftp://nowhere/x"})");
  EXPECT_FALSE(Serve());
  EXPECT_NE(serve_.Errors().find("storage.\"local:*\""), std::string::npos) << serve_.Errors();
}

TEST_F(DataPlaneE2eTest, AKillDuringACheckpointUploadResumesFromThePreviousCompleteOne) {
  // 1 MB/s for the stage's rclone: checkpoint 2 (3 MB) takes about three seconds to upload.
  setenv("RCLONE_BWLIMIT", "1M", 1);
  ASSERT_TRUE(Serve()) << serve_.Errors();
  const std::string id = Submit(PipelineSpec("kill-during-upload", true));
  ASSERT_FALSE(id.empty());
  // Wait for the command to signal checkpoint 2, then kill while the upload is under way.
  std::string instance;
  ASSERT_TRUE(WaitFor(
      [&] {
        json v = Get("/v1/pipelines/" + id).body;
        const json& train = v["stages"][1];
        if (!train["instance_id"].is_string()) return false;
        instance = train["instance_id"];
        return fs::exists(dir_ / "local" / instance / "checkpoint-2-signalled");
      },
      std::chrono::seconds(90)));
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  json before = Get("/v1/pipelines/" + id).body;
  ASSERT_TRUE(before["stages"][1]["checkpoint_uri"].is_string()) << before.dump(2);
  const std::string complete = before["stages"][1]["checkpoint_uri"];
  EXPECT_EQ(complete.substr(complete.size() - 2), "/1") << complete;
  Reply r = Post("/v1/admin/local/instances/" + instance + "/preempt", "{}");
  ASSERT_EQ(r.code / 100, 2) << r.body;

  json view = Terminal(id, 180);
  ASSERT_EQ(view["state"], "succeeded") << view.dump(2) << EventLog(id);
  const auto restores = TransfersOf(view, "train", "restore");
  ASSERT_EQ(restores.size(), 1u) << view["data"].dump(2);
  EXPECT_EQ(restores[0]["uri"], complete);
  std::string last;
  for (const json& a : view["attempts"]) {
    if (a["stage"] == "train") last = std::to_string(a["attempt"].get<int>());
  }
  const auto train_out =
      Objects("region-b", "skybroker/" + id + "/train/attempt-" + last + "/output/");
  EXPECT_EQ(train_out.at("skybroker/" + id + "/train/attempt-" + last + "/output/resumed_from"),
            "4\n");
}

}  // namespace
}  // namespace sky::testing
