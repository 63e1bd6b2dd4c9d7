// POST /v1/plans: a dry-run plan of a pipeline spec (`?frontier=true` for the frontier).
#include "api/handlers.h"
#include "api/status_http.h"

namespace sky::api {
namespace {

HttpResponse InvalidSpec(const Status& status, const std::vector<planner::SpecIssue>& issues) {
  nlohmann::json details = nlohmann::json::array();
  for (const auto& issue : issues) {
    details.push_back({{"path", issue.path}, {"message", issue.message}});
  }
  HttpResponse r;
  r.status = 400;
  r.body = ErrorBody(status, details).dump();
  return r;
}

HttpResponse RawJson(std::string body) {
  HttpResponse r;
  r.body = std::move(body);
  return r;
}

HttpResponse PostPlan(App& app, const HttpRequest& request) {
  std::vector<planner::SpecIssue> issues;
  auto spec = app.plans().ParseSpec(request.body, &issues);
  if (!spec.ok()) return InvalidSpec(spec.status(), issues);
  planner::PlannerOptions options;
  auto frontier = request.query.find("frontier");
  if (frontier != request.query.end() && frontier->second == "true") {
    auto plans = app.plans().Frontier(*spec, options);
    if (!plans.ok()) return JsonReply(plans.status());
    return RawJson("{\"frontier\":" + planner::PlansToJson(*plans) + "}");
  }
  auto plan = app.plans().Plan(*spec, options);
  if (!plan.ok()) return JsonReply(plan.status());
  return RawJson(planner::PlanToJson(*plan));
}

}  // namespace

void AddPlanRoutes(Router& router, App& app) {
  router.Add("POST", "/v1/plans", [&app](const HttpRequest& req, const auto&) {
    return PostPlan(app, req);
  });
}

}  // namespace sky::api
