#pragma once
// RunPod (de)serialisation. Pods come from REST v1 (shared/specs/runpod/runpod-rest-v1-
// openapi.json); the GPU catalog with prices and availability from API v2
// (runpod-rest-v2-openapi.json, GET /v2/catalog/gpus), since v1 has no catalog or prices.
// Pure functions; thread-safe. nlohmann stays inside runpod_json.cc.
//
// Naming follows SkyPilot's RunPod catalog: accelerator "RTX4090", "A100-80GB", "H100-SXM";
// instance type "<count>x_<accelerator>_<SECURE|COMMUNITY>"; region = the country of the data
// center ("US", "RO", "IS"), zone = the data center id ("US-KS-2").

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "providers/rest/named_instance.h"
#include "sky/providers/provider.h"
#include "sky/types/offer.h"
#include "sky/types/result.h"

namespace sky::providers::runpod {

inline constexpr std::string_view kProviderName = "runpod";
inline constexpr std::string_view kSource = "runpod-api";
// The pod env variable that holds the launch's tags as a JSON object of strings.
inline constexpr std::string_view kTagsEnv = "SKYBROKER_TAGS";

// A GPU display name ("RTX 4090", "A100 SXM", "RTX PRO 6000") as SkyPilot names it
// ("RTX4090", "A100-80GB-SXM", "RTXPRO6000").
std::string CanonicalGpuName(std::string_view display_name);

// The country part of a data center id: "US-KS-2" -> "US", "EU-RO-1" -> "RO",
// "EUR-IS-1" -> "IS"; an id without that shape is returned unchanged.
std::string CountryOfDataCenter(std::string_view data_center_id);

struct InstanceTypeName {
  int gpu_count = 0;
  std::string accelerator;  // canonical
  std::string cloud;        // "SECURE" or "COMMUNITY"
};
std::string FormatInstanceType(const InstanceTypeName& type);
// nullopt unless `text` is "<n>x_<accelerator>_<SECURE|COMMUNITY>" with n from 1 to 64.
std::optional<InstanceTypeName> ParseInstanceType(std::string_view text);

struct GpuCatalog {
  std::vector<Offer> offers;
  // Canonical accelerator name -> the RunPod GPU type id pods are created with.
  std::map<std::string, std::string> gpu_type_ids;
};

// Parses ListGpuTypesResponse. For each secure-cloud GPU type with a secure price, one
// on-demand offer per GPU count 1..maxCount.secure (a maxCount above 64 is malformed and gives
// none) and per data center listed, at
// price.secure x count; available = 0 where the data center's availability is NONE, else
// unknown. v2 has no spot prices, so no spot offers. InvalidArgument on a malformed body.
Result<GpuCatalog> ParseGpuCatalog(std::string_view body, const std::string& observed_at);

// A pod as an Instance. desiredStatus RUNNING is kRunning once the pod has a public IP, else
// kPending; EXITED and TERMINATED are kTerminated with reason kPreempted for an
// interruptible pod and kUnknown otherwise (the provider turns it into kUser for pods it
// stopped). market is kSpot for an interruptible pod. Tags come from env kTagsEnv.
using Pod = rest::NamedInstance;
Result<Pod> ParsePod(std::string_view body);
Result<std::vector<Pod>> ParsePodList(std::string_view body);

struct PodCreate {
  std::string name;
  std::string image;
  std::string gpu_type_id;
  int gpu_count = 1;
  std::string cloud;  // "SECURE" or "COMMUNITY"
  bool interruptible = false;
  std::string data_center;  // omitted when empty
  std::map<std::string, std::string> tags;
  std::string startup_script;  // run as `bash -c <script>` when not empty
};
// The PodCreateInput JSON.
std::string PodCreateBody(const PodCreate& pod);

// RunPod has no error codes, so capacity and quota can only be read from the message text:
// "capacity" when `detail` says there are no instances or not enough free GPUs available,
// "quota" when it mentions a quota or spend limit, else "". The only text-based
// classification in the adapter; StatusFromError uses it.
std::string_view ResourceReasonFromText(std::string_view detail);

// Maps an error response (status >= 300) from v1 ({"error": "..."}) or v2 (problem+json):
// ResourceReasonFromText(detail) "capacity" or "quota" -> ResourceExhausted with that reason;
// otherwise StatusForHttpError (429 -> Unavailable "throttled").
Status StatusFromError(int http_status, std::string_view body);

}  // namespace sky::providers::runpod
