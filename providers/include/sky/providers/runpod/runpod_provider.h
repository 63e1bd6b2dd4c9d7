#pragma once
// The RunPod adapter. Pods through REST v1 (rest.runpod.io/v1), the GPU catalog through
// API v2 (api.runpod.io), because v1 has neither a catalog nor prices:
//   ListOffers  GET    {catalog}/v2/catalog/gpus?include=AVAILABILITY&product=POD
//   Launch      GET    /pods?name=<name>, then POST /pods
//   Describe    GET    /pods/{id}?includeMachine=true
//   ListByTag   GET    /pods?includeMachine=true, filtered on env SKYBROKER_TAGS
//   Terminate   DELETE /pods/{id}
// Offers are secure-cloud and on-demand (v2 has no spot price); a spot offer from elsewhere
// (a catalog file) launches as `interruptible: true`. An interruptible pod that is EXITED or
// TERMINATED without this provider's Terminate is kTerminated / kPreempted.
// Idempotency: the pod name is "sky-" + 16 hex digits of SHA-256(idempotency key), and Launch
// returns a live pod of that name instead of creating another. Tags: the pod env variable
// SKYBROKER_TAGS holds them all as a JSON object. The startup script runs as the container's
// start command (`bash -c <script>`).
// Auth: `Authorization: Bearer <RUNPOD_API_KEY>`. Errors: runpod_json.h StatusFromError.
// Describe of a pod that is gone (404) is NotFound unless this provider terminated it: then it
// is kTerminated / kUser. Thread-safe.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "sky/providers/http_client.h"
#include "sky/providers/provider.h"
#include "sky/types/result.h"

namespace sky::providers {

struct RunPodConfig {
  // REST v1 base URL. FromEnv: $SKYBROKER_RUNPOD_ENDPOINT, else "https://rest.runpod.io/v1".
  std::string endpoint;
  // API v2 base URL (the GPU catalog). FromEnv: $SKYBROKER_RUNPOD_CATALOG_ENDPOINT, else
  // "https://api.runpod.io".
  std::string catalog_endpoint;
  // FromEnv: $RUNPOD_API_KEY. Required.
  std::string api_key;
  // Container image of launched pods. Default: RunPod's PyTorch image.
  std::string image = "runpod/pytorch:2.1.0-py3.10-cuda11.8.0-devel-ubuntu22.04";
  // Timeouts of the client NewRunPodProvider(config) builds. Defaults: 10 s and 60 s.
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds total_timeout{60'000};
  // Returns the current UTC time as ISO 8601, for Offer::observed_at.
  // Default (empty): the system clock.
  std::function<std::string()> utc_now;

  // The defaults above, with endpoints and key read from the environment.
  static RunPodConfig FromEnv();
};

// Builds the adapter over `http` (not wrapped: pass a RetryingHttpClient to retry 429/5xx;
// pod creation is never marked retryable, so a retry cannot create a second pod).
// InvalidArgument for endpoints that are not http(s)://, Unauthenticated without an API key.
Result<std::unique_ptr<Provider>> NewRunPodProvider(const RunPodConfig& config,
                                                    std::unique_ptr<HttpClient> http);

// As above over a CurlHttpClient with the config's timeouts, inside a RetryingHttpClient.
Result<std::unique_ptr<Provider>> NewRunPodProvider(const RunPodConfig& config);

}  // namespace sky::providers
