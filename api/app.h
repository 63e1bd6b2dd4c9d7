#pragma once
// App: what every subcommand needs, built from the common flags (DESIGN.md "Command line"):
// the catalog (a database file, or in memory with --catalog and no --db), the bundled data
// directory, the network model and the plan service. Not thread-safe to build; the services
// it holds are thread-safe.

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "api/cli/args.h"
#include "sky/broker/catalog_service.h"
#include "sky/broker/plan_service.h"

namespace sky::api {

// The flags every subcommand accepts.
void AddCommonFlags(FlagSpec& spec);

class App {
 public:
  // Opens the catalog named by the flags and ingests --catalog paths into it. An empty
  // catalog gets the bundled catalog (<data-dir>/catalog), reported on `log`.
  // `load_bundled` false skips that (the ingest command loads what it is told to).
  static Result<std::unique_ptr<App>> Open(const CliArgs& args, std::ostream& log,
                                           bool load_bundled = true);

  broker::CatalogService& catalog() { return *catalog_; }
  broker::PlanService& plans() { return *plans_; }
  const std::string& data_dir() const { return data_dir_; }
  const std::string& db_path() const { return db_path_; }

 private:
  std::string data_dir_;
  std::string db_path_;
  std::unique_ptr<broker::CatalogService> catalog_;
  std::unique_ptr<broker::PlanService> plans_;
};

// --db, else $SKYBROKER_DB, else ~/.local/share/skybroker/skybroker.db (":memory:" when only
// --catalog is given).
std::string ResolveDbPath(const CliArgs& args);
// --data-dir, else $SKYBROKER_DATA_DIR, else the source tree's data/ this binary was built from.
std::string ResolveDataDir(const CliArgs& args);

// Ingests with a progress line on `log` (rewritten in place) and returns the summary.
Result<catalog::IngestSummary> IngestWithProgress(broker::CatalogService& catalog,
                                                  const std::vector<std::string>& paths,
                                                  bool skip_bad_rows, std::ostream& log);

}  // namespace sky::api
