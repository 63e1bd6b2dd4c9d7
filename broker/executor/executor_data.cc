// The data plane in the executor (README "Data"): what an attempt's startup script copies, what
// its reports say moved and what that cost, the broker's own deliveries, and clean-up.
#include <cstdio>
#include <set>

#include "broker/data/rclone.h"
#include "broker/executor/executor_impl.h"
#include "broker/executor/startup_script.h"
#include "sky/planner/network.h"
#include "sky/types/object_uri.h"

namespace sky::broker {
namespace {

// Transfers are priced per GB of 10^9 bytes, the unit of the planner's `size_gb`/`output_gb`.
constexpr double kBytesPerGb = 1e9;

// Tries of a delivery (copy and verification), as the startup script's uploads.
constexpr int kDeliveryAttempts = 3;

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

std::string Usd(double usd) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "$%.4f", usd);
  return buf;
}

}  // namespace

bool Executor::Impl::DataPlaneFor(const Offer& offer) const {
  const providers::Provider* provider = ProviderFor(offer.provider);
  return !options_.data.storage.empty() && provider && provider->RunsStartupScript();
}

std::optional<std::string> Executor::Impl::StoragePrefix(const std::string& location) const {
  return options_.data.storage.PrefixFor(location);
}

Result<ScriptData> Executor::Impl::ScriptDataFor(const PipelineRecord& record,
                                                 const PipelineRun& run, const StageRecord& stage,
                                                 int64_t attempt, const Offer& offer) const {
  std::optional<std::string> prefix = StoragePrefix(offer.location_id());
  if (!prefix) {
    return Status::FailedPrecondition("no object storage for " + offer.location_id() +
                                      " in the --storage map");
  }
  const planner::StageSpec& spec = run.spec.stages[StageIndex(run, stage.name)];
  ScriptData data;
  for (const std::string& name : spec.reads) {
    for (const planner::InputSpec& input : run.spec.inputs) {
      if (input.name == name && !input.uri.empty())
        data.inputs.push_back({name, Located(input.uri)});
    }
  }
  for (const std::string& pred : spec.after) {
    for (const StageRecord& s : record.stages) {
      if (s.name == pred && !s.output_uri.empty())
        data.inputs.push_back({pred, Located(s.output_uri)});
    }
  }
  data.output = Located(AttemptOutputUri(*prefix, record.id, stage.name, attempt));
  data.checkpoints = Located(AttemptCheckpointsUri(*prefix, record.id, stage.name, attempt));
  if (!stage.checkpoint_uri.empty()) data.restore = Located(stage.checkpoint_uri);
  if (!options_.data.rclone_env.empty()) {
    data.credentials_url = options_.heartbeat_base_url + "/v1/pipelines/" + record.id + "/stages/" +
                           stage.name + "/storage-credentials";
  }
  for (const auto& [remote, keys] : IdentityRemotes()) {
    const std::string base = "RCLONE_CONFIG_" + remote + "_";
    if (options_.data.rclone_env.count(base + "TYPE")) continue;
    for (const auto& [key, value] : keys) data.identity_remotes[base + key] = value;
  }
  return data;
}

std::string Executor::Impl::LocationOfInput(const PipelineRecord& record, const PipelineRun& run,
                                            const std::string& name) const {
  for (const planner::InputSpec& input : run.spec.inputs) {
    if (input.name == name) return input.location;
  }
  for (const StageRecord& s : record.stages) {
    if (s.name == name) return s.output_location;
  }
  return "";
}

double Executor::Impl::TransferUsd(const PipelineRun& run, const std::string& src,
                                   const std::string& dst, int64_t bytes) const {
  if (src.empty() || dst.empty() || bytes <= 0) return 0;
  const planner::LinkCost link =
      plans_.network().Link(planner::RegionOf(src), planner::RegionOf(dst), run.spec.network);
  return static_cast<double>(bytes) / kBytesPerGb * link.usd_per_gb;
}

TransferRecord Executor::Impl::PriceTransfer(const PipelineRecord& record, const PipelineRun& run,
                                             const StageRecord& stage, const std::string& here,
                                             const TransferReport& report) const {
  TransferRecord t;
  t.pipeline_id = record.id;
  t.stage = stage.name;
  t.attempt = stage.attempt;
  t.kind = report.kind;
  t.name = report.name;
  t.uri = report.uri;
  t.bytes = report.bytes;
  t.seconds = report.seconds;
  t.at = Now();
  if (report.kind == "input") {
    t.src = LocationOfInput(record, run, report.name);
    t.dst = here;
  } else if (report.kind == "restore") {
    t.src = stage.checkpoint_location;
    t.dst = here;
  } else {  // checkpoint, output: into the storage of the place it runs in
    t.src = here;
    t.dst = here;
  }
  t.usd = TransferUsd(run, t.src, t.dst, t.bytes);
  return t;
}

Status Executor::Impl::ApplyDataReport(const PipelineRecord& record, const StageRecord& stage,
                                       const HeartbeatReport& report) {
  std::optional<Offer> offer = FindOffer(stage.offer_id);
  const std::string here = offer ? offer->location_id() : "";
  SKY_ASSIGN_OR_RETURN(PipelineRun * run, RunFor(record));
  if (report.restore_failed) {
    SKY_RETURN_IF_ERROR(store_.SetStageCheckpoint(record.id, stage.name, 0, "", ""));
  }
  std::vector<TransferRecord> transfers;
  for (const TransferReport& t : report.transfers) {
    transfers.push_back(PriceTransfer(record, *run, stage, here, t));
  }
  if (!transfers.empty()) SKY_RETURN_IF_ERROR(store_.RecordTransfers(transfers));
  if (!report.checkpoint_uri.empty() && report.checkpoint) {
    SKY_RETURN_IF_ERROR(store_.SetStageCheckpoint(record.id, stage.name, *report.checkpoint,
                                                  report.checkpoint_uri, here));
  }
  for (const std::string& note : report.notes) (void)Event(record.id, stage.name, "data", note);
  return Status::Ok();
}

