#include "api/local_wiring.h"

#include <cstdlib>
#include <filesystem>
#include <set>
#include <utility>

#include "api/app.h"
#include "api/flag_settings.h"
#include "api/provider_registry.h"
#include "sky/providers/local_provider.h"
#include "sky/providers/spot_trace.h"

namespace sky::api {
namespace {

// `skybroker-local` beside the database file, or under $TMPDIR for an in-memory database.
std::string DefaultLocalDir(const CliArgs& args) {
  const std::string db = ResolveDbPath(args);
  if (db != ":memory:") {
    const std::string parent = std::filesystem::path(db).parent_path().string();
    return (parent.empty() ? "." : parent) + "/skybroker-local";
  }
  const char* tmp = std::getenv("TMPDIR");
  return std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/skybroker-local";
}

std::string JoinCommas(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

// --local-places P1,P2,...: each a new local:<region>:<zone>.
Status LocalPlacesFromArgs(const CliArgs& args, providers::LocalOptions& options) {
  const auto text = args.Get("local-places");
  if (!text) return Status::Ok();
  std::vector<std::string> places = SplitCommas(*text);
  if (places.empty()) {
    return Status::InvalidArgument("flag --local-places: names no place (e.g. local:region-a:a)");
  }
  std::set<std::string> seen;
  for (const std::string& place : places) {
    if (!providers::IsLocalPlace(place)) {
      return Status::InvalidArgument("flag --local-places: '" + place +
                                     "' is not local:<region>:<zone> (e.g. local:region-a:a)");
    }
    if (!seen.insert(place).second) {
      return Status::InvalidArgument("flag --local-places: '" + place + "' is named twice");
    }
  }
  options.places = std::move(places);
  return Status::Ok();
}

// --local-trace PLACE=FILE, each: the place's spot availability follows the trace.
Status LocalTracesFromArgs(const CliArgs& args, providers::LocalOptions& options) {
  for (const std::string& entry : args.GetAll("local-trace")) {
    const size_t eq = entry.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == entry.size()) {
      return Status::InvalidArgument(
          "flag --local-trace: expected PLACE=FILE, e.g. local:region-a:a=trace.json");
    }
    auto trace = providers::LoadSpotTrace(entry.substr(eq + 1));
    if (!trace.ok())
      return Status::InvalidArgument("flag --local-trace: " + trace.status().message());
    options.spot_available[entry.substr(0, eq)] = [trace = std::move(trace).value()](double t) {
      return trace.AvailableAt(t);
    };
  }
  return Status::Ok();
}

}  // namespace

void AddLocalFlags(FlagSpec& spec) {
  const providers::LocalOptions local;
  spec.Group("local provider (--providers local: runs stage commands as this user on this machine)")
      .Single("local-dir", "DIR", "one directory per instance under DIR",
              "$SKYBROKER_LOCAL_DIR, else skybroker-local beside the database (in $TMPDIR for an "
              "in-memory one)")
      .Single("local-places", "P1,P2", "its places, each local:<region>:<zone>",
              JoinCommas(local.places))
      .Single("local-capacity", "N", "live instances per place and market",
              std::to_string(local.capacity_per_place))
      .Single("local-preemptions-per-hour", "R",
              "SIGKILLs per real hour of each spot instance, at random (seeded) times",
              FormatDefault(local.preemptions_per_hour))
      .Multi("local-trace", "PLACE=FILE",
             "spot availability of a place from a spot trace (the sim's JSON); its ticks count "
             "from serve's start; repeatable")
      .Boolean("local-users",
               "any authenticated user may have stages placed on local (default: admins only)");
}

Result<providers::LocalOptions> LocalOptionsFromArgs(const CliArgs& args) {
  providers::LocalOptions options;
  options.root_dir = Setting(args, "local-dir", "SKYBROKER_LOCAL_DIR");
  if (options.root_dir.empty()) options.root_dir = DefaultLocalDir(args);
  SKY_RETURN_IF_ERROR(LocalPlacesFromArgs(args, options));
  SKY_ASSIGN_OR_RETURN(auto capacity, args.GetInt("local-capacity"));
  if (capacity && (*capacity < 1 || *capacity > 1'000'000)) {
    return Status::InvalidArgument("flag --local-capacity: must be a whole number >= 1");
  }
  if (capacity) options.capacity_per_place = static_cast<int>(*capacity);
  SKY_ASSIGN_OR_RETURN(options.preemptions_per_hour, NonNegative(args, "local-preemptions-per-hour",
                                                                 options.preemptions_per_hour));
  SKY_RETURN_IF_ERROR(LocalTracesFromArgs(args, options));
  return options;
}

Status ApplyLocalOffers(const CliArgs& args, broker::CatalogService& catalog) {
  if (!ProvidersInclude(args, "local")) return Status::Ok();
  SKY_ASSIGN_OR_RETURN(providers::LocalOptions options, LocalOptionsFromArgs(args));
  SKY_ASSIGN_OR_RETURN(auto local, providers::NewLocalProvider(std::move(options)));
  SKY_ASSIGN_OR_RETURN(std::vector<Offer> offers, local->ListOffers());
  auto applied = catalog.ApplyProviderOffers(local->name(), std::move(offers), {});
  if (!applied.ok()) return applied.status().WithPrefix("adding the local offers to the catalog");
  return Status::Ok();
}

bool LocalUsersMaySubmit(const CliArgs& args) { return args.Has("local-users"); }

}  // namespace sky::api
