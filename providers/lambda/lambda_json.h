#pragma once
// Lambda Cloud API v1 (de)serialisation: instance types into offers, instances into
// sky::providers::Instance, launch and terminate bodies, and error bodies into Status codes.
// Shapes follow shared/specs/lambda-cloud/lambda-cloud-openapi-v1.6.0.json. Pure functions;
// thread-safe. nlohmann stays inside lambda_json.cc.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "providers/rest/named_instance.h"
#include "sky/providers/provider.h"
#include "sky/types/offer.h"
#include "sky/types/result.h"

namespace sky::providers::lambda {

inline constexpr std::string_view kProviderName = "lambda";
inline constexpr std::string_view kSource = "lambda-cloud-api";
// The launch error code Lambda uses when a region has no capacity for the type.
inline constexpr std::string_view kCapacityErrorCode =
    "instance-operations/launch/insufficient-capacity";
inline constexpr std::string_view kQuotaErrorCode = "global/quota-exceeded";

struct AcceleratorSpec {
  std::string name;  // SkyPilot canonical name, e.g. "A100-80GB"
  int count = 0;
};

// The accelerator of an instance type, from its name `gpu_<n>x_<gpu>[_<suffix>]`, named as
// SkyPilot's Lambda catalog names it: the <gpu> token upper-cased, with "_80gb" after an A100
// giving "A100-80GB" (gpu_8x_a100_80gb_sxm4 -> A100-80GB x 8). nullopt for CPU types
// (cpu_4x_general), for names that do not follow the pattern and for counts above 64.
std::optional<AcceleratorSpec> AcceleratorFromInstanceType(std::string_view instance_type);

// The per-GPU memory in a gpu_description such as "A100 (40 GB SXM4)": 40. 0 when absent.
double GpuMemoryGbFromDescription(std::string_view gpu_description);

// Parses GET /api/v1/instance-types into one on-demand offer per (instance type, region
// with capacity), `available` = 1 (Lambda reports only that a region can take one more
// launch, so 1 is a lower bound). Types without capacity anywhere give no offer.
// InvalidArgument on a body that does not match the spec.
Result<std::vector<Offer>> ParseInstanceTypes(std::string_view body,
                                              const std::string& observed_at);

// Parses {"data": Instance} (GET /api/v1/instances/{id}). A terminated instance gets
// reason kUnknown; the provider refines it. Tags are decoded from the instance name.
Result<Instance> ParseInstance(std::string_view body);

// Parses {"data": [Instance...]} (GET /api/v1/instances) with the names alongside.
using NamedInstance = rest::NamedInstance;
Result<std::vector<NamedInstance>> ParseInstanceList(std::string_view body);

// Parses {"data": {"instance_ids": [...]}} and returns the first id. InvalidArgument when
// there is none.
Result<std::string> ParseLaunchedId(std::string_view body);

struct LaunchBody {
  std::string region_name;
  std::string instance_type_name;
  std::string ssh_key_name;
  std::string name;
  std::string user_data;  // omitted when empty
};
// The InstanceLaunchRequest JSON.
std::string LaunchRequestBody(const LaunchBody& launch);

// The InstanceTerminateRequest JSON for one instance.
std::string TerminateRequestBody(const std::string& instance_id);

// Maps an error response (status >= 300) to a Status: error.code
// instance-operations/launch/insufficient-capacity -> ResourceExhausted "capacity",
// global/quota-exceeded -> ResourceExhausted "quota", 429 -> Unavailable "throttled", then
// StatusForHttpError (401 Unauthenticated, 403 PermissionDenied, 404 NotFound, 400
// InvalidArgument, 5xx Unavailable). The message carries the redacted code and text.
Status StatusFromError(int http_status, std::string_view body);

}  // namespace sky::providers::lambda
