#pragma once
// The `skybroker` subcommands. Each takes the words after the subcommand name, writes its
// answer to `out` and messages to `err`, and returns the process exit code:
// 0 ok, 2 bad input, 3 infeasible plan, 1 anything else (DESIGN.md "Command line").

#include <ostream>
#include <string>
#include <vector>

#include "sky/types/status.h"

namespace sky::api {

using Words = std::vector<std::string>;

int RunOffers(const Words& words, std::ostream& out, std::ostream& err);
int RunAccelerators(const Words& words, std::ostream& out, std::ostream& err);
int RunIngest(const Words& words, std::ostream& out, std::ostream& err);
int RunPlan(const Words& words, std::ostream& out, std::ostream& err);
int RunServe(const Words& words, std::ostream& out, std::ostream& err);

// Prints "error: <message>" and returns the exit code for `status`.
int ReportError(const Status& status, std::ostream& err);

}  // namespace sky::api
