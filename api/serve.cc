// `skybroker serve`: the REST API and the dashboard, until SIGINT or SIGTERM.
#include <csignal>
#include <cstdlib>

#include "api/app.h"
#include "api/cli_commands.h"
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
    "         [--providers sim,aws,gcp,lambda,runpod] [provider endpoint flags, see refresh]\n";

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

// Blocks until SIGINT or SIGTERM arrives.
void WaitForSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int sig = 0;
  sigwait(&set, &sig);
}

}  // namespace

int RunServe(const Words& words, std::ostream& out, std::ostream& err) {
  FlagSpec spec;
  spec.singles.insert({"host", "port", "web-dir", "max-body-bytes"});
  AddProviderFlags(spec);
  ParsedCommand parsed = ParseCommand(words, spec, kUsage, 0, 0, out, err);
  if (!parsed.args) return parsed.exit_code;
  const CliArgs* args = &*parsed.args;
  auto options = OptionsFrom(*args);
  if (!options.ok()) return ReportError(options.status(), err);
  // Block the stop signals before any thread starts, so that only sigwait sees them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  auto app = App::Open(*args, err);
  if (!app.ok()) return ReportError(app.status(), err);
  // Built now so that bad provider flags fail at start; kept alive for the executor.
  auto registry = ProviderRegistry::FromArgs(*args, (*app)->catalog());
  if (!registry.ok()) return ReportError(registry.status(), err);
  Router router;
  AddHealthRoutes(router, **app);
  AddCatalogRoutes(router, **app);
  AddPlanRoutes(router, **app);
  AddStaticRoutes(router, WebDir(*args), (*app)->data_dir() + "/examples");
  auto server = HttpServer::Start(*options, router);
  if (!server.ok()) return ReportError(server.status(), err);
  out << "skybroker serving http://" << options->host << ":" << (*server)->port() << " ("
      << (*app)->catalog().Snapshot()->offers().size() << " offers, database "
      << (*app)->db_path() << ")" << std::endl;
  WaitForSignal();
  err << "shutting down\n";
  (*server)->Stop();
  return 0;
}

}  // namespace sky::api
