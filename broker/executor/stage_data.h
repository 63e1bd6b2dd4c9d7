#pragma once
// The pure part of the executor's data plane (README "Data"): what a stage attempt's startup
// script is told to move, and what a transfer it reports costs. Pure functions; thread-safe.

#include <cstdint>
#include <string>

#include "broker/executor/startup_script.h"
#include "sky/broker/data_plane.h"
#include "sky/broker/executor.h"
#include "sky/broker/pipeline_records.h"
#include "sky/planner/network.h"
#include "sky/planner/spec.h"
#include "sky/types/offer.h"
#include "sky/types/result.h"

namespace sky::broker {

// What attempt `attempt` of `stage` on `offer` copies: the pipeline inputs it reads that have a
// `uri`, every predecessor's stored outputs, its output and checkpoint places under the storage
// prefix of the offer's place, the stage's last complete checkpoint to restore; the credentials
// URL when `data` has broker credentials, else instance-identity remotes per scheme.
// FailedPrecondition when the offer's place has no storage route.
Result<ScriptData> ScriptDataFor(const DataPlaneOptions& data, const std::string& heartbeat_base,
                                 const PipelineRecord& record, const planner::PipelineSpec& spec,
                                 const StageRecord& stage, int64_t attempt, const Offer& offer);

// The place an input named `name` is stored in: a pipeline input's `location`, or the place of
// a predecessor's stored outputs; "" when unknown.
std::string LocationOfInput(const PipelineRecord& record, const planner::PipelineSpec& spec,
                            const std::string& name);

// bytes x the $/GB (10^9 bytes) of the link from `src` to `dst` (the spec's overrides first);
// 0 when either place is unknown.
double TransferUsd(const planner::NetworkModel& network, const planner::PipelineSpec& spec,
                   const std::string& src, const std::string& dst, int64_t bytes);

// A reported transfer of the current attempt of `stage`, running in `here`, with its places and
// price: inputs come from their place, a restore from the place that stored the checkpoint,
// checkpoints and outputs go into the storage of `here`.
TransferRecord PriceTransfer(const planner::NetworkModel& network, const PipelineRecord& record,
                             const planner::PipelineSpec& spec, const StageRecord& stage,
                             const std::string& here, const TransferReport& report, double now);

}  // namespace sky::broker
