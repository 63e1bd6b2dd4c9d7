// The startup script's data plane: the real rendered script run with bash against a real HTTP
// server on 127.0.0.1 (the broker) and real rclone with its local backend (directories under a
// temp dir are the object storage).

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "broker/executor/script_run_test_util.h"
#include "broker/executor/startup_script.h"
#include "tests/support/http_call.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_http_server.h"

namespace sky::broker {
namespace {

using testing::ReadFile;

namespace fs = std::filesystem;
using nlohmann::json;
using providers::RecordedRequest;
using providers::ScriptedReply;
using providers::TestHttpServer;

constexpr char kToken[] = "skst_data_token_0123456789";
constexpr char kSecret[] = "s3cr3t-storage-key-value";

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

struct ScriptRun {
  int exit_code = -1;
  std::string script;
  std::vector<RecordedRequest> requests;
  std::vector<json> bodies;  // bodies of the POSTs (discarded values when unparsable)
  std::string output;        // the script's own stdout and stderr

  const json& Final() const { return bodies.back(); }
  // Every transfer of `kind` in the order sent.
  std::vector<json> Transfers(const std::string& kind) const {
    std::vector<json> found;
    for (const json& body : bodies) {
      if (!body.is_object() || !body.contains("transfers")) continue;
      for (const json& transfer : body["transfers"]) {
        if (transfer["kind"] == kind) found.push_back(transfer);
      }
    }
    return found;
  }
};

class StartupScriptDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.empty()) << "no temp dir";
    fs::create_directories(dir_ / "tmp");
    fs::create_directories(dir_ / "home");
    fs::create_directories(storage_);
  }

  ScriptLocation Place(const std::string& name) const {
    const std::string path = (storage_ / name).string();
    return {"file://" + path, path};
  }

  StartupScriptParams Params(std::string command) const {
    StartupScriptParams params;
    params.token = kToken;
    params.command = std::move(command);
    params.heartbeat_interval_seconds = 0.2;
    params.final_retry_backoff_seconds = 0.05;
    params.data.output = Place("out");
    params.data.checkpoints = Place("ckpt");
    params.data.upload_attempts = 2;
    params.data.upload_backoff_seconds = 0.05;
    return params;
  }

  // Runs the script (HOME and TMPDIR inside the test's directory); `credentials_path`, when
  // set, becomes data.credentials_url on the server.
  ScriptRun Run(StartupScriptParams params,
                std::vector<ScriptedReply> replies = {ScriptedReply::Respond(200)},
                const std::string& credentials_path = "") {
    const test::ScriptRunResult result = test::RunStartupScriptForTest(
        std::move(params), std::move(replies),
        {dir_,
         {{"HOME", (dir_ / "home").string()}, {"TMPDIR", (dir_ / "tmp").string()}},
         "/v1/pipelines/p1/stages/train/heartbeat",
         credentials_path});
    ScriptRun run;
    run.exit_code = result.exit_code;
    run.script = result.script;
    run.requests = result.requests;
    for (const auto& request : run.requests) {
      if (request.method == "POST") run.bodies.push_back(json::parse(request.body, nullptr, false));
    }
    run.output = result.output;
    if (run.bodies.empty()) run.bodies.push_back(json());
    return run;
  }

  std::string Path(const std::string& name) const { return temp_.Path(name); }

  // The script's private directory (the one mktemp made).
  fs::path PrivateDir() const {
    for (const auto& entry : fs::directory_iterator(dir_ / "tmp")) return entry.path();
    return {};
  }

  testing::TempDir temp_{"sky_data_"};
  const fs::path& dir_ = temp_.path();
  const fs::path storage_ = dir_ / "storage";
};

