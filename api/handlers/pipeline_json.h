#pragma once
// The REST form of pipelines (DESIGN.md "Execution model"): JSON of the PipelineStore's records
// and the Executor's view, the heartbeat body, and the listing's query parameters. Every time
// appears twice: `<name>` as ISO 8601 UTC text and `<name>_unix` as Unix seconds (both null
// when unset). Pure functions: safe to call from any thread. nlohmann::json stays inside api/.

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "sky/broker/executor.h"
#include "sky/broker/pipeline_store.h"
#include "sky/types/result.h"

namespace sky::api {

// "2023-11-14T22:13:20Z" (whole seconds, UTC).
std::string IsoTime(double unix_seconds);

// {name, state, attempt, offer_id, instance_id, progress, checkpoint, failures, cost_usd,
// log_tail, last_heartbeat_at(_unix)}. The token hash and idempotency key stay private.
nlohmann::json StageToJson(const broker::StageRecord& stage);
// Every field; ended_at and outcome are null while the attempt is live.
nlohmann::json AttemptToJson(const broker::AttemptRecord& attempt);
// {seq, stage|null, kind, message, at, at_unix}.
nlohmann::json EventToJson(const broker::EventRecord& event);
// A listing row: {id, tenant, name, state, created_at(_unix), updated_at(_unix), stages_total,
// stages_succeeded, cost_usd (ended attempts only)}.
nlohmann::json PipelineSummaryToJson(const broker::PipelineRecord& pipeline);
// The full view: the summary's fields plus `plan` (the stored plan, parsed; null before
// planning or if unparseable), `stages`, `attempts` and `cost` {actual_usd, estimated_usd}.
nlohmann::json PipelineViewToJson(const broker::PipelineView& view);

// Parses a heartbeat body {"progress", "checkpoint", "exit_code", "log_tail"} (every field
// optional; null counts as absent; an empty body is an empty report). InvalidArgument naming
// the field for a wrong type (progress/checkpoint numbers, exit_code an integer, log_tail a
// string), for a body that is not a JSON object, or for unparseable JSON.
Result<broker::HeartbeatReport> ParseHeartbeat(std::string_view body);

// The filter of `GET /v1/pipelines?state=&limit=&offset=` for `tenant`. InvalidArgument naming
// an unknown state, or a limit/offset that is not a whole number (limit 1..`max_limit`).
// Default limit: `default_limit`.
Result<broker::PipelineFilter> ParsePipelineQuery(const std::map<std::string, std::string>& query,
                                                  const std::string& tenant,
                                                  size_t default_limit = 50,
                                                  size_t max_limit = 1000);

}  // namespace sky::api
