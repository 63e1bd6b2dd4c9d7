// GET /v1/operations/{id}: long work (plans past the wait bound, catalog ingest and refresh)
// polled by the client that started it; another tenant's operation is not found.
#include "api/handlers/operation_handlers.h"

#include "api/handlers/handlers.h"
#include "api/handlers/pipeline_json.h"
#include "api/http/status_http.h"

namespace sky::api {
namespace {

void PutTime(nlohmann::json& j, const std::string& key, const std::optional<double>& unix) {
  j[key] = unix ? nlohmann::json(IsoTime(*unix)) : nlohmann::json(nullptr);
  j[key + "_unix"] = unix ? nlohmann::json(*unix) : nlohmann::json(nullptr);
}

nlohmann::json ResultJson(const broker::OperationView& view) {
  if (view.state != broker::OperationState::kSucceeded) return nullptr;
  nlohmann::json parsed = nlohmann::json::parse(view.result, nullptr, false);
  // Work returns JSON text; anything else is kept as a string rather than lost.
  return parsed.is_discarded() ? nlohmann::json(view.result) : parsed;
}

}  // namespace

nlohmann::json OperationToJson(const broker::OperationView& view) {
  nlohmann::json j = {{"id", view.id},
                      {"kind", std::string(broker::Name(view.kind))},
                      {"state", std::string(broker::Name(view.state))},
                      {"progress",
                       {{"done", view.progress.done},
                        {"total", view.progress.total},
                        {"message", view.progress.message}}},
                      {"result", ResultJson(view)}};
  j["error"] = view.error.ok() ? nlohmann::json(nullptr) : ErrorBody(view.error)["error"];
  PutTime(j, "created_at", view.created_at);
  PutTime(j, "finished_at", view.finished_at);
  return j;
}

HttpResponse AcceptedOperation(const broker::OperationRunner& runner, const std::string& id,
                               const std::string& tenant) {
  auto view = runner.Get(id, tenant);
  if (!view.ok()) return JsonReply(view.status());
  HttpResponse r = JsonReply(OperationToJson(*view), 202);
  r.headers["Location"] = "/v1/operations/" + id;
  return r;
}

void AddOperationRoutes(Router& router, const broker::OperationRunner& runner) {
  router.Add("GET", "/v1/operations/{id}", [&runner](const HttpRequest& req, const auto& params) {
    auto view = runner.Get(params[0], req.principal.tenant);
    if (!view.ok()) return JsonReply(view.status());
    return JsonReply(OperationToJson(*view));
  });
}

}  // namespace sky::api