TEST_F(StartupScriptDataTest, CopiesInputsAndUploadsOutputs) {
  temp_.Write("storage/corpus/a.txt", "hello\n");
  temp_.Write("storage/corpus/sub/b.txt", "world!\n");
  temp_.Write("storage/vocab.txt", "v1 v2 v3\n");
  StartupScriptParams params = Params(
      "cat \"$SKY_INPUTS/corpus/a.txt\" \"$SKY_INPUTS/corpus/sub/b.txt\" "
      "\"$SKY_INPUTS/vocab/vocab.txt\" > \"$SKY_OUTPUT_DIR/all.txt\" && "
      "mkdir \"$SKY_OUTPUT_DIR/shards\" && echo 12345 > \"$SKY_OUTPUT_DIR/shards/0\"");
  params.data.inputs = {{"corpus", Place("corpus")}, {"vocab", Place("vocab.txt")}};
  const ScriptRun run = Run(params);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(ReadFile(storage_ / "out/all.txt"), "hello\nworld!\nv1 v2 v3\n");
  EXPECT_EQ(ReadFile(storage_ / "out/shards/0"), "12345\n");
  const json& final_report = run.Final();
  EXPECT_EQ(final_report["exit_code"], 0) << final_report;
  EXPECT_EQ(final_report["outputs_uri"], Place("out").uri);
  EXPECT_FALSE(final_report.contains("data_error"));

  const std::vector<json> inputs = run.Transfers("input");
  ASSERT_EQ(inputs.size(), 2u) << run.output;
  EXPECT_EQ(inputs[0]["name"], "corpus");
  EXPECT_EQ(inputs[0]["uri"], Place("corpus").uri);
  EXPECT_EQ(inputs[0]["bytes"], 13);
  EXPECT_TRUE(inputs[0]["seconds"].is_number());
  EXPECT_EQ(inputs[1]["name"], "vocab");
  EXPECT_EQ(inputs[1]["bytes"], 9);
  const std::vector<json> outputs = run.Transfers("output");
  ASSERT_EQ(outputs.size(), 1u);
  EXPECT_EQ(outputs[0]["uri"], Place("out").uri);
  EXPECT_EQ(outputs[0]["bytes"],
            fs::file_size(storage_ / "out/all.txt") + fs::file_size(storage_ / "out/shards/0"));
  EXPECT_TRUE(Contains(run.output, "skybroker: input corpus: 13 bytes in ")) << run.output;
  EXPECT_TRUE(Contains(run.output, "skybroker: output: 28 bytes in ")) << run.output;
}

TEST_F(StartupScriptDataTest, MissingInputFailsBeforeTheCommand) {
  StartupScriptParams params = Params("touch '" + Path("ran") + "'");
  params.setup = "touch '" + Path("setup_ran") + "'";
  params.data.inputs = {{"corpus", Place("nowhere")}};
  const ScriptRun run = Run(params);
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_FALSE(fs::exists(dir_ / "ran"));
  EXPECT_FALSE(fs::exists(dir_ / "setup_ran"));
  const json& final_report = run.Final();
  EXPECT_EQ(final_report["exit_code"], 1);
  const std::string error = final_report.value("data_error", "");
  EXPECT_EQ(error.rfind("input 'corpus' (" + Place("nowhere").uri + "): ", 0), 0u) << error;
  EXPECT_TRUE(Contains(error, "directory not found")) << error;
  EXPECT_FALSE(final_report.contains("outputs_uri"));
  EXPECT_FALSE(fs::exists(storage_ / "out"));
}

TEST_F(StartupScriptDataTest, SetupRunsOnceBeforeTheCommand) {
  StartupScriptParams params = Params("echo command >> \"$SKY_OUTPUT_DIR/order\"");
  params.setup = "echo setup >> \"$SKY_OUTPUT_DIR/order\"; echo setup says hi";
  const ScriptRun run = Run(params);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(ReadFile(storage_ / "out/order"), "setup\ncommand\n");
  EXPECT_EQ(run.Final()["log_tail"], "setup says hi");

  // Without the data plane too.
  StartupScriptParams plain = Params("echo command");
  plain.data = ScriptData();
  plain.setup = "echo setup";
  const ScriptRun plain_run = Run(plain);
  EXPECT_EQ(plain_run.exit_code, 0) << plain_run.output;
  EXPECT_EQ(plain_run.Final()["log_tail"], "setup\ncommand");
}

TEST_F(StartupScriptDataTest, FailingSetupEndsTheAttemptWithItsCode) {
  StartupScriptParams params = Params("touch '" + Path("ran") + "'");
  params.setup = "echo pip install failed; exit 7";
  const ScriptRun run = Run(params);
  EXPECT_EQ(run.exit_code, 7) << run.output;
  EXPECT_FALSE(fs::exists(dir_ / "ran"));
  EXPECT_EQ(run.Final()["exit_code"], 7);
  EXPECT_EQ(run.Final()["log_tail"], "pip install failed");
  EXPECT_FALSE(run.Final().contains("outputs_uri"));
  EXPECT_TRUE(run.Transfers("output").empty());
}

