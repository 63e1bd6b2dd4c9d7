// The container wrapper: the real startup script run with bash through the real wrapper, with
// fake `docker`/`podman` executables first on PATH that print their argv and then run what the
// container would run (setup, then command) on the host. A real podman run when it works here.

#include "broker/executor/container_run.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
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
using providers::ScriptedReply;
using providers::TestHttpServer;

// Prints "runtime=<name>", one "arg=<a>" per argument and the value FOO has in its
// environment, then runs the last five arguments (-c <inner> sky <setup> <command>) with sh.
constexpr char kFakeRuntime[] = R"(#!/bin/sh
echo "runtime=${0##*/}"
for a in "$@"; do echo "arg=$a"; done
echo "env FOO=${FOO:-unset}"
while [ $# -gt 5 ]; do shift; done
exec /bin/sh "$@"
)";

struct RunResult {
  int exit_code = -1;
  json final_report;
  std::vector<std::string> lines;  // the log tail's lines
  std::string output;

  bool Has(const std::string& line) const {
    for (const std::string& l : lines) {
      if (l == line) return true;
    }
    return false;
  }
  // The arguments printed by the fake runtime, in order.
  std::vector<std::string> Args() const {
    std::vector<std::string> args;
    for (const std::string& l : lines) {
      if (l.rfind("arg=", 0) == 0) args.push_back(l.substr(4));
    }
    return args;
  }
};

class ContainerRunTest : public ::testing::Test {
 protected:
  // A PATH directory with every tool of /usr/bin and /bin except docker and podman, plus fake
  // runtimes named in `runtimes`.
  std::string MakePath(const std::vector<std::string>& runtimes) {
    const fs::path bin = dir_ / ("bin" + std::to_string(++bins_));
    fs::create_directories(bin);
    for (const char* from : {"/usr/bin", "/bin", "/usr/local/bin"}) {
      std::error_code ec;
      for (const auto& entry : fs::directory_iterator(from, ec)) {
        const std::string name = entry.path().filename().string();
        if (name == "docker" || name == "podman" || fs::exists(bin / name)) continue;
        fs::create_symlink(entry.path(), bin / name, ec);
      }
    }
    for (const std::string& runtime : runtimes) {
      std::ofstream(bin / runtime) << kFakeRuntime;
      chmod((bin / runtime).c_str(), 0755);
    }
    return bin.string();
  }

  StartupScriptParams Params(const std::string& provider, bool gpus) const {
    StartupScriptParams params;
    params.token = "skst_container_token";
    params.setup = "echo setup-ran";
    params.command = "echo \"command FOO=$FOO\"; exit 3";
    params.env = {{"FOO", "bar baz"}, {"SKY_STAGE", "train"}};
    params.heartbeat_interval_seconds = 0.2;
    params.final_retry_backoff_seconds = 0.05;
    params.log_tail_lines = 100;
    // As the executor decides: where the provider runs the image itself, no wrapper.
    if (!ProviderRunsImage(provider)) params.container = {"registry.example/train:1", gpus};
    return params;
  }

  RunResult Run(const StartupScriptParams& params, const std::string& path) {
    const test::ScriptRunResult run = test::RunStartupScriptForTest(
        params, {ScriptedReply::Respond(200)}, {dir_, {{"PATH", path}, {"TMPDIR", dir_.string()}}});
    RunResult result;
    result.exit_code = run.exit_code;
    result.output = run.output;
    if (run.requests.empty()) return result;
    result.final_report = json::parse(run.requests.back().body, nullptr, false);
    std::stringstream tail(result.final_report.value("log_tail", ""));
    for (std::string line; std::getline(tail, line);) result.lines.push_back(line);
    return result;
  }

  testing::TempDir temp_{"sky_container_"};
  const fs::path& dir_ = temp_.path();
  int bins_ = 0;
};

