#pragma once
// The data plane's serve configuration (README "Data"): `--storage FILE` (place globs to
// object-storage prefixes; default: every place stores under `<the database's folder>/objects`)
// and the broker's storage credentials, its own RCLONE_CONFIG_* environment variables.
// Not thread-safe to build; the options it returns are plain values.

#include <ostream>

#include "api/cli/args.h"
#include "sky/broker/catalog_service.h"
#include "sky/broker/data_plane.h"
#include "sky/types/result.h"

namespace sky::api {

// Adds --storage and --rclone to `spec`, in the "data" group.
void AddStorageFlags(FlagSpec& spec);

struct DataPlaneSetup {
  broker::DataPlaneOptions data;
  // Places of the catalog with no storage route: the planner must not use them.
  std::vector<std::string> excluded;
};

// Reads the flags. InvalidArgument naming the flag for an unreadable file or a bad map
// (StorageMap::Parse's message); FailedPrecondition when the default folder cannot be made.
// Tells `out` once how many catalog places have no storage and are left out of plans.
Result<DataPlaneSetup> DataPlaneFrom(const CliArgs& args, const std::string& db_path,
                                     const broker::CatalogService& catalog, std::ostream& out);

}  // namespace sky::api