TEST_F(StartupScriptDataTest, RestoresTheCheckpointToResumeFrom) {
  temp_.Write("storage/old/3/state.txt", "step=300\n");
  StartupScriptParams params = Params(
      "{ cat \"$SKY_CHECKPOINT_DIR/state.txt\"; echo \"$SKY_RESUME_FROM\"; } "
      "> \"$SKY_OUTPUT_DIR/seen\"");
  params.env["SKY_RESUME_FROM"] = "0.3";
  params.data.restore = Place("old/3");
  const ScriptRun run = Run(params);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(ReadFile(storage_ / "out/seen"), "step=300\n0.3\n");
  const std::vector<json> restores = run.Transfers("restore");
  ASSERT_EQ(restores.size(), 1u) << run.output;
  EXPECT_EQ(restores[0]["uri"], Place("old/3").uri);
  EXPECT_EQ(restores[0]["bytes"], 9);
  for (const json& body : run.bodies) EXPECT_FALSE(body.contains("restore_failed")) << body;
}

TEST_F(StartupScriptDataTest, FailedRestoreStartsFromZeroAndSaysSo) {
  StartupScriptParams params = Params(
      "ls -A \"$SKY_CHECKPOINT_DIR\" > \"$SKY_OUTPUT_DIR/seen\"; "
      "echo \"resume=$SKY_RESUME_FROM\" >> \"$SKY_OUTPUT_DIR/seen\"; sleep 0.6");
  params.env["SKY_RESUME_FROM"] = "0.3";
  params.data.restore = Place("gone/7");
  const ScriptRun run = Run(params);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(ReadFile(storage_ / "out/seen"), "resume=0\n");
  size_t first_index = 0;
  while (first_index < run.bodies.size() && !run.bodies[first_index].contains("restore_failed")) {
    ++first_index;
  }
  ASSERT_LT(first_index + 1, run.bodies.size()) << "not in a heartbeat: " << run.output;
  const json& first = run.bodies[first_index];
  EXPECT_EQ(first["restore_failed"], true) << first;
  ASSERT_TRUE(first.contains("notes")) << first;
  const std::string note = first["notes"][0];
  EXPECT_EQ(note.rfind("checkpoint restore from " + Place("gone/7").uri + " failed: ", 0), 0u)
      << note;
  EXPECT_TRUE(Contains(note, "directory not found; starting from zero")) << note;
  for (size_t i = first_index + 1; i < run.bodies.size(); ++i) {
    EXPECT_FALSE(run.bodies[i].contains("restore_failed")) << run.bodies[i];  // sent once
  }
  EXPECT_TRUE(run.Transfers("restore").empty());
}

// Saves two checkpoints; each is reported only with its upload finished and stored.
TEST_F(StartupScriptDataTest, UploadsEachCheckpointThenReportsIt) {
  // Each step waits (at most 20 s) until its checkpoint is stored, then lets a heartbeat pass.
  const std::string wait = "for i in $(seq 200); do [ -f '" + (storage_ / "ckpt").string() +
                           "/%d/model' ] && break; sleep 0.1; done; sleep 0.5; ";
  auto wait_for = [&wait](int seq) {
    std::string text = wait;
    text.replace(text.find("%d"), 2, std::to_string(seq));
    return text;
  };
  const ScriptRun run = Run(
      Params("echo one > \"$SKY_CHECKPOINT_DIR/model\"; echo 0.25 > \"$SKY_CHECKPOINT_FILE\"; " +
             wait_for(1) +
             "echo two > \"$SKY_CHECKPOINT_DIR/model\"; echo 0.5 > \"$SKY_CHECKPOINT_FILE\"; " +
             wait_for(2)));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(ReadFile(storage_ / "ckpt/1/model"), "one\n");
  EXPECT_EQ(ReadFile(storage_ / "ckpt/2/model"), "two\n");
  int transfers_seen = 0;
  int last_seq = 0;
  for (const json& body : run.bodies) {
    if (body.contains("transfers")) {
      for (const json& t : body["transfers"]) transfers_seen += t["kind"] == "checkpoint";
    }
    if (!body.contains("checkpoint")) {
      EXPECT_FALSE(body.contains("checkpoint_seq")) << body;
      continue;
    }
    const int seq = body["checkpoint_seq"];
    EXPECT_GE(seq, last_seq);
    last_seq = seq;
    EXPECT_LE(seq, transfers_seen) << "reported before its transfer: " << body;
    EXPECT_EQ(body["checkpoint"], seq == 1 ? 0.25 : 0.5) << body;
    EXPECT_EQ(body["checkpoint_uri"], Place("ckpt").uri + "/" + std::to_string(seq));
  }
  EXPECT_EQ(last_seq, 2) << run.output;
  const std::vector<json> checkpoints = run.Transfers("checkpoint");
  ASSERT_EQ(checkpoints.size(), 2u);
  EXPECT_EQ(checkpoints[0]["name"], "1");
  EXPECT_EQ(checkpoints[1]["uri"], Place("ckpt").uri + "/2");
  EXPECT_EQ(checkpoints[1]["bytes"], 4);
}

