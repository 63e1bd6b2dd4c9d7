#include "tests/support/serve_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>

namespace sky::testing {

const std::string& SkybrokerBin() {
  static const std::string bin = SKYBROKER_BIN;
  return bin;
}

ServeProcess::~ServeProcess() {
  if (pid_ > 0) Kill(SIGKILL);
}

bool ServeProcess::Start(const std::vector<std::string>& args, const std::string& log_path,
                         int timeout_s) {
  log_ = log_path;
  port_.clear();
  pid_ = ::fork();
  if (pid_ == 0) {
    ::setpgid(0, 0);
    std::freopen(log_.c_str(), "w", stdout);
    std::freopen((log_ + ".err").c_str(), "w", stderr);
    std::vector<std::string> all = {SkybrokerBin(), "serve", "--port", "0"};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(SkybrokerBin().c_str(), argv.data());
    std::_Exit(127);
  }
  for (int i = 0; i < timeout_s * 20 && port_.empty(); ++i) {
    ::usleep(50 * 1000);
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {  // it exited: fail now, not later
      pid_ = -1;
      return false;
    }
    port_ = PortFromLog();
  }
  if (port_.empty()) Kill(SIGKILL);
  return !port_.empty();
}

std::string ServeProcess::PortFromLog() const {
  std::ifstream in(log_);
  std::string line;
  if (std::getline(in, line) && line.find("serving http") != std::string::npos &&
      line.find("://127.0.0.1:") != std::string::npos) {  // http or https
    const size_t at = line.find("127.0.0.1:") + 10;
    return line.substr(at, line.find(' ', at) - at);
  }
  return "";
}

int ServeProcess::Kill(int sig) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, sig);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

bool ServeProcess::Stop() {
  const int status = Kill(SIGTERM);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::string ServeProcess::Errors(size_t tail) const {
  std::ifstream in(log_ + ".err");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text.size() > tail ? text.substr(text.size() - tail) : text;
}

}  // namespace sky::testing
