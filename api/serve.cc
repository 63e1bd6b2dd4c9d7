// `skybroker serve`: the REST API and the dashboard, until SIGINT or SIGTERM.
#include <csignal>
#include <cstdlib>

#include "api/app.h"
#include "api/cli_commands.h"
#include "api/executor_wiring.h"
#include "api/handlers.h"
#include "api/http_server.h"
#include "api/provider_registry.h"

#ifndef SKY_DEFAULT_WEB_DIR
#define SKY_DEFAULT_WEB_DIR "web"
#endif

namespace sky::api {
namespace {

constexpr char kUsage[] =
    "usage: skybroker serve [--host 127.0.0.1] [--port 8080] [--web-dir DIR]\n"
    "         [--max-body-bytes N] [--db PATH] [--catalog PATH...]\n"
    "         [--providers sim,aws,gcp,lambda,runpod] [provider endpoint flags, see refresh]\n"
    "pipeline execution:\n"
    "  --poll-seconds S         describe interval of a live instance (default 30)\n"
    "  --clock-speed X          run time X times faster than the wall clock (default 1)\n"
    "  --clock-origin UNIX      where scaled time starts (default: now; a fixed value keeps\n"
    "                           time consistent across restarts)\n"
    "  --deployment NAME        tag value of this broker's instances (default \"default\")\n"
    "  --max-stage-failures N   non-zero exits of a stage before its pipeline fails (default 3)\n"
    "  --executor-threads N     executor worker threads (default 2)\n"
    "simulated cloud (--providers sim):\n"
    "  --sim-state FILE         keep the sim's instances in FILE across restarts\n"
    "  --sim-boot-seconds S     launch to running (default 60)\n"
    "  --sim-preemption-rate R  spot preemptions per hour (default 0)\n"
    "  --sim-api-latency S      delay added to every sim call (default 0)\n"
    "  --sim-seed N             the sim's random seed (default 1)\n";

std::string WebDir(const CliArgs& args) {
  if (auto dir = args.Get("web-dir")) return *dir;
  if (const char* env = std::getenv("SKYBROKER_WEB_DIR"); env && *env) return env;
  return SKY_DEFAULT_WEB_DIR;
}

Result<ServerOptions> OptionsFrom(const CliArgs& args) {
  ServerOptions options;
  if (auto host = args.Get("host")) options.host = *host;
  SKY_ASSIGN_OR_RETURN(auto port, args.GetInt("port"));
  if (port && *port > 65535) return Status::InvalidArgument("flag --port: at most 65535");
  if (port) options.port = static_cast<int>(*port);
  SKY_ASSIGN_OR_RETURN(auto max_body, args.GetInt("max-body-bytes"));
  if (max_body) options.max_body_bytes = static_cast<size_t>(*max_body);
  return options;
}

// Blocks the stop signals before any thread starts, so that only sigwait sees them.
void BlockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

// Blocks until SIGINT or SIGTERM arrives.
void WaitForSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  sigwait(&set, &sig);
}

void AddRoutes(Router& router, App& app, const ExecutorSlot& slot, const std::string& web_dir) {
  AddHealthRoutes(router, app, &slot);
  AddCatalogRoutes(router, app);
  AddPlanRoutes(router, app);
  AddPipelineRoutes(router, slot);
  AddStaticRoutes(router, web_dir, app.data_dir() + "/examples");
}

}  // namespace

int RunServe(const Words& words, std::ostream& out, std::ostream& err) {
  FlagSpec spec;
  spec.singles.insert({"host", "port", "web-dir", "max-body-bytes"});
  AddProviderFlags(spec);
  AddExecutorFlags(spec);
  ParsedCommand parsed = ParseCommand(words, spec, kUsage, 0, 0, out, err);
  if (!parsed.args) return parsed.exit_code;
  const CliArgs* args = &*parsed.args;
  auto options = OptionsFrom(*args);
  if (!options.ok()) return ReportError(options.status(), err);
  BlockStopSignals();
  auto app = App::Open(*args, err);
  if (!app.ok()) return ReportError(app.status(), err);
  // Built now so that bad provider or executor flags fail before the server starts.
  auto stack = ExecutionStack::Open(*args, **app);
  if (!stack.ok()) return ReportError(stack.status(), err);
  ExecutorSlot slot((*stack)->clock());
  Router router;
  AddRoutes(router, **app, slot, WebDir(*args));
  // The server starts before the executor: heartbeat URLs need the port actually bound
  // (--port 0). Pipeline routes answer 503 until the executor has recovered.
  auto server = HttpServer::Start(*options, router);
  if (!server.ok()) return ReportError(server.status(), err);
  const std::string url = "http://" + options->host + ":" + std::to_string((*server)->port());
  if (Status s = (*stack)->CreateExecutor(url, err); !s.ok()) {
    (*server)->Stop();
    return ReportError(s, err);
  }
  slot.Set(&(*stack)->executor());
  (*stack)->Start();
  out << "skybroker serving " << url << " (" << (*app)->catalog().Snapshot()->offers().size()
      << " offers, database " << (*app)->db_path() << ")" << std::endl;
  WaitForSignal();
  err << "shutting down\n";
  (*server)->Stop();
  (*stack)->Stop();
  return 0;
}

}  // namespace sky::api