TEST_F(StartupScriptDataTest, FailedCheckpointUploadIsANoteAndNeverReported) {
  temp_.Write("storage/blocked", "a file where a directory should be");
  StartupScriptParams params = Params(
      "echo x > \"$SKY_CHECKPOINT_DIR/model\"; echo 0.4 > \"$SKY_CHECKPOINT_FILE\"; "
      "echo 0.5 > \"$SKY_PROGRESS_FILE\"; sleep 1.5");
  params.data.checkpoints = Place("blocked/ckpt");
  const ScriptRun run = Run(params);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  std::string notes;
  for (const json& body : run.bodies) {
    EXPECT_FALSE(body.contains("checkpoint")) << body;
    if (body.contains("notes")) notes += body["notes"].dump();
  }
  EXPECT_TRUE(Contains(
      notes, "checkpoint 1 upload to " + Place("blocked/ckpt").uri + "/1 failed after 2 tries: "))
      << notes;
  EXPECT_EQ(run.Final()["outputs_uri"], Place("out").uri);
  EXPECT_EQ(run.Final()["progress"], 0.5);
}

TEST_F(StartupScriptDataTest, FailedOutputUploadFailsTheStage) {
  temp_.Write("storage/blocked", "a file where a directory should be");
  StartupScriptParams params = Params("echo result > \"$SKY_OUTPUT_DIR/r\"");
  params.data.output = Place("blocked/out");
  const ScriptRun run = Run(params);
  EXPECT_EQ(run.exit_code, 1) << run.output;
  const json& final_report = run.Final();
  EXPECT_EQ(final_report["exit_code"], 1);
  const std::string error = final_report.value("data_error", "");
  EXPECT_EQ(error.rfind(
                "upload of outputs to " + Place("blocked/out").uri + " failed after 2 tries: ", 0),
            0u)
      << error;
  EXPECT_TRUE(Contains(error, "not a directory")) << error;
  EXPECT_FALSE(final_report.contains("outputs_uri"));
  EXPECT_TRUE(run.Transfers("output").empty());
}

TEST_F(StartupScriptDataTest, CredentialsAreFetchedAndHiddenFromTheCommand) {
  temp_.Write("storage/corpus/a.txt", "abc\n");
  StartupScriptParams params =
      Params("env > \"$SKY_OUTPUT_DIR/env.txt\"; set > \"$SKY_OUTPUT_DIR/set.txt\"");
  params.setup = "env > \"$SKY_OUTPUT_DIR/setup_env.txt\"";
  // The remote `vault` exists only through the credentials the broker answers.
  params.data.inputs = {{"corpus", {Place("corpus").uri, "vault:" + Place("corpus").rclone_path}}};
  params.data.output.rclone_path = "vault:" + params.data.output.rclone_path;
  const std::string answer =
      "export RCLONE_CONFIG_VAULT_TYPE='local'\n"
      "export RCLONE_CONFIG_VAULT_DESCRIPTION='" +
      std::string(kSecret) + "'\n";
  const ScriptRun run = Run(params, {ScriptedReply::Respond(200, answer)}, "/v1/creds");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  ASSERT_FALSE(run.requests.empty());
  EXPECT_EQ(run.requests[0].method, "GET");
  EXPECT_EQ(run.requests[0].target, "/v1/creds");
  const std::string* auth = providers::FindHeader(run.requests[0].headers, "Authorization");
  ASSERT_NE(auth, nullptr);
  EXPECT_EQ(*auth, std::string("Bearer ") + kToken);
  ASSERT_EQ(run.Transfers("input").size(), 1u) << run.output;

  for (const char* name : {"env.txt", "set.txt", "setup_env.txt"}) {
    const std::string text = ReadFile(storage_ / "out" / name);
    EXPECT_TRUE(Contains(text, "SKY_INPUTS=")) << name;
    EXPECT_FALSE(Contains(text, "RCLONE_")) << name << ": " << text;
    EXPECT_FALSE(Contains(text, kSecret)) << name;
    EXPECT_FALSE(Contains(text, kToken)) << name;
  }
  EXPECT_FALSE(Contains(run.script, kSecret));
  EXPECT_FALSE(Contains(run.output, kSecret)) << run.output;
  for (const auto& request : run.requests) EXPECT_FALSE(Contains(request.body, kSecret));
  for (const auto& entry : fs::recursive_directory_iterator(PrivateDir())) {
    if (!entry.is_regular_file()) continue;
    EXPECT_FALSE(Contains(ReadFile(entry.path()), kSecret)) << entry.path();
  }
}

