#pragma once
// ProviderRegistry: the composition root of the cloud adapters (STYLE.md section 2: `api/` is
// the one place that builds concrete providers). It reads which providers to build and where
// each API lives from the flags, then the environment ($SKYBROKER_<FLAG>), then the adapter's
// default (the flags, defaults and help are declared once, in AddProviderFlags and AddSimFlags).
// Credentials come only from the standard places (DESIGN.md "Security"): AWS_ACCESS_KEY_ID /
// AWS_SECRET_ACCESS_KEY or ~/.aws/credentials, GOOGLE_APPLICATION_CREDENTIALS,
// LAMBDA_API_KEY, RUNPOD_API_KEY. REST adapters talk through a CurlHttpClient inside a
// RetryingHttpClient with the adapter's retry classifier. `sim` serves the catalog's current
// offers on the given clock (the executor's) with the --sim-* flags; AWS and GCP take
// instance attributes and prices from the catalog (their APIs publish none). `local` (opt-in:
// it runs stage commands as this process's user on this machine) takes the --local-* flags
// (local_wiring.h).
// Not thread-safe to build; the providers are thread-safe.

#include <memory>
#include <string>
#include <vector>

#include "api/cli/args.h"
#include "sky/broker/catalog_service.h"
#include "sky/providers/provider.h"
#include "sky/types/clock.h"
#include "sky/types/result.h"

namespace sky::providers {
struct SimOptions;    // sky/providers/sim_provider.h, private to api/'s sources
class LocalProvider;  // sky/providers/local_provider.h
}  // namespace sky::providers

namespace sky::api {

// Adds the provider flags (not the --sim-* ones) to `spec`, in the "providers" group, and the
// --local-* ones in a group of their own (AddLocalFlags).
void AddProviderFlags(FlagSpec& spec);
// Adds the --sim-* flags to `spec` (serve only: refresh has no use for a simulated cloud's
// behaviour).
void AddSimFlags(FlagSpec& spec);
// The sim's options from the --sim-* flags (absent flags keep SimOptions' defaults).
// InvalidArgument naming the flag for a value that is not a number or is negative, a rate
// above 1 (or error + timeout rates above 1), or a throttling burst not shorter than its period.
Result<providers::SimOptions> SimOptionsFromArgs(const CliArgs& args);
// True when --providers (else $SKYBROKER_PROVIDERS, else the default) names `name`.
bool ProvidersInclude(const CliArgs& args, const std::string& name);

class ProviderRegistry {
 public:
  // Builds every provider named by --providers, in that order (a repeated name once).
  // InvalidArgument for an unknown provider name, for missing credentials of a requested
  // provider (naming the variable: "--providers lambda needs LAMBDA_API_KEY"), for a GCP
  // provider without zones, and for an endpoint that is not http(s); otherwise the
  // adapter's own errors.
  // The sim runs on `clock`, which must outlive the registry; without one, on the registry's
  // own wall clock. Also InvalidArgument for a bad --sim-* flag, and the sim's own errors
  // (an unreadable --sim-state file); InvalidArgument for a bad --local-* flag, Internal when
  // the local provider's directory cannot be created.
  static Result<std::unique_ptr<ProviderRegistry>> FromArgs(const CliArgs& args,
                                                            const broker::CatalogService& catalog);
  static Result<std::unique_ptr<ProviderRegistry>> FromArgs(const CliArgs& args,
                                                            const broker::CatalogService& catalog,
                                                            const Clock& clock);

  ProviderRegistry(const ProviderRegistry&) = delete;
  ProviderRegistry& operator=(const ProviderRegistry&) = delete;

  // The providers, owned by the registry, in --providers order.
  std::vector<providers::Provider*> providers();
  // The `local` provider when --providers names it, else null. Owned by the registry.
  providers::LocalProvider* local() const { return local_; }

 private:
  ProviderRegistry() = default;
  // `clock` null: the registry's own.
  static Result<std::unique_ptr<ProviderRegistry>> Build(const CliArgs& args,
                                                         const broker::CatalogService& catalog,
                                                         const Clock* clock);

  WallClock own_clock_;  // the sim's when none is given; declared first: outlives the providers
  std::vector<std::unique_ptr<providers::Provider>> providers_;
  providers::LocalProvider* local_ = nullptr;  // one of providers_, or null
};

}  // namespace sky::api
