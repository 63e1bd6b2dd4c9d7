// Renders startup scripts and runs them with bash against a real HTTP server on 127.0.0.1.

#include "broker/executor/startup_script.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "broker/executor/script_run_test_util.h"
#include "tests/support/http_call.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_http_server.h"

namespace sky::broker {
namespace {

using testing::ReadFile;

using nlohmann::json;
using providers::RecordedRequest;
using providers::ScriptedReply;
using providers::TestHttpServer;

constexpr char kPath[] = "/v1/pipelines/p1/stages/train/heartbeat";
constexpr char kToken[] = "skst_secret_token_0123456789";

struct ScriptRun {
  int exit_code = -1;
  std::vector<RecordedRequest> requests;
  std::vector<json> bodies;  // parsed request bodies (discarded values when unparsable)
  std::string log;           // the command's log file on the "instance"
  std::string output;        // the script's own stdout and stderr
};

class StartupScriptTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(dir_.empty()) << "no temp dir"; }

  StartupScriptParams Params(std::string command) const {
    StartupScriptParams params;
    params.token = kToken;
    params.command = std::move(command);
    params.heartbeat_interval_seconds = 0.2;
    params.final_retry_backoff_seconds = 0.05;
    return params;
  }

  // Runs the script with TMPDIR inside the test's directory (so the log can be found), with
  // `replies` played by the server. The heartbeat URL is filled in.
  ScriptRun Run(StartupScriptParams params,
                std::vector<ScriptedReply> replies = {ScriptedReply::Respond(200)}) {
    const test::ScriptRunResult result = test::RunStartupScriptForTest(
        std::move(params), std::move(replies), {dir_, {{"TMPDIR", dir_.string()}}, kPath});
    ScriptRun run;
    run.exit_code = result.exit_code;
    run.requests = result.requests;
    for (const auto& request : run.requests) {
      run.bodies.push_back(json::parse(request.body, nullptr, false));
    }
    run.output = result.output;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
      if (entry.is_directory()) run.log = ReadFile(entry.path() / "log");
    }
    return run;
  }

  testing::TempDir temp_{"sky_script_"};
  const std::filesystem::path& dir_ = temp_.path();
};

TEST_F(StartupScriptTest, RenderingIsDeterministic) {
  StartupScriptParams params = Params("echo hi");
  params.env = {{"SKY_STAGE", "train"}, {"SKY_ATTEMPT", "2"}};
  EXPECT_EQ(RenderStartupScript(params), RenderStartupScript(params));
  EXPECT_EQ(RenderStartupScript(params).rfind("#!/bin/bash\n", 0), 0u);
}

TEST_F(StartupScriptTest, ShellQuoteEscapesSingleQuotes) {
  EXPECT_EQ(ShellQuote(""), "''");
  EXPECT_EQ(ShellQuote("a b$c"), "'a b$c'");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
}

TEST_F(StartupScriptTest, ReportsProgressThenExitCodeAndLogTail) {
  const ScriptRun run =
      Run(Params("echo started; echo 0.5 > \"$SKY_PROGRESS_FILE\"; sleep 0.5; exit 3"));
  EXPECT_EQ(run.exit_code, 3) << run.output;
  ASSERT_GE(run.requests.size(), 2u) << run.output;
  bool saw_progress = false;
  for (size_t i = 0; i < run.requests.size(); ++i) {
    const RecordedRequest& request = run.requests[i];
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.target, kPath);
    const std::string* auth = providers::FindHeader(request.headers, "Authorization");
    ASSERT_NE(auth, nullptr);
    EXPECT_EQ(*auth, std::string("Bearer ") + kToken);
    const std::string* type = providers::FindHeader(request.headers, "Content-Type");
    ASSERT_NE(type, nullptr);
    EXPECT_EQ(*type, "application/json");
    const json& body = run.bodies[i];
    ASSERT_TRUE(body.is_object()) << request.body;
    const bool last = i + 1 == run.requests.size();
    EXPECT_EQ(body.contains("exit_code"), last) << request.body;
    if (!last && body.contains("progress")) {
      EXPECT_EQ(body["progress"], 0.5);
      saw_progress = true;
    }
  }
  EXPECT_TRUE(saw_progress);
  const json& final_report = run.bodies.back();
  EXPECT_EQ(final_report["exit_code"], 3);
  EXPECT_EQ(final_report["log_tail"], "started");
  EXPECT_EQ(final_report["progress"], 0.5);
  EXPECT_FALSE(final_report.contains("checkpoint"));
}