TEST_F(StartupScriptDataTest, UnreachableCredentialsFailBeforeTheCommand) {
  StartupScriptParams params = Params("touch '" + Path("ran") + "'");
  const ScriptRun run =
      Run(params,
          {ScriptedReply::Respond(503), ScriptedReply::Respond(503), ScriptedReply::Respond(200)},
          "/v1/creds");
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_FALSE(fs::exists(dir_ / "ran"));
  ASSERT_EQ(run.requests.size(), 3u) << run.output;
  EXPECT_EQ(run.requests[1].method, "GET");
  const std::string error = run.Final().value("data_error", "");
  EXPECT_TRUE(Contains(error, "credentials from http://127.0.0.1:")) << error;
  EXPECT_TRUE(Contains(error, "503")) << error;
}

TEST_F(StartupScriptDataTest, IdentityRemotesAreExportedForRcloneOnly) {
  temp_.Write("storage/corpus/a.txt", "abc\n");
  StartupScriptParams params = Params("env > \"$SKY_OUTPUT_DIR/env.txt\"");
  params.data.identity_remotes = {{"IDENT_TYPE", "local"}, {"bad name", "x"}};
  params.data.inputs = {{"corpus", {Place("corpus").uri, "ident:" + Place("corpus").rclone_path}}};
  const ScriptRun run = Run(params);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  ASSERT_EQ(run.Transfers("input").size(), 1u) << run.output;
  EXPECT_FALSE(Contains(ReadFile(storage_ / "out/env.txt"), "RCLONE_"));
  EXPECT_FALSE(Contains(run.script, "bad name"));
}

// A transfer stays pending until a report carrying it got a 2xx.
TEST_F(StartupScriptDataTest, TransfersAreResentUntilDelivered) {
  temp_.Write("storage/corpus/a.txt", "abc\n");
  StartupScriptParams params = Params("sleep 0.3");
  params.heartbeat_interval_seconds = 30;  // only the heartbeat right after the stage-in
  params.data.inputs = {{"corpus", Place("corpus")}};
  const ScriptRun run = Run(params, {ScriptedReply::Respond(503), ScriptedReply::Respond(200)});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  ASSERT_EQ(run.bodies.size(), 2u) << run.output;
  ASSERT_TRUE(run.bodies[0].contains("transfers")) << run.bodies[0];
  EXPECT_EQ(run.bodies[0]["transfers"][0]["name"], "corpus");
  EXPECT_EQ(run.bodies[0].contains("exit_code"), false);
  EXPECT_EQ(run.Transfers("input").size(), 2u) << "re-sent with the final report";
  EXPECT_EQ(run.Transfers("output").size(), 1u);
}

// rclone must not read ~/.config/rclone/rclone.conf (nor warn about a missing one).
TEST_F(StartupScriptDataTest, RcloneReadsNoConfigFile) {
  temp_.Write("storage/corpus/a.txt", "abc\n");
  temp_.Write("home/.config/rclone/rclone.conf", "[vault]\ntype = local\n");
  StartupScriptParams params = Params("true");
  params.data.inputs = {{"corpus", {Place("corpus").uri, "vault:" + Place("corpus").rclone_path}}};
  const ScriptRun run = Run(params);
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_TRUE(Contains(run.Final().value("data_error", ""), "vault")) << run.Final();

  fs::remove(dir_ / "home/.config/rclone/rclone.conf");
  const ScriptRun clean = Run(Params("true"));
  EXPECT_EQ(clean.exit_code, 0) << clean.output;
  EXPECT_FALSE(Contains(clean.output, "onfig file")) << clean.output;
}

}  // namespace
}  // namespace sky::broker
