#pragma once
// ProviderRegistry: the composition root of the cloud adapters (STYLE.md section 2: `api/` is
// the one place that builds concrete providers). It reads which providers to build and where
// each API lives from the flags, then the environment, then the adapter's default:
//   --providers sim,aws,gcp,lambda,runpod   $SKYBROKER_PROVIDERS       default "sim"
//   --aws-endpoint URL                       $SKYBROKER_AWS_ENDPOINT    https://ec2.<region>...
//   --aws-region NAME                        $SKYBROKER_AWS_REGION      us-east-1
//   --gcp-endpoint URL                       $SKYBROKER_GCP_ENDPOINT    Compute v1
//   --gcp-zones a,b                          $SKYBROKER_GCP_ZONES       (required for gcp)
//   --lambda-endpoint URL                    $SKYBROKER_LAMBDA_ENDPOINT cloud.lambdalabs.com
//   --runpod-endpoint URL                    $SKYBROKER_RUNPOD_ENDPOINT rest.runpod.io/v1
//   --runpod-catalog-endpoint URL    $SKYBROKER_RUNPOD_CATALOG_ENDPOINT api.runpod.io
// Credentials come only from the standard places (DESIGN.md "Security"): AWS_ACCESS_KEY_ID /
// AWS_SECRET_ACCESS_KEY or ~/.aws/credentials, GOOGLE_APPLICATION_CREDENTIALS,
// LAMBDA_API_KEY, RUNPOD_API_KEY. REST adapters talk through a CurlHttpClient inside a
// RetryingHttpClient with the adapter's retry classifier. `sim` serves the catalog's current
// offers on the system clock; AWS and GCP take instance attributes and prices from the catalog
// (their APIs publish none). Not thread-safe to build; the providers are thread-safe.

#include <memory>
#include <string>
#include <vector>

#include "api/cli_args.h"
#include "sky/broker/catalog_service.h"
#include "sky/providers/provider.h"
#include "sky/types/clock.h"
#include "sky/types/result.h"

namespace sky::api {

// Adds the flags above to `spec`.
void AddProviderFlags(FlagSpec& spec);

class ProviderRegistry {
 public:
  // Builds every provider named by --providers, in that order (a repeated name once).
  // InvalidArgument for an unknown provider name, for missing credentials of a requested
  // provider (naming the variable: "--providers lambda needs LAMBDA_API_KEY"), for a GCP
  // provider without zones, and for an endpoint that is not http(s); otherwise the
  // adapter's own errors.
  static Result<std::unique_ptr<ProviderRegistry>> FromArgs(const CliArgs& args,
                                                            const broker::CatalogService& catalog);

  ProviderRegistry(const ProviderRegistry&) = delete;
  ProviderRegistry& operator=(const ProviderRegistry&) = delete;

  // The providers, owned by the registry, in --providers order.
  std::vector<providers::Provider*> providers();

 private:
  ProviderRegistry() = default;

  SystemClock clock_;  // the sim provider's; declared first so that it outlives the providers
  std::vector<std::unique_ptr<providers::Provider>> providers_;
};

}  // namespace sky::api
