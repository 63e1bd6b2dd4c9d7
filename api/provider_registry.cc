#include "api/provider_registry.h"

#include <map>
#include <set>
#include <utility>

#include "api/flag_settings.h"
#include "api/local_wiring.h"
#include "sky/providers/auth/aws_credentials.h"
#include "sky/providers/aws/ec2_provider.h"
#include "sky/providers/gcp/gcp_provider.h"
#include "sky/providers/http/curl_http_client.h"
#include "sky/providers/http/retrying_http_client.h"
#include "sky/providers/lambda/lambda_provider.h"
#include "sky/providers/local_provider.h"
#include "sky/providers/runpod/runpod_provider.h"
#include "sky/providers/sim_provider.h"

namespace sky::api {
namespace {

using providers::Provider;
using ProviderPtr = std::unique_ptr<Provider>;

constexpr char kKnownProviders[] = "sim, local, aws, gcp, lambda, runpod";
constexpr char kDefaultProviders[] = "sim";

Status NeedsCredential(const std::string& provider, const std::string& what) {
  return Status::InvalidArgument("--providers " + provider + " needs " + what);
}

// An adapter factory's result, its error naming the provider.
Result<ProviderPtr> Named(const std::string& name, Result<ProviderPtr> built) {
  if (!built.ok()) return built.status().WithPrefix("provider " + name);
  return built;
}

std::unique_ptr<providers::HttpClient> Curl() {
  return std::make_unique<providers::CurlHttpClient>();
}

// Curl inside the retrying layer; the default classifier retries 429 and 5xx.
std::unique_ptr<providers::HttpClient> RetryingCurl(providers::RetryOptions options = {}) {
  return std::make_unique<providers::RetryingHttpClient>(Curl(), std::move(options));
}

// Instance types of `region` as the catalog knows them, for EC2's ListOffers: attributes from
// any offer of the type that has them, the on-demand price from its regional on-demand offer.
std::vector<providers::aws::Ec2InstanceTypeInfo> Ec2TypesFromCatalog(
    const catalog::OfferIndex& index, const std::string& region) {
  std::map<std::string, providers::aws::Ec2InstanceTypeInfo> types;
  for (const Offer& o : index.offers()) {
    if (o.provider != "aws" || o.region != region) continue;
    auto& type = types[o.instance_type];
    type.instance_type = o.instance_type;
    if (type.vcpus == 0 && (o.vcpus > 0 || !o.accelerator.empty())) {
      type.accelerator = o.accelerator;
      type.accelerator_count = o.accelerator_count;
      type.accelerator_memory_gb = o.accelerator_memory_gb;
      type.vcpus = o.vcpus;
      type.memory_gb = o.memory_gb;
    }
    if (o.market == Market::kOnDemand && o.zone.empty()) type.on_demand_price = o.price_per_hour;
  }
  std::vector<providers::aws::Ec2InstanceTypeInfo> out;
  for (auto& entry : types) out.push_back(std::move(entry.second));
  return out;
}

Result<ProviderPtr> BuildAws(const CliArgs& args, const catalog::OfferIndex& index) {
  providers::aws::Ec2Config config;
  if (std::string region = Setting(args, "aws-region", "SKYBROKER_AWS_REGION"); !region.empty()) {
    config.region = region;
  }
  config.endpoint = Setting(args, "aws-endpoint", "SKYBROKER_AWS_ENDPOINT");
  auto credentials = providers::auth::LoadAwsCredentials();
  if (credentials.status().IsUnauthenticated()) {
    return NeedsCredential("aws",
                           "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or a profile "
                           "in ~/.aws/credentials)");
  }
  if (!credentials.ok()) return credentials.status();
  config.credentials = std::move(credentials).value();
  config.instance_types = Ec2TypesFromCatalog(index, config.region);
  return Named("aws", providers::aws::NewEc2Provider(config, Curl()));
}

// "us-central1" for the zone "us-central1-a".
std::string GcpRegionOfZone(const std::string& zone) {
  const size_t dash = zone.rfind('-');
  return dash == std::string::npos ? zone : zone.substr(0, dash);
}

Result<ProviderPtr> BuildGcp(const CliArgs& args, const catalog::OfferIndex& index) {
  providers::gcp::GcpConfig config = providers::gcp::GcpConfigFromEnv();
  if (auto endpoint = args.Get("gcp-endpoint")) config.endpoint = *endpoint;
  if (auto zones = args.Get("gcp-zones")) config.zones = SplitCommas(*zones);
  if (config.credentials_file.empty()) {
    return NeedsCredential("gcp", "GOOGLE_APPLICATION_CREDENTIALS (a service-account key file)");
  }
  if (config.zones.empty()) return NeedsCredential("gcp", "--gcp-zones or SKYBROKER_GCP_ZONES");
  std::set<std::string> regions;
  for (const std::string& zone : config.zones) regions.insert(GcpRegionOfZone(zone));
  for (const Offer& o : index.offers()) {
    if (o.provider == "gcp" && regions.count(o.region) > 0) config.catalog_offers.push_back(o);
  }
  providers::RetryOptions retry;
  retry.is_retryable = providers::gcp::IsRetryableGceResponse;
  return Named("gcp", providers::gcp::NewGcpProvider(config, RetryingCurl(std::move(retry))));
}

Result<ProviderPtr> BuildLambda(const CliArgs& args) {
  providers::LambdaConfig config = providers::LambdaConfig::FromEnv();
  if (auto endpoint = args.Get("lambda-endpoint")) config.endpoint = *endpoint;
  if (config.api_key.empty()) return NeedsCredential("lambda", "LAMBDA_API_KEY");
  // Lambda's errors follow the HTTP defaults (429 and 5xx retryable), which RetryOptions uses.
  return Named("lambda", providers::NewLambdaProvider(config, RetryingCurl()));
}

Result<ProviderPtr> BuildRunPod(const CliArgs& args) {
  providers::RunPodConfig config = providers::RunPodConfig::FromEnv();
  if (auto endpoint = args.Get("runpod-endpoint")) config.endpoint = *endpoint;
  if (auto endpoint = args.Get("runpod-catalog-endpoint")) config.catalog_endpoint = *endpoint;
  if (config.api_key.empty()) return NeedsCredential("runpod", "RUNPOD_API_KEY");
  return Named("runpod", providers::NewRunPodProvider(config, RetryingCurl()));
}

Result<ProviderPtr> BuildSim(const CliArgs& args, const catalog::OfferIndex& index,
                             const Clock& clock) {
  SKY_ASSIGN_OR_RETURN(providers::SimOptions options, SimOptionsFromArgs(args));
  // Open resumes --sim-state when the file exists, so a restarted broker finds its instances.
  SKY_ASSIGN_OR_RETURN(auto sim, providers::SimProvider::Open(index.offers(), clock, options));
  return ProviderPtr(std::move(sim));
}

// The local provider keeps `local`'s instance directories in `out` (owned by the returned
// provider).
Result<ProviderPtr> BuildLocal(const CliArgs& args, providers::LocalProvider*& out) {
  SKY_ASSIGN_OR_RETURN(providers::LocalOptions options, LocalOptionsFromArgs(args));
  SKY_ASSIGN_OR_RETURN(auto local, providers::NewLocalProvider(std::move(options)));
  out = local.get();
  return ProviderPtr(std::move(local));
}

// A flag's value when it is a fraction in 0..1; `fallback` when absent.
Result<double> Fraction(const CliArgs& args, const std::string& flag, double fallback) {
  SKY_ASSIGN_OR_RETURN(double value, NonNegative(args, flag, fallback));
  if (value > 1) return Status::InvalidArgument("flag --" + flag + ": must be between 0 and 1");
  return value;
}

// The injected faults: --sim-error-rate, --sim-timeout-rate, --sim-timeout-seconds,
// --sim-throttle-every and --sim-throttle-seconds.
Status SimFaultsFromArgs(const CliArgs& args, providers::SimOptions& options) {
  SKY_ASSIGN_OR_RETURN(options.error_rate, Fraction(args, "sim-error-rate", options.error_rate));
  SKY_ASSIGN_OR_RETURN(options.timeout_rate,
                       Fraction(args, "sim-timeout-rate", options.timeout_rate));
  if (options.error_rate + options.timeout_rate > 1) {
    return Status::InvalidArgument(
        "flags --sim-error-rate and --sim-timeout-rate: their sum must be at most 1");
  }
  SKY_ASSIGN_OR_RETURN(options.timeout_seconds,
                       NonNegative(args, "sim-timeout-seconds", options.timeout_seconds));
  SKY_ASSIGN_OR_RETURN(
      options.throttle_burst_every_seconds,
      NonNegative(args, "sim-throttle-every", options.throttle_burst_every_seconds));
  SKY_ASSIGN_OR_RETURN(options.throttle_burst_seconds,
                       NonNegative(args, "sim-throttle-seconds", options.throttle_burst_seconds));
  if (options.throttle_burst_seconds > 0 &&
      options.throttle_burst_seconds >= options.throttle_burst_every_seconds) {
    return Status::InvalidArgument(
        "flag --sim-throttle-seconds: needs --sim-throttle-every, and must be shorter than it");
  }
  return Status::Ok();
}

}  // namespace

void AddProviderFlags(FlagSpec& spec) {
  spec.Group(
          "providers (credentials: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or ~/.aws/credentials, "
          "GOOGLE_APPLICATION_CREDENTIALS, LAMBDA_API_KEY, RUNPOD_API_KEY)")
      .Single("providers", "LIST", std::string("comma-separated clouds: ") + kKnownProviders,
              std::string("$SKYBROKER_PROVIDERS, else ") + kDefaultProviders)
      .Single("aws-endpoint", "URL", "the EC2 API", "$SKYBROKER_AWS_ENDPOINT, else the region's")
      .Single("aws-region", "NAME", "the EC2 region",
              "$SKYBROKER_AWS_REGION, else " + providers::aws::Ec2Config().region)
      .Single("gcp-endpoint", "URL", "the Compute Engine API",
              "$SKYBROKER_GCP_ENDPOINT, else Compute v1")
      .Single("gcp-zones", "a,b", "the zones to use (required for gcp)", "$SKYBROKER_GCP_ZONES")
      .Single("lambda-endpoint", "URL", "the Lambda Cloud API",
              "$SKYBROKER_LAMBDA_ENDPOINT, else the public one")
      .Single("runpod-endpoint", "URL", "the RunPod REST API",
              "$SKYBROKER_RUNPOD_ENDPOINT, else the public one")
      .Single("runpod-catalog-endpoint", "URL", "the RunPod GraphQL API (GPU types and prices)",
              "$SKYBROKER_RUNPOD_CATALOG_ENDPOINT, else the public one");
  AddLocalFlags(spec);
}

void AddSimFlags(FlagSpec& spec) {
  const providers::SimOptions defaults;
  spec.Group("simulated cloud (--providers sim)")
      .Single("sim-state", "FILE", "keep the sim's instances in FILE across restarts")
      .Single("sim-boot-seconds", "S", "launch to running", FormatDefault(defaults.boot_seconds))
      .Single("sim-preemption-rate", "R", "spot preemptions per hour",
              FormatDefault(defaults.spot_preemption_rate_per_hour))
      .Single("sim-api-latency", "S", "delay added to every sim call",
              FormatDefault(defaults.api_latency_seconds))
      .Single("sim-seed", "N", "the sim's random seed", std::to_string(defaults.seed))
      .Single("sim-error-rate", "F", "fraction of sim API calls failing with a 5xx",
              FormatDefault(defaults.error_rate))
      .Single("sim-timeout-rate", "F",
              "fraction of calls timing out; a launch or terminate may have acted all the same "
              "(with the error rate at most 1)",
              FormatDefault(defaults.timeout_rate))
      .Single("sim-timeout-seconds", "S", "real seconds a timed-out call takes",
              FormatDefault(defaults.timeout_seconds))
      .Single("sim-throttle-every", "S", "a throttling burst every S clock seconds (0: none)",
              FormatDefault(defaults.throttle_burst_every_seconds))
      .Single("sim-throttle-seconds", "S", "how long each burst throttles every call",
              FormatDefault(defaults.throttle_burst_seconds));
}

Result<providers::SimOptions> SimOptionsFromArgs(const CliArgs& args) {
  providers::SimOptions options;
  SKY_ASSIGN_OR_RETURN(options.boot_seconds,
                       NonNegative(args, "sim-boot-seconds", options.boot_seconds));
  SKY_ASSIGN_OR_RETURN(
      options.spot_preemption_rate_per_hour,
      NonNegative(args, "sim-preemption-rate", options.spot_preemption_rate_per_hour));
  SKY_ASSIGN_OR_RETURN(options.api_latency_seconds,
                       NonNegative(args, "sim-api-latency", options.api_latency_seconds));
  if (auto path = args.Get("sim-state")) options.state_path = *path;
  SKY_RETURN_IF_ERROR(SimFaultsFromArgs(args, options));
  SKY_ASSIGN_OR_RETURN(auto seed, args.GetInt("sim-seed"));
  if (seed && *seed < 0) return Status::InvalidArgument("flag --sim-seed: must not be negative");
  if (seed) options.seed = static_cast<uint64_t>(*seed);
  return options;
}

bool ProvidersInclude(const CliArgs& args, const std::string& name) {
  std::string names = Setting(args, "providers", "SKYBROKER_PROVIDERS");
  if (names.empty()) names = kDefaultProviders;
  for (const std::string& named : SplitCommas(names)) {
    if (named == name) return true;
  }
  return false;
}

Result<std::unique_ptr<ProviderRegistry>> ProviderRegistry::FromArgs(
    const CliArgs& args, const broker::CatalogService& catalog) {
  return Build(args, catalog, nullptr);
}

Result<std::unique_ptr<ProviderRegistry>> ProviderRegistry::FromArgs(
    const CliArgs& args, const broker::CatalogService& catalog, const Clock& clock) {
  return Build(args, catalog, &clock);
}

Result<std::unique_ptr<ProviderRegistry>> ProviderRegistry::Build(
    const CliArgs& args, const broker::CatalogService& catalog, const Clock* clock) {
  std::string names = Setting(args, "providers", "SKYBROKER_PROVIDERS");
  if (names.empty()) names = kDefaultProviders;
  std::unique_ptr<ProviderRegistry> registry(new ProviderRegistry());
  if (clock == nullptr) clock = &registry->own_clock_;
  std::shared_ptr<const catalog::OfferIndex> index = catalog.Snapshot();
  std::set<std::string> seen;
  for (const std::string& name : SplitCommas(names)) {
    if (!seen.insert(name).second) continue;
    Result<ProviderPtr> provider = Status::InvalidArgument(
        "unknown provider '" + name + "' in --providers (known: " + kKnownProviders + ")");
    if (name == "sim") {
      provider = BuildSim(args, *index, *clock);
    } else if (name == "local") {
      provider = BuildLocal(args, registry->local_);
    } else if (name == "aws") {
      provider = BuildAws(args, *index);
    } else if (name == "gcp") {
      provider = BuildGcp(args, *index);
    } else if (name == "lambda") {
      provider = BuildLambda(args);
    } else if (name == "runpod") {
      provider = BuildRunPod(args);
    }
    if (!provider.ok()) return provider.status();
    registry->providers_.push_back(std::move(provider).value());
  }
  return registry;
}

std::vector<providers::Provider*> ProviderRegistry::providers() {
  std::vector<providers::Provider*> out;
  out.reserve(providers_.size());
  for (const auto& provider : providers_) out.push_back(provider.get());
  return out;
}

}  // namespace sky::api
