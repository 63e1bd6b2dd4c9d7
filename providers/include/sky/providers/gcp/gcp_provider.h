#pragma once
// The GCP Compute Engine adapter: a Provider over the Compute v1 REST API, authenticated with a
// service-account key (OAuth2 jwt-bearer, see gcp_auth.h).
//
// Instances are named from the launch's idempotency key ("sky-<key>-<hash>") and inserted with
// a requestId derived from it, so a retried or repeated Launch returns the same instance
// (the adapter looks the name up first; GCE also drops a repeated requestId). Instance ids are
// "<zone>/<name>". Spot launches set scheduling.provisioningModel SPOT with
// instanceTerminationAction DELETE. Tags become GCE labels (sanitised to GCE's rules; the
// same sanitising applies to ListByTag's key and value). A spot instance that is stopping,
// terminated or already deleted, with a compute.instances.preempted operation in its zone, is
// reported as kTerminated/kStopping with reason kPreempted.
//
// Errors follow provider.h: ZONE_RESOURCE_POOL_EXHAUSTED* -> ResourceExhausted "capacity",
// QUOTA_EXCEEDED -> ResourceExhausted "quota", 429 / rateLimitExceeded -> Unavailable
// "throttled", an operation still running after operation_timeout_seconds -> DeadlineExceeded.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sky/providers/auth/aws_credentials.h"  // auth::EnvLookup, auth::ProcessEnv
#include "sky/providers/http_client.h"
#include "sky/providers/provider.h"
#include "sky/types/clock.h"

namespace sky::providers::gcp {

inline constexpr char kDefaultGcpEndpoint[] = "https://compute.googleapis.com/compute/v1";

struct GcpConfig {
  // Compute v1 base URL, without a trailing '/'. Default: https://compute.googleapis.com/compute/v1
  // (GcpConfigFromEnv takes SKYBROKER_GCP_ENDPOINT first).
  std::string endpoint = kDefaultGcpEndpoint;
  // Service-account key file. Default: "" (GOOGLE_APPLICATION_CREDENTIALS).
  std::string credentials_file;
  // OAuth2 token endpoint. Default: "" (the key file's token_uri).
  std::string token_uri;
  // Project id. Default: "" (the key file's project_id).
  std::string project;
  // Zones that ListByTag and ListOffers search, and where a zone-less (regional) offer is
  // launched: the first of them in its region. Must not be empty. Default: none
  // (GcpConfigFromEnv reads SKYBROKER_GCP_ZONES, comma-separated).
  std::vector<std::string> zones;
  // Boot image, disk size and network of launched instances.
  // Defaults: Debian 12, 50 GB, the project's default network.
  std::string source_image = "projects/debian-cloud/global/images/family/debian-12";
  int boot_disk_gb = 50;
  std::string network = "global/networks/default";
  // Zone operation polling: wait between polls and give up after. Defaults: 2 s, 600 s.
  double poll_interval_seconds = 2;
  double operation_timeout_seconds = 600;
  // Unix-time clock for JWTs, token expiry and the operation timeout; not owned; must outlive
  // the provider. Default: nullptr (a sky::WallClock).
  const Clock* clock = nullptr;
  // How to wait between polls. Default (empty): std::this_thread::sleep_for.
  std::function<void(double seconds)> sleep;
  // Priced GCP offers (from the catalog: the Compute API publishes no prices) that ListOffers
  // narrows to the configured zones and to the accelerator types those zones report.
  // Default: none.
  std::vector<Offer> catalog_offers;
};

// A config with the environment applied over the defaults: SKYBROKER_GCP_ENDPOINT,
// GOOGLE_APPLICATION_CREDENTIALS, SKYBROKER_GCP_PROJECT, SKYBROKER_GCP_ZONES (a,b,c).
GcpConfig GcpConfigFromEnv(const auth::EnvLookup& env = auth::ProcessEnv);

// The retry classifier for RetryingHttpClient (RetryOptions::is_retryable): retries what maps to
// Unavailable (429, 5xx, 403 rateLimitExceeded), never capacity or quota errors.
bool IsRetryableGceResponse(const HttpResponse& response);

// Builds the adapter; `http` carries every request (Compute API and token endpoint). Errors:
// Unauthenticated (no key file configured), NotFound (key file unreadable), InvalidArgument
// (bad key file, no project, no zones, an endpoint that is not http(s)).
Result<std::unique_ptr<Provider>> NewGcpProvider(const GcpConfig& config,
                                                 std::unique_ptr<HttpClient> http);

}  // namespace sky::providers::gcp
