#include "providers/runpod/runpod_json.h"

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <utility>

#include "providers/http/redact.h"
#include "providers/rest/json_fields.h"
#include "sky/providers/http_client.h"
#include "sky/types/ascii.h"
#include "sky/types/civil_time.h"

namespace sky::providers::runpod {
namespace {

using nlohmann::json;

using rest::Bool;
using rest::Member;
using rest::Number;
using rest::String;

// The most GPUs one pod may have (RunPod offers up to 8 today). A larger count in a response
// is malformed: a maxCount of 1e9 would make billions of offers, and converting 1e20 to int is
// undefined behaviour (found by fuzzing).
constexpr int kMaxGpuCount = 64;

// A GPU count field: 0 when absent, not a number or outside 0..kMaxGpuCount.
int GpuCount(const json& object, const char* key) {
  const double value = Number(object, key);
  return value >= 0 && value <= kMaxGpuCount ? static_cast<int>(value) : 0;
}

void ReplaceAll(std::string& text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// "2024-07-12T19:14:40.144Z" (or with a space for the T) as seconds since the Unix epoch.
double ParseTimestamp(const std::string& text) {
  CivilTime time;
  int year = 0;
  char sep = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d", &year, &time.month, &time.day, &sep,
                  &time.hour, &time.minute, &time.second) != 7 ||
      (sep != 'T' && sep != ' ')) {
    return 0;
  }
  time.year = year;
  return static_cast<double>(UnixSecondsFromCivil(time));
}

std::map<std::string, std::string> TagsFromEnv(const json& pod) {
  std::map<std::string, std::string> tags;
  const json* env = Member(pod, "env");
  const std::string text = env != nullptr ? String(*env, std::string(kTagsEnv).c_str()) : "";
  const json parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return tags;
  for (const auto& [key, value] : parsed.items()) {
    if (value.is_string()) tags[key] = value.get<std::string>();
  }
  return tags;
}

// "<count>x_<accelerator>_<cloud>" of a pod, from its gpu and machine objects.
std::string PodInstanceType(const json& pod) {
  const json* gpu = Member(pod, "gpu");
  const json* machine = Member(pod, "machine");
  std::string display = gpu != nullptr ? String(*gpu, "displayName") : "";
  if (display.empty() && machine != nullptr) display = String(*machine, "gpuDisplayName");
  const int count = gpu != nullptr ? GpuCount(*gpu, "count") : 0;
  if (display.empty() || count <= 0) return "";
  const bool secure = machine == nullptr || Bool(*machine, "secureCloud", true);
  return FormatInstanceType({count, CanonicalGpuName(display), secure ? "SECURE" : "COMMUNITY"});
}

InstanceState PodState(const json& pod) {
  const std::string desired = String(pod, "desiredStatus");
  if (desired == "EXITED" || desired == "TERMINATED") return InstanceState::kTerminated;
  return String(pod, "publicIp").empty() ? InstanceState::kPending : InstanceState::kRunning;
}

Result<Pod> PodFromJson(const json& item) {
  Pod pod;
  Instance& instance = pod.instance;
  instance.id = String(item, "id");
  if (instance.id.empty()) return Status::InvalidArgument("RunPod pod without an id");
  pod.name = String(item, "name");
  instance.provider = std::string(kProviderName);
  const json* machine = Member(item, "machine");
  instance.zone = machine != nullptr ? String(*machine, "dataCenterId") : "";
  instance.region = CountryOfDataCenter(instance.zone);
  instance.instance_type = PodInstanceType(item);
  const bool interruptible = Bool(item, "interruptible", false);
  instance.market = interruptible ? Market::kSpot : Market::kOnDemand;
  instance.state = PodState(item);
  if (instance.state == InstanceState::kTerminated) {
    instance.reason = interruptible ? TerminationReason::kPreempted : TerminationReason::kUnknown;
  }
  instance.public_ip = String(item, "publicIp");
  instance.tags = TagsFromEnv(item);
  instance.launched_at_seconds = ParseTimestamp(String(item, "lastStartedAt"));
  instance.offer_id = rest::InstanceOfferId(instance);
  return pod;
}

// The offers of one GPU type: every count up to maxCount.secure in every data center listed.
void AppendGpuOffers(const json& gpu, const std::string& observed_at, GpuCatalog& catalog) {
  const json* price = Member(gpu, "price");
  const json* max_count = Member(gpu, "maxCount");
  const json* centers = Member(gpu, "dataCenters");
  const std::string id = String(gpu, "id");
  const std::string name = CanonicalGpuName(String(gpu, "name"));
  if (id.empty() || name.empty()) return;
  catalog.gpu_type_ids[name] = id;
  const double per_gpu = price != nullptr ? Number(*price, "secure") : 0;
  const int most = max_count != nullptr ? GpuCount(*max_count, "secure") : 0;
  if (!Bool(gpu, "secure", false) || per_gpu <= 0 || centers == nullptr || !centers->is_array()) {
    return;
  }
  for (int count = 1; count <= most; ++count) {
    for (const json& center : *centers) {
      Offer offer;
      offer.provider = std::string(kProviderName);
      offer.zone = String(center, "id");
      if (offer.zone.empty()) continue;
      offer.region = CountryOfDataCenter(offer.zone);
      offer.instance_type = FormatInstanceType({count, name, "SECURE"});
      offer.accelerator = name;
      offer.accelerator_count = count;
      offer.accelerator_memory_gb = Number(gpu, "memory");
      offer.market = Market::kOnDemand;
      offer.price_per_hour = per_gpu * count;
      if (String(center, "availability") == "NONE") offer.available = 0;
      offer.observed_at = observed_at;
      offer.source = std::string(kSource);
      offer.id = MakeOfferId(offer);
      catalog.offers.push_back(std::move(offer));
    }
  }
}

}  // namespace

