#include "providers/gcp/gcp_json.h"

#include <cstdlib>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>

#include "providers/gcp/gcp_names.h"
#include "providers/http/redact.h"
#include "sky/providers/http_client.h"

namespace sky::providers::gcp {
namespace {

using nlohmann::json;

std::string Str(const json& object, const char* name) {
  if (!object.is_object()) return "";
  auto it = object.find(name);
  if (it == object.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  return "";
}

// 0 when absent, not a number or outside int's range: converting such a value to int is
// undefined behaviour (found by fuzzing).
int Int(const json& object, const char* name) {
  if (!object.is_object()) return 0;
  auto it = object.find(name);
  if (it == object.end()) return 0;
  double value = 0;
  if (it->is_number()) value = it->get<double>();
  if (it->is_string()) {
    value = static_cast<double>(std::strtol(it->get<std::string>().c_str(), nullptr, 10));
  }
  if (!(value >= std::numeric_limits<int>::min() && value <= std::numeric_limits<int>::max())) {
    return 0;
  }
  return static_cast<int>(value);
}

const json& Field(const json& object, const char* name) {
  static const json kNull;
  if (!object.is_object()) return kNull;
  auto it = object.find(name);
  return it == object.end() ? kNull : *it;
}

const json& FirstItem(const json& array) {
  static const json kNull;
  return array.is_array() && !array.empty() ? array.front() : kNull;
}

GceInstance InstanceFromJson(const json& j) {
  GceInstance instance;
  instance.id = Str(j, "id");
  instance.name = Str(j, "name");
  instance.zone = LastPathSegment(Str(j, "zone"));
  instance.machine_type = LastPathSegment(Str(j, "machineType"));
  instance.status = Str(j, "status");
  const json& scheduling = Field(j, "scheduling");
  const json& preemptible = Field(scheduling, "preemptible");
  instance.spot = Str(scheduling, "provisioningModel") == "SPOT" ||
                  (preemptible.is_boolean() && preemptible.get<bool>());
  const json& accelerator = FirstItem(Field(j, "guestAccelerators"));
  instance.accelerator_type = LastPathSegment(Str(accelerator, "acceleratorType"));
  instance.accelerator_count = Int(accelerator, "acceleratorCount");
  const json& nic = FirstItem(Field(j, "networkInterfaces"));
  instance.private_ip = Str(nic, "networkIP");
  instance.public_ip = Str(FirstItem(Field(nic, "accessConfigs")), "natIP");
  const json& labels = Field(j, "labels");
  if (labels.is_object()) {
    for (const auto& [key, value] : labels.items()) {
      if (value.is_string()) instance.labels[key] = value.get<std::string>();
    }
  }
  instance.creation_timestamp = Str(j, "creationTimestamp");
  instance.self_link = Str(j, "selfLink");
  return instance;
}

GceOperation OperationFromJson(const json& j) {
  GceOperation op;
  op.id = Str(j, "id");
  op.name = Str(j, "name");
  op.zone = LastPathSegment(Str(j, "zone"));
  op.operation_type = Str(j, "operationType");
  op.status = Str(j, "status");
  op.target_link = Str(j, "targetLink");
  op.target_id = Str(j, "targetId");
  op.progress = Int(j, "progress");
  op.http_error_status_code = Int(j, "httpErrorStatusCode");
  op.insert_time = Str(j, "insertTime");
  const json& errors = Field(Field(j, "error"), "errors");
  if (errors.is_array()) {
    for (const json& e : errors) op.errors.push_back({Str(e, "code"), Str(e, "message")});
  }
  return op;
}

Result<json> ParseObject(std::string_view text, const char* what) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::InvalidArgument(std::string("GCE ") + what + " is not a JSON object");
  }
  return doc;
}

// The Status an error code names, when it names one the broker acts on.
std::optional<Status> StatusForCode(std::string_view code, const std::string& message) {
  if (code.rfind("ZONE_RESOURCE_POOL_EXHAUSTED", 0) == 0 || code == "resourcePoolExhausted") {
    return Status::ResourceExhausted(message).WithReason("capacity");
  }
  if (code == "QUOTA_EXCEEDED" || code == "quotaExceeded") {
    return Status::ResourceExhausted(message).WithReason("quota");
  }
  if (code == "rateLimitExceeded" || code == "userRateLimitExceeded" ||
      code == "RATE_LIMIT_EXCEEDED") {
    return Status::Unavailable(message).WithReason("throttled");
  }
  if (code == "alreadyExists" || code == "RESOURCE_ALREADY_EXISTS") {
    return Status::AlreadyExists(message);
  }
  if (code == "notFound" || code == "RESOURCE_NOT_FOUND") return Status::NotFound(message);
  return std::nullopt;
}

json SchedulingJson(const InsertSpec& spec) {
  json scheduling = json::object();
  if (spec.spot) {
    scheduling["provisioningModel"] = "SPOT";
    scheduling["instanceTerminationAction"] = "DELETE";
    scheduling["automaticRestart"] = false;
  }
  if (spec.spot || spec.has_gpus) {
    // GPU hosts cannot live-migrate; spot VMs must not be restarted by GCE.
    scheduling["onHostMaintenance"] = "TERMINATE";
  }
  return scheduling;
}

}  // namespace

