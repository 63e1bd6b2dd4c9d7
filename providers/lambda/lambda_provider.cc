#include "sky/providers/lambda/lambda_provider.h"

#include <set>
#include <utility>
#include <vector>

#include "providers/lambda/lambda_instance_name.h"
#include "providers/lambda/lambda_json.h"
#include "providers/rest/bearer_json_client.h"
#include "providers/rest/in_flight_claim.h"
#include "providers/rest/named_instance.h"
#include "providers/rest/rest_config.h"
#include "sky/types/mutex.h"

namespace sky::providers {
namespace {

constexpr std::string_view kDefaultEndpoint = "https://cloud.lambdalabs.com";

class LambdaProvider final : public Provider {
 public:
  LambdaProvider(LambdaConfig config, std::unique_ptr<HttpClient> http)
      : config_(std::move(config)),
        client_(std::move(http), config_.api_key, "application/json", lambda::StatusFromError) {
    config_.endpoint = rest::TrimTrailingSlashes(std::move(config_.endpoint));
    if (!config_.utc_now) config_.utc_now = rest::SystemUtcNow;
  }

  std::string name() const override { return std::string(lambda::kProviderName); }

  Result<std::vector<Offer>> ListOffers() override {
    SKY_ASSIGN_OR_RETURN(HttpResponse response, Call("GET", "/api/v1/instance-types", ""));
    return lambda::ParseInstanceTypes(response.body, config_.utc_now());
  }

  Result<Instance> Launch(const LaunchRequest& request) override;
  Result<std::vector<Instance>> Describe(const std::vector<std::string>& ids) override;
  Result<std::vector<Instance>> ListByTag(const std::string& key,
                                          const std::string& value) override;
  Status Terminate(const std::string& id) override;

 private:
  // Sends one request to the endpoint; an HTTP error status becomes its Status
  // (lambda::StatusFromError). Launch and terminate are POSTs, so never repeated.
  Result<HttpResponse> Call(const std::string& method, const std::string& path, std::string body) {
    return client_.Call(method, config_.endpoint + path, std::move(body));
  }

  Result<std::vector<lambda::NamedInstance>> ListInstances() {
    SKY_ASSIGN_OR_RETURN(HttpResponse response, Call("GET", "/api/v1/instances", ""));
    return lambda::ParseInstanceList(response.body);
  }

  Result<Instance> LaunchNew(const LaunchRequest& request, const std::string& instance_name);
  Result<Instance> DescribeOne(const std::string& id);
  // The provider's memory of what it did, to name the end of an instance that is gone.
  void Refine(Instance& instance) const;

