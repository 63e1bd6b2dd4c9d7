// `skybroker serve`: the REST API and the dashboard, until SIGINT or SIGTERM.
#include <pwd.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <utility>

#include "api/app.h"
#include "api/auth_wiring.h"
#include "api/cli/commands.h"
#include "api/executor_wiring.h"
#include "api/handlers/handlers.h"
#include "api/handlers/local_admin_handlers.h"
#include "api/http/http_server.h"
#include "api/http/server_metrics.h"
#include "api/local_wiring.h"
#include "api/provider_registry.h"
#include "sky/broker/operations.h"
#include "sky/providers/local_provider.h"

#ifndef SKY_DEFAULT_WEB_DIR
#define SKY_DEFAULT_WEB_DIR "web"
#endif
#ifndef SKY_DEFAULT_OPENAPI_FILE
#define SKY_DEFAULT_OPENAPI_FILE "api/http/openapi.json"
#endif

namespace sky::api {
namespace {

constexpr char kSynopsis[] =
    "usage: skybroker serve [FLAGS]\n"
    "Serves the REST API and the dashboard until SIGINT or SIGTERM.\n";

constexpr long kDefaultPlanWaitMs = 2000;

Result<std::chrono::milliseconds> PlanWait(const CliArgs& args) {
  SKY_ASSIGN_OR_RETURN(auto ms, args.GetInt("plan-wait-ms"));
  if (ms && *ms < 0) return Status::InvalidArgument("flag --plan-wait-ms: must not be negative");
  return std::chrono::milliseconds(ms ? *ms : kDefaultPlanWaitMs);
}

// serve's own flags; RunServe adds those of the layers it wires.
FlagSpec ServeFlags() {
  const ServerOptions defaults;
  FlagSpec spec;
  spec.Group("serving")
      .Single("host", "ADDR", "address to listen on", defaults.host)
      .Single("port", "N", "TCP port; 0 picks a free one", std::to_string(defaults.port))
      .Single("web-dir", "DIR", "the dashboard's files",
              "$SKYBROKER_WEB_DIR, else " SKY_DEFAULT_WEB_DIR)
      .Single("max-streams", "N", "event streams (server-sent events) at once; more get 503",
              std::to_string(defaults.max_streams))
      .Single("http-threads", "N", "threads reading requests and running handlers",
              "twice the cores, at least 4")
      .Single("tls-cert", "FILE",
              "serve HTTPS (TLS 1.2+) with this PEM certificate chain (with --tls-key)")
      .Single("tls-key", "FILE", "...and this PEM private key (both or neither)");
  spec.Group("operations (long work answered 202 with GET /v1/operations/{id}; in memory only)")
      .Single("plan-wait-ms", "MS",
              "POST /v1/plans answers at once when solved within MS, else 202 with an "
              "operation (0: always 202)",
              std::to_string(kDefaultPlanWaitMs))
      .Single("trace-dir", "DIR",
              "POST /v1/replays may name trace_paths under DIR, besides <data-dir>/traces");
  return spec;
}

std::string WebDir(const CliArgs& args) {
  if (auto dir = args.Get("web-dir")) return *dir;
  if (const char* env = std::getenv("SKYBROKER_WEB_DIR"); env && *env) return env;
  return SKY_DEFAULT_WEB_DIR;
}

// --max-streams, --http-threads, --tls-cert and --tls-key (both or neither; HttpServer::Start
// reads them).
Status StreamAndTlsOptions(const CliArgs& args, ServerOptions& options) {
  SKY_ASSIGN_OR_RETURN(auto max_streams, args.GetInt("max-streams"));
  if (max_streams && (*max_streams < 0 || *max_streams > 100000)) {
    return Status::InvalidArgument("flag --max-streams: must be between 0 and 100000");
  }
  if (max_streams) options.max_streams = static_cast<int>(*max_streams);
  SKY_ASSIGN_OR_RETURN(auto threads, args.GetInt("http-threads"));
  if (threads && (*threads < 1 || *threads > 1000)) {
    return Status::InvalidArgument("flag --http-threads: must be between 1 and 1000");
  }
  if (threads) options.threads = static_cast<int>(*threads);
  auto cert = args.Get("tls-cert");
  auto key = args.Get("tls-key");
  if (cert.has_value() != key.has_value()) {
    return Status::InvalidArgument(
        "flags --tls-cert and --tls-key go together: give both or neither");
  }
  if (!cert) return Status::Ok();
  for (const auto& [flag, path] : {std::pair{"tls-cert", *cert}, std::pair{"tls-key", *key}}) {
    if (!std::ifstream(path)) {  // before the catalog loads; the server checks the contents
      return Status::InvalidArgument(std::string("flag --") + flag + ": cannot read " + path);
    }
  }
  options.tls_cert_file = *cert;
  options.tls_key_file = *key;
  return Status::Ok();
}

Result<ServerOptions> OptionsFrom(const CliArgs& args) {
  ServerOptions options;
  if (auto host = args.Get("host")) options.host = *host;
  SKY_ASSIGN_OR_RETURN(auto port, args.GetInt("port"));
  if (port && *port > 65535) return Status::InvalidArgument("flag --port: at most 65535");
  if (port) options.port = static_cast<int>(*port);
  SKY_ASSIGN_OR_RETURN(options.limits, LimitsFrom(args));
  options.upload_paths.insert("/v1/catalog/ingest");
  SKY_RETURN_IF_ERROR(StreamAndTlsOptions(args, options));
  return options;
}

// Feeds `metrics` from the planner and the HTTP server, and at scrape time from the catalog
// and the executor; adds GET /metrics. Before anything runs: the solve observer must be set
// while the plan service has a single user.
void WireMetrics(ServerMetrics& metrics, App& app, const ExecutorSlot& slot, Router& router,
                 ServerOptions& options) {
  app.plans().SetSolveObserver([&metrics](double seconds) { metrics.ObserveSolve(seconds); });
  metrics.CollectFrom(app.catalog(), slot);
  AddMetricsRoutes(router, metrics);
  options.on_response = [&metrics, &router](const HttpRequest& req, int status, double seconds) {
    metrics.ObserveRequest(req.method, router.PatternFor(req), status, seconds);
  };
}

MeteredProvider::OnError CountErrorsIn(ServerMetrics& metrics) {
  return
      [&metrics](const std::string& provider, const std::string& operation, const Status& status) {
        metrics.CountProviderError(provider, operation, status);
      };
}

// The local provider among the configured ones, or null.
providers::LocalProvider* LocalOf(const std::vector<providers::Provider*>& configured) {
  for (providers::Provider* provider : configured) {
    if (auto* local = dynamic_cast<providers::LocalProvider*>(provider)) return local;
  }
  return nullptr;
}

// The one line that says what --providers local means: anyone who may submit to it runs
// commands as this user, and who that is. On `err`: the first line of `out` is the "serving" one.
void AnnounceLocal(const providers::LocalProvider& local, bool local_users, std::ostream& err) {
  const uid_t uid = ::geteuid();
  std::string user = std::to_string(uid);
  struct passwd entry;
  struct passwd* found = nullptr;
  char buffer[4096];
  if (::getpwuid_r(uid, &entry, buffer, sizeof buffer, &found) == 0 && found != nullptr) {
    user = std::string(found->pw_name) + " (uid " + std::to_string(uid) + ")";
  }
  err << "local provider: stage commands run as user " << user
      << " on this machine, each in its own process group under " << local.root_dir()
      << "; submitting to it: "
      << (local_users ? "any authenticated user (--local-users)"
                      : "admins only (--local-users: any authenticated user)")
      << "\n";
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

// What the operation routes need besides the App: the runner, its wall clock and the
// configured providers (catalog refresh).
struct OperationWiring {
  broker::OperationRunner& runner;
  const Clock& wall_clock;
  std::vector<providers::Provider*> providers;
  std::chrono::milliseconds plan_wait;
  std::vector<std::string> trace_roots;  // where POST /v1/replays may read traces
};

void AddRoutes(Router& router, App& app, const ExecutorSlot& slot, const OperationWiring& ops,
               const ApiLimits& limits, const std::string& web_dir,
               const LocalSubmitPolicy& local) {
  AddHealthRoutes(router, app, &slot);
  AddCatalogRoutes(router, app, limits);
  AddPlanRoutes(router, app, ops.runner, ops.plan_wait, limits);
  AddOperationRoutes(router, ops.runner);
  AddCatalogAdminRoutes(router, app, ops.runner, ops.providers, ops.wall_clock);
  AddReplayRoutes(router, app, ops.runner, ops.trace_roots);
  AddPipelineRoutes(router, slot, limits, local);
  AddStaticRoutes(router, web_dir, app.data_dir() + "/examples");
  AddOpenApiRoute(router, SKY_DEFAULT_OPENAPI_FILE);
}

}  // namespace

int RunServe(const Words& words, std::ostream& out, std::ostream& err) {
  FlagSpec spec = ServeFlags();
  AddLimitFlags(spec);
  AddAuthFlags(spec);
  AddExecutorFlags(spec);
  AddProviderFlags(spec);
  ParsedCommand parsed = ParseCommand(words, spec, kSynopsis, 0, 0, out, err);
  if (!parsed.args) return parsed.exit_code;
  const CliArgs* args = &*parsed.args;
  auto options = OptionsFrom(*args);
  if (!options.ok()) return ReportError(options.status(), err);
  auto plan_wait = PlanWait(*args);
  if (!plan_wait.ok()) return ReportError(plan_wait.status(), err);
  BlockStopSignals();
  ServerMetrics metrics;  // first: it outlives everything that reports to it
  auto app = App::Open(*args, err);
  if (!app.ok()) return ReportError(app.status(), err);
  // Before the stack: its checks and the planner read the catalog's places.
  if (Status s = ApplyLocalOffers(*args, (*app)->catalog()); !s.ok()) return ReportError(s, err);
  // Built now so that bad provider or executor flags fail before the server starts.
  auto stack = ExecutionStack::Open(*args, **app, CountErrorsIn(metrics));
  if (!stack.ok()) return ReportError(stack.status(), err);
  providers::LocalProvider* local = LocalOf((*stack)->unmetered_providers());
  if (local != nullptr) AnnounceLocal(*local, LocalUsersMaySubmit(*args), err);
  ExecutorSlot slot((*stack)->clock());
  // Operations are stamped with wall time; declared after the App and the stack, so that the
  // runner (which joins running work) goes before what that work uses.
  const WallClock wall_clock;
  broker::OperationRunner runner(wall_clock);
  auto auth = AuthStack::Open(*args, (*app)->db_path(), err);
  if (!auth.ok()) return ReportError(auth.status(), err);
  AuthLayer& router = (*auth)->router();  // the routes behind the auth layer
  WireMetrics(metrics, **app, slot, router, *options);
  options->on_refused = [&router](const HttpRequest& req, const HttpResponse& resp, double s) {
    router.LogRefused(req, resp, s);
  };
  std::vector<std::string> trace_roots = {(*app)->data_dir() + "/traces"};
  if (auto dir = args->Get("trace-dir")) trace_roots.push_back(*dir);
  const OperationWiring ops{runner, wall_clock, (*stack)->unmetered_providers(), *plan_wait,
                            trace_roots};
  AddRoutes(router, **app, slot, ops, options->limits, WebDir(*args),
            {local != nullptr, LocalUsersMaySubmit(*args), &(*app)->catalog()});
  AddLocalAdminRoutes(router, local);
  // The server starts before the executor: heartbeat URLs need the port actually bound
  // (--port 0). Pipeline routes answer 503 until the executor has recovered.
  auto server = HttpServer::Start(*options, router);
  if (!server.ok()) return ReportError(server.status(), err);
  const std::string url = (options->tls_cert_file.empty() ? "http://" : "https://") +
                          options->host + ":" + std::to_string((*server)->port());
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
