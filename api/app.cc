#include "api/app.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "sky/planner/spec.h"

namespace sky::api {
namespace fs = std::filesystem;

#ifndef SKY_DEFAULT_DATA_DIR
#define SKY_DEFAULT_DATA_DIR "data"
#endif

void AddCommonFlags(FlagSpec& spec) {
  spec.Group("common flags")
      .Single("db", "PATH", "the catalog and pipeline database (:memory: for none)",
              "$SKYBROKER_DB, else in memory with --catalog, else "
              "~/.local/share/skybroker/skybroker.db")
      .Multi("catalog", "PATH", "catalog files or directories to query directly, in memory")
      .Single("data-dir", "DIR", "the bundled data (catalog, traces, examples)",
              "$SKYBROKER_DATA_DIR, else " SKY_DEFAULT_DATA_DIR)
      .Boolean("skip-bad-rows", "ingest a catalog file's good rows and list the bad ones")
      .Boolean("help", "print this help");
}

std::string ResolveDbPath(const CliArgs& args) {
  if (auto db = args.Get("db")) return *db;
  if (const char* env = std::getenv("SKYBROKER_DB"); env && *env) return env;
  if (args.Has("catalog")) return ":memory:";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.local/share/skybroker/skybroker.db";
}

std::string ResolveDataDir(const CliArgs& args) {
  if (auto dir = args.Get("data-dir")) return *dir;
  if (const char* env = std::getenv("SKYBROKER_DATA_DIR"); env && *env) return env;
  return SKY_DEFAULT_DATA_DIR;
}

Result<catalog::IngestSummary> IngestWithProgress(broker::CatalogService& catalog,
                                                  const std::vector<std::string>& paths,
                                                  bool skip_bad_rows, std::ostream& log) {
  catalog::ParseOptions options;
  options.skip_bad_rows = skip_bad_rows;
  // One line per large file, rewritten in place and ended when the file is read; only on a
  // terminal, so that logs and pipes get no carriage returns.
  if (::isatty(STDERR_FILENO)) {
    options.progress = [&log](const std::string& path, int64_t done, int64_t total) {
      if (total < (1 << 20)) return;  // small files finish before a progress line helps
      char line[64];
      std::snprintf(line, sizeof line, "%.1f / %.1f MB", done / 1048576.0, total / 1048576.0);
      log << "\r  reading " << path << ": " << line << (done == total ? "\n" : "") << std::flush;
    };
  }
  return catalog.Ingest(paths, options);
}

namespace {

Status PrepareDbDir(const std::string& path) {
  if (path == ":memory:") return Status::Ok();
  std::error_code ec;
  fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) fs::create_directories(parent, ec);
  if (ec) return Status::Unavailable("cannot create " + parent.string() + ": " + ec.message());
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<App>> App::Open(const CliArgs& args, std::ostream& log, bool load_bundled) {
  auto app = std::make_unique<App>();
  app->data_dir_ = ResolveDataDir(args);
  app->db_path_ = ResolveDbPath(args);
  SKY_RETURN_IF_ERROR(PrepareDbDir(app->db_path_));
  SKY_ASSIGN_OR_RETURN(app->catalog_, broker::CatalogService::Open(app->db_path_));
  std::vector<std::string> paths = args.GetAll("catalog");
  if (paths.empty() && load_bundled && app->catalog_->Snapshot()->offers().empty()) {
    paths.push_back(app->data_dir_ + "/catalog");
    log << "catalog " << app->db_path_ << " is empty: loading the bundled catalog " << paths[0]
        << "\n";
  }
  if (!paths.empty()) {
    auto summary = IngestWithProgress(*app->catalog_, paths, args.Has("skip-bad-rows"), log);
    if (!summary.ok()) return summary.status();
  }
  planner::NetworkModel network;
  auto loaded = planner::NetworkModel::LoadFromDirectory(app->data_dir_ + "/network");
  if (loaded.ok()) {
    network = std::move(loaded).value();
  } else {
    log << "warning: " << loaded.status().message() << "; using the default network prices\n";
  }
  auto names = planner::LoadAcceleratorNames(app->data_dir_ + "/accelerators.csv");
  app->plans_ = std::make_unique<broker::PlanService>(
      *app->catalog_, std::move(network), names.ok() ? *names : std::vector<std::string>{});
  return app;
}

}  // namespace sky::api