TEST_F(ContainerRunTest, ProvidersThatRunTheImageThemselves) {
  EXPECT_TRUE(ProviderRunsImage("runpod"));
  EXPECT_TRUE(ProviderRunsImage("kubernetes"));
  for (const char* provider : {"aws", "gcp", "azure", "lambda", "local", "sim", ""}) {
    EXPECT_FALSE(ProviderRunsImage(provider)) << provider;
  }
}

TEST_F(ContainerRunTest, VmProvidersWrapTheCommandInTheImage) {
  const std::string path = MakePath({"docker"});
  for (const char* provider : {"aws", "gcp", "lambda", "local"}) {
    SCOPED_TRACE(provider);
    const RunResult run = Run(Params(provider, false), path);
    EXPECT_EQ(run.exit_code, 3) << run.output;
    EXPECT_TRUE(run.Has("runtime=docker")) << run.final_report;
    const std::vector<std::string> args = run.Args();
    ASSERT_GE(args.size(), 12u) << run.final_report;
    const std::vector<std::string> head(args.begin(), args.begin() + 6);
    EXPECT_EQ(head, (std::vector<std::string>{"run", "--rm", "--network", "host", "--entrypoint",
                                              "/bin/sh"}));
    EXPECT_EQ(args[args.size() - 6], "registry.example/train:1");
    EXPECT_EQ(args[args.size() - 2], "echo setup-ran");
    // The environment goes by name; its values never reach the command line.
    for (const char* name : {"FOO", "SKY_STAGE", "SKY_PROGRESS_FILE", "SKY_CHECKPOINT_FILE"}) {
      EXPECT_NE(std::find(args.begin(), args.end(), name), args.end()) << name;
    }
    for (const std::string& arg : args) EXPECT_EQ(arg.find("bar baz"), std::string::npos) << arg;
    EXPECT_EQ(std::find(args.begin(), args.end(), "--gpus"), args.end());
    EXPECT_TRUE(run.Has("env FOO=bar baz"));
    EXPECT_TRUE(run.Has("setup-ran"));
    EXPECT_TRUE(run.Has("command FOO=bar baz"));
  }
}

TEST_F(ContainerRunTest, PodKindProvidersRunTheCommandDirectly) {
  const std::string path = MakePath({"docker", "podman"});
  for (const char* provider : {"runpod", "kubernetes"}) {
    SCOPED_TRACE(provider);
    const RunResult run = Run(Params(provider, true), path);
    EXPECT_EQ(run.exit_code, 3) << run.output;
    EXPECT_TRUE(run.Args().empty()) << run.final_report;
    EXPECT_EQ(run.lines, (std::vector<std::string>{"setup-ran", "command FOO=bar baz"}));
  }
}

TEST_F(ContainerRunTest, GpusAndPodmanFlags) {
  const RunResult docker = Run(Params("aws", true), MakePath({"docker"}));
  std::vector<std::string> args = docker.Args();
  auto gpus = std::find(args.begin(), args.end(), "--gpus");
  ASSERT_NE(gpus, args.end()) << docker.final_report;
  EXPECT_EQ(*(gpus + 1), "all");

  const RunResult podman = Run(Params("gcp", true), MakePath({"docker", "podman"}));
  EXPECT_TRUE(podman.Has("runtime=podman")) << podman.final_report;
  args = podman.Args();
  EXPECT_EQ(std::find(args.begin(), args.end(), "--gpus"), args.end());
  auto device = std::find(args.begin(), args.end(), "--device");
  ASSERT_NE(device, args.end()) << podman.final_report;
  EXPECT_EQ(*(device + 1), "nvidia.com/gpu=all");

  const RunResult no_gpus = Run(Params("gcp", false), MakePath({"podman"}));
  args = no_gpus.Args();
  EXPECT_EQ(std::find(args.begin(), args.end(), "--device"), args.end());
}

