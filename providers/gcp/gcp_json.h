#pragma once
// GCE Compute v1 JSON <-> structs: instances, zone operations and error bodies, and the
// instances.insert request body. Only the fields the adapter uses are read; unknown fields are
// ignored. Parsing never throws: malformed input is InvalidArgument. Pure functions;
// thread-safe.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sky/types/result.h"
#include "sky/types/status.h"

namespace sky::providers::gcp {

struct GceInstance {
  std::string id;  // numeric id, as GCE writes it (a string)
  std::string name;
  std::string zone;          // short name, e.g. "us-central1-a"
  std::string machine_type;  // short name, e.g. "n1-standard-1"
  // PROVISIONING, STAGING, RUNNING, STOPPING, STOPPED, SUSPENDING, SUSPENDED, REPAIRING,
  // TERMINATED.
  std::string status;
  bool spot = false;  // scheduling.provisioningModel SPOT, or the older scheduling.preemptible
  std::string accelerator_type;  // short GCE name of the first guestAccelerator; may be empty
  int accelerator_count = 0;
  std::string public_ip;   // natIP of the first access config
  std::string private_ip;  // networkIP of the first interface
  std::map<std::string, std::string> labels;
  std::string creation_timestamp;  // RFC 3339
  std::string self_link;
};

struct GceError {
  std::string code;  // ZONE_RESOURCE_POOL_EXHAUSTED, QUOTA_EXCEEDED, rateLimitExceeded, ...
  std::string message;
};

struct GceOperation {
  std::string id;
  std::string name;
  std::string zone;            // short name
  std::string operation_type;  // "insert", "delete", "compute.instances.preempted", ...
  std::string status;          // PENDING, RUNNING, DONE
  std::string target_link;
  std::string target_id;
  int progress = 0;
  int http_error_status_code = 0;  // set on failed operations
  std::vector<GceError> errors;    // error.errors[]
  std::string insert_time;         // RFC 3339

  bool done() const { return status == "DONE"; }
};

struct GceAcceleratorType {
  std::string name;  // "nvidia-tesla-t4"
  std::string zone;  // short name
  int maximum_cards_per_instance = 0;
};

// One compute#instance. InvalidArgument when not a JSON object or without a name.
Result<GceInstance> ParseInstance(std::string_view json_text);
// A compute#instanceList ("items" may be absent when empty); `next_page_token` receives
// nextPageToken or "". InvalidArgument when malformed.
Result<std::vector<GceInstance>> ParseInstanceList(std::string_view json_text,
                                                   std::string* next_page_token);
// One compute#operation. InvalidArgument when not a JSON object or without a name.
Result<GceOperation> ParseOperation(std::string_view json_text);
// A compute#operationList, as ParseInstanceList.
Result<std::vector<GceOperation>> ParseOperationList(std::string_view json_text,
                                                     std::string* next_page_token);

// A compute#acceleratorTypeList, as ParseInstanceList.
Result<std::vector<GceAcceleratorType>> ParseAcceleratorTypeList(std::string_view json_text,
                                                                 std::string* next_page_token);

// What instances.insert is asked to create.
struct InsertSpec {
  std::string name;
  std::string zone;
  std::string machine_type;
  std::string accelerator_type;  // GCE name; attached as guestAccelerators when not empty
  int accelerator_count = 0;
  bool has_gpus = false;  // attached or built in: such hosts cannot live-migrate
  bool spot = false;
  std::map<std::string, std::string> labels;  // already valid GCE labels
  std::string startup_script;                 // metadata "startup-script"; omitted when empty
  std::string source_image;
  int boot_disk_gb = 50;
  std::string network;
};

// The compute#instance body of instances.insert: machineType "zones/<zone>/machineTypes/<t>",
// guestAccelerators, scheduling (SPOT with instanceTerminationAction DELETE for spot; GPU
// hosts get onHostMaintenance TERMINATE), labels, metadata, one boot disk, one NIC with an
// external IP.
std::string InstanceInsertBody(const InsertSpec& spec);

// The Status of a GCE error response (`{"error": {"code", "message", "errors": [{"reason"}]}}`):
// capacity (ZONE_RESOURCE_POOL_EXHAUSTED*, resource pool exhausted) -> ResourceExhausted
// "capacity"; quotaExceeded / QUOTA_EXCEEDED -> ResourceExhausted "quota"; 429 or
// rateLimitExceeded / userRateLimitExceeded -> Unavailable "throttled"; alreadyExists ->
// AlreadyExists; otherwise StatusForHttpError. The message is redacted. REQUIRES: status >= 300.
Status StatusFromHttpError(int http_status, std::string_view body);

// The Status of a DONE operation: OK without errors, else mapped from its first error code as
// StatusFromHttpError does (RESOURCE_ALREADY_EXISTS -> AlreadyExists, RESOURCE_NOT_FOUND ->
// NotFound, anything else from httpErrorStatusCode, Internal without one).
Status StatusFromOperation(const GceOperation& operation);

}  // namespace sky::providers::gcp
