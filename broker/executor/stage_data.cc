// What a stage attempt's script moves and what its transfers cost (stage_data.h).
#include "broker/executor/stage_data.h"

#include <map>

#include "sky/types/object_uri.h"

namespace sky::broker {
namespace {

// Transfers are priced per GB of 10^9 bytes, the unit of the planner's `size_gb`/`output_gb`.
constexpr double kBytesPerGb = 1e9;

// The rclone remotes of each scheme when the broker hands out no credentials for it: the
// instance's own identity (an instance profile, a service account, a managed identity).
const std::map<std::string, std::map<std::string, std::string>>& IdentityRemotes() {
  static const auto* remotes = new std::map<std::string, std::map<std::string, std::string>>{
      {"S3", {{"TYPE", "s3"}, {"PROVIDER", "AWS"}, {"ENV_AUTH", "true"}}},
      {"GS", {{"TYPE", "google cloud storage"}, {"ENV_AUTH", "true"}}},
      {"AZ", {{"TYPE", "azureblob"}, {"ENV_AUTH", "true"}}},
  };
  return *remotes;
}

ScriptLocation Located(const std::string& uri) {
  auto parsed = ParseObjectUri(uri);
  return ScriptLocation{uri, parsed.ok() ? RcloneRemotePath(*parsed) : ""};
}

const planner::StageSpec* StageOf(const planner::PipelineSpec& spec, const std::string& name) {
  for (const planner::StageSpec& s : spec.stages) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

// Every input of `stage`: pipeline inputs it reads that have a uri, predecessors' outputs.
std::vector<ScriptInput> InputsOf(const PipelineRecord& record, const planner::PipelineSpec& spec,
                                  const planner::StageSpec& stage) {
  std::vector<ScriptInput> inputs;
  for (const std::string& name : stage.reads) {
    for (const planner::InputSpec& input : spec.inputs) {
      if (input.name == name && !input.uri.empty()) inputs.push_back({name, Located(input.uri)});
    }
  }
  for (const std::string& pred : stage.after) {
    for (const StageRecord& s : record.stages) {
      if (s.name == pred && !s.output_uri.empty()) inputs.push_back({pred, Located(s.output_uri)});
    }
  }
  return inputs;
}

}  // namespace

Result<ScriptData> ScriptDataFor(const DataPlaneOptions& data, const std::string& heartbeat_base,
                                 const PipelineRecord& record, const planner::PipelineSpec& spec,
                                 const StageRecord& stage, int64_t attempt, const Offer& offer) {
  std::optional<std::string> prefix = data.storage.PrefixFor(offer.location_id());
  if (!prefix) {
    return Status::FailedPrecondition("no object storage for " + offer.location_id() +
                                      " in the --storage map");
  }
  const planner::StageSpec* stage_spec = StageOf(spec, stage.name);
  if (!stage_spec) return Status::NotFound("the spec has no stage '" + stage.name + "'");
  ScriptData out;
  out.inputs = InputsOf(record, spec, *stage_spec);
  out.output = Located(AttemptOutputUri(*prefix, record.id, stage.name, attempt));
  out.checkpoints = Located(AttemptCheckpointsUri(*prefix, record.id, stage.name, attempt));
  if (!stage.checkpoint_uri.empty()) out.restore = Located(stage.checkpoint_uri);
  if (!data.rclone_env.empty()) {
    out.credentials_url = heartbeat_base + "/v1/pipelines/" + record.id + "/stages/" + stage.name +
                          "/storage-credentials";
  }
  for (const auto& [remote, keys] : IdentityRemotes()) {
    const std::string base = "RCLONE_CONFIG_" + remote + "_";
    if (data.rclone_env.count(base + "TYPE")) continue;
    for (const auto& [key, value] : keys) out.identity_remotes[base + key] = value;
  }
  return out;
}

std::string LocationOfInput(const PipelineRecord& record, const planner::PipelineSpec& spec,
                            const std::string& name) {
  for (const planner::InputSpec& input : spec.inputs) {
    if (input.name == name) return input.location;
  }
  for (const StageRecord& s : record.stages) {
    if (s.name == name) return s.output_location;
  }
  return "";
}

double TransferUsd(const planner::NetworkModel& network, const planner::PipelineSpec& spec,
                   const std::string& src, const std::string& dst, int64_t bytes) {
  if (src.empty() || dst.empty() || bytes <= 0) return 0;
  const planner::LinkCost link =
      network.Link(planner::RegionOf(src), planner::RegionOf(dst), spec.network);
  return static_cast<double>(bytes) / kBytesPerGb * link.usd_per_gb;
}

TransferRecord PriceTransfer(const planner::NetworkModel& network, const PipelineRecord& record,
                             const planner::PipelineSpec& spec, const StageRecord& stage,
                             const std::string& here, const TransferReport& report, double now) {
  TransferRecord t;
  t.pipeline_id = record.id;
  t.stage = stage.name;
  t.attempt = stage.attempt;
  t.kind = report.kind;
  t.name = report.name;
  t.uri = report.uri;
  t.bytes = report.bytes;
  t.seconds = report.seconds;
  t.at = now;
  t.dst = here;
  if (report.kind == "input") {
    t.src = LocationOfInput(record, spec, report.name);
  } else if (report.kind == "restore") {
    t.src = stage.checkpoint_location;
  } else {  // checkpoint, output: into the storage of the place it runs in
    t.src = here;
  }
  t.usd = TransferUsd(network, spec, t.src, t.dst, t.bytes);
  return t;
}

}  // namespace sky::broker