Result<GceInstance> ParseInstance(std::string_view json_text) {
  SKY_ASSIGN_OR_RETURN(json doc, ParseObject(json_text, "instance"));
  GceInstance instance = InstanceFromJson(doc);
  if (instance.name.empty()) return Status::InvalidArgument("GCE instance has no name");
  return instance;
}

Result<std::vector<GceInstance>> ParseInstanceList(std::string_view json_text,
                                                   std::string* next_page_token) {
  SKY_ASSIGN_OR_RETURN(json doc, ParseObject(json_text, "instance list"));
  if (next_page_token) *next_page_token = Str(doc, "nextPageToken");
  std::vector<GceInstance> out;
  const json& items = Field(doc, "items");
  if (!items.is_null() && !items.is_array()) {
    return Status::InvalidArgument("GCE instance list items is not an array");
  }
  if (items.is_array()) {
    for (const json& item : items) out.push_back(InstanceFromJson(item));
  }
  return out;
}

Result<GceOperation> ParseOperation(std::string_view json_text) {
  SKY_ASSIGN_OR_RETURN(json doc, ParseObject(json_text, "operation"));
  GceOperation op = OperationFromJson(doc);
  if (op.name.empty()) return Status::InvalidArgument("GCE operation has no name");
  return op;
}

Result<std::vector<GceOperation>> ParseOperationList(std::string_view json_text,
                                                     std::string* next_page_token) {
  SKY_ASSIGN_OR_RETURN(json doc, ParseObject(json_text, "operation list"));
  if (next_page_token) *next_page_token = Str(doc, "nextPageToken");
  std::vector<GceOperation> out;
  const json& items = Field(doc, "items");
  if (!items.is_null() && !items.is_array()) {
    return Status::InvalidArgument("GCE operation list items is not an array");
  }
  if (items.is_array()) {
    for (const json& item : items) out.push_back(OperationFromJson(item));
  }
  return out;
}

Result<std::vector<GceAcceleratorType>> ParseAcceleratorTypeList(std::string_view json_text,
                                                                 std::string* next_page_token) {
  SKY_ASSIGN_OR_RETURN(json doc, ParseObject(json_text, "accelerator type list"));
  if (next_page_token) *next_page_token = Str(doc, "nextPageToken");
  std::vector<GceAcceleratorType> out;
  const json& items = Field(doc, "items");
  if (!items.is_null() && !items.is_array()) {
    return Status::InvalidArgument("GCE accelerator type list items is not an array");
  }
  if (items.is_array()) {
    for (const json& item : items) {
      out.push_back({Str(item, "name"), LastPathSegment(Str(item, "zone")),
                     Int(item, "maximumCardsPerInstance")});
    }
  }
  return out;
}

std::string InstanceInsertBody(const InsertSpec& spec) {
  json body = {
      {"name", spec.name},
      {"machineType", "zones/" + spec.zone + "/machineTypes/" + spec.machine_type},
      {"labels", spec.labels},
      {"scheduling", SchedulingJson(spec)},
      {"disks", json::array({{{"boot", true},
                              {"autoDelete", true},
                              {"initializeParams",
                               {{"sourceImage", spec.source_image},
                                {"diskSizeGb", std::to_string(spec.boot_disk_gb)}}}}})},
      {"networkInterfaces",
       json::array({{{"network", spec.network},
                     {"accessConfigs",
                      json::array({{{"name", "External NAT"}, {"type", "ONE_TO_ONE_NAT"}}})}}})},
  };
  if (!spec.accelerator_type.empty() && spec.accelerator_count > 0) {
    body["guestAccelerators"] = json::array(
        {{{"acceleratorType", "zones/" + spec.zone + "/acceleratorTypes/" + spec.accelerator_type},
          {"acceleratorCount", spec.accelerator_count}}});
  }
  if (!spec.startup_script.empty()) {
    body["metadata"] = {
        {"items", json::array({{{"key", "startup-script"}, {"value", spec.startup_script}}})}};
  }
  return body.dump();
}

Status StatusFromHttpError(int http_status, std::string_view body) {
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded()) doc = nullptr;  // a non-JSON body (an HTML 502 page) has no details
  const json& error = Field(doc, "error");
  std::string message = Str(error, "message");
  const json& first = FirstItem(Field(error, "errors"));
  const std::string reason = Str(first, "reason");
  message = "GCE HTTP " + std::to_string(http_status) + (reason.empty() ? "" : " " + reason) +
            (message.empty() ? "" : ": " + RedactText(message));
  if (auto status = StatusForCode(reason, message)) return *status;
  if (message.find("ZONE_RESOURCE_POOL_EXHAUSTED") != std::string::npos) {
    return Status::ResourceExhausted(message).WithReason("capacity");
  }
  if (http_status == 429) return Status::Unavailable(message).WithReason("throttled");
  return StatusForHttpError(http_status, message);
}

Status StatusFromOperation(const GceOperation& operation) {
  if (operation.errors.empty()) return Status::Ok();
  const GceError& first = operation.errors.front();
  const std::string message = "GCE operation " + operation.name + " (" + operation.operation_type +
                              ") failed: " + first.code + ": " + RedactText(first.message);
  if (auto status = StatusForCode(first.code, message)) return *status;
  if (operation.http_error_status_code >= 300) {
    return StatusForHttpError(operation.http_error_status_code, message);
  }
  return Status::Internal(message);
}

}  // namespace sky::providers::gcp
