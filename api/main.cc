// skybroker: the server and the command line. Wiring only (STYLE.md section 8).
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "api/cli/commands.h"

namespace {

constexpr char kUsage[] =
    "usage: skybroker COMMAND [FLAGS]\n"
    "\n"
    "commands:\n"
    "  serve          serve the REST API and the dashboard (--host, --port)\n"
    "  offers         query compute offers (--gpu H100:8 --market spot --limit 10)\n"
    "  accelerators   list accelerators with their cheapest prices\n"
    "  ingest         load catalog files into the database\n"
    "  plan           plan a pipeline spec (--frontier for the cost-deadline curve)\n"
    "  refresh        update the catalog from provider APIs (--providers lambda,aws,...)\n"
    "  run            submit a pipeline spec to the server and follow it (--detach)\n"
    "  status         list pipelines, or show one (ID) with its stages and cost\n"
    "  cancel         cancel a pipeline (ID)\n"
    "  events         print a pipeline's event log (ID, --follow)\n"
    "  token          API tokens: create --tenant T --role R, list, revoke ID\n"
    "  replay         replay a pipeline against spot traces per policy (--trace DIR)\n"
    "\n"
    "common flags: --db PATH (default $SKYBROKER_DB or ~/.local/share/skybroker/skybroker.db)\n"
    "              --catalog PATH... (query files directly, in memory)\n"
    "              --data-dir DIR (bundled data; default $SKYBROKER_DATA_DIR)\n"
    "run, status, cancel, events: --server URL (default $SKYBROKER_SERVER or\n"
    "              http://127.0.0.1:8080, a running 'skybroker serve')\n"
    "              --token TOKEN (default $SKYBROKER_TOKEN or the admin-token file\n"
    "              beside the database)\n"
    "'skybroker COMMAND --help' shows a command's flags.\n"
    "exit codes: 0 ok, 2 bad input, 3 infeasible plan, 1 anything else\n";

}  // namespace

int main(int argc, char** argv) {
  using Command = int (*)(const sky::api::Words&, std::ostream&, std::ostream&);
  const std::map<std::string, Command> commands = {
      {"serve", sky::api::RunServe},   {"offers", sky::api::RunOffers},
      {"ingest", sky::api::RunIngest}, {"accelerators", sky::api::RunAccelerators},
      {"plan", sky::api::RunPlan},     {"refresh", sky::api::RunRefresh},
      {"run", sky::api::RunRun},       {"status", sky::api::RunStatus},
      {"cancel", sky::api::RunCancel}, {"events", sky::api::RunEvents},
      {"token", sky::api::RunToken},   {"replay", sky::api::RunReplay},
  };
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    std::cout << kUsage;
    return 0;
  }
  auto it = commands.find(name);
  if (it == commands.end()) {
    std::cerr << "error: unknown command '" << name << "'\n" << kUsage;
    return 2;
  }
  // Unsynchronized streams are faster for the CLI's large tables but not thread-safe; serve
  // writes stderr from request threads (the access log) while its main thread may too (a
  // data race ThreadSanitizer found), so it keeps the synchronized ones, which the standard
  // makes safe to share between threads.
  if (name != "serve") std::ios::sync_with_stdio(false);
  return it->second(sky::api::Words(argv + 2, argv + argc), std::cout, std::cerr);
}