TEST_F(ContainerRunTest, MountsTheDataAndSignalDirectoriesAtTheirPaths) {
  StartupScriptParams params = Params("aws", false);
  params.command = "echo \"out=$SKY_OUTPUT_DIR\"; echo \"progress=$SKY_PROGRESS_FILE\"";
  params.data.output = {"file://" + (dir_ / "store/out").string(), (dir_ / "store/out").string()};
  const RunResult run = Run(params, MakePath({"docker"}));
  EXPECT_EQ(run.exit_code, 0) << run.output;
  std::string out, progress;
  for (const std::string& line : run.lines) {
    if (line.rfind("out=", 0) == 0) out = line.substr(4);
    if (line.rfind("progress=", 0) == 0) progress = line.substr(9);
  }
  ASSERT_FALSE(out.empty()) << run.final_report;
  const std::string signals = fs::path(progress).parent_path().string();
  EXPECT_EQ(fs::path(signals).filename(), "signals");
  const std::vector<std::string> args = run.Args();
  for (const std::string& dir : {signals, out}) {
    EXPECT_NE(std::find(args.begin(), args.end(), dir + ":" + dir), args.end()) << dir;
  }
  for (const std::string& arg : args) EXPECT_EQ(arg.find("/auth"), std::string::npos) << arg;
  EXPECT_EQ(run.final_report["outputs_uri"], params.data.output.uri);
}

TEST_F(ContainerRunTest, NoRuntimeIsADataError) {
  const RunResult run = Run(Params("aws", false), MakePath({}));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_EQ(run.final_report["exit_code"], 1);
  EXPECT_EQ(run.final_report["data_error"],
            "image registry.example/train:1 needs docker or podman on the instance");
  EXPECT_FALSE(run.Has("setup-ran"));
}

// A real podman run of an image imported from a root filesystem made of this machine's bash.
TEST_F(ContainerRunTest, RealPodmanRun) {
  if (std::system("command -v podman >/dev/null 2>&1") != 0) GTEST_SKIP() << "podman not found";
  const std::string rootfs = (dir_ / "rootfs").string();
  const std::string build =
      "set -e; R='" + rootfs +
      "'; mkdir -p \"$R/bin\" \"$R/tmp\"; for b in bash env; do "
      "cp \"$(command -v $b)\" \"$R/bin/\"; for l in $(ldd \"$(command -v $b)\" | "
      "grep -o '/[^ ]*'); do mkdir -p \"$R$(dirname $l)\"; cp -L \"$l\" \"$R$l\"; done; done; "
      "ln -sf bash \"$R/bin/sh\"; tar -C \"$R\" -cf \"$R.tar\" . && "
      "podman import -q \"$R.tar\" localhost/sky-container-test:1 >/dev/null 2>&1";
  ASSERT_EQ(std::system(build.c_str()), 0) << "could not import the test image";
  auto params_for_podman = [this] {
    StartupScriptParams params = Params("local", false);
    params.container.image = "localhost/sky-container-test:1";
    return params;
  };
  const std::string probe_log = (dir_ / "probe").string();
  const std::string probe =
      "podman run --rm --entrypoint /bin/sh localhost/sky-container-test:1 -c true >'" + probe_log +
      "' 2>&1";
  const int probed = std::system(probe.c_str());
  const RunResult run = probed == 0 ? Run(params_for_podman(), std::getenv("PATH")) : RunResult();
  const int removed = std::system("podman rmi -f localhost/sky-container-test:1 >/dev/null 2>&1");
  (void)removed;  // best effort: a leftover test image is harmless
  if (probed != 0) {
    GTEST_SKIP() << "podman cannot run containers here: " << ReadFile(probe_log);
  }
  EXPECT_EQ(run.exit_code, 3) << run.output;
  EXPECT_TRUE(run.Has("setup-ran")) << run.final_report;
  EXPECT_TRUE(run.Has("command FOO=bar baz")) << run.final_report;
}

}  // namespace
}  // namespace sky::broker
