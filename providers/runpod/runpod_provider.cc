#include "sky/providers/runpod/runpod_provider.h"

#include <map>
#include <set>
#include <utility>
#include <vector>

#include "providers/rest/bearer_json_client.h"
#include "providers/rest/in_flight_claim.h"
#include "providers/rest/named_instance.h"
#include "providers/rest/rest_config.h"
#include "providers/runpod/runpod_json.h"
#include "sky/types/mutex.h"

namespace sky::providers {
namespace {

constexpr std::string_view kDefaultEndpoint = "https://rest.runpod.io/v1";
constexpr std::string_view kDefaultCatalogEndpoint = "https://api.runpod.io";

// Pod ids are short alphanumeric strings; anything else must not reach a URL path.
bool IsPodId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

Result<std::string> PodName(const std::string& idempotency_key) {
  SKY_ASSIGN_OR_RETURN(std::string digest, rest::IdempotencyDigest(idempotency_key, 16, "RunPod"));
  return "sky-" + digest;
}

class RunPodProvider final : public Provider {
 public:
  // v2 answers errors as application/problem+json, hence the second Accept type.
  RunPodProvider(RunPodConfig config, std::unique_ptr<HttpClient> http)
      : config_(std::move(config)),
        client_(std::move(http), config_.api_key, "application/json, application/problem+json",
                runpod::StatusFromError) {
    config_.endpoint = rest::TrimTrailingSlashes(std::move(config_.endpoint));
    config_.catalog_endpoint = rest::TrimTrailingSlashes(std::move(config_.catalog_endpoint));
    if (!config_.utc_now) config_.utc_now = rest::SystemUtcNow;
  }

  std::string name() const override { return std::string(runpod::kProviderName); }

  Result<std::vector<Offer>> ListOffers() override {
    SKY_ASSIGN_OR_RETURN(runpod::GpuCatalog catalog,
                         FetchCatalog("/v2/catalog/gpus?include=AVAILABILITY&product=POD"));
    return std::move(catalog.offers);
  }

  Result<Instance> Launch(const LaunchRequest& request) override;

  Result<std::vector<Instance>> Describe(const std::vector<std::string>& ids) override {
    std::vector<Instance> out;
    for (const std::string& id : ids) {
      if (!IsPodId(id)) return Status::InvalidArgument("not a RunPod pod id: \"" + id + "\"");
      SKY_ASSIGN_OR_RETURN(Instance instance, DescribeOne(id));
      out.push_back(std::move(instance));
    }
    return out;
  }

  Result<std::vector<Instance>> ListByTag(const std::string& key,
                                          const std::string& value) override {
    SKY_ASSIGN_OR_RETURN(std::vector<runpod::Pod> pods, ListPods("?includeMachine=true"));
    return rest::InstancesWithTag(std::move(pods), key, value,
                                  [this](Instance& instance) { Refine(instance); });
  }

  Status Terminate(const std::string& id) override {
    if (!IsPodId(id)) return Status::InvalidArgument("not a RunPod pod id: \"" + id + "\"");
    {
      // Recorded first, so a Describe racing the delete does not call it a preemption.
      MutexLock lock(mu_);
      terminated_.insert(id);
    }
    Result<HttpResponse> response = client_.Call("DELETE", config_.endpoint + "/pods/" + id, "");
    if (response.ok() || response.status().IsNotFound()) return Status::Ok();
    MutexLock lock(mu_);
    terminated_.erase(id);
    return response.status();
  }

 private:
  Result<runpod::GpuCatalog> FetchCatalog(const std::string& path_and_query) {
    SKY_ASSIGN_OR_RETURN(HttpResponse response,
                         client_.Call("GET", config_.catalog_endpoint + path_and_query, ""));
    SKY_ASSIGN_OR_RETURN(runpod::GpuCatalog catalog,
                         runpod::ParseGpuCatalog(response.body, config_.utc_now()));
    MutexLock lock(mu_);
    for (const auto& [name, id] : catalog.gpu_type_ids) gpu_type_ids_[name] = id;
    return catalog;
  }

  Result<std::vector<runpod::Pod>> ListPods(const std::string& query) {
    SKY_ASSIGN_OR_RETURN(HttpResponse response,
                         client_.Call("GET", config_.endpoint + "/pods" + query, ""));
    return runpod::ParsePodList(response.body);
  }

  Result<Instance> DescribeOne(const std::string& id) {
    Result<HttpResponse> response =
        client_.Call("GET", config_.endpoint + "/pods/" + id + "?includeMachine=true", "");
    if (response.status().IsNotFound()) {
      MutexLock lock(mu_);
      if (terminated_.count(id) == 0) return response.status();
      return rest::GoneInstance(id, name(), TerminationReason::kUser);
    }
    SKY_RETURN_IF_ERROR(response);
    SKY_ASSIGN_OR_RETURN(runpod::Pod pod, runpod::ParsePod(response->body));
    Refine(pod.instance);
    return std::move(pod.instance);
  }

  // A pod this provider terminated ended by the user's request, not by preemption.
  void Refine(Instance& instance) const {
    MutexLock lock(mu_);
    if (instance.state == InstanceState::kTerminated && terminated_.count(instance.id) > 0) {
      instance.reason = TerminationReason::kUser;
    }
  }

  Result<std::string> GpuTypeId(const std::string& accelerator);
  Result<runpod::PodCreate> PodFor(const LaunchRequest& request);

