#pragma once
// The AWS EC2 adapter: a Provider over the EC2 Query API (version 2016-11-15, XML), one
// region per instance, every request signed with SigV4 (service "ec2"). Launches are
// idempotent through ClientToken; spot launches are one-time requests terminated on
// interruption; instances carry the caller's tags (skybroker-pipeline, skybroker-stage, ...)
// plus skybroker-offer. It also implements aws::SpotPriceSource for the catalog's price
// history. Thread-safe when the injected HttpClient is (the adapter keeps no mutable state).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sky/providers/auth/aws_credentials.h"
#include "sky/providers/aws/spot_price.h"
#include "sky/providers/http/retrying_http_client.h"
#include "sky/providers/http_client.h"
#include "sky/providers/provider.h"
#include "sky/types/clock.h"
#include "sky/types/result.h"

namespace sky::providers::aws {

// What the catalog knows about an instance type; ListOffers turns it into offers.
struct Ec2InstanceTypeInfo {
  std::string instance_type;  // "p4d.24xlarge"
  std::string accelerator;    // SkyPilot canonical name ("A100"); empty for CPU-only types
  int accelerator_count = 0;
  double accelerator_memory_gb = 0;
  double vcpus = 0;
  double memory_gb = 0;
  // On-demand $/h in this region (EC2 itself does not report it); 0 means no on-demand offer.
  double on_demand_price = 0;
};

struct Ec2Config {
  // The one region this provider serves. Default: "us-east-1".
  std::string region = "us-east-1";
  // Base URL. Empty: $SKYBROKER_AWS_ENDPOINT when set, else https://ec2.<region>.amazonaws.com.
  // Default: empty.
  std::string endpoint;
  // Credentials. Empty: the standard places (auth::LoadAwsCredentials). Default: empty.
  std::optional<auth::AwsCredentials> credentials;
  // Reads environment variables (endpoint and credentials). Default: the process environment.
  auth::EnvLookup env = auth::ProcessEnv;
  // The AMI that Launch boots; Launch is FailedPrecondition without one. Default: empty.
  std::string image_id;
  // Optional launch settings. Default: empty (EC2's defaults).
  std::string key_name;
  std::string subnet_id;
  std::vector<std::string> security_group_ids;
  // Instance types ListOffers reports (from the catalog); with none, ListOffers returns no
  // offers and calls nothing. Default: none.
  std::vector<Ec2InstanceTypeInfo> instance_types;
  // Retries of throttled and failed calls; `is_retryable` is replaced by the EC2 classifier.
  // Default: RetryOptions{}.
  RetryOptions retry;
  // Seconds since the Unix epoch, for SigV4 dates and "now" in queries; not owned, must
  // outlive the provider. Default: nullptr = the system's real time.
  const Clock* wall_clock = nullptr;
  // Most pages read from one paginated listing. Default: 100.
  int max_pages = 100;
};

// The endpoint `config` resolves to (see Ec2Config::endpoint), without a trailing slash.
std::string ResolveEc2Endpoint(const Ec2Config& config);

// Builds the adapter over `client` (wrapped in a RetryingHttpClient with the EC2 classifier).
// Errors: InvalidArgument (empty region, an endpoint that is not http(s)), and those of
// auth::LoadAwsCredentials when `config.credentials` is empty (Unauthenticated when there are
// none). The result also implements aws::SpotPriceSource.
Result<std::unique_ptr<Provider>> NewEc2Provider(const Ec2Config& config,
                                                 std::unique_ptr<HttpClient> client);

}  // namespace sky::providers::aws
