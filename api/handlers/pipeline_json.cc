#include "api/handlers/pipeline_json.h"

#include <cerrno>
#include <climits>
#include <cstdlib>

#include "api/handlers/data_json.h"
#include "sky/types/civil_time.h"

namespace sky::api {
namespace {

using nlohmann::json;

// Adds `<key>` (ISO text) and `<key>_unix` (seconds); both null when `unix_seconds` is 0, the
// store's "never".
void PutTime(json& j, const std::string& key, double unix_seconds) {
  const bool set = unix_seconds != 0;
  j[key] = set ? json(IsoTime(unix_seconds)) : json(nullptr);
  j[key + "_unix"] = set ? json(unix_seconds) : json(nullptr);
}

json TextOrNull(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

double StagesCost(const broker::PipelineRecord& pipeline) {
  double cost = 0;
  for (const auto& stage : pipeline.stages) cost += stage.cost_usd;
  return cost;
}

size_t StagesSucceeded(const broker::PipelineRecord& pipeline) {
  size_t done = 0;
  for (const auto& stage : pipeline.stages) {
    if (stage.state == broker::StageState::kSucceeded) ++done;
  }
  return done;
}

// An optional number field of a heartbeat; InvalidArgument naming it for another type.
Status ReadFraction(const json& body, const char* field, std::optional<double>& out) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return Status::Ok();
  if (!it->is_number()) return Status::InvalidArgument(std::string(field) + ": must be a number");
  out = it->get<double>();
  return Status::Ok();
}

Status ReadExitCode(const json& body, std::optional<int>& out) {
  auto it = body.find("exit_code");
  if (it == body.end() || it->is_null()) return Status::Ok();
  if (!it->is_number_integer()) return Status::InvalidArgument("exit_code: must be an integer");
  const auto value = it->get<int64_t>();
  if (value < INT_MIN || value > INT_MAX) {
    return Status::InvalidArgument("exit_code: out of range");
  }
  out = static_cast<int>(value);
  return Status::Ok();
}

Status ReadLogTail(const json& body, std::string& out) {
  auto it = body.find("log_tail");
  if (it == body.end() || it->is_null()) return Status::Ok();
  if (!it->is_string()) return Status::InvalidArgument("log_tail: must be a string");
  out = it->get<std::string>();
  return Status::Ok();
}

// A whole number in [min, max] from the query, or `fallback` when the key is absent.
Result<size_t> QueryCount(const std::map<std::string, std::string>& query, const char* key,
                          size_t fallback, size_t min, size_t max) {
  auto it = query.find(key);
  if (it == query.end()) return fallback;
  const std::string& text = it->second;
  char* end = nullptr;
  errno = 0;
  const unsigned long long value = std::strtoull(text.c_str(), &end, 10);
  const bool whole = !text.empty() && text[0] != '-' && *end == '\0' && errno == 0;
  if (!whole || value < min || value > max) {
    return Status::InvalidArgument(std::string(key) + ": '" + text + "' is not a whole number in " +
                                   std::to_string(min) + ".." + std::to_string(max));
  }
  return static_cast<size_t>(value);
}

}  // namespace

std::string IsoTime(double unix_seconds) {
  return FormatIsoUtc(static_cast<int64_t>(unix_seconds));
}

json StageToJson(const broker::StageRecord& s) {
  json j = {{"name", s.name},
            {"state", std::string(broker::Name(s.state))},
            {"attempt", s.attempt},
            {"offer_id", TextOrNull(s.offer_id)},
            {"instance_id", TextOrNull(s.instance_id)},
            {"progress", s.progress},
            {"checkpoint", s.checkpoint},
            {"failures", s.failures},
            {"cost_usd", s.cost_usd},
            {"log_tail", s.log_tail},
            {"checkpoint_uri", TextOrNull(s.checkpoint_uri)},
            {"output_uri", TextOrNull(s.output_uri)}};
  PutTime(j, "last_heartbeat_at", s.last_heartbeat_at);
  return j;
}

json AttemptToJson(const broker::AttemptRecord& a) {
  json j = {{"pipeline_id", a.pipeline_id},
            {"stage", a.stage},
            {"attempt", a.attempt},
            {"offer_id", a.offer_id},
            {"provider", a.provider},
            {"location", a.location},
            {"market", a.market},
            {"price_per_hour", a.price_per_hour},
            {"idempotency_key", a.idempotency_key},
            {"instance_id", TextOrNull(a.instance_id)},
            {"outcome", TextOrNull(a.outcome)},
            {"cost_usd", a.cost_usd}};
  PutTime(j, "requested_at", a.requested_at);
  PutTime(j, "ended_at", a.ended_at);
  return j;
}

json EventToJson(const broker::EventRecord& e) {
  json j = {{"seq", e.seq},
            {"stage", e.stage ? json(*e.stage) : json(nullptr)},
            {"kind", e.kind},
            {"message", e.message}};
  PutTime(j, "at", e.at);
  return j;
}

json PipelineSummaryToJson(const broker::PipelineRecord& p) {
  json j = {{"id", p.id},
            {"tenant", p.tenant},
            {"name", p.name},
            {"state", std::string(broker::Name(p.state))},
            {"stages_total", p.stages.size()},
            {"stages_succeeded", StagesSucceeded(p)},
            {"cost_usd", StagesCost(p)}};
  PutTime(j, "created_at", p.created_at);
  PutTime(j, "updated_at", p.updated_at);
  return j;
}

json PipelineViewToJson(const broker::PipelineView& view) {
  json j = PipelineSummaryToJson(view.record);
  json plan = nullptr;
  if (!view.record.plan_json.empty()) {
    plan = json::parse(view.record.plan_json, nullptr, false);
    if (plan.is_discarded()) plan = nullptr;
  }
  j["plan"] = std::move(plan);
  j["stages"] = json::array();
  for (const auto& stage : view.record.stages) j["stages"].push_back(StageToJson(stage));
  j["attempts"] = json::array();
  for (const auto& attempt : view.attempts) j["attempts"].push_back(AttemptToJson(attempt));
  json data = DataToJson(view, j["plan"]);
  double planned_compute = view.estimated_cost_usd;
  if (j["plan"].is_object() && j["plan"].contains("compute_cost_usd")) {
    planned_compute = j["plan"].value("compute_cost_usd", planned_compute);
  }
  j["cost"] = {{"actual_usd", view.actual_cost_usd + data["egress_usd"].get<double>()},
               {"estimated_usd", view.estimated_cost_usd},
               {"compute_actual_usd", view.actual_cost_usd},
               {"compute_estimated_usd", planned_compute},
               {"egress_actual_usd", data["egress_usd"]},
               {"egress_estimated_usd", data["planned_egress_usd"]}};
  j["data"] = std::move(data);
  return j;
}

Result<broker::HeartbeatReport> ParseHeartbeat(std::string_view body) {
  broker::HeartbeatReport report;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return report;
  const json j = json::parse(body, nullptr, false);
  if (j.is_discarded()) return Status::InvalidArgument("heartbeat body: not valid JSON");
  if (!j.is_object()) return Status::InvalidArgument("heartbeat body: must be a JSON object");
  SKY_RETURN_IF_ERROR(ReadFraction(j, "progress", report.progress));
  SKY_RETURN_IF_ERROR(ReadFraction(j, "checkpoint", report.checkpoint));
  SKY_RETURN_IF_ERROR(ReadExitCode(j, report.exit_code));
  SKY_RETURN_IF_ERROR(ReadLogTail(j, report.log_tail));
  SKY_RETURN_IF_ERROR(ReadHeartbeatData(j, report));
  return report;
}

Result<broker::PipelineFilter> ParsePipelineQuery(const std::map<std::string, std::string>& query,
                                                  const std::string& tenant, size_t default_limit,
                                                  size_t max_limit) {
  broker::PipelineFilter filter;
  filter.tenant = tenant;
  if (auto it = query.find("state"); it != query.end() && !it->second.empty()) {
    auto state = broker::ParsePipelineState(it->second);
    if (!state.ok()) {
      return Status::InvalidArgument("state: unknown pipeline state '" + it->second +
                                     "' (known: submitted, planned, running, succeeded, failed, "
                                     "cancelled)");
    }
    filter.state = *state;
  }
  SKY_ASSIGN_OR_RETURN(filter.limit, QueryCount(query, "limit", default_limit, 1, max_limit));
  SKY_ASSIGN_OR_RETURN(filter.offset, QueryCount(query, "offset", 0, 0, SIZE_MAX / 2));
  return filter;
}

}  // namespace sky::api
