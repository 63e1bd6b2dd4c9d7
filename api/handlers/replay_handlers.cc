// POST /v1/replays: a trace replay (DESIGN.md "Replay") run as an operation, answered 202 with
// the operation to poll; GET /v1/replays/{id}: the replay's report once done. The body:
//   {"pipeline": {spec}, "traces": {"aws:us-east-1:us-east-1a": {spot-traces JSON}, ...},
//    "trace_paths": ["aws-02-15-2023", "aws:us-west-2:us-west-2a=mine.json", ...],
//    "policy": "all" | "greedy_spot" | [names], "start_offsets": N, "restart_minutes": M,
//    "checkpoint_minutes": M, "spot_price": USD, "on_demand_price": USD, "any_zone": bool}
// trace_paths are files or directories under one of the server's trace roots (relative to
// it, or absolute inside it); nothing else on the server's disk can be named. Everything is
// validated (spec, traces, prices) before the 202.
#include <algorithm>
#include <filesystem>

#include "api/handlers/handlers.h"
#include "api/handlers/operation_handlers.h"
#include "api/http/status_http.h"
#include "sky/broker/replay.h"

namespace sky::api {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Bounds the work one request may ask for.
constexpr int kMaxStartOffsets = 1000;

// `path` (maybe LOCATION=path) resolved inside one of `roots`; PermissionDenied outside them.
Result<std::string> ResolveTracePath(const std::string& entry,
                                     const std::vector<std::string>& roots) {
  const size_t eq = entry.find('=');
  const bool named = eq != std::string::npos && entry.find(':') < eq;
  const std::string path = named ? entry.substr(eq + 1) : entry;
  for (const std::string& root : roots) {
    std::error_code ec;
    const fs::path base = fs::weakly_canonical(root, ec);
    if (ec) continue;
    const fs::path full =
        fs::weakly_canonical(fs::path(path).is_absolute() ? fs::path(path) : base / path, ec);
    if (ec) continue;
    const auto [end, rest] = std::mismatch(base.begin(), base.end(), full.begin(), full.end());
    if (end == base.end() && fs::exists(full, ec)) {
      return named ? entry.substr(0, eq + 1) + full.string() : full.string();
    }
  }
  return Status::PermissionDenied("trace_paths: '" + path +
                                  "' is not a trace file or directory under the server's "
                                  "trace directories");
}

Result<std::vector<broker::ReplayTrace>> TracesOf(const json& body,
                                                  const std::vector<std::string>& roots) {
  std::vector<broker::ReplayTrace> traces;
  if (body.contains("traces")) {
    if (!body["traces"].is_object()) {
      return Status::InvalidArgument("traces: expected an object of location: trace");
    }
    for (const auto& [name, value] : body["traces"].items()) {
      broker::ReplayTrace t;
      SKY_ASSIGN_OR_RETURN(t.location, broker::TraceLocation(name));
      auto trace = providers::ParseSpotTrace(value.dump());
      if (!trace.ok()) return trace.status().WithPrefix("traces." + name);
      t.trace = std::move(trace).value();
      t.source = "request";
      traces.push_back(std::move(t));
    }
  }
  if (body.contains("trace_paths")) {
    if (!body["trace_paths"].is_array()) {
      return Status::InvalidArgument("trace_paths: expected an array of paths");
    }
    std::vector<std::string> paths;
    for (const auto& p : body["trace_paths"]) {
      if (!p.is_string()) return Status::InvalidArgument("trace_paths: expected strings");
      SKY_ASSIGN_OR_RETURN(std::string path, ResolveTracePath(p.get<std::string>(), roots));
      paths.push_back(std::move(path));
    }
    if (!paths.empty()) {
      SKY_ASSIGN_OR_RETURN(auto loaded, broker::LoadReplayTraces(paths));
      for (auto& t : loaded) traces.push_back(std::move(t));
    }
  }
  if (traces.empty()) return Status::InvalidArgument("no trace: give traces or trace_paths");
  return traces;
}

Result<std::optional<double>> Number(const json& body, const char* key) {
  if (!body.contains(key) || body[key].is_null()) return std::optional<double>();
  if (!body[key].is_number() || body[key].get<double>() < 0) {
    return Status::InvalidArgument(std::string(key) + ": expected a number >= 0");
  }
  return std::optional<double>(body[key].get<double>());
}

Result<std::vector<broker::ReplayPolicy>> PoliciesOf(const json& body) {
  const json policy = body.value("policy", json("all"));
  if (policy == "all") return broker::AllReplayPolicies();
  std::vector<broker::ReplayPolicy> out;
  for (const json& name : policy.is_array() ? policy : json::array({policy})) {
    if (!name.is_string()) return Status::InvalidArgument("policy: expected names");
    SKY_ASSIGN_OR_RETURN(broker::ReplayPolicy p,
                         broker::ParseReplayPolicy(name.get<std::string>()));
    out.push_back(p);
  }
  if (out.empty()) return Status::InvalidArgument("policy: no policy named");
  return out;
}

Result<broker::ReplayOptions> OptionsOf(const json& body) {
  broker::ReplayOptions options;
  SKY_ASSIGN_OR_RETURN(options.policies, PoliciesOf(body));
  SKY_ASSIGN_OR_RETURN(auto offsets, Number(body, "start_offsets"));
  if (offsets && (*offsets < 1 || *offsets > kMaxStartOffsets)) {
    return Status::InvalidArgument("start_offsets: expected 1 to " +
                                   std::to_string(kMaxStartOffsets));
  }
  options.start_offsets = offsets ? static_cast<int>(*offsets) : 1;
  SKY_ASSIGN_OR_RETURN(options.restart_minutes, Number(body, "restart_minutes"));
  SKY_ASSIGN_OR_RETURN(options.checkpoint_minutes, Number(body, "checkpoint_minutes"));
  options.timelines = true;
  if (body.contains("any_zone")) {
    if (!body["any_zone"].is_boolean()) {
      return Status::InvalidArgument("any_zone: expected a boolean");
    }
    options.any_zone = body["any_zone"].get<bool>();
  }
  return options;
}

// Everything a replay operation needs, checked before it is queued.
struct ReplayRequest {
  planner::PipelineSpec spec;
  std::vector<broker::ReplayTrace> traces;
  std::vector<Offer> offers;
  broker::ReplayOptions options;
};

Result<ReplayRequest> ParseRequest(App& app, const std::string& text,
                                   const std::vector<std::string>& roots) {
  const json body = json::parse(text, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return Status::InvalidArgument("the body must be a JSON object");
  }
  if (!body.contains("pipeline") || !body["pipeline"].is_object()) {
    return Status::InvalidArgument("pipeline: expected the pipeline spec object");
  }
  ReplayRequest r;
  SKY_ASSIGN_OR_RETURN(r.spec, app.plans().ParseSpec(body["pipeline"].dump(), nullptr));
  SKY_ASSIGN_OR_RETURN(r.traces, TracesOf(body, roots));
  SKY_ASSIGN_OR_RETURN(r.options, OptionsOf(body));
  broker::ReplayPrices prices;
  SKY_ASSIGN_OR_RETURN(prices.spot_usd_per_hour, Number(body, "spot_price"));
  SKY_ASSIGN_OR_RETURN(prices.on_demand_usd_per_hour, Number(body, "on_demand_price"));
  prices.catalog = app.catalog().Snapshot()->offers();
  SKY_ASSIGN_OR_RETURN(r.offers, broker::BuildReplayOffers(r.spec, r.traces, prices));
  return r;
}

broker::OperationRunner::Work ReplayWork(App& app, ReplayRequest request) {
  return [&app, request = std::move(request)](broker::Progress& progress) -> Result<std::string> {
    broker::ReplayOptions options = request.options;
    options.on_progress = [&progress](int done, int total) {
      progress.Set(done, total, "runs replayed");
    };
    SKY_ASSIGN_OR_RETURN(broker::ReplayReport report,
                         broker::RunReplay(request.spec, request.traces, request.offers,
                                           app.plans().network(), options));
    return broker::ReplayReportToJson(report);
  };
}

HttpResponse GetReplay(const broker::OperationRunner& runner, const std::string& id,
                       const std::string& tenant) {
  auto view = runner.Get(id, tenant);
  if (view.ok() && view->kind != broker::OperationKind::kReplay) {
    view = Status::NotFound("no replay " + id);
  }
  if (!view.ok()) return JsonReply(view.status());
  if (view->state == broker::OperationState::kFailed) return JsonReply(view->error);
  if (view->state != broker::OperationState::kSucceeded) {
    HttpResponse r = JsonReply(OperationToJson(*view), 202);
    r.headers["Location"] = "/v1/operations/" + id;
    return r;
  }
  HttpResponse r;
  r.body = view->result;
  return r;
}

}  // namespace

void AddReplayRoutes(Router& router, App& app, broker::OperationRunner& runner,
                     std::vector<std::string> trace_roots) {
  router.Add("POST", "/v1/replays",
             [&app, &runner, roots = std::move(trace_roots)](const HttpRequest& req, const auto&) {
               auto request = ParseRequest(app, req.body, roots);
               if (!request.ok()) return JsonReply(request.status());
               const std::string& tenant = req.principal.tenant;
               auto id = runner.Submit(broker::OperationKind::kReplay, tenant,
                                       ReplayWork(app, std::move(request).value()));
               if (!id.ok()) return JsonReply(id.status());
               return AcceptedOperation(runner, *id, tenant);
             });
  router.Add("GET", "/v1/replays/{id}", [&runner](const HttpRequest& req, const auto& params) {
    return GetReplay(runner, params[0], req.principal.tenant);
  });
}

}  // namespace sky::api
