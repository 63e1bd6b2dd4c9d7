// /v1/pipelines: submit, list, get, cancel, events and stage heartbeats, over the Executor.
#include <strings.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "api/handlers/handlers.h"
#include "api/handlers/pipeline_json.h"
#include "api/http/event_stream.h"
#include "api/http/status_http.h"
#include "sky/broker/executor.h"

namespace sky::api {
namespace {

using nlohmann::json;

// The tenant a request acts for, as the auth layer established it.
std::string TenantOf(const HttpRequest& req) { return req.principal.tenant; }

HttpResponse InvalidSpec(const Status& status, const std::vector<planner::SpecIssue>& issues) {
  json details = json::array();
  for (const auto& issue : issues) {
    details.push_back({{"path", issue.path}, {"message", issue.message}});
  }
  HttpResponse r;
  r.status = HttpStatusFor(status);
  r.body = ErrorBody(status, details).dump();
  return r;
}

// The pipeline's record when `tenant` owns it. Another tenant's pipeline is NotFound, so that
// ids do not leak across tenants.
Result<broker::PipelineRecord> OwnedPipeline(broker::Executor& ex, const std::string& id,
                                             const std::string& tenant) {
  auto record = ex.store().GetPipeline(id);
  if (record.ok() && record->tenant != tenant) {
    return Status::NotFound("no pipeline " + id);
  }
  return record;
}

// The server's time, so that clients price live attempts and compute ages on the executor's
// clock (which may run faster than theirs).
void PutNow(json& j, const Clock& clock) {
  const double now = clock.NowSeconds();
  j["now"] = IsoTime(now);
  j["now_unix"] = now;
}

Result<json> View(broker::Executor& ex, const Clock& clock, const std::string& id) {
  SKY_ASSIGN_OR_RETURN(auto view, ex.Get(id));
  json j = PipelineViewToJson(view);
  PutNow(j, clock);
  return j;
}

HttpResponse Submit(broker::Executor& ex, const HttpRequest& req, const LocalSubmitPolicy& local) {
  auto spec = ApplyLocalSubmitPolicy(local, req.principal, req.body);
  if (!spec.ok()) return JsonReply(spec.status());
  std::vector<planner::SpecIssue> issues;
  auto id = ex.Submit(TenantOf(req), *spec, &issues);
  if (!id.ok()) return InvalidSpec(id.status(), issues);
  auto record = ex.store().GetPipeline(*id);
  const std::string state =
      record.ok() ? std::string(broker::Name(record->state)) : std::string("submitted");
  const std::string location = "/v1/pipelines/" + *id;
  HttpResponse r = JsonReply(json{{"id", *id}, {"state", state}, {"location", location}}, 202);
  r.headers["Location"] = location;
  return r;
}

Result<json> List(broker::Executor& ex, const Clock& clock, const HttpRequest& req) {
  SKY_ASSIGN_OR_RETURN(auto filter, ParsePipelineQuery(req.query, TenantOf(req)));
  // One row more than asked says whether another page exists.
  const size_t limit = filter.limit;
  filter.limit = limit + 1;
  SKY_ASSIGN_OR_RETURN(auto rows, ex.store().ListPipelines(filter));
  const bool more = rows.size() > limit;
  if (more) rows.resize(limit);
  json list = json::array();
  for (const auto& row : rows) list.push_back(PipelineSummaryToJson(row));
  json j = {{"pipelines", list},
            {"next_offset", more ? json(filter.offset + limit) : json(nullptr)}};
  PutNow(j, clock);
  return j;
}

Result<json> Get(broker::Executor& ex, const Clock& clock, const std::string& id,
                 const HttpRequest& req) {
  SKY_RETURN_IF_ERROR(OwnedPipeline(ex, id, TenantOf(req)));
  return View(ex, clock, id);
}

Result<json> Cancel(broker::Executor& ex, const Clock& clock, const std::string& id,
                    const HttpRequest& req) {
  const std::string tenant = TenantOf(req);
  SKY_RETURN_IF_ERROR(OwnedPipeline(ex, id, tenant));
  SKY_RETURN_IF_ERROR(ex.Cancel(id, "cancelled through the API by tenant " + tenant));
  return View(ex, clock, id);
}

Result<int64_t> AfterSeq(const HttpRequest& req) {
  auto it = req.query.find("after");
  if (it == req.query.end() || it->second.empty()) return int64_t{0};
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(it->second.c_str(), &end, 10);
  if (*end != '\0' || errno != 0 || value < 0) {
    return Status::InvalidArgument("after: '" + it->second + "' is not a sequence number");
  }
  return static_cast<int64_t>(value);
}

Result<json> Events(broker::Executor& ex, const std::string& id, const HttpRequest& req) {
  SKY_ASSIGN_OR_RETURN(const int64_t after, AfterSeq(req));
  SKY_RETURN_IF_ERROR(OwnedPipeline(ex, id, TenantOf(req)));
  SKY_ASSIGN_OR_RETURN(auto events, ex.Events(id, after));
  json list = json::array();
  int64_t last = after;
  for (const auto& event : events) {
    list.push_back(EventToJson(event));
    last = std::max(last, event.seq);
  }
  return json{{"events", list}, {"last_seq", last}};
}

// The events as server-sent events while the pipeline runs (event_stream.h).
HttpResponse StreamEvents(broker::Executor& ex, const std::string& id, const HttpRequest& req) {
  auto after = ResumeAfter(req);
  if (!after.ok()) return JsonReply(after.status());
  if (auto owned = OwnedPipeline(ex, id, TenantOf(req)); !owned.ok()) {
    return JsonReply(owned.status());
  }
  return EventStreamResponse(ex, id, *after);
}

// The token of "Authorization: Bearer <token>"; Unauthenticated when there is none.
Result<std::string> BearerToken(const HttpRequest& req) {
  auto it = req.headers.find("authorization");
  constexpr size_t kPrefix = 7;  // "Bearer "
  if (it == req.headers.end() || it->second.size() <= kPrefix ||
      strncasecmp(it->second.c_str(), "bearer ", kPrefix) != 0) {
    return Status::Unauthenticated("missing 'Authorization: Bearer <stage token>'");
  }
  return it->second.substr(kPrefix);
}

HttpResponse Heartbeat(broker::Executor& ex, const std::vector<std::string>& params,
                       const HttpRequest& req) {
  auto token = BearerToken(req);
  if (!token.ok()) return JsonReply(token.status());
  auto report = ParseHeartbeat(req.body);
  if (!report.ok()) return JsonReply(report.status());
  Status status = ex.Heartbeat(params[0], params[1], *token, *report);
  if (!status.ok()) return JsonReply(status);
  HttpResponse r;
  r.status = 204;
  return r;
}

// The storage credentials of a stage attempt's instance, for its startup script to evaluate
// (README "Data"): text/plain, never cached, never logged.
HttpResponse StorageCredentials(broker::Executor& ex, const std::vector<std::string>& params,
                                const HttpRequest& req) {
  auto token = BearerToken(req);
  if (!token.ok()) return JsonReply(token.status());
  auto text = ex.StorageCredentials(params[0], params[1], *token);
  if (!text.ok()) return JsonReply(text.status());
  HttpResponse r;
  r.status = 200;
  r.content_type = "text/plain; charset=utf-8";
  r.headers["Cache-Control"] = "no-store";
  r.body = std::move(*text);
  return r;
}

// Wraps a handler so that it answers 503 until the executor is set.
Handler WithExecutor(const ExecutorSlot& slot,
                     std::function<HttpResponse(broker::Executor&, const HttpRequest&,
                                                const std::vector<std::string>&)>
                         body) {
  return [&slot, body = std::move(body)](const HttpRequest& req,
                                         const std::vector<std::string>& params) {
    broker::Executor* ex = slot.Get();
    if (ex == nullptr) return JsonReply(Status::Unavailable("the broker is still recovering"));
    return body(*ex, req, params);
  };
}

}  // namespace

void AddPipelineRoutes(Router& router, const ExecutorSlot& slot, const ApiLimits& limits,
                       const LocalSubmitPolicy& local) {
  using Params = std::vector<std::string>;
  const size_t max_stages = limits.max_stages;
  router.Add("POST", "/v1/pipelines",
             WithExecutor(slot, [max_stages, local](broker::Executor& ex, const HttpRequest& req,
                                                    const Params&) {
               // Before the spec is parsed and stored: its size bounds the planner's work.
               const LimitViolation over = CheckStageCount(req.body, max_stages);
               return over.ok ? Submit(ex, req, local) : ViolationReply(over);
             }));
  const Clock* clock = &slot.clock();
  router.Add(
      "GET", "/v1/pipelines",
      WithExecutor(slot, [clock](broker::Executor& ex, const HttpRequest& req, const Params&) {
        return JsonReply(List(ex, *clock, req));
      }));
  router.Add(
      "GET", "/v1/pipelines/{id}",
      WithExecutor(slot, [clock](broker::Executor& ex, const HttpRequest& req, const Params& p) {
        return JsonReply(Get(ex, *clock, p[0], req));
      }));
  router.Add(
      "DELETE", "/v1/pipelines/{id}",
      WithExecutor(slot, [clock](broker::Executor& ex, const HttpRequest& req, const Params& p) {
        return JsonReply(Cancel(ex, *clock, p[0], req));
      }));
  router.Add("GET", "/v1/pipelines/{id}/events",
             WithExecutor(slot, [](broker::Executor& ex, const HttpRequest& req, const Params& p) {
               if (WantsEventStream(req)) return StreamEvents(ex, p[0], req);
               return JsonReply(Events(ex, p[0], req));
             }));
  router.Add("POST", "/v1/pipelines/{id}/stages/{stage}/heartbeat",
             WithExecutor(slot, [](broker::Executor& ex, const HttpRequest& req, const Params& p) {
               return Heartbeat(ex, p, req);
             }));
  router.Add("GET", "/v1/pipelines/{id}/stages/{stage}/storage-credentials",
             WithExecutor(slot, [](broker::Executor& ex, const HttpRequest& req, const Params& p) {
               return StorageCredentials(ex, p, req);
             }));
}

}  // namespace sky::api
