#include <string>
#include <vector>

#include "providers/gcp/gcp_json.h"
#include "sky/providers/gcp/gcp_provider.h"

namespace sky::providers::gcp {
namespace {

std::vector<std::string> SplitZones(const std::string& text) {
  std::vector<std::string> zones;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string zone = text.substr(start, comma - start);
    zone.erase(0, zone.find_first_not_of(' '));
    zone.erase(zone.find_last_not_of(' ') + 1);
    if (!zone.empty()) zones.push_back(zone);
    start = comma + 1;
  }
  return zones;
}

}  // namespace

GcpConfig GcpConfigFromEnv(const auth::EnvLookup& env) {
  GcpConfig config;
  if (auto endpoint = env("SKYBROKER_GCP_ENDPOINT"); endpoint && !endpoint->empty()) {
    config.endpoint = *endpoint;
  }
  config.credentials_file = env("GOOGLE_APPLICATION_CREDENTIALS").value_or("");
  config.project = env("SKYBROKER_GCP_PROJECT").value_or("");
  config.zones = SplitZones(env("SKYBROKER_GCP_ZONES").value_or(""));
  return config;
}

bool IsRetryableGceResponse(const HttpResponse& response) {
  return response.status >= 300 &&
         StatusFromHttpError(response.status, response.body).IsUnavailable();
}

}  // namespace sky::providers::gcp
