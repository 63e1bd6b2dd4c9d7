#include "api/storage_wiring.h"

#include <filesystem>
#include <set>

#include "api/cli/commands.h"
#include "sky/catalog/offer_index.h"

extern char** environ;

namespace sky::api {
namespace {

// Where the embedded default keeps objects when the database is in memory.
std::string DefaultObjectsDir(const std::string& db_path) {
  namespace fs = std::filesystem;
  if (db_path == ":memory:" || db_path.empty()) {
    return (fs::temp_directory_path() / "skybroker-objects").string();
  }
  return (fs::absolute(fs::path(db_path)).parent_path() / "objects").string();
}

Result<broker::StorageMap> StorageMapFrom(const CliArgs& args, const std::string& db_path) {
  if (auto file = args.Get("storage")) {
    auto text = ReadFile(*file);
    if (!text.ok()) {
      return Status::InvalidArgument("flag --storage: cannot read " + *file + ": " +
                                     text.status().message());
    }
    auto map = broker::StorageMap::Parse(*text);
    if (!map.ok())
      return Status::InvalidArgument("flag --storage " + *file + ": " + map.status().message());
    return map;
  }
  const std::string dir = DefaultObjectsDir(db_path);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::FailedPrecondition("cannot create " + dir + ": " + ec.message());
  return broker::StorageMap::LocalDirectory(dir);
}

// Every place of the catalog ("provider:region[:zone]"), once.
std::vector<std::string> CatalogPlaces(const broker::CatalogService& catalog) {
  std::set<std::string> seen;
  std::vector<std::string> places;
  for (const Offer& offer : catalog.Snapshot()->offers()) {
    if (seen.insert(offer.location_id()).second) places.push_back(offer.location_id());
  }
  return places;
}

}  // namespace

void AddStorageFlags(FlagSpec& spec) {
  spec.Group("data (README \"Data\")")
      .Single("storage", "FILE",
              "JSON object from place globs to object-storage prefixes (s3://, gs://, az://, "
              "file://); places without one are left out of plans",
              "every place: file://<the database's folder>/objects")
      .Single("rclone", "PATH", "the rclone program for deliveries and clean-up", "rclone");
}

Result<DataPlaneSetup> DataPlaneFrom(const CliArgs& args, const std::string& db_path,
                                     const broker::CatalogService& catalog, std::ostream& out) {
  DataPlaneSetup setup;
  SKY_ASSIGN_OR_RETURN(setup.data.storage, StorageMapFrom(args, db_path));
  if (auto rclone = args.Get("rclone")) setup.data.rclone = *rclone;
  std::vector<std::string> environment;
  for (char** e = environ; e && *e; ++e) environment.emplace_back(*e);
  setup.data.rclone_env = broker::RcloneEnvFrom(environment);
  setup.excluded = setup.data.storage.Uncovered(CatalogPlaces(catalog));
  if (!setup.excluded.empty()) {
    out << "storage: " << setup.excluded.size() << " catalog place(s) have no --storage route "
        << "and are left out of plans (e.g. " << setup.excluded.front() << ")\n";
  }
  out << "storage: " << setup.data.storage.routes().size() << " route(s), first "
      << setup.data.storage.routes().front().first << " -> "
      << setup.data.storage.routes().front().second << "; " << setup.data.rclone_env.size()
      << " RCLONE_CONFIG_* credential variable(s)\n";
  return setup;
}

}  // namespace sky::api
