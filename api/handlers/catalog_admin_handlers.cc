// POST /v1/catalog/ingest (a catalog file as the raw body) and POST /v1/catalog/refresh (offers
// from the configured providers): both run as operations and answer 202 with one to poll.
// The auth layer restricts these routes to admins.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <set>
#include <sstream>
#include <utility>

#include "api/handlers/catalog_refresh.h"
#include "api/handlers/handlers.h"
#include "api/handlers/offer_json.h"
#include "api/handlers/operation_handlers.h"
#include "api/http/status_http.h"

namespace sky::api {
namespace {

namespace fs = std::filesystem;
using OperationWork = broker::OperationRunner::Work;

// One query parameter's problem, for the 400 body's details.
struct ParamIssue {
  std::string parameter;
  std::string message;
};

HttpResponse BadParams(const std::vector<ParamIssue>& issues) {
  std::string message;
  nlohmann::json details = nlohmann::json::array();
  for (const auto& issue : issues) {
    message += (message.empty() ? "" : "; ") + issue.parameter + ": " + issue.message;
    details.push_back({{"parameter", issue.parameter}, {"message", issue.message}});
  }
  HttpResponse r;
  r.status = 400;
  r.body = ErrorBody(Status::InvalidArgument(message), details).dump();
  return r;
}

void CheckKnownParams(const HttpRequest& req, const std::set<std::string>& known,
                      std::vector<ParamIssue>& issues) {
  std::string expected;
  for (const auto& k : known) expected += (expected.empty() ? "" : ", ") + k;
  for (const auto& [key, value] : req.query) {
    if (known.count(key) == 0) {
      issues.push_back({key, "unknown parameter (expected " + expected + ")"});
    }
  }
}

std::string Param(const HttpRequest& req, const std::string& key) {
  auto it = req.query.find(key);
  return it == req.query.end() ? std::string() : it->second;
}

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
}

// A provider name: lower-case letters, digits, '-' and '_' (as catalog paths' provider=PATH).
bool IsProviderName(const std::string& text) {
  if (text.empty() || text.size() > 64) return false;
  for (char c : text) {
    if (!std::islower(static_cast<unsigned char>(c)) &&
        !std::isdigit(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
      return false;
    }
  }
  return true;
}

struct IngestParams {
  std::string name;      // the uploaded file's name, e.g. "vms.csv"
  std::string provider;  // empty: the format names it
  bool skip_bad_rows = false;
};

void CheckName(const std::string& name, std::vector<ParamIssue>& issues) {
  if (name.empty()) {
    issues.push_back(
        {"name", "required: the file's name, e.g. vms.csv (its extension picks the format)"});
    return;
  }
  bool plain = name.size() <= 255 && name.front() != '.';
  for (char c : name) plain = plain && IsNameChar(c);
  const std::string ext = fs::path(name).extension().string();
  if (!plain) {
    issues.push_back({"name", "a plain file name of letters, digits, '.', '_' and '-'"});
  } else if (ext != ".csv" && ext != ".json" && ext != ".tsv") {
    issues.push_back({"name", "must end in .csv, .json or .tsv"});
  }
}

Result<IngestParams> ParseIngestParams(const HttpRequest& req, std::vector<ParamIssue>& issues) {
  CheckKnownParams(req, {"name", "provider", "skip_bad_rows"}, issues);
  IngestParams p;
  p.name = Param(req, "name");
  CheckName(p.name, issues);
  p.provider = Param(req, "provider");
  if (req.query.count("provider") > 0 && !IsProviderName(p.provider)) {
    issues.push_back({"provider", "a provider name of lower-case letters, digits, '-' and '_'"});
  }
  const std::string skip = Param(req, "skip_bad_rows");
  if (skip != "" && skip != "true" && skip != "false") {
    issues.push_back({"skip_bad_rows", "true or false"});
  }
  p.skip_bad_rows = skip == "true";
  if (req.body.empty()) issues.push_back({"body", "empty: send the catalog file as the body"});
  if (!issues.empty()) return Status::InvalidArgument("bad parameters");
  return p;
}

// The uploaded body in a private temporary directory (0700), under its uploaded name so that
// the readers see its extension; removed with the object. Messages of the readers name the
// temporary path, which Rename turns back into the uploaded name.
class UploadedFile {
 public:
  static Result<std::unique_ptr<UploadedFile>> Write(const std::string& name,
                                                     const std::string& body) {
    std::string dir = (fs::temp_directory_path() / "skybroker-upload-XXXXXX").string();
    if (::mkdtemp(dir.data()) == nullptr) return Status::Unavailable("cannot create a temp dir");
    std::unique_ptr<UploadedFile> file(new UploadedFile(dir, dir + "/" + name, name));
    const int fd = ::open(file->path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return Status::Unavailable("cannot create the upload's temp file");
    size_t written = 0;
    while (written < body.size()) {
      const ssize_t n = ::write(fd, body.data() + written, body.size() - written);
      if (n <= 0) break;
      written += static_cast<size_t>(n);
    }
    ::close(fd);
    if (written != body.size()) return Status::Unavailable("cannot write the upload's temp file");
    return file;
  }
  ~UploadedFile() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  const std::string& path() const { return path_; }
  const std::string& name() const { return name_; }
  // `text` with the temporary path replaced by the uploaded name.
  std::string Rename(std::string text) const {
    for (size_t at = text.find(path_); at != std::string::npos; at = text.find(path_, at)) {
      text.replace(at, path_.size(), name_);
      at += name_.size();
    }
    return text;
  }
  Status Rename(const Status& status) const {
    return status.ok() ? status : Status(status.code(), Rename(status.message()));
  }

 private:
  UploadedFile(std::string dir, std::string path, std::string name)
      : dir_(std::move(dir)), path_(std::move(path)), name_(std::move(name)) {}
  std::string dir_, path_, name_;
};

// Fails at once (400) what can be told without reading the whole file: an unknown format, and
// a SkyPilot vms.csv without `provider` (the format does not name its provider).
Status CheckFormat(const UploadedFile& file, const IngestParams& params) {
  auto format = catalog::DetectFormat(file.path());
  if (!format.ok()) return file.Rename(format.status());
  if (*format == catalog::CatalogFormat::kSkyPilotVms && params.provider.empty()) {
    return Status::InvalidArgument(
        "provider: required for a SkyPilot vms.csv, whose rows do not name their provider");
  }
  return Status::Ok();
}

// The ingest operation's work. Shared ownership of the upload: std::function needs a copyable
// callable, and the file must live until the work is done (or dropped unrun).
OperationWork IngestWork(broker::CatalogService& catalog, std::shared_ptr<UploadedFile> file,
                         IngestParams params, int64_t size) {
  return [&catalog, file = std::move(file), params = std::move(params),
          size](broker::Progress& progress) -> Result<std::string> {
    const std::string message = "reading " + file->name();
    progress.Set(0, size, message);
    catalog::ParseOptions options;
    options.skip_bad_rows = params.skip_bad_rows;
    options.progress = [&progress, &message](const std::string&, int64_t done, int64_t total) {
      progress.Set(done, total, message);
    };
    const std::string arg =
        params.provider.empty() ? file->path() : params.provider + "=" + file->path();
    auto summary = catalog.Ingest({arg}, options);
    if (!summary.ok()) return file->Rename(summary.status());
    for (auto& row : summary->rejected) row.file = file->Rename(row.file);
    progress.Set(size, size, "ingested " + file->name());
    nlohmann::json j = IngestSummaryToJson(*summary);
    j["file"] = file->name();
    j["provider"] =
        params.provider.empty() ? nlohmann::json(nullptr) : nlohmann::json(params.provider);
    return j.dump();
  };
}

HttpResponse PostIngest(App& app, broker::OperationRunner& runner, const HttpRequest& req) {
  std::vector<ParamIssue> issues;
  auto params = ParseIngestParams(req, issues);
  if (!params.ok()) return BadParams(issues);
  auto file = UploadedFile::Write(params->name, req.body);
  if (!file.ok()) return JsonReply(file.status());
  if (Status s = CheckFormat(**file, *params); !s.ok()) return JsonReply(s);
  std::shared_ptr<UploadedFile> shared = std::move(file).value();
  auto id = runner.Submit(
      broker::OperationKind::kIngest, req.principal.tenant,
      IngestWork(app.catalog(), shared, *params, static_cast<int64_t>(req.body.size())));
  if (!id.ok()) return JsonReply(id.status());
  return AcceptedOperation(runner, *id, req.principal.tenant);
}

// The configured providers named by `?providers=a,b` (all when absent), in configured order.
Result<std::vector<providers::Provider*>> SelectProviders(
    const HttpRequest& req, const std::vector<providers::Provider*>& configured,
    std::vector<ParamIssue>& issues) {
  CheckKnownParams(req, {"providers"}, issues);
  std::string all;
  for (auto* p : configured) all += (all.empty() ? "" : ",") + p->name();
  std::set<std::string> wanted;
  std::stringstream list(Param(req, "providers"));
  for (std::string name; std::getline(list, name, ',');) {
    if (name.empty()) continue;
    const bool known = std::any_of(configured.begin(), configured.end(),
                                   [&](auto* p) { return p->name() == name; });
    if (!known) {
      issues.push_back({"providers", name + " is not configured (configured: " + all + ")"});
    }
    wanted.insert(name);
  }
  if (!issues.empty()) return Status::InvalidArgument("bad parameters");
  std::vector<providers::Provider*> chosen;
  for (auto* p : configured) {
    if (wanted.empty() || wanted.count(p->name()) > 0) chosen.push_back(p);
  }
  return chosen;
}

OperationWork RefreshWork(broker::CatalogService& catalog, std::vector<providers::Provider*> chosen,
                          const Clock& wall_clock) {
  return [&catalog, chosen = std::move(chosen),
          &wall_clock](broker::Progress& progress) -> Result<std::string> {
    nlohmann::json results = nlohmann::json::array();
    bool ok = true;
    const auto total = static_cast<int64_t>(chosen.size());
    for (size_t i = 0; i < chosen.size(); ++i) {
      progress.Set(static_cast<int64_t>(i), total, "refreshing " + chosen[i]->name());
      // A failing provider is recorded and does not stop the others.
      ProviderRefresh r = RefreshFromProvider(*chosen[i], catalog, wall_clock);
      ok = ok && r.status.ok();
      results.push_back(ProviderRefreshToJson(r));
    }
    progress.Set(total, total, "refreshed");
    return nlohmann::json{{"ok", ok}, {"providers", results}}.dump();
  };
}

HttpResponse PostRefresh(App& app, broker::OperationRunner& runner,
                         const std::vector<providers::Provider*>& configured,
                         const Clock& wall_clock, const HttpRequest& req) {
  std::vector<ParamIssue> issues;
  auto chosen = SelectProviders(req, configured, issues);
  if (!chosen.ok()) return BadParams(issues);
  auto id = runner.Submit(broker::OperationKind::kRefresh, req.principal.tenant,
                          RefreshWork(app.catalog(), std::move(chosen).value(), wall_clock));
  if (!id.ok()) return JsonReply(id.status());
  return AcceptedOperation(runner, *id, req.principal.tenant);
}

}  // namespace

void AddCatalogAdminRoutes(Router& router, App& app, broker::OperationRunner& runner,
                           std::vector<providers::Provider*> providers, const Clock& wall_clock) {
  router.Add("POST", "/v1/catalog/ingest", [&app, &runner](const HttpRequest& req, const auto&) {
    return PostIngest(app, runner, req);
  });
  router.Add("POST", "/v1/catalog/refresh",
             [&app, &runner, providers = std::move(providers), &wall_clock](const HttpRequest& req,
                                                                            const auto&) {
               return PostRefresh(app, runner, providers, wall_clock, req);
             });
}

}  // namespace sky::api
