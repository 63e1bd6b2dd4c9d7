#pragma once
// The `local` provider's wiring (issue 16): its flags (declared with their defaults and help
// once, in AddLocalFlags), the LocalOptions they make, the catalog step that adds its offers,
// and whether users other than admins may submit to it. `local` is opt-in (--providers
// ...,local): it runs stage commands as the server's user on this machine. Plain functions; not
// thread-safe against changes of the environment (--local-dir falls back to
// $SKYBROKER_LOCAL_DIR).

#include "api/cli/args.h"
#include "sky/broker/catalog_service.h"
#include "sky/types/result.h"

namespace sky::providers {
struct LocalOptions;  // sky/providers/local_provider.h
}  // namespace sky::providers

namespace sky::api {

// Adds the --local-* flags to `spec`, in a group of their own (AddProviderFlags calls it).
void AddLocalFlags(FlagSpec& spec);

// The local provider's options from the --local-* flags: --local-dir, else $SKYBROKER_LOCAL_DIR,
// else `skybroker-local` beside the database file (ResolveDbPath), or under $TMPDIR (else /tmp)
// for an in-memory database; --local-places (a comma list of local:<region>:<zone>, each once;
// default LocalOptions' three), --local-capacity (a whole number >= 1),
// --local-preemptions-per-hour (>= 0), --local-trace PLACE=FILE (repeatable; a spot trace as
// the sim reads them). Preemption times are in real time (no clock is set). InvalidArgument
// naming the flag for a bad value, a bad or repeated place, or an unreadable or malformed trace
// (a trace of a place that is not one of the provider's is refused by NewLocalProvider).
Result<providers::LocalOptions> LocalOptionsFromArgs(const CliArgs& args);

// When --providers names `local`: applies the local provider's ListOffers (built from the
// --local-* flags, its directory created) to `catalog`, so that plans, and checks of the places
// the catalog can plan on, see them before anything else reads the catalog. OK and nothing done
// otherwise. Errors: LocalOptionsFromArgs's, NewLocalProvider's, the catalog's.
Status ApplyLocalOffers(const CliArgs& args, broker::CatalogService& catalog);

// True with --local-users: any authenticated user (not only an admin) may have stages placed
// on `local` (LocalSubmitPolicy, api/handlers/local_submit_policy.h).
bool LocalUsersMaySubmit(const CliArgs& args);

}  // namespace sky::api
