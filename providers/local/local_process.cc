#include "providers/local/local_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <thread>
#include <vector>

extern char** environ;  // NOLINT: POSIX declares it nowhere else

namespace sky::providers {
namespace {

// What the child reports through the exec pipe when a step before exec fails.
enum ChildStep : int { kSetsid = 1, kChdir, kRedirect, kExec };

struct ChildError {
  int step = 0;
  int error = 0;
};

// Everything the child needs, prepared before fork: after fork it may only make
// async-signal-safe calls (no allocation), since other threads may hold the allocator's locks.
struct ChildSetup {
  const char* dir;
  int stdin_fd;
  int log_fd;
  int report_fd;  // the exec pipe's write end (close-on-exec)
  long max_fd;
  char* const* argv;
  char* const* envp;
};

std::string_view StepName(int step) {
  switch (step) {
    case kSetsid:
      return "setsid";
    case kChdir:
      return "chdir";
    case kRedirect:
      return "redirecting stdin, stdout and stderr";
    default:
      return "exec /bin/bash";
  }
}

[[noreturn]] void ChildFail(const ChildSetup& s, int step) {
  const ChildError e{step, errno};
  ssize_t ignored = ::write(s.report_fd, &e, sizeof e);
  (void)ignored;
  ::_exit(127);
}

// Undoes what the server set for itself: serve blocks SIGINT and SIGTERM (sigwait), and a
// blocked or ignored signal would stay so across exec, in the script and the user's command.
void ResetSignals() {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl;
  std::memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &dfl, nullptr);
  }
}

[[noreturn]] void RunChild(const ChildSetup& s) {
  ResetSignals();
  if (::setsid() < 0) ChildFail(s, kSetsid);
  if (::chdir(s.dir) != 0) ChildFail(s, kChdir);
  if (::dup2(s.stdin_fd, 0) < 0 || ::dup2(s.log_fd, 1) < 0 || ::dup2(s.log_fd, 2) < 0) {
    ChildFail(s, kRedirect);
  }
  // No descriptor of the server (its listening socket, its database) reaches the script.
  if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
    for (long fd = 3; fd < s.max_fd; ++fd) ::fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC);
  }
  ::execve("/bin/bash", s.argv, s.envp);
  ChildFail(s, kExec);
}

Status Errno(const std::string& what) {
  return Status::Internal(what + ": " + std::strerror(errno));
}

Status WriteNewFile(const std::string& path, const std::string& text, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return Errno("creating " + path);
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  // The umask may have taken bits off `mode`.
  const bool ok = written == text.size() && ::fchmod(fd, mode) == 0;
  Status status = ok ? Status::Ok() : Errno("writing " + path);
  ::close(fd);
  return status;
}

// The calling process's environment without its secrets, with `env` set on top.
std::vector<std::string> EnvironmentWith(const std::map<std::string, std::string>& env) {
  std::vector<std::string> out;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const std::string_view name = text.substr(0, text.find('='));
    if (IsServerSecret(name) || env.count(std::string(name)) > 0) continue;
    out.emplace_back(text);
  }
  for (const auto& [name, value] : env) out.push_back(name + "=" + value);
  return out;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Forks the child of `setup` and waits until it has exec'd bash (the pipe closes) or failed.
Result<pid_t> ForkAndExec(ChildSetup setup, int report_read_fd) {
  const pid_t pid = ::fork();
  if (pid == 0) RunChild(setup);
  const int fork_errno = errno;
  ::close(setup.report_fd);
  if (pid < 0) {
    ::close(report_read_fd);
    errno = fork_errno;
    return Errno("fork");
  }
  ChildError e;
  ssize_t n;
  do {
    n = ::read(report_read_fd, &e, sizeof e);
  } while (n < 0 && errno == EINTR);
  ::close(report_read_fd);
  if (n != static_cast<ssize_t>(sizeof e)) return pid;  // end of file: bash runs
  ::waitpid(pid, nullptr, 0);
  return Status::Internal("starting the instance: " + std::string(StepName(e.step)) + ": " +
                          std::strerror(e.error));
}

}  // namespace

