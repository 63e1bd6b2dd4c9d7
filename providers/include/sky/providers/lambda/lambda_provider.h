#pragma once
// The Lambda Cloud adapter (REST API v1, shared/specs/lambda-cloud/...-v1.6.0.json):
//   ListOffers  GET  /api/v1/instance-types   one on-demand offer per type and region with
//                                            capacity (available = 1, a lower bound)
//   Launch      GET  /api/v1/instances, then POST /api/v1/instance-operations/launch
//   Describe    GET  /api/v1/instances/{id}
//   ListByTag   GET  /api/v1/instances        filtered on the tags kept in the name
//   Terminate   POST /api/v1/instance-operations/terminate
// Lambda has no spot market (a spot offer is InvalidArgument), no tags and no idempotency
// token: the instance name carries the key's digest and the pipeline/stage tags
// (lambda_instance_name.h), and Launch first looks for a live instance with that digest.
// Auth: `Authorization: Bearer <LAMBDA_API_KEY>` (the spec allows Basic or Bearer).
// Errors: see StatusFromError in lambda_json.h; a launch 404 (unknown SSH key, type or
// image) is InvalidArgument. Describe of an instance that is gone is NotFound, unless this
// provider launched or terminated it: then it is kTerminated, reason kUser when this
// provider terminated it, else kUnknown. Thread-safe.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "sky/providers/http_client.h"
#include "sky/providers/provider.h"
#include "sky/types/result.h"

namespace sky::providers {

struct LambdaConfig {
  // Base URL, no trailing path. FromEnv: $SKYBROKER_LAMBDA_ENDPOINT, else
  // "https://cloud.lambdalabs.com" (the spec's server).
  std::string endpoint;
  // FromEnv: $LAMBDA_API_KEY. Required.
  std::string api_key;
  // The one SSH key Lambda requires at launch. FromEnv: $SKYBROKER_LAMBDA_SSH_KEY, else
  // "skybroker". Required.
  std::string ssh_key_name;
  // Timeouts of the client NewLambdaProvider(config) builds. Defaults: 10 s and 60 s.
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds total_timeout{60'000};
  // Returns the current UTC time as ISO 8601, for Offer::observed_at.
  // Default (empty): the system clock.
  std::function<std::string()> utc_now;

  // The FromEnv values above, read from the environment.
  static LambdaConfig FromEnv();
};

// Builds the adapter over `http` (not wrapped: pass a RetryingHttpClient to retry 429/5xx;
// launches are never marked retryable, so a retry cannot start a second instance).
// InvalidArgument for an endpoint that is not http(s)://, Unauthenticated without an API key.
Result<std::unique_ptr<Provider>> NewLambdaProvider(const LambdaConfig& config,
                                                    std::unique_ptr<HttpClient> http);

// As above over a CurlHttpClient with the config's timeouts, inside a RetryingHttpClient.
Result<std::unique_ptr<Provider>> NewLambdaProvider(const LambdaConfig& config);

}  // namespace sky::providers
