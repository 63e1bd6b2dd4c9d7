#pragma once
// The one way the startup-script tests run a rendered script: a TestHttpServer on 127.0.0.1
// plays the broker, `bash` runs the script in a test folder, and what it sent is collected.

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "broker/executor/startup_script.h"
#include "tests/support/http_call.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_http_server.h"

namespace sky::broker::test {

struct ScriptRunOptions {
  std::filesystem::path dir;               // script.sh and output go here
  std::map<std::string, std::string> env;  // set for bash (TMPDIR, HOME, PATH, ...)
  std::string heartbeat_path = "/heartbeat";
  std::string credentials_path = {};  // when set: data.credentials_url on the server
};

struct ScriptRunResult {
  int exit_code = -1;
  std::string script;  // the rendered text
  std::vector<providers::RecordedRequest> requests;
  std::string output;  // the script's own stdout and stderr
};

// Renders `params` with the heartbeat (and credentials) URL of a server playing `replies`, and
// runs it with bash. A server that cannot start fails the test and returns exit_code -1.
inline ScriptRunResult RunStartupScriptForTest(StartupScriptParams params,
                                               std::vector<providers::ScriptedReply> replies,
                                               const ScriptRunOptions& options) {
  ScriptRunResult run;
  auto server = providers::TestHttpServer::Start(std::move(replies));
  EXPECT_OK(server);
  if (!server.ok()) return run;
  params.heartbeat_url = (*server)->Url(options.heartbeat_path);
  if (!options.credentials_path.empty()) {
    params.data.credentials_url = (*server)->Url(options.credentials_path);
  }
  run.script = RenderStartupScript(params);
  const std::filesystem::path script = options.dir / "script.sh";
  const std::filesystem::path output = options.dir / "output";
  std::ofstream(script) << run.script;
  std::string shell;
  for (const auto& [name, value] : options.env) shell += name + "=" + ShellQuote(value) + " ";
  shell += "bash " + ShellQuote(script.string()) + " >" + ShellQuote(output.string()) + " 2>&1";
  const int status = std::system(shell.c_str());
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.requests = (*server)->requests();
  run.output = testing::ReadFile(output);
  return run;
}

}  // namespace sky::broker::test
