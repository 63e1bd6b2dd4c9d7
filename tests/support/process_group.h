#pragma once
// Helpers for tests that run a real server as a child process in its own process group (Prism,
// s3rver): start it with its output in a log file, read the end of that log, and stop the whole
// group. Written once here for prism_server.cc and s3rver_server.cc. Thread-compatible: each
// call touches only the process and files it is given.

#include <sys/types.h>

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "sky/types/result.h"

namespace sky::testing {

// Starts the program at the path `args[0]` with `args` and this process's environment, where
// `env` adds or replaces variables, stdin from /dev/null, stdout and stderr both into
// `log_path` (created or truncated), as the leader of a new process group, so that StopProcessGroup
// also reaches the children it starts. Returns its pid; Unavailable (with the errno) when it cannot
// be started. REQUIRES: !args.empty().
Result<pid_t> SpawnProcessGroup(const std::vector<std::string>& args, const std::string& log_path,
                                const std::map<std::string, std::string>& env = {});

// Sends SIGTERM to the group led by `pid`, waits up to 5 s for the leader to exit, then sends
// SIGKILL to whatever is left of the group, and reaps the leader.
void StopProcessGroup(pid_t pid);

// The last `bytes` bytes of the file at `path` ("" when it cannot be read).
std::string ReadFileTail(const std::string& path, size_t bytes);

}  // namespace sky::testing
