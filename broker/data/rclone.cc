// Runs rclone as a child process (posix_spawn), reading its stdout and stderr through pipes.
#include "broker/data/rclone.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <string_view>

#include "sky/types/object_uri.h"

extern char** environ;

namespace sky::broker {
namespace {

// The child's environment: the broker's (rclone's global flags such as RCLONE_BWLIMIT or
// RCLONE_CA_CERT apply) plus `extra`, without AWS_CA_BUNDLE: rclone 1.60 fails every S3 call
// when it is set ("LoadCustomCABundleError"); a custom CA goes in RCLONE_CA_CERT instead.
std::vector<std::string> ChildEnvironment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    const std::string_view entry(*e);
    const std::string_view name = entry.substr(0, entry.find('='));
    if (name != "AWS_CA_BUNDLE" && !extra.count(std::string(name))) env.emplace_back(*e);
  }
  for (const auto& [name, value] : extra) env.push_back(name + "=" + value);
  return env;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Reads both pipes to their ends (a child blocked on a full pipe would never exit).
void Drain(int out_fd, int err_fd, std::string& out, std::string& err) {
  std::array<pollfd, 2> fds{pollfd{out_fd, POLLIN, 0}, pollfd{err_fd, POLLIN, 0}};
  std::array<std::string*, 2> sinks{&out, &err};
  int open = 2;
  char buf[4096];
  while (open > 0) {
    if (poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) return;
    for (size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;
        --open;
      }
    }
  }
}

std::string LastLine(const std::string& text) {
  size_t end = text.find_last_not_of("\r\n ");
  if (end == std::string::npos) return "";
  size_t start = text.rfind('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1, end + 1 - (start + 1));
}

}  // namespace

Result<std::string> Rclone::PathOf(const std::string& uri) const {
  SKY_ASSIGN_OR_RETURN(ObjectUri parsed, ParseObjectUri(uri));
  return RcloneRemotePath(parsed);
}

Result<Rclone::Outcome> Rclone::Run(const std::vector<std::string>& args) const {
  // --fast-list: one recursive listing instead of one per directory (fewer requests on real
  // stores, and correct on s3rver, whose per-directory listing drops nested prefixes).
  std::vector<std::string> argv{program_, "--config", "", "--fast-list"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> envs = ChildEnvironment(env_);
  int out_pipe[2], err_pipe[2];
  if (pipe(out_pipe) != 0) return Status::Internal("rclone: pipe failed");
  if (pipe(err_pipe) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return Status::Internal("rclone: pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
  posix_spawn_file_actions_addclose(&actions, err_pipe[0]);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, program_.c_str(), &actions, nullptr, Pointers(argv).data(),
                                   Pointers(envs).data());
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  Outcome outcome;
  std::string err;
  if (spawned == 0) Drain(out_pipe[0], err_pipe[0], outcome.out, err);
  close(out_pipe[0]);
  close(err_pipe[0]);
  if (spawned != 0) {
    return Status::FailedPrecondition("cannot run " + program_ + ": " + std::strerror(spawned) +
                                      " (install rclone, e.g. apt-get install rclone)");
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  outcome.last_error = LastLine(err);
  return outcome;
}

Status Rclone::Copy(const std::string& src, const std::string& dst) const {
  SKY_ASSIGN_OR_RETURN(std::string from, PathOf(src));
  SKY_ASSIGN_OR_RETURN(std::string to, PathOf(dst));
  SKY_ASSIGN_OR_RETURN(Outcome run, Run({"copy", from, to}));
  if (run.exit_code == 0) return Status::Ok();
  return Status::Unavailable("rclone copy " + src + " to " + dst + " failed (exit " +
                             std::to_string(run.exit_code) + "): " + run.last_error);
}

Status Rclone::Check(const std::string& src, const std::string& dst) const {
  SKY_ASSIGN_OR_RETURN(std::string from, PathOf(src));
  SKY_ASSIGN_OR_RETURN(std::string to, PathOf(dst));
  SKY_ASSIGN_OR_RETURN(Outcome run, Run({"check", "--one-way", from, to}));
  if (run.exit_code == 0) return Status::Ok();
  // rclone check exits 1 when files differ, other codes for errors it could not get past.
  if (run.exit_code == 1) {
    return Status::Internal("verification of " + dst + " against " + src +
                            " failed: " + run.last_error);
  }
  return Status::Unavailable("rclone check " + src + " " + dst + " failed (exit " +
                             std::to_string(run.exit_code) + "): " + run.last_error);
}

Status Rclone::Purge(const std::string& uri) const {
  SKY_ASSIGN_OR_RETURN(std::string path, PathOf(uri));
  SKY_ASSIGN_OR_RETURN(Outcome run, Run({"purge", path}));
  // Exit 3: directory not found, which is what purging wants.
  if (run.exit_code == 0 || run.exit_code == 3) return Status::Ok();
  return Status::Unavailable("rclone purge " + uri + " failed (exit " +
                             std::to_string(run.exit_code) + "): " + run.last_error);
}

Result<int64_t> Rclone::Size(const std::string& uri) const {
  SKY_ASSIGN_OR_RETURN(std::string path, PathOf(uri));
  SKY_ASSIGN_OR_RETURN(Outcome run, Run({"size", "--json", path}));
  if (run.exit_code != 0) {
    return Status::Unavailable("rclone size " + uri + " failed: " + run.last_error);
  }
  const size_t at = run.out.find("\"bytes\":");
  if (at == std::string::npos) return Status::Internal("rclone size: no bytes in its answer");
  int64_t bytes = 0;
  const char* begin = run.out.data() + at + 8;
  if (std::from_chars(begin, run.out.data() + run.out.size(), bytes).ec != std::errc()) {
    return Status::Internal("rclone size: unreadable byte count");
  }
  return bytes;
}

}  // namespace sky::broker