Status Executor::Impl::StoreOutputs(const PipelineRecord& record, const PipelineRun& run,
                                    const StageRecord& stage, const HeartbeatReport& report) {
  std::optional<Offer> offer = FindOffer(stage.offer_id);
  if (!offer || !DataPlaneFor(*offer)) return Status::Ok();
  if (!report.data_error.empty()) return Status::FailedPrecondition(report.data_error);
  if (report.outputs_uri.empty()) {
    return Status::FailedPrecondition("the command exited 0 but its outputs were not stored");
  }
  SKY_RETURN_IF_ERROR(
      store_.SetStageOutput(record.id, stage.name, report.outputs_uri, offer->location_id()));
  auto delivery = run.spec.outputs.find(stage.name);
  if (delivery != run.spec.outputs.end()) {
    SKY_RETURN_IF_ERROR(
        Deliver(record, run, stage, report.outputs_uri, offer->location_id(), delivery->second));
  }
  return Status::Ok();
}

Status Executor::Impl::Deliver(const PipelineRecord& record, const PipelineRun& run,
                               const StageRecord& stage, const std::string& from,
                               const std::string& here, const std::string& place) {
  std::optional<std::string> prefix = StoragePrefix(place);
  if (!prefix) return Status::FailedPrecondition("no object storage for delivery to " + place);
  const std::string to = DeliveryUri(*prefix, record.id, stage.name);
  const Rclone rclone(options_.data.rclone, options_.data.rclone_env);
  const double started = clock_.NowSeconds();
  Status copied;
  for (int i = 0; i < kDeliveryAttempts; ++i) {
    copied = rclone.Copy(from, to);
    if (copied.ok()) copied = rclone.Check(from, to);
    if (copied.ok() || !copied.IsUnavailable()) break;
  }
  if (!copied.ok())
    return Status::FailedPrecondition("delivery to " + to + ": " + copied.message());
  SKY_ASSIGN_OR_RETURN(int64_t bytes, rclone.Size(to));
  TransferRecord t;
  t.pipeline_id = record.id;
  t.stage = stage.name;
  t.attempt = stage.attempt;
  t.kind = "delivery";
  t.uri = to;
  t.src = here;
  t.dst = place;
  t.bytes = bytes;
  t.seconds = clock_.NowSeconds() - started;
  t.usd = TransferUsd(run, here, place, bytes);
  t.at = Now();
  SKY_RETURN_IF_ERROR(store_.RecordTransfers({t}));
  return Event(
      record.id, stage.name, "data",
      "delivered " + std::to_string(bytes) + " bytes to " + to + " (verified, " + Usd(t.usd) + ")");
}

void Executor::Impl::PurgeCheckpoints(const PipelineRecord& record, const StageRecord& stage) {
  if (options_.data.storage.empty()) return;
  auto attempts = store_.Attempts(record.id);
  if (!attempts.ok()) return;
  const Rclone rclone(options_.data.rclone, options_.data.rclone_env);
  for (const AttemptRecord& a : *attempts) {
    std::optional<Offer> offer = FindOffer(a.offer_id);
    std::optional<std::string> prefix = StoragePrefix(a.location);
    if (a.stage != stage.name || !prefix || (offer && !DataPlaneFor(*offer))) continue;
    Status purged = rclone.Purge(AttemptCheckpointsUri(*prefix, record.id, a.stage, a.attempt));
    if (!purged.ok()) (void)Event(record.id, stage.name, "data", purged.message());
  }
}

void Executor::Impl::PurgeIntermediateData(const PipelineRecord& record) {
  if (options_.data.storage.empty()) return;
  auto run = RunFor(record);
  auto attempts = store_.Attempts(record.id);
  if (!run.ok() || !attempts.ok()) return;
  if ((*run)->spec.keep_outputs) {
    (void)Event(record.id, std::nullopt, "data", "keeping intermediate outputs (keep_outputs)");
    return;
  }
  std::set<std::string> done;
  const Rclone rclone(options_.data.rclone, options_.data.rclone_env);
  for (const AttemptRecord& a : *attempts) {
    std::optional<Offer> offer = FindOffer(a.offer_id);
    std::optional<std::string> prefix = StoragePrefix(a.location);
    if (!prefix || (offer && !DataPlaneFor(*offer))) continue;
    const std::string uri = JoinUri(*prefix, record.id);  // every stage's, under one prefix
    if (!done.insert(uri).second) continue;
    Status purged = rclone.Purge(uri);
    (void)Event(record.id, std::nullopt, "data",
                purged.ok() ? "deleted intermediate data at " + uri : purged.message());
  }
}

Result<std::string> Executor::Impl::StorageCredentials(const std::string& id,
                                                       const std::string& stage_name,
                                                       std::string_view token) {
  SKY_ASSIGN_OR_RETURN(PipelineRecord record, store_.GetPipeline(id));
  SKY_RETURN_IF_ERROR(CheckStageToken(record, stage_name, token).status());
  std::string text;
  for (const auto& [name, value] : options_.data.rclone_env) {
    text += "export " + name + "=" + ShellQuote(value) + "\n";
  }
  return text;
}

}  // namespace sky::broker
