#pragma once
// The `skybroker` subcommands. Each takes the words after the subcommand name, writes its
// answer to `out` and messages to `err`, and returns the process exit code:
// 0 ok, 2 bad input, 3 infeasible plan, 1 anything else (DESIGN.md "Command line").

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "api/cli/args.h"
#include "sky/types/result.h"
#include "sky/types/status.h"

namespace sky::api {

using Words = std::vector<std::string>;

int RunOffers(const Words& words, std::ostream& out, std::ostream& err);
int RunAccelerators(const Words& words, std::ostream& out, std::ostream& err);
int RunIngest(const Words& words, std::ostream& out, std::ostream& err);
int RunPlan(const Words& words, std::ostream& out, std::ostream& err);
int RunServe(const Words& words, std::ostream& out, std::ostream& err);
// Refreshes the catalog from the configured providers; 1 when any provider failed.
int RunRefresh(const Words& words, std::ostream& out, std::ostream& err);
// Pipelines on a running server (--server URL): submit and follow (0 succeeded, 1 failed or
// cancelled, 2 invalid spec), list or show, cancel, print the event log. 1 when the server
// cannot be reached.
int RunRun(const Words& words, std::ostream& out, std::ostream& err);
int RunStatus(const Words& words, std::ostream& out, std::ostream& err);
int RunCancel(const Words& words, std::ostream& out, std::ostream& err);
int RunEvents(const Words& words, std::ostream& out, std::ostream& err);
// API tokens in the database: create (prints the token once), list, revoke.
int RunToken(const Words& words, std::ostream& out, std::ostream& err);
// Replays a pipeline against recorded spot traces with each policy (replay_command.cc).
int RunReplay(const Words& words, std::ostream& out, std::ostream& err);

// Prints "error: <message>" and returns the exit code for `status`.
int ReportError(const Status& status, std::ostream& err);

// A subcommand's parsed flags and its usage text, or the exit code to stop with: 0 after
// printing the usage for --help, 2 after printing it with the error for bad flags or a wrong
// number of positionals.
struct ParsedCommand {
  std::optional<CliArgs> args;
  int exit_code = 0;
  std::string usage;  // `synopsis` followed by the flag table's help
};

// Parses `words` against `spec` plus the common flags (--db, --catalog, --data-dir,
// --skip-bad-rows, --help), expecting between `min_positional` and `max_positional` words.
// `synopsis` is the usage's first lines ("usage: skybroker plan SPEC.json [FLAGS]\n" and what
// the command does); the flags' lines are printed from `spec`.
ParsedCommand ParseCommand(const Words& words, FlagSpec spec, std::string_view synopsis,
                           size_t min_positional, size_t max_positional, std::ostream& out,
                           std::ostream& err);

// The help of the flags every command takes, and of --server and --token, for the top-level
// usage.
std::string CommonFlagsHelp();

// The whole of the file at `path` (a spec a command reads); NotFound when it cannot be opened.
Result<std::string> ReadFile(const std::string& path);

}  // namespace sky::api
