#pragma once
// ServeProcess: `skybroker serve --port 0 ARGS...` as a child process for end-to-end tests:
// stdout and stderr go to files, and the port comes from its "serving http://127.0.0.1:PORT"
// line. Not thread-safe; one per test.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/e2e/cli_test_util.h"

namespace sky::testing {

// Runs `command` through the shell; returns its stdout and stderr, trailing newlines removed.
inline std::string RunShell(const std::string& command) {
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  std::string out;
  if (!pipe) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  ::pclose(pipe);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

class ServeProcess {
 public:
  ~ServeProcess() {
    if (pid_ > 0) Kill(SIGKILL);
  }

  // Starts serve with `args` (after "serve --port 0"), output in `log_path` and
  // `log_path`.err, and waits up to `timeout_s` for its serving line. False when it exits first
  // or times out (the process is then killed).
  bool Start(const std::vector<std::string>& args, const std::string& log_path,
             int timeout_s = 60) {
    log_ = log_path;
    port_.clear();
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setpgid(0, 0);
      std::freopen(log_.c_str(), "w", stdout);
      std::freopen((log_ + ".err").c_str(), "w", stderr);
      std::vector<std::string> all = {kBin, "serve", "--port", "0"};
      all.insert(all.end(), args.begin(), args.end());
      std::vector<char*> argv;
      for (auto& a : all) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(kBin.c_str(), argv.data());
      std::_Exit(127);
    }
    for (int i = 0; i < timeout_s * 20 && port_.empty(); ++i) {
      ::usleep(50 * 1000);
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {  // it exited: fail now, not later
        pid_ = -1;
        return false;
      }
      std::ifstream in(log_);
      std::string line;
      if (std::getline(in, line) && line.find("serving http") != std::string::npos &&
          line.find("://127.0.0.1:") != std::string::npos) {  // http or https
        const size_t at = line.find("127.0.0.1:") + 10;
        port_ = line.substr(at, line.find(' ', at) - at);
      }
    }
    if (port_.empty()) Kill(SIGKILL);
    return !port_.empty();
  }

  // Sends `sig` and reaps the process; returns its wait status (-1 when none runs).
  int Kill(int sig) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, sig);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }
  // SIGTERM; true when it exited with code 0.
  bool Stop() {
    const int status = Kill(SIGTERM);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }

  bool running() const { return pid_ > 0; }
  const std::string& port() const { return port_; }
  std::string base() const { return "http://127.0.0.1:" + port_; }
  // The last `tail` bytes of its stderr.
  std::string Errors(size_t tail = 4000) const {
    std::ifstream in(log_ + ".err");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return text.size() > tail ? text.substr(text.size() - tail) : text;
  }

 private:
  pid_t pid_ = -1;
  std::string log_;
  std::string port_;
};

}  // namespace sky::testing