std::string CanonicalGpuName(std::string_view display_name) {
  std::string name(display_name);
  ReplaceAll(name, "RTX PRO ", "RTXPRO");
  ReplaceAll(name, "RTX ", "RTX");
  ReplaceAll(name, " ", "-");
  // SkyPilot keeps the older names of the 80 GB A100s and the PCIe H100.
  if (name == "A100-PCIe") return "A100-80GB";
  if (name == "A100-SXM") return "A100-80GB-SXM";
  if (name == "H100-PCIe") return "H100";
  return name;
}

std::string CountryOfDataCenter(std::string_view id) {
  const size_t first = id.find('-');
  if (first == std::string_view::npos) return std::string(id);
  const std::string_view head = id.substr(0, first);
  const bool continent = head == "EU" || head == "EUR" || head == "AP" || head == "OC" ||
                         head == "SEA" || head == "SA" || head == "AF";
  if (!continent) return std::string(head);
  const size_t second = id.find('-', first + 1);
  if (second == std::string_view::npos) return std::string(id);
  return std::string(id.substr(first + 1, second - first - 1));
}

std::string FormatInstanceType(const InstanceTypeName& type) {
  return std::to_string(type.gpu_count) + "x_" + type.accelerator + "_" + type.cloud;
}

std::optional<InstanceTypeName> ParseInstanceType(std::string_view text) {
  const size_t x = text.find("x_");
  const size_t last = text.rfind('_');
  if (x == std::string_view::npos || x == 0 || last <= x + 2) return std::nullopt;
  const std::string count(text.substr(0, x));
  char* end = nullptr;
  const long gpu_count = std::strtol(count.c_str(), &end, 10);
  if (*end != '\0' || gpu_count <= 0 || gpu_count > kMaxGpuCount) return std::nullopt;
  InstanceTypeName type{static_cast<int>(gpu_count), std::string(text.substr(x + 2, last - x - 2)),
                        std::string(text.substr(last + 1))};
  if (type.cloud != "SECURE" && type.cloud != "COMMUNITY") return std::nullopt;
  return type;
}

Result<GpuCatalog> ParseGpuCatalog(std::string_view body, const std::string& observed_at) {
  const json parsed = json::parse(body, nullptr, false);
  const json* gpus = parsed.is_discarded() ? nullptr : Member(parsed, "gpus");
  if (gpus == nullptr || !gpus->is_array()) {
    return Status::InvalidArgument("RunPod catalog: no \"gpus\" array in the response");
  }
  GpuCatalog catalog;
  for (const json& gpu : *gpus) AppendGpuOffers(gpu, observed_at, catalog);
  return catalog;
}

Result<Pod> ParsePod(std::string_view body) {
  const json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return Status::InvalidArgument("RunPod pod: response is not a JSON object");
  }
  return PodFromJson(parsed);
}

Result<std::vector<Pod>> ParsePodList(std::string_view body) {
  const json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_array()) {
    return Status::InvalidArgument("RunPod pods: response is not a JSON array");
  }
  std::vector<Pod> pods;
  for (const json& item : parsed) {
    SKY_ASSIGN_OR_RETURN(Pod pod, PodFromJson(item));
    pods.push_back(std::move(pod));
  }
  return pods;
}

std::string PodCreateBody(const PodCreate& pod) {
  json tags = json::object();
  for (const auto& [key, value] : pod.tags) tags[key] = value;
  json body = {{"name", pod.name},
               {"imageName", pod.image},
               {"computeType", "GPU"},
               {"gpuTypeIds", json::array({pod.gpu_type_id})},
               {"gpuCount", pod.gpu_count},
               {"cloudType", pod.cloud},
               {"interruptible", pod.interruptible},
               {"ports", json::array({"22/tcp"})},
               {"env", {{std::string(kTagsEnv), tags.dump()}}}};
  if (!pod.data_center.empty()) body["dataCenterIds"] = json::array({pod.data_center});
  if (!pod.startup_script.empty()) {
    body["dockerStartCmd"] = json::array({"bash", "-c", pod.startup_script});
  }
  return body.dump();
}

// RunPod answers errors with free text only (v1 {"error": "..."}, v2 problem+json "detail"):
// it has no error codes, so this is the one place that reads capacity and quota from the
// message. Returns "capacity", "quota" or "" (none of them).
std::string_view ResourceReasonFromText(std::string_view detail) {
  const std::string lower = AsciiLower(detail);
  if (lower.find("no longer any instances available") != std::string::npos ||
      lower.find("no instances available") != std::string::npos ||
      lower.find("not enough free gpus") != std::string::npos) {
    return "capacity";
  }
  if (lower.find("quota") != std::string::npos || lower.find("spend limit") != std::string::npos) {
    return "quota";
  }
  return "";
}

Status StatusFromError(int http_status, std::string_view body) {
  const json parsed = json::parse(body, nullptr, false);
  std::string detail;
  if (!parsed.is_discarded()) {
    detail = String(parsed, "detail");
    if (detail.empty()) detail = String(parsed, "error");
    if (detail.empty()) detail = String(parsed, "message");
  } else {
    detail = std::string(body.substr(0, 300));
  }
  std::string text = RedactText("RunPod HTTP " + std::to_string(http_status) +
                                (detail.empty() ? "" : ": " + detail));
  const std::string_view reason = ResourceReasonFromText(detail);
  if (!reason.empty()) {
    return Status::ResourceExhausted(std::move(text)).WithReason(std::string(reason));
  }
  return StatusForHttpError(http_status, std::move(text));  // 429: Unavailable "throttled"
}

}  // namespace sky::providers::runpod
