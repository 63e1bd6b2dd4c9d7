#pragma once
// The process side of the local provider: an instance's directory, its startup script started
// as the leader of a new session, and SIGKILL / reaping of its process group. Plain functions;
// safe to call from any thread (SpawnScript forks, and the child runs only async-signal-safe
// code until it execs).

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "sky/types/result.h"

namespace sky::providers {

// Creates `<root>/<id>` (0700) for the first id "local-<n, 8 digits>", n = *next, *next + 1, ...
// whose directory does not exist yet (an earlier server's instances keep theirs), advances
// *next past it and returns the id. Internal naming the path for any other mkdir error.
Result<std::string> MakeInstanceDir(const std::string& root, int64_t* next);

// True for the name of an environment variable that holds one of the server's secrets, which
// an instance must not inherit: RCLONE_CONFIG_* (storage remotes and their credentials),
// SKYBROKER_* (the server's settings, e.g. admin tokens), AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, GOOGLE_APPLICATION_CREDENTIALS, LAMBDA_API_KEY,
// RUNPOD_API_KEY and AZURE_CLIENT_SECRET. Case-sensitive, as the environment is.
bool IsServerSecret(std::string_view name);

// Writes `script` to `<dir>/startup.sh` (mode 0700) and starts `/bin/bash startup.sh` in `dir`:
// a new session (its pid is its process group id), stdin /dev/null, stdout and stderr appended
// to `<dir>/script.log`, signal mask and dispositions reset, no other inherited descriptor, and
// the calling process's environment minus its secrets (IsServerSecret) with `env` set on top.
// Returns the pid once bash runs.
// Internal naming the step that failed (writing the files, fork, exec).
Result<pid_t> SpawnScript(const std::string& dir, const std::string& script,
                          const std::map<std::string, std::string>& env);

// SIGKILLs the process group `pgid` (or the process alone, when it has not made its group
// yet). A group that is gone already is fine.
void KillGroup(pid_t pgid);

// SIGKILLs the process group of every instance an earlier server left running under `root`
// (it crashed or was killed: its instances are unknown to a new provider, which could neither
// adopt nor bill them): each process that leads its own group and whose working directory is
// `<root>/local-*`. The working-directory check keeps a reused pid of an unrelated process
// safe. Returns how many groups it killed. Linux (/proc); elsewhere none.
int KillOrphanedInstances(const std::string& root);

// True when child `pid` has exited: reaped now or earlier (also when it is not this process's
// child, e.g. reaped by someone else). Never blocks.
bool ReapIfExited(pid_t pid);

// Waits up to `seconds` for child `pid` to exit and reaps it; true when it did.
bool ReapWithin(pid_t pid, double seconds);

}  // namespace sky::providers