  RunPodConfig config_;
  // Errors through runpod::StatusFromError; GETs and DELETEs by id may be retried, pod
  // creation (POST) never is.
  const rest::BearerJsonClient client_;
  mutable Mutex mu_;
  std::set<std::string> terminated_ SKY_GUARDED_BY(mu_);
  rest::InFlightKeys launching_;  // pod names in flight
  std::map<std::string, std::string> gpu_type_ids_ SKY_GUARDED_BY(mu_);
};

Result<std::string> RunPodProvider::GpuTypeId(const std::string& accelerator) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    {
      MutexLock lock(mu_);
      auto it = gpu_type_ids_.find(accelerator);
      if (it != gpu_type_ids_.end()) return it->second;
    }
    if (attempt == 0) SKY_RETURN_IF_ERROR(FetchCatalog("/v2/catalog/gpus"));
  }
  return Status::InvalidArgument("RunPod has no GPU type called " + accelerator);
}

Result<runpod::PodCreate> RunPodProvider::PodFor(const LaunchRequest& request) {
  const Offer& offer = request.offer;
  std::optional<runpod::InstanceTypeName> type = runpod::ParseInstanceType(offer.instance_type);
  if (!type && !offer.accelerator.empty() && offer.accelerator_count > 0) {
    type = runpod::InstanceTypeName{offer.accelerator_count, offer.accelerator, "SECURE"};
  }
  if (!type) {
    return Status::InvalidArgument("not a RunPod instance type: \"" + offer.instance_type + "\"");
  }
  if (offer.market == Market::kReserved) {
    return Status::InvalidArgument("RunPod launches on-demand or spot pods, not reserved");
  }
  runpod::PodCreate pod;
  SKY_ASSIGN_OR_RETURN(pod.name, PodName(request.idempotency_key));
  SKY_ASSIGN_OR_RETURN(pod.gpu_type_id, GpuTypeId(type->accelerator));
  // A stage's own image (its spec's `image`): the pod is that container; else the default.
  pod.image = request.image.empty() ? config_.image : request.image;
  pod.gpu_count = type->gpu_count;
  pod.cloud = type->cloud;
  pod.interruptible = offer.market == Market::kSpot;
  pod.data_center = offer.zone;
  pod.tags = request.tags;
  pod.startup_script = request.startup_script;
  return pod;
}

Result<Instance> RunPodProvider::Launch(const LaunchRequest& request) {
  SKY_ASSIGN_OR_RETURN(runpod::PodCreate pod, PodFor(request));
  // Two concurrent launches with one key would both miss the other's pod in the lookup.
  rest::InFlightClaim claim(launching_, pod.name);
  if (!claim.claimed()) {
    return Status::Unavailable("a launch with idempotency key " + request.idempotency_key +
                               " is already in progress");
  }
  SKY_ASSIGN_OR_RETURN(std::vector<runpod::Pod> existing, ListPods("?name=" + pod.name));
  for (runpod::Pod& found : existing) {
    if (found.name == pod.name) return std::move(found.instance);
  }
  SKY_ASSIGN_OR_RETURN(HttpResponse response, client_.Call("POST", config_.endpoint + "/pods",
                                                           runpod::PodCreateBody(pod)));
  SKY_ASSIGN_OR_RETURN(runpod::Pod created, runpod::ParsePod(response.body));
  Instance& instance = created.instance;
  // The create response may omit what the request already fixed.
  if (instance.zone.empty()) instance.zone = request.offer.zone;
  if (instance.region.empty()) instance.region = request.offer.region;
  if (instance.instance_type.empty()) instance.instance_type = request.offer.instance_type;
  if (instance.tags.empty()) instance.tags = request.tags;
  instance.offer_id = request.offer.id.empty() ? MakeOfferId(request.offer) : request.offer.id;
  return std::move(instance);
}

}  // namespace

RunPodConfig RunPodConfig::FromEnv() {
  RunPodConfig config;
  config.endpoint = rest::EnvOr("SKYBROKER_RUNPOD_ENDPOINT", kDefaultEndpoint);
  config.catalog_endpoint =
      rest::EnvOr("SKYBROKER_RUNPOD_CATALOG_ENDPOINT", kDefaultCatalogEndpoint);
  config.api_key = rest::EnvOr("RUNPOD_API_KEY", "");
  return config;
}

Result<std::unique_ptr<Provider>> NewRunPodProvider(const RunPodConfig& config,
                                                    std::unique_ptr<HttpClient> http) {
  if (!rest::IsHttpUrl(config.endpoint) || !rest::IsHttpUrl(config.catalog_endpoint)) {
    return Status::InvalidArgument("RunPod endpoints must be http(s) URLs: \"" + config.endpoint +
                                   "\", \"" + config.catalog_endpoint + "\"");
  }
  if (config.api_key.empty()) return Status::Unauthenticated("RUNPOD_API_KEY is not set");
  if (config.image.empty()) return Status::InvalidArgument("RunPod launches need an image");
  if (http == nullptr) return Status::InvalidArgument("NewRunPodProvider needs an HttpClient");
  return std::unique_ptr<Provider>(std::make_unique<RunPodProvider>(config, std::move(http)));
}

Result<std::unique_ptr<Provider>> NewRunPodProvider(const RunPodConfig& config) {
  return NewRunPodProvider(
      config, rest::NewRetryingCurlClient(config.connect_timeout, config.total_timeout));
}

}  // namespace sky::providers
