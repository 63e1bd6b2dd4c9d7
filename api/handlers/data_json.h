#pragma once
// The data plane's REST form (README "Data"): the heartbeat's data fields and a pipeline's
// transfers with planned and actual egress. Pure functions: safe from any thread.

#include <nlohmann/json.hpp>

#include "sky/broker/executor.h"
#include "sky/types/result.h"

namespace sky::api {

// Reads the data fields of a heartbeat body into `report`: checkpoint_seq (integer >= 1),
// checkpoint_uri (string), transfers (array of {kind: input|restore|checkpoint|output, name,
// uri, bytes: integer >= 0, seconds: number >= 0}), restore_failed (boolean), notes (array of
// strings), outputs_uri and data_error (strings). Absent or null fields are skipped.
// InvalidArgument naming the field (`transfers[2].bytes`) for a wrong type or value.
Status ReadHeartbeatData(const nlohmann::json& body, broker::HeartbeatReport& report);

// {transfers: [{seq, stage, attempt, kind, name, uri, src, dst, bytes, seconds, usd, at,
// at_unix}], bytes_in (input + restore), bytes_out (checkpoint + output + delivery),
// egress_usd, planned_egress_usd (the plan's, 0 before planning)}.
nlohmann::json DataToJson(const broker::PipelineView& view, const nlohmann::json& plan);

}  // namespace sky::api
