#include "api/handlers/data_json.h"

#include <set>
#include <string>

#include "sky/types/civil_time.h"

namespace sky::api {
namespace {

using nlohmann::json;

Status Bad(const std::string& field, const std::string& what) {
  return Status::InvalidArgument(field + ": " + what);
}

Status ReadString(const json& body, const char* field, std::string& out) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return Status::Ok();
  if (!it->is_string()) return Bad(field, "must be a string");
  out = it->get<std::string>();
  return Status::Ok();
}

Status ReadTransfer(const json& item, const std::string& path, broker::TransferReport& out) {
  static const std::set<std::string> kKinds = {"input", "restore", "checkpoint", "output"};
  if (!item.is_object()) return Bad(path, "must be an object");
  auto kind = item.find("kind");
  if (kind == item.end() || !kind->is_string() || !kKinds.count(kind->get<std::string>())) {
    return Bad(path + ".kind", "must be one of input, restore, checkpoint, output");
  }
  out.kind = kind->get<std::string>();
  for (const char* field : {"name", "uri"}) {
    auto it = item.find(field);
    if (it != item.end() && !it->is_null() && !it->is_string()) {
      return Bad(path + "." + field, "must be a string");
    }
  }
  out.name = item.value("name", "");
  out.uri = item.value("uri", "");
  auto bytes = item.find("bytes");
  if (bytes == item.end() || !bytes->is_number_integer() || bytes->get<int64_t>() < 0) {
    return Bad(path + ".bytes", "must be a whole number >= 0");
  }
  out.bytes = bytes->get<int64_t>();
  auto seconds = item.find("seconds");
  if (seconds != item.end() && !seconds->is_null()) {
    if (!seconds->is_number() || !(seconds->get<double>() >= 0)) {
      return Bad(path + ".seconds", "must be a number >= 0");
    }
    out.seconds = seconds->get<double>();
  }
  return Status::Ok();
}

Status ReadTransfers(const json& body, broker::HeartbeatReport& report) {
  auto it = body.find("transfers");
  if (it == body.end() || it->is_null()) return Status::Ok();
  if (!it->is_array()) return Bad("transfers", "must be an array");
  for (size_t i = 0; i < it->size(); ++i) {
    broker::TransferReport t;
    SKY_RETURN_IF_ERROR(ReadTransfer((*it)[i], "transfers[" + std::to_string(i) + "]", t));
    report.transfers.push_back(std::move(t));
  }
  return Status::Ok();
}

Status ReadNotes(const json& body, broker::HeartbeatReport& report) {
  auto it = body.find("notes");
  if (it == body.end() || it->is_null()) return Status::Ok();
  if (!it->is_array()) return Bad("notes", "must be an array of strings");
  for (size_t i = 0; i < it->size(); ++i) {
    if (!(*it)[i].is_string()) return Bad("notes[" + std::to_string(i) + "]", "must be a string");
    report.notes.push_back((*it)[i].get<std::string>());
  }
  return Status::Ok();
}

Status ReadCheckpointFields(const json& body, broker::HeartbeatReport& report) {
  auto seq = body.find("checkpoint_seq");
  if (seq != body.end() && !seq->is_null()) {
    if (!seq->is_number_integer() || seq->get<int64_t>() < 1) {
      return Bad("checkpoint_seq", "must be a whole number >= 1");
    }
    report.checkpoint_seq = seq->get<int64_t>();
  }
  SKY_RETURN_IF_ERROR(ReadString(body, "checkpoint_uri", report.checkpoint_uri));
  auto restore = body.find("restore_failed");
  if (restore != body.end() && !restore->is_null()) {
    if (!restore->is_boolean()) return Bad("restore_failed", "must be true or false");
    report.restore_failed = restore->get<bool>();
  }
  return Status::Ok();
}

json TransferToJson(const broker::TransferRecord& t) {
  return {{"seq", t.seq},         {"stage", t.stage}, {"attempt", t.attempt},
          {"kind", t.kind},       {"name", t.name},   {"uri", t.uri},
          {"src", t.src},         {"dst", t.dst},     {"bytes", t.bytes},
          {"seconds", t.seconds}, {"usd", t.usd},     {"at", FormatIsoUtc(int64_t(t.at))},
          {"at_unix", t.at}};
}

}  // namespace

Status ReadHeartbeatData(const json& body, broker::HeartbeatReport& report) {
  SKY_RETURN_IF_ERROR(ReadCheckpointFields(body, report));
  SKY_RETURN_IF_ERROR(ReadTransfers(body, report));
  SKY_RETURN_IF_ERROR(ReadNotes(body, report));
  SKY_RETURN_IF_ERROR(ReadString(body, "outputs_uri", report.outputs_uri));
  return ReadString(body, "data_error", report.data_error);
}

json DataToJson(const broker::PipelineView& view, const json& plan) {
  json transfers = json::array();
  int64_t bytes_in = 0, bytes_out = 0;
  double usd = 0;
  for (const broker::TransferRecord& t : view.transfers) {
    transfers.push_back(TransferToJson(t));
    (t.kind == "input" || t.kind == "restore" ? bytes_in : bytes_out) += t.bytes;
    usd += t.usd;
  }
  double planned = 0;
  if (plan.is_object()) {
    auto it = plan.find("egress_cost_usd");
    if (it != plan.end() && it->is_number()) planned = it->get<double>();
  }
  return {{"transfers", std::move(transfers)},
          {"bytes_in", bytes_in},
          {"bytes_out", bytes_out},
          {"egress_usd", usd},
          {"planned_egress_usd", planned}};
}

}  // namespace sky::api