TEST_F(StartupScriptTest, LogTailRoundTripsQuotesBackslashesAndControlCharacters) {
  const std::string command =
      "printf '%s\\t%s\\n' '\"quoted\" \\back\\slash' tab; printf 'bell\\001 \\342\\226\\210\\n'; "
      "printf 'bad\\377utf8\\n'; printf '10%%\\r50%%\\r100%%\\r\\n'";
  const ScriptRun run = Run(Params(command));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  ASSERT_EQ(run.bodies.size(), 1u) << run.output;
  ASSERT_TRUE(run.bodies[0].is_object()) << run.requests[0].body;
  EXPECT_EQ(run.bodies[0]["exit_code"], 0);
  EXPECT_EQ(run.bodies[0]["log_tail"],
            "\"quoted\" \\back\\slash\ttab\nbell\x01 \xe2\x96\x88\nbadutf8\n100%");
}

TEST_F(StartupScriptTest, LogTailKeepsTheLastLines) {
  StartupScriptParams params = Params("for i in 1 2 3 4 5; do echo line$i; done");
  params.log_tail_lines = 2;
  const ScriptRun run = Run(params);
  ASSERT_EQ(run.bodies.size(), 1u) << run.output;
  EXPECT_EQ(run.bodies[0]["log_tail"], "line4\nline5");
  EXPECT_EQ(run.log, "line1\nline2\nline3\nline4\nline5\n");
}

TEST_F(StartupScriptTest, ReadsCheckpointAndOmitsNonNumbers) {
  const ScriptRun run = Run(
      Params("echo 0.25 > \"$SKY_CHECKPOINT_FILE\"; echo abc > \"$SKY_PROGRESS_FILE\"; exit 0"));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  ASSERT_EQ(run.bodies.size(), 1u) << run.output;
  EXPECT_EQ(run.bodies[0]["checkpoint"], 0.25);
  EXPECT_FALSE(run.bodies[0].contains("progress"));

  const ScriptRun out_of_range = Run(Params("echo 1.5 > \"$SKY_PROGRESS_FILE\""));
  ASSERT_EQ(out_of_range.bodies.size(), 1u) << out_of_range.output;
  EXPECT_FALSE(out_of_range.bodies[0].contains("progress"));
}

TEST_F(StartupScriptTest, FinalReportIsRetriedAfterServerErrors) {
  StartupScriptParams params = Params("exit 4");
  params.heartbeat_interval_seconds = 0.5;  // the command is gone before a heartbeat is due
  const ScriptRun run = Run(params, {ScriptedReply::Respond(503), ScriptedReply::Respond(503),
                                     ScriptedReply::Respond(200)});
  EXPECT_EQ(run.exit_code, 4) << run.output;
  ASSERT_EQ(run.bodies.size(), 3u) << run.output;
  for (const json& body : run.bodies) EXPECT_EQ(body["exit_code"], 4);
}

TEST_F(StartupScriptTest, FinalReportGivesUpAfterItsAttempts) {
  StartupScriptParams params = Params("exit 5");
  params.heartbeat_interval_seconds = 0.5;
  params.final_post_attempts = 3;
  const ScriptRun run = Run(params, {ScriptedReply::Respond(503)});
  EXPECT_EQ(run.exit_code, 5);
  EXPECT_EQ(run.requests.size(), 3u);
  EXPECT_NE(run.output.find("final report not delivered"), std::string::npos) << run.output;
}

TEST_F(StartupScriptTest, FinalReportRejectedByTheBrokerIsNotRetried) {
  StartupScriptParams params = Params("true");
  params.heartbeat_interval_seconds = 0.5;
  const ScriptRun run = Run(params, {ScriptedReply::Respond(401)});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.requests.size(), 1u);
}

TEST_F(StartupScriptTest, ExportsEnvValuesVerbatim) {
  StartupScriptParams params = Params("printf '%s|%s' \"$SKY_STAGE\" \"$SKY_ATTEMPT\"");
  const std::string tricky = "it's \"x\" $HOME `id` \\ '; exit 9; '";
  params.env = {{"SKY_STAGE", tricky}, {"SKY_ATTEMPT", "2"}, {"1BAD", "x"}, {"A B", "y"}};
  const ScriptRun run = Run(params);
  EXPECT_EQ(run.exit_code, 0) << run.output;
  ASSERT_EQ(run.bodies.size(), 1u) << run.output;
  EXPECT_EQ(run.bodies[0]["log_tail"], tricky + "|2");
}

TEST_F(StartupScriptTest, TokenAppearsNowhereButTheHeader) {
  const ScriptRun run = Run(Params("env; set; cat /proc/self/cmdline; echo; exit 0"));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.log.find("SKY_PROGRESS_FILE="), std::string::npos) << run.log;
  EXPECT_EQ(run.log.find(kToken), std::string::npos);
  EXPECT_EQ(run.output.find(kToken), std::string::npos);
  for (const auto& request : run.requests) {
    EXPECT_EQ(request.body.find(kToken), std::string::npos);
    EXPECT_EQ(request.target.find(kToken), std::string::npos);
  }
}

}  // namespace
}  // namespace sky::broker
