#pragma once
// Helpers for tests that run the `skybroker` binary: a temp-dir fixture and a runner that
// captures exit code and output.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace sky::testing {

namespace fs = std::filesystem;
inline const std::string kBin = SKYBROKER_BIN;
inline const std::string kShared = SKY_SHARED_DIR "/data";
inline const std::string kExamples = SKY_SOURCE_DIR "/data/examples";
// One stage of 100 sim hours on gcp us-central1: still running whenever a test looks (at the
// tests' x3600 clock, 100 real seconds), so that it can be followed, beaten and cancelled.
constexpr char kLongSpec[] =
    R"({"name": "long", "objective": "cost",
        "stages": [{"name": "work", "resources": {"cpus": 4, "memory_gb": 16},
                    "runtime_hours": 100}],
        "constraints": {"providers": ["gcp"], "regions": ["us-central1"]}})";

struct ExecResult {
  int code = -1;
  std::string out;  // stdout and stderr together
};

// Runs `skybroker <args>` through the shell.
inline ExecResult Exec(const std::string& args) {
  ExecResult run;
  FILE* pipe = ::popen((kBin + " " + args + " 2>&1").c_str(), "r");
  if (!pipe) return run;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) run.out.append(buf.data(), n);
  int status = ::pclose(pipe);
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

// A fresh temp directory per test, removed afterwards.
class BinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sky_cli_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Db() const { return "--db " + (dir_ / "sky.db").string(); }
  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  fs::path dir_;
};


}  // namespace sky::testing
