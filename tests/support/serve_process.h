#pragma once
// ServeProcess: `skybroker serve --port 0 ARGS...` as a child process for end-to-end tests:
// stdout and stderr go to files, and the port comes from its "serving http://127.0.0.1:PORT"
// line. Not thread-safe; one per server.
#include <sys/types.h>

#include <string>
#include <vector>

namespace sky::testing {

// The skybroker binary under test (SKYBROKER_BIN of this build).
const std::string& SkybrokerBin();

class ServeProcess {
 public:
  ServeProcess() = default;
  ~ServeProcess();  // SIGKILL when still running
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  // Starts serve with `args` (after "serve --port 0"), output in `log_path` and
  // `log_path`.err, and waits up to `timeout_s` for its serving line. False when it exits first
  // or times out (the process is then killed).
  bool Start(const std::vector<std::string>& args, const std::string& log_path, int timeout_s = 60);
  // Sends `sig` and reaps the process; returns its wait status (-1 when none runs).
  int Kill(int sig);
  // SIGTERM; true when it exited with code 0.
  bool Stop();

  bool running() const { return pid_ > 0; }
  const std::string& port() const { return port_; }
  // "http://127.0.0.1:PORT" (the scheme is http even when serve runs TLS).
  std::string base() const { return "http://127.0.0.1:" + port_; }
  // The last `tail` bytes of its stderr.
  std::string Errors(size_t tail = 4000) const;

 private:
  // The port of the serving line in the log, or "" when it is not there yet.
  std::string PortFromLog() const;

  pid_t pid_ = -1;
  std::string log_;
  std::string port_;
};

}  // namespace sky::testing
