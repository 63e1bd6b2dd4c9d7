#pragma once
// E2eTest: the one fixture of the end-to-end tests (tests/e2e). Each test gets a fresh temp
// directory (dir_) and may run `skybroker serve` in it (serve_, on an ephemeral 127.0.0.1
// port), send it HTTP requests with curl (Send, Get) and wait for conditions (WaitFor,
// WaitForPipeline). TearDown stops the server (expecting a clean exit) and, when the test
// failed, prints the tail of its stderr. Not thread-safe.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/http_call.h"
#include "tests/support/serve_process.h"

namespace sky::testing {

namespace fs = std::filesystem;
inline const std::string kBin = SkybrokerBin();
inline const std::string kShared = SKY_SHARED_DIR "/data";
inline const std::string kExamples = SKY_SOURCE_DIR "/data/examples";
// One stage of 100 sim hours on gcp us-central1: still running whenever a test looks (at the
// tests' x3600 clock, 100 real seconds), so that it can be followed, beaten and cancelled.
constexpr char kLongSpec[] =
    R"({"name": "long", "objective": "cost",
        "stages": [{"name": "work", "resources": {"cpus": 4, "memory_gb": 16},
                    "runtime_hours": 100}],
        "constraints": {"providers": ["gcp"], "regions": ["us-central1"]}})";

// Polls `done` every `every` until it returns true (then true) or `timeout` passes (false).
// `done` is called at least once, first without waiting.
bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout,
             std::chrono::milliseconds every = std::chrono::milliseconds(100));

class E2eTest : public ::testing::Test {
 protected:
  // The sim cloud on the tests' fast clock: x3600 from a fixed origin, 5 s polls, 30 s boots.
  static std::vector<std::string> FastSimArgs() {
    return {"--providers",    "sim", "--clock-speed",      "3600", "--clock-origin", "1700000000",
            "--poll-seconds", "5",   "--sim-boot-seconds", "30"};
  }

  void SetUp() override;
  void TearDown() override;

  // dir_ / `name`, as a string.
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  // "--db <dir_>/sky.db", for skybroker commands.
  std::string Db() const { return "--db " + Path("sky.db"); }
  // Writes `text` to dir_ / `name`; returns its path.
  std::string Write(const std::string& name, const std::string& text);

  // Starts serve_ with `args` (after "serve --port 0"), logging to dir_ / `log_name`. False
  // (serve_.Errors() says why) when it exits or does not listen within a minute.
  bool StartServe(const std::vector<std::string>& args, const std::string& log_name = "serve.log");

  // `request` to serve_ (or to `base` when not empty), its files in dir_.
  Reply Send(const Request& request, const std::string& base = "") const;
  // GET `path` from serve_, as `token` when not empty.
  Reply Get(const std::string& path, const std::string& token = "") const {
    return Send(Request{path, "", token});
  }
  // POST `body` (from a file, no Content-Type of its own unless `curl_args` has one) to `path`
  // on serve_, as `token` when not empty.
  Reply Post(const std::string& path, const std::string& body, const std::string& token = "",
             const std::string& curl_args = "") const {
    Request request{path, curl_args, token};
    request.method = "POST";
    request.body = body;
    return Send(request);
  }
  // Polls GET /v1/pipelines/`id` (as `token`) until `done(view)` or `seconds` pass; returns the
  // last view. A status other than 200 fails the test and ends the wait.
  nlohmann::json WaitForPipeline(const std::string& id,
                                 const std::function<bool(const nlohmann::json&)>& done,
                                 const std::string& token = "", int seconds = 60,
                                 std::chrono::milliseconds every = std::chrono::milliseconds(100));

  fs::path dir_;
  ServeProcess serve_;
};

}  // namespace sky::testing
