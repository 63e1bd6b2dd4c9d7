#include "sky/providers/aws/ec2_provider.h"

#include <chrono>
#include <cmath>
#include <set>
#include <utility>

#include "providers/auth/sigv4.h"
#include "providers/aws/ec2_convert.h"
#include "providers/aws/ec2_errors.h"
#include "providers/aws/ec2_query.h"
#include "providers/aws/ec2_requests.h"
#include "providers/aws/ec2_xml.h"

namespace sky::providers::aws {
namespace {

// Real time since the Unix epoch, for when no clock is injected (the edge of the system).
const WallClock kUnixClock;

// One EC2 call and whether it may be repeated: reads and terminate-by-id are idempotent;
// RunInstances is not, but carries its ClientToken as the idempotency key.
struct Call {
  Call(std::string_view action_name, QueryParams query, bool is_idempotent = true,
       std::optional<std::string> key = std::nullopt)
      : action(action_name),
        params(std::move(query)),
        idempotent(is_idempotent),
        idempotency_key(std::move(key)) {}

  std::string_view action;
  QueryParams params;
  bool idempotent;
  std::optional<std::string> idempotency_key;
};

class Ec2Provider final : public Provider, public SpotPriceSource {
 public:
  Ec2Provider(const Ec2Config& config, std::string url, auth::AwsCredentials credentials,
              std::unique_ptr<HttpClient> client)
      : config_(config),
        url_(std::move(url)),
        credentials_(std::move(credentials)),
        clock_(config.wall_clock != nullptr ? *config.wall_clock : kUnixClock),
        client_(std::move(client)) {}

  std::string name() const override { return "aws"; }
  Result<std::vector<Offer>> ListOffers() override;
  Result<Instance> Launch(const LaunchRequest& request) override;
  Result<std::vector<Instance>> Describe(const std::vector<std::string>& ids) override;
  Result<std::vector<Instance>> ListByTag(const std::string& key,
                                          const std::string& value) override;
  Status Terminate(const std::string& id) override;
  Result<std::vector<SpotPricePoint>> DescribeSpotPriceHistory(
      const SpotPriceQuery& query) override;

 private:
  // Signs and sends one call; the body of a 2xx answer, else the mapped EC2 error.
  Result<std::string> Send(const Call& call) const;
  Result<std::vector<Instance>> DescribeAll(const std::vector<std::string>& ids,
                                            const std::map<std::string, std::string>& tags);
  Result<std::vector<InstanceTypeOffering>> ListTypeOfferings(
      const std::vector<std::string>& types);
  Status CheckPages(int pages, std::string_view action) const;

