// The data plane in the executor (README "Data"): what an attempt's startup script copies, what
// its reports say moved and what that cost, the broker's own deliveries, and clean-up.
#include <cstdio>
#include <set>

#include "broker/data/rclone.h"
#include "broker/executor/executor_impl.h"
#include "broker/executor/stage_data.h"
#include "broker/executor/startup_script.h"
#include "sky/types/object_uri.h"

namespace sky::broker {
namespace {

// Tries of a delivery (copy and verification), as the startup script's uploads.
constexpr int kDeliveryAttempts = 3;

// A URI an instance reports must be where the broker told it to write: the broker acts on it
// with its own credentials (restores, deliveries), so an instance must not name other data.
Status CheckReportedUri(const std::string& uri, const std::string& expected, bool child_ok,
                        const char* what) {
  if (uri == expected || (child_ok && uri.rfind(expected + "/", 0) == 0 &&
                          uri.find('/', expected.size() + 1) == std::string::npos)) {
    return Status::Ok();
  }
  return Status::InvalidArgument(std::string(what) + " " + uri + " is not this attempt's (" +
                                 expected + (child_ok ? "/<seq>" : "") + ")");
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

Status Executor::Impl::ApplyDataReport(const PipelineRecord& record, const StageRecord& stage,
                                       const HeartbeatReport& report) {
  std::optional<Offer> offer = FindOffer(stage.offer_id);
  const std::string here = offer ? offer->location_id() : "";
  SKY_ASSIGN_OR_RETURN(PipelineRun * run, RunFor(record));
  if (!report.checkpoint_uri.empty()) {  // checked before anything of the report is written
    std::optional<std::string> prefix = options_.data.storage.PrefixFor(here);
    SKY_RETURN_IF_ERROR(CheckReportedUri(
        report.checkpoint_uri,
        AttemptCheckpointsUri(prefix.value_or(""), record.id, stage.name, stage.attempt), true,
        "checkpoint_uri"));
  }
  if (report.restore_failed) {
    SKY_RETURN_IF_ERROR(store_.SetStageCheckpoint(record.id, stage.name, 0, "", ""));
  }
  std::vector<TransferRecord> transfers;
  for (const TransferReport& t : report.transfers) {
    transfers.push_back(PriceTransfer(plans_.network(), record, run->spec, stage, here, t, Now()));
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
  const std::string expected =
      AttemptOutputUri(options_.data.storage.PrefixFor(offer->location_id()).value_or(""),
                       record.id, stage.name, stage.attempt);
  SKY_RETURN_IF_ERROR(CheckReportedUri(report.outputs_uri, expected, false, "outputs_uri"));
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
  std::optional<std::string> prefix = options_.data.storage.PrefixFor(place);
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
  t.usd = TransferUsd(plans_.network(), run.spec, here, place, bytes);
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
    std::optional<std::string> prefix = options_.data.storage.PrefixFor(a.location);
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
    std::optional<std::string> prefix = options_.data.storage.PrefixFor(a.location);
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
