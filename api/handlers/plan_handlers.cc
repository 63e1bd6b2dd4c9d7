// POST /v1/plans: a dry-run plan of a pipeline spec (`?frontier=true` for the frontier). The
// solve runs as a "plan" operation; a plan done within the wait bound is answered at once
// (200), a longer one with 202 and the operation to poll (DESIGN.md "Security").
#include "api/handlers/handlers.h"
#include "api/handlers/operation_handlers.h"
#include "api/http/status_http.h"

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

// The solve, as JSON text: the plan, or {"frontier": [plans]}.
broker::OperationRunner::Work SolveWork(const broker::PlanService& plans,
                                        planner::PipelineSpec spec, bool frontier) {
  return [&plans, spec = std::move(spec),
          frontier](broker::Progress& progress) -> Result<std::string> {
    progress.Set(0, 1, frontier ? "solving the frontier" : "solving");
    planner::PlannerOptions options;
    if (frontier) {
      SKY_ASSIGN_OR_RETURN(auto all, plans.Frontier(spec, options));
      progress.Set(1, 1, "solved");
      return "{\"frontier\":" + planner::PlansToJson(all) + "}";
    }
    SKY_ASSIGN_OR_RETURN(auto plan, plans.Plan(spec, options));
    progress.Set(1, 1, "solved");
    return planner::PlanToJson(plan);
  };
}

HttpResponse PostPlan(App& app, broker::OperationRunner& runner, std::chrono::milliseconds wait,
                      const HttpRequest& request) {
  std::vector<planner::SpecIssue> issues;
  auto spec = app.plans().ParseSpec(request.body, &issues);
  if (!spec.ok()) return InvalidSpec(spec.status(), issues);
  auto frontier = request.query.find("frontier");
  const bool want_frontier = frontier != request.query.end() && frontier->second == "true";
  const std::string& tenant = request.principal.tenant;
  auto id = runner.Submit(broker::OperationKind::kPlan, tenant,
                          SolveWork(app.plans(), std::move(spec).value(), want_frontier));
  if (!id.ok()) return JsonReply(id.status());
  if (wait.count() > 0) {
    auto view = runner.Wait(*id, tenant, wait);
    if (!view.ok()) return JsonReply(view.status());
    if (view->state == broker::OperationState::kSucceeded) return RawJson(view->result);
    if (view->state == broker::OperationState::kFailed) return JsonReply(view->error);
  }
  return AcceptedOperation(runner, *id, tenant);
}

}  // namespace

void AddPlanRoutes(Router& router, App& app, broker::OperationRunner& runner,
                   std::chrono::milliseconds wait, const ApiLimits& limits) {
  const size_t max_stages = limits.max_stages;
  router.Add("POST", "/v1/plans",
             [&app, &runner, wait, max_stages](const HttpRequest& req, const auto&) {
               // Before the spec is parsed: its size bounds the solver's work.
               const LimitViolation over = CheckStageCount(req.body, max_stages);
               return over.ok ? PostPlan(app, runner, wait, req) : ViolationReply(over);
             });
}

}  // namespace sky::api