  const Ec2Config config_;
  const std::string url_;
  const auth::AwsCredentials credentials_;
  const Clock& clock_;
  const std::unique_ptr<HttpClient> client_;
};

Result<std::string> Ec2Provider::Send(const Call& call) const {
  HttpRequest request;
  request.method = "POST";
  request.url = url_;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  request.body = EncodeQueryBody(call.action, kEc2ApiVersion, call.params);
  request.idempotent = call.idempotent;
  request.idempotency_key = call.idempotency_key;
  auto now = static_cast<int64_t>(std::floor(clock_.NowSeconds()));
  SKY_RETURN_IF_ERROR(auth::SignHttpRequest(request, credentials_, {config_.region, "ec2"}, now));
  // The retrying client returns the last response when it gives up on a throttled or failing
  // call, so its error code (RequestLimitExceeded: "throttled") is mapped here like any other.
  Result<HttpResponse> sent = client_->Send(request);
  if (!sent.ok()) return sent.status().WithPrefix(call.action);
  HttpResponse response = std::move(sent).value();
  if (response.status >= 200 && response.status < 300) return std::move(response.body);
  return StatusForEc2Response(response).WithPrefix(call.action);
}

Status Ec2Provider::CheckPages(int pages, std::string_view action) const {
  if (pages < config_.max_pages) return Status::Ok();
  return Status::Internal(std::string(action) + ": more than " + std::to_string(config_.max_pages) +
                          " pages");
}

Result<Instance> Ec2Provider::Launch(const LaunchRequest& request) {
  const Offer& offer = request.offer;
  if (offer.provider != "aws" || offer.region != config_.region) {
    return Status::InvalidArgument("offer " + offer.id + " is not in aws:" + config_.region);
  }
  if (config_.image_id.empty()) {
    return Status::FailedPrecondition("no image_id configured for EC2 launches");
  }
  RunInstancesInput input;
  input.image_id = config_.image_id;
  input.instance_type = offer.instance_type;
  input.zone = offer.zone;
  SKY_ASSIGN_OR_RETURN(input.client_token, ClientTokenForKey(request.idempotency_key));
  input.user_data = request.startup_script;
  input.key_name = config_.key_name;
  input.subnet_id = config_.subnet_id;
  input.security_group_ids = config_.security_group_ids;
  input.spot = offer.market == Market::kSpot;
  input.tags = request.tags;
  input.tags[std::string(kOfferTag)] = offer.id.empty() ? MakeOfferId(offer) : offer.id;
  Call call{"RunInstances", RunInstancesParams(input), false, input.client_token};
  SKY_ASSIGN_OR_RETURN(std::string body, Send(call));
  SKY_ASSIGN_OR_RETURN(std::vector<Ec2Instance> instances, ParseRunInstances(body));
  if (instances.size() != 1) {
    return Status::Internal("RunInstances returned " + std::to_string(instances.size()) +
                            " instances, expected 1");
  }
  return ToInstance(instances.front(), config_.region);
}

Result<std::vector<Instance>> Ec2Provider::DescribeAll(
    const std::vector<std::string>& ids, const std::map<std::string, std::string>& tags) {
  std::vector<Instance> out;
  std::string token;
  for (int pages = 0;; ++pages) {
    SKY_RETURN_IF_ERROR(CheckPages(pages, "DescribeInstances"));
    SKY_ASSIGN_OR_RETURN(std::string body, Send(Call("DescribeInstances",
                                                     DescribeInstancesParams(ids, tags, token))));
    SKY_ASSIGN_OR_RETURN(DescribeInstancesPage page, ParseDescribeInstances(body));
    for (const Ec2Instance& instance : page.instances) {
      out.push_back(ToInstance(instance, config_.region));
    }
    if (page.next_token.empty()) return out;
    token = std::move(page.next_token);
  }
}

Result<std::vector<Instance>> Ec2Provider::Describe(const std::vector<std::string>& ids) {
  if (ids.empty()) return std::vector<Instance>{};
  SKY_ASSIGN_OR_RETURN(std::vector<Instance> found, DescribeAll(ids, {}));
  std::set<std::string> seen;
  for (const Instance& instance : found) seen.insert(instance.id);
  for (const std::string& id : ids) {
    if (seen.count(id) == 0) return Status::NotFound("EC2 instance " + id + " not found");
  }
  return found;
}

Result<std::vector<Instance>> Ec2Provider::ListByTag(const std::string& key,
                                                     const std::string& value) {
  return DescribeAll({}, {{key, value}});
}

Status Ec2Provider::Terminate(const std::string& id) {
  Result<std::string> body = Send(Call("TerminateInstances", TerminateInstancesParams({id})));
  // Gone already: EC2 forgets terminated instances after a while.
  if (body.status().IsNotFound()) return Status::Ok();
  if (!body.ok()) return body.status();
  SKY_ASSIGN_OR_RETURN(std::vector<InstanceStateChange> changes, ParseTerminateInstances(*body));
  for (const InstanceStateChange& change : changes) {
    if (change.instance_id == id) return Status::Ok();
  }
  return Status::Internal("TerminateInstances did not mention " + id);
}

Result<std::vector<SpotPricePoint>> Ec2Provider::DescribeSpotPriceHistory(
    const SpotPriceQuery& query) {
  std::vector<SpotPricePoint> out;
  std::string token;
  for (int pages = 0;; ++pages) {
    SKY_RETURN_IF_ERROR(CheckPages(pages, "DescribeSpotPriceHistory"));
    SKY_ASSIGN_OR_RETURN(std::string body, Send(Call("DescribeSpotPriceHistory",
                                                     SpotPriceHistoryParams(query, token))));
    SKY_ASSIGN_OR_RETURN(SpotPriceHistoryPage page, ParseSpotPriceHistory(body));
    for (SpotPricePoint& point : page.prices) {
      if (query.max_points > 0 && out.size() >= query.max_points) return out;
      out.push_back(std::move(point));
    }
    if (page.next_token.empty()) return out;
    token = std::move(page.next_token);
  }
}

Result<std::vector<InstanceTypeOffering>> Ec2Provider::ListTypeOfferings(
    const std::vector<std::string>& types) {
  std::vector<InstanceTypeOffering> out;
  std::string token;
  for (int pages = 0;; ++pages) {
    SKY_RETURN_IF_ERROR(CheckPages(pages, "DescribeInstanceTypeOfferings"));
    SKY_ASSIGN_OR_RETURN(std::string body, Send(Call("DescribeInstanceTypeOfferings",
                                                     InstanceTypeOfferingsParams(types, token))));
    SKY_ASSIGN_OR_RETURN(InstanceTypeOfferingsPage page, ParseInstanceTypeOfferings(body));
    out.insert(out.end(), page.offerings.begin(), page.offerings.end());
    if (page.next_token.empty()) return out;
    token = std::move(page.next_token);
  }
}

Result<std::vector<Offer>> Ec2Provider::ListOffers() {
  if (config_.instance_types.empty()) return std::vector<Offer>{};
  std::vector<std::string> types;
  for (const Ec2InstanceTypeInfo& type : config_.instance_types) {
    types.push_back(type.instance_type);
  }
  SKY_ASSIGN_OR_RETURN(std::vector<InstanceTypeOffering> offerings, ListTypeOfferings(types));
  SpotPriceQuery query;
  query.instance_types = types;
  // With a start time of now, EC2 answers the price in effect now in each zone.
  query.start_seconds = clock_.NowSeconds();
  SKY_ASSIGN_OR_RETURN(std::vector<SpotPricePoint> prices, DescribeSpotPriceHistory(query));
  std::string now = FormatIsoUtc(static_cast<int64_t>(std::floor(clock_.NowSeconds())));
  return BuildEc2Offers(config_.region, config_.instance_types, offerings, prices, now);
}

}  // namespace

std::string ResolveEc2Endpoint(const Ec2Config& config) {
  std::string endpoint = config.endpoint;
  if (endpoint.empty() && config.env) {
    endpoint = config.env("SKYBROKER_AWS_ENDPOINT").value_or("");
  }
  if (endpoint.empty()) endpoint = "https://ec2." + config.region + ".amazonaws.com";
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  return endpoint;
}

Result<std::unique_ptr<Provider>> NewEc2Provider(const Ec2Config& config,
                                                 std::unique_ptr<HttpClient> client) {
  if (config.region.empty()) return Status::InvalidArgument("EC2 provider without a region");
  if (client == nullptr) return Status::InvalidArgument("EC2 provider without an HTTP client");
  std::string endpoint = ResolveEc2Endpoint(config);
  if (endpoint.rfind("http://", 0) != 0 && endpoint.rfind("https://", 0) != 0) {
    return Status::InvalidArgument("EC2 endpoint is not an http(s) URL: " + endpoint);
  }
  auth::AwsCredentials credentials;
  if (config.credentials.has_value()) {
    credentials = *config.credentials;
  } else {
    SKY_ASSIGN_OR_RETURN(credentials, auth::LoadAwsCredentials(config.env));
  }
  RetryOptions retry = config.retry;
  retry.is_retryable = IsRetryableEc2Response;
  auto retrying = std::make_unique<RetryingHttpClient>(std::move(client), std::move(retry));
  // A path-less endpoint posts to "/"; one with a path keeps it with a trailing slash.
  return std::unique_ptr<Provider>(std::make_unique<Ec2Provider>(
      config, endpoint + "/", std::move(credentials), std::move(retrying)));
}

}  // namespace sky::providers::aws
