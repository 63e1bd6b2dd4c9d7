// `skybroker serve`: the REST API and the dashboard, until SIGINT or SIGTERM.
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <utility>

#include "api/app.h"
#include "api/auth_wiring.h"
#include "api/cli/commands.h"
#include "api/executor_wiring.h"
#include "api/handlers/handlers.h"
#include "api/http/http_server.h"
#include "api/provider_registry.h"
#include "api/http/server_metrics.h"
#include "sky/broker/operations.h"

#ifndef SKY_DEFAULT_WEB_DIR
#define SKY_DEFAULT_WEB_DIR "web"
#endif
#ifndef SKY_DEFAULT_OPENAPI_FILE
#define SKY_DEFAULT_OPENAPI_FILE "api/http/openapi.json"
#endif

namespace sky::api {
namespace {

constexpr char kUsage[] =
    "usage: skybroker serve [--host 127.0.0.1] [--port 8080] [--web-dir DIR]\n"
    "         [input limits, see below] [--plan-wait-ms MS]\n"
    "         [--max-streams N] [--http-threads N] [--tls-cert FILE --tls-key FILE]\n"
    "         [--db PATH] [--catalog PATH...]\n"
    "         [--providers sim,aws,gcp,lambda,runpod] [provider endpoint flags, see refresh]\n"
    "serving:\n"
    "  --max-streams N          event streams (server-sent events) at once; more get 503\n"
    "                           (default 64)\n"
    "  --http-threads N         threads reading requests and running handlers (default:\n"
    "                           twice the cores, at least 4)\n"
    "  --tls-cert FILE          serve HTTPS (TLS 1.2+) with this PEM certificate chain...\n"
    "  --tls-key FILE           ...and this PEM private key (both or neither)\n"
    "input limits (each error names the limit, its value and its flag):\n"
    "  --max-body-bytes N       largest request body; more gets 413 (default 4194304)\n"
    "  --max-upload-bytes N     largest POST /v1/catalog/ingest body; more gets 413\n"
    "                           (default 67108864)\n"
    "  --max-query-bytes N      longest query string; more gets 414 (default 8192)\n"
    "  --max-json-depth N       deepest nesting of a JSON body; more gets 400 (default 32)\n"
    "  --max-stages N           most stages in a pipeline spec; more gets 400 (default 100)\n"
    "  --max-offers-per-page N  largest GET /v1/offers limit; more gets 400 (default 1000)\n"
    "auth (see `skybroker token --help`):\n"
    "  --auth on|off            require API tokens (default on; with no token in the database,\n"
    "                           serve writes an admin token to admin-token beside it)\n"
    "  --public-catalog         catalog reads (offers, accelerators) need no token\n"
    "  --rate-limit N           requests per second per token or client address, bursts of 2N;\n"
    "                           more get 429 (default 0: no limit)\n"
    "  --access-log PATH|-|off  one JSON line per request (default -: stderr)\n"
    "pipeline execution:\n"
    "  --poll-seconds S         describe interval of a live instance (default 30)\n"
    "  --clock-speed X          run time X times faster than the wall clock (default 1)\n"
    "  --clock-origin UNIX      where scaled time starts (default: now; a fixed value keeps\n"
    "                           time consistent across restarts)\n"
    "  --deployment NAME        tag value of this broker's instances (default \"default\")\n"
    "  --max-stage-failures N   non-zero exits of a stage before its pipeline fails (default 3)\n"
    "  --executor-threads N     executor worker threads (default 2)\n"
    "  --market-policy NAME     spot/on-demand choice: planner (default), broker,\n"
    "                           uniform_progress, greedy_spot, on_demand (see Replay)\n"
    "operations (long work answered 202 with GET /v1/operations/{id}; in memory only):\n"
    "  --plan-wait-ms MS        POST /v1/plans answers at once when solved within MS,\n"
    "                           else 202 with an operation (default 2000; 0: always 202)\n"
    "  --trace-dir DIR          POST /v1/replays may name trace_paths under DIR, besides\n"
    "                           <data-dir>/traces\n"
    "simulated cloud (--providers sim):\n"
    "  --sim-state FILE         keep the sim's instances in FILE across restarts\n"
    "  --sim-boot-seconds S     launch to running (default 60)\n"
    "  --sim-preemption-rate R  spot preemptions per hour (default 0)\n"
    "  --sim-api-latency S      delay added to every sim call (default 0)\n"
    "  --sim-seed N             the sim's random seed (default 1)\n"
    "  --sim-error-rate F       fraction of sim API calls failing with a 5xx (default 0)\n"
    "  --sim-timeout-rate F     fraction of calls timing out; a launch or terminate may have\n"
    "                           acted all the same (default 0)\n"
    "  --sim-timeout-seconds S  real seconds a timed-out call takes (default 1)\n"
    "  --sim-throttle-every S   a throttling burst every S clock seconds (default 0: none)...\n"
    "  --sim-throttle-seconds S ...during which every call is throttled (default 0)\n";

constexpr long kDefaultPlanWaitMs = 2000;

Result<std::chrono::milliseconds> PlanWait(const CliArgs& args) {
  SKY_ASSIGN_OR_RETURN(auto ms, args.GetInt("plan-wait-ms"));
  if (ms && *ms < 0) return Status::InvalidArgument("flag --plan-wait-ms: must not be negative");
  return std::chrono::milliseconds(ms ? *ms : kDefaultPlanWaitMs);
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
  return [&metrics](const std::string& provider, const std::string& operation,
                    const Status& status) {
    metrics.CountProviderError(provider, operation, status);
  };
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
               const ApiLimits& limits, const std::string& web_dir) {
  AddHealthRoutes(router, app, &slot);
  AddCatalogRoutes(router, app, limits);
  AddPlanRoutes(router, app, ops.runner, ops.plan_wait, limits);
  AddOperationRoutes(router, ops.runner);
  AddCatalogAdminRoutes(router, app, ops.runner, ops.providers, ops.wall_clock);
  AddReplayRoutes(router, app, ops.runner, ops.trace_roots);
  AddPipelineRoutes(router, slot, limits);
  AddStaticRoutes(router, web_dir, app.data_dir() + "/examples");
  AddOpenApiRoute(router, SKY_DEFAULT_OPENAPI_FILE);
}

}  // namespace

int RunServe(const Words& words, std::ostream& out, std::ostream& err) {
  FlagSpec spec;
  spec.singles.insert({"host", "port", "web-dir", "plan-wait-ms"});
  AddLimitFlags(spec);
  spec.singles.insert("trace-dir");
  spec.singles.insert({"max-streams", "tls-cert", "tls-key", "http-threads"});
  AddProviderFlags(spec);
  AddExecutorFlags(spec);
  AddAuthFlags(spec);
  ParsedCommand parsed = ParseCommand(words, spec, kUsage, 0, 0, out, err);
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
  // Built now so that bad provider or executor flags fail before the server starts.
  auto stack = ExecutionStack::Open(*args, **app, CountErrorsIn(metrics));
  if (!stack.ok()) return ReportError(stack.status(), err);
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
  AddRoutes(router, **app, slot, ops, options->limits, WebDir(*args));
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