  LambdaConfig config_;
  const rest::BearerJsonClient client_;
  mutable Mutex mu_;
  std::set<std::string> launched_ SKY_GUARDED_BY(mu_);
  std::set<std::string> terminated_ SKY_GUARDED_BY(mu_);
  rest::InFlightKeys launching_;  // key digests of launches in flight
};

Result<Instance> LambdaProvider::Launch(const LaunchRequest& request) {
  const Offer& offer = request.offer;
  if (offer.market != Market::kOnDemand) {
    return Status::InvalidArgument("Lambda Cloud sells on-demand instances only, not " +
                                   std::string(MarketName(offer.market)));
  }
  if (offer.region.empty() || offer.instance_type.empty()) {
    return Status::InvalidArgument("a Lambda launch needs the offer's region and instance type");
  }
  SKY_ASSIGN_OR_RETURN(std::string instance_name,
                       lambda::EncodeInstanceName(request.idempotency_key, request.tags));
  SKY_ASSIGN_OR_RETURN(std::string digest, lambda::IdempotencyDigest(request.idempotency_key));
  // Two concurrent launches with one key would both miss the other's instance in the lookup.
  rest::InFlightClaim claim(launching_, digest);
  if (!claim.claimed()) {
    return Status::Unavailable("a launch with idempotency key " + request.idempotency_key +
                               " is already in progress");
  }
  SKY_ASSIGN_OR_RETURN(std::vector<lambda::NamedInstance> live, ListInstances());
  for (lambda::NamedInstance& existing : live) {
    auto decoded = lambda::DecodeInstanceName(existing.name);
    if (decoded && decoded->digest == digest) return std::move(existing.instance);
  }
  return LaunchNew(request, instance_name);
}

Result<Instance> LambdaProvider::LaunchNew(const LaunchRequest& request,
                                           const std::string& instance_name) {
  const Offer& offer = request.offer;
  const lambda::LaunchBody body{offer.region, offer.instance_type, config_.ssh_key_name,
                                instance_name, request.startup_script};
  Result<HttpResponse> response =
      Call("POST", "/api/v1/instance-operations/launch", lambda::LaunchRequestBody(body));
  if (response.status().IsNotFound()) {
    return Status::InvalidArgument(response.status().message());
  }
  SKY_RETURN_IF_ERROR(response);
  SKY_ASSIGN_OR_RETURN(std::string id, lambda::ParseLaunchedId(response->body));
  {
    MutexLock lock(mu_);
    launched_.insert(id);
  }
  Instance instance;
  instance.id = id;
  instance.offer_id = offer.id.empty() ? MakeOfferId(offer) : offer.id;
  instance.provider = name();
  instance.region = offer.region;
  instance.instance_type = offer.instance_type;
  instance.tags = lambda::DecodeInstanceName(instance_name)->tags;
  return instance;
}

Result<Instance> LambdaProvider::DescribeOne(const std::string& id) {
  Result<HttpResponse> response = Call("GET", "/api/v1/instances/" + id, "");
  if (response.status().IsNotFound()) {
    MutexLock lock(mu_);
    const bool ours_ended = terminated_.count(id) > 0;
    if (!ours_ended && launched_.count(id) == 0) return response.status();
    return rest::GoneInstance(id, name(),
                              ours_ended ? TerminationReason::kUser : TerminationReason::kUnknown);
  }
  SKY_RETURN_IF_ERROR(response);
  SKY_ASSIGN_OR_RETURN(Instance instance, lambda::ParseInstance(response->body));
  Refine(instance);
  return instance;
}

void LambdaProvider::Refine(Instance& instance) const {
  MutexLock lock(mu_);
  if (terminated_.count(instance.id) == 0) return;
  if (instance.state == InstanceState::kTerminated || instance.state == InstanceState::kStopping) {
    instance.reason = TerminationReason::kUser;
  }
}

Result<std::vector<Instance>> LambdaProvider::Describe(const std::vector<std::string>& ids) {
  std::vector<Instance> out;
  for (const std::string& id : ids) {
    if (id.empty() || id.find_first_of("/?#% ") != std::string::npos) {
      return Status::InvalidArgument("not a Lambda instance id: \"" + id + "\"");
    }
    SKY_ASSIGN_OR_RETURN(Instance instance, DescribeOne(id));
    out.push_back(std::move(instance));
  }
  return out;
}

Result<std::vector<Instance>> LambdaProvider::ListByTag(const std::string& key,
                                                        const std::string& value) {
  if (key != lambda::kPipelineTag && key != lambda::kStageTag) {
    return Status::InvalidArgument("Lambda instance names keep only the " +
                                   std::string(lambda::kPipelineTag) + " and " +
                                   std::string(lambda::kStageTag) + " tags, not " + key);
  }
  SKY_ASSIGN_OR_RETURN(std::vector<lambda::NamedInstance> live, ListInstances());
  return rest::InstancesWithTag(std::move(live), key, value,
                                [this](Instance& instance) { Refine(instance); });
}

Status LambdaProvider::Terminate(const std::string& id) {
  Result<HttpResponse> response =
      Call("POST", "/api/v1/instance-operations/terminate", lambda::TerminateRequestBody(id));
  // Lambda forgets a terminated instance; terminating it again answers 404.
  if (!response.ok() && !response.status().IsNotFound()) return response.status();
  MutexLock lock(mu_);
  terminated_.insert(id);
  return Status::Ok();
}

}  // namespace

LambdaConfig LambdaConfig::FromEnv() {
  LambdaConfig config;
  config.endpoint = rest::EnvOr("SKYBROKER_LAMBDA_ENDPOINT", kDefaultEndpoint);
  config.api_key = rest::EnvOr("LAMBDA_API_KEY", "");
  config.ssh_key_name = rest::EnvOr("SKYBROKER_LAMBDA_SSH_KEY", "skybroker");
  return config;
}

Result<std::unique_ptr<Provider>> NewLambdaProvider(const LambdaConfig& config,
                                                    std::unique_ptr<HttpClient> http) {
  if (!rest::IsHttpUrl(config.endpoint)) {
    return Status::InvalidArgument("Lambda endpoint must be an http(s) URL: \"" + config.endpoint +
                                   "\"");
  }
  if (config.api_key.empty()) return Status::Unauthenticated("LAMBDA_API_KEY is not set");
  if (config.ssh_key_name.empty()) {
    return Status::InvalidArgument("Lambda launches need an SSH key name");
  }
  if (http == nullptr) return Status::InvalidArgument("NewLambdaProvider needs an HttpClient");
  return std::unique_ptr<Provider>(std::make_unique<LambdaProvider>(config, std::move(http)));
}

Result<std::unique_ptr<Provider>> NewLambdaProvider(const LambdaConfig& config) {
  return NewLambdaProvider(
      config, rest::NewRetryingCurlClient(config.connect_timeout, config.total_timeout));
}

}  // namespace sky::providers