bool IsServerSecret(std::string_view name) {
  // Storage credentials: a stage fetches its own from the broker with its attempt token.
  static constexpr std::string_view kPrefixes[] = {"RCLONE_CONFIG_", "SKYBROKER_"};
  static constexpr std::string_view kNames[] = {
      "AWS_ACCESS_KEY_ID",  "AWS_SECRET_ACCESS_KEY",
      "AWS_SESSION_TOKEN",  "GOOGLE_APPLICATION_CREDENTIALS",
      "LAMBDA_API_KEY",     "RUNPOD_API_KEY",
      "AZURE_CLIENT_SECRET"};
  for (std::string_view prefix : kPrefixes) {
    if (name.substr(0, prefix.size()) == prefix) return true;
  }
  for (std::string_view secret : kNames) {
    if (name == secret) return true;
  }
  return false;
}

Result<std::string> MakeInstanceDir(const std::string& root, int64_t* next) {
  for (int tries = 0; tries < 100000; ++tries) {
    char id[32];
    std::snprintf(id, sizeof id, "local-%08lld", static_cast<long long>((*next)++));
    const std::string path = root + "/" + id;
    if (::mkdir(path.c_str(), 0700) == 0) return std::string(id);
    if (errno != EEXIST) return Errno("creating " + path);
  }
  return Status::Internal("no free instance directory under " + root);
}

Result<pid_t> SpawnScript(const std::string& dir, const std::string& script,
                          const std::map<std::string, std::string>& env) {
  SKY_RETURN_IF_ERROR(WriteNewFile(dir + "/startup.sh", script, 0700));
  const std::string log_path = dir + "/script.log";
  const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0) return Errno("creating " + log_path);
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int pipe_fds[2] = {-1, -1};
  if (null_fd < 0 || ::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    Status status = Errno("opening /dev/null or a pipe");
    ::close(log_fd);
    if (null_fd >= 0) ::close(null_fd);
    return status;
  }
  std::vector<std::string> args = {"/bin/bash", "startup.sh"};
  std::vector<std::string> environment = EnvironmentWith(env);
  std::vector<char*> argv = Pointers(args);
  std::vector<char*> envp = Pointers(environment);
  const ChildSetup setup{dir.c_str(), null_fd,    log_fd, pipe_fds[1], ::sysconf(_SC_OPEN_MAX),
                         argv.data(), envp.data()};
  Result<pid_t> pid = ForkAndExec(setup, pipe_fds[0]);
  ::close(log_fd);
  ::close(null_fd);
  return pid;
}

int KillOrphanedInstances(const std::string& root) {
  namespace fs = std::filesystem;
  std::error_code error;
  int killed = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename().string();
    pid_t pid = 0;
    const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), pid);
    if (ec != std::errc() || end != name.data() + name.size() || pid == getpid()) continue;
    if (getpgid(pid) != pid) continue;  // not a group leader: not an instance's bash
    std::error_code link_error;
    const fs::path cwd = fs::read_symlink(entry.path() / "cwd", link_error);
    if (link_error || cwd.parent_path() != fs::path(root) ||
        cwd.filename().string().rfind("local-", 0) != 0) {
      continue;
    }
    KillGroup(pid);
    ++killed;
  }
  return killed;
}

void KillGroup(pid_t pgid) {
  if (pgid > 0) ::kill(-pgid, SIGKILL);
}

bool ReapIfExited(pid_t pid) {
  while (true) {
    const pid_t r = ::waitpid(pid, nullptr, WNOHANG);
    if (r == pid) return true;
    if (r == 0) return false;
    if (errno != EINTR) return true;  // ECHILD: reaped already, or not ours
  }
}

bool ReapWithin(pid_t pid, double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!ReapIfExited(pid)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

}  // namespace sky::providers
