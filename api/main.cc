// skybroker: the server and the command line. Wiring only (STYLE.md section 8).
#include <iostream>
#include <string>
#include <vector>

#include "api/cli/commands.h"

namespace {

using Command = int (*)(const sky::api::Words&, std::ostream&, std::ostream&);

// One row per subcommand: its name, what runs it, and its line in the usage.
struct CommandRow {
  const char* name;
  Command run;
  const char* summary;
};

const std::vector<CommandRow>& Commands() {
  static const auto* commands = new std::vector<CommandRow>{
      {"serve", sky::api::RunServe, "serve the REST API and the dashboard"},
      {"offers", sky::api::RunOffers, "query compute offers"},
      {"accelerators", sky::api::RunAccelerators, "list accelerators with their cheapest prices"},
      {"ingest", sky::api::RunIngest, "load catalog files into the database"},
      {"plan", sky::api::RunPlan, "plan a pipeline spec (or its cost-deadline curve)"},
      {"refresh", sky::api::RunRefresh, "update the catalog from provider APIs"},
      {"run", sky::api::RunRun, "submit a pipeline spec to the server and follow it"},
      {"status", sky::api::RunStatus, "list pipelines, or show one with its stages and cost"},
      {"cancel", sky::api::RunCancel, "cancel a pipeline"},
      {"events", sky::api::RunEvents, "print a pipeline's event log"},
      {"token", sky::api::RunToken, "API tokens: create, list, revoke"},
      {"replay", sky::api::RunReplay, "replay a pipeline against spot traces per policy"},
  };
  return *commands;
}

std::string Usage() {
  std::string usage = "usage: skybroker COMMAND [FLAGS]\n\ncommands:\n";
  for (const CommandRow& c : Commands()) {
    usage += "  " + std::string(c.name) + std::string(15 - std::string(c.name).size(), ' ') +
             c.summary + "\n";
  }
  return usage + "\n" + sky::api::CommonFlagsHelp() +
         "'skybroker COMMAND --help' shows a command's flags.\n"
         "exit codes: 0 ok, 2 bad input, 3 infeasible plan, 1 anything else\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << Usage();
    return 2;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    std::cout << Usage();
    return 0;
  }
  const CommandRow* command = nullptr;
  for (const CommandRow& c : Commands()) {
    if (name == c.name) command = &c;
  }
  if (command == nullptr) {
    std::cerr << "error: unknown command '" << name << "'\n" << Usage();
    return 2;
  }
  // Unsynchronized streams are faster for the CLI's large tables but not thread-safe; serve
  // writes stderr from request threads (the access log) while its main thread may too (a
  // data race ThreadSanitizer found), so it keeps the synchronized ones, which the standard
  // makes safe to share between threads.
  if (name != "serve") std::ios::sync_with_stdio(false);
  return command->run(sky::api::Words(argv + 2, argv + argc), std::cout, std::cerr);
}
