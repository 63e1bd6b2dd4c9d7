#include "tests/support/s3rver_server.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <system_error>
#include <thread>

#include "sky/types/ascii.h"
#include "tests/support/process_group.h"

namespace sky::testing {
namespace {

namespace fs = std::filesystem;

// s3rver's file name suffix for an object's bytes (lib/stores/filesystem.js, S3RVER_SUFFIX).
constexpr char kObjectSuffix[] = "._S3rver_object";
// bin/s3rver.js prints "S3rver listening on <address>:<port>" once the server listens.
constexpr char kListening[] = "S3rver listening on 127.0.0.1:";

bool IsExecutableFile(const std::string& path) {
  std::error_code error;
  return fs::is_regular_file(path, error) && access(path.c_str(), X_OK) == 0;
}

Status CheckArguments(const std::string& directory, const std::vector<std::string>& buckets) {
  if (directory.empty()) return Status::InvalidArgument("s3rver needs a directory");
  for (const std::string& bucket : buckets) {
    if (bucket.empty()) return Status::InvalidArgument("empty bucket name for s3rver");
  }
  std::error_code error;
  fs::create_directories(directory, error);
  if (error) return Status::Unavailable("cannot create " + directory + ": " + error.message());
  return Status::Ok();
}

std::vector<std::string> Arguments(const std::string& binary, const std::string& directory,
                                   const std::vector<std::string>& buckets) {
  std::vector<std::string> args = {binary, "-d", directory, "-a", "127.0.0.1", "-p", "0"};
  for (const std::string& bucket : buckets) {
    args.push_back("--configure-bucket");
    args.push_back(bucket);
  }
  return args;
}

// The port of the "listening" line in `log`, or 0 when it is not there (yet).
int PortInLog(const std::string& log) {
  const size_t at = log.find(kListening);
  if (at == std::string::npos) return 0;
  const size_t begin = at + sizeof(kListening) - 1;
  const size_t end = log.find('\n', begin);
  if (end == std::string::npos) return 0;  // the line is not complete yet
  return std::atoi(log.substr(begin, end - begin).c_str());
}

}  // namespace

std::string S3rverServer::BinaryPath() {
  return std::string(SKY_SOURCE_DIR) + "/tests/node_modules/.bin/s3rver";
}

Result<std::unique_ptr<S3rverServer>> S3rverServer::Start(const std::string& directory,
                                                          const std::vector<std::string>& buckets,
                                                          const std::string& binary) {
  if (!IsExecutableFile(binary)) {
    return Status::FailedPrecondition(
        "s3rver is not installed: no executable " + binary +
        " (install_node_deps of cmake/install_deps.sh runs `npm ci --prefix tests`)");
  }
  SKY_RETURN_IF_ERROR(CheckArguments(directory, buckets));
  char log_template[] = "/tmp/sky-s3rver-XXXXXX";
  const int log_fd = mkstemp(log_template);
  if (log_fd < 0) return Status::Unavailable("cannot create s3rver's log file");
  close(log_fd);
  Result<pid_t> pid = SpawnProcessGroup(Arguments(binary, directory, buckets), log_template);
  if (!pid.ok()) {
    unlink(log_template);
    return pid.status();
  }
  Result<int> port = WaitForPort(*pid, log_template);
  if (!port.ok()) {
    unlink(log_template);
    return port.status();
  }
  return std::unique_ptr<S3rverServer>(new S3rverServer(*pid, *port, directory, log_template));
}

Result<int> S3rverServer::WaitForPort(pid_t pid, const std::string& log_path) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  while (Clock::now() < deadline) {
    const bool exited = waitpid(pid, nullptr, WNOHANG) == pid;
    const std::string log = ReadFileTail(log_path, 1 << 16);
    if (const int port = PortInLog(log); port > 0) return port;
    if (exited) return Status::Unavailable("s3rver exited while starting: " + log);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  StopProcessGroup(pid);
  return Status::Unavailable("s3rver did not listen within 20 s: " + ReadFileTail(log_path, 2000));
}

Result<std::string> S3rverServer::RclonePath() {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/rclone";
    if (IsExecutableFile(candidate)) return candidate;
  }
  return Status::FailedPrecondition(
      "rclone is not installed: not on PATH (install_deps of cmake/install_deps.sh installs the "
      "Debian package)");
}

bool S3rverServer::SkipAllowed(const Status& status) {
  const char* allow = std::getenv("SKY_ALLOW_SKIP_S3");
  return status.IsFailedPrecondition() && allow != nullptr && std::string(allow) == "1";
}

S3rverServer::~S3rverServer() {
  StopProcessGroup(pid_);
  unlink(log_path_.c_str());
}

std::string S3rverServer::endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::map<std::string, std::string> S3rverServer::RcloneEnv(const std::string& remote) const {
  const std::string prefix = "RCLONE_CONFIG_" + AsciiUpper(remote) + "_";
  return {
      {prefix + "TYPE", "s3"},
      {prefix + "PROVIDER", "Other"},
      {prefix + "ENDPOINT", endpoint()},
      {prefix + "ACCESS_KEY_ID", "S3RVER"},
      {prefix + "SECRET_ACCESS_KEY", "S3RVER"},
      {prefix + "REGION", "us-east-1"},
      {prefix + "FORCE_PATH_STYLE", "true"},
      {"RCLONE_FAST_LIST", "true"},
      {"AWS_CA_BUNDLE", ""},
  };
}

std::string S3rverServer::ObjectFile(const std::string& bucket, const std::string& key) const {
  return directory_ + "/" + bucket + "/" + key + kObjectSuffix;
}

std::vector<std::string> S3rverServer::Keys(const std::string& bucket) const {
  const fs::path root = fs::path(directory_) / bucket;
  const std::string suffix = kObjectSuffix;
  std::vector<std::string> keys;
  std::error_code error;
  for (fs::recursive_directory_iterator it(root, error), end; !error && it != end;
       it.increment(error)) {
    if (!it->is_regular_file(error)) continue;
    const std::string relative = it->path().lexically_relative(root).generic_string();
    if (relative.size() < suffix.size() ||
        relative.compare(relative.size() - suffix.size(), suffix.size(), suffix) != 0) {
      continue;
    }
    keys.push_back(relative.substr(0, relative.size() - suffix.size()));
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

std::string S3rverServer::LogTail(size_t bytes) const { return ReadFileTail(log_path_, bytes); }

}  // namespace sky::testing
