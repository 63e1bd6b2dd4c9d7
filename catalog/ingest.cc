#include "sky/catalog/ingest.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <unordered_map>

#include "catalog/aws_spot_history_reader.h"
#include "catalog/aws_vantage_reader.h"
#include "catalog/csv_reader.h"
#include "catalog/ingest_util.h"
#include "catalog/vms_csv_reader.h"

namespace sky::catalog {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kVmsCsv = "vms.csv";
constexpr std::string_view kVantageJson = "aws_gpu_instances.json";
constexpr std::string_view kVantageCsv = "aws_gpu_prices_by_region.csv";
constexpr std::string_view kTsvExtension = ".tsv";
constexpr size_t kSniffBytes = 64 * 1024;

bool IsCatalogFileName(const std::string& name) {
  return name == kVmsCsv || name == kVantageJson || name == kVantageCsv ||
         (name.size() > kTsvExtension.size() &&
          name.compare(name.size() - kTsvExtension.size(), kTsvExtension.size(), kTsvExtension) ==
              0);
}

// "gcp=path" -> ("gcp", "path") when the text before '=' is a provider name and the whole
// argument is not itself an existing path.
bool SplitProviderArg(const std::string& arg, std::string& provider, std::string& path) {
  const size_t eq = arg.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  std::error_code ec;
  if (fs::exists(arg, ec)) return false;
  for (size_t i = 0; i < eq; ++i) {
    const unsigned char c = static_cast<unsigned char>(arg[i]);
    if (!std::isalnum(c) && c != '-' && c != '_') return false;
  }
  provider = AsciiLower(std::string_view(arg).substr(0, eq));
  path = arg.substr(eq + 1);
  return true;
}

// Appends the catalog files under `dir` (sorted). The vantage CSV is derived from the JSON,
// so when both sit in one folder only the JSON is read.
Status ExpandDirectory(const std::string& dir, const std::string& provider,
                       std::vector<IngestSource>& out) {
  std::vector<fs::path> found;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec) && IsCatalogFileName(name)) found.push_back(it->path());
  }
  if (ec) return Status::NotFound(dir + ": cannot list directory: " + ec.message());
  std::sort(found.begin(), found.end());
  size_t added = 0;
  for (const fs::path& p : found) {
    if (p.filename() == kVantageCsv && fs::exists(p.parent_path() / kVantageJson, ec)) continue;
    out.push_back(IngestSource{p.string(), provider});
    ++added;
  }
  if (added == 0) {
    return Status::InvalidArgument(dir + ": no catalog file in this directory (looked for " +
                                   "vms.csv, aws_gpu_instances.json, " +
                                   "aws_gpu_prices_by_region.csv and *.tsv)");
  }
  return Status::Ok();
}

Result<CatalogFormat> DetectFromContent(const std::string& path, std::string_view head) {
  const size_t first = head.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return Status::InvalidArgument(path + ": empty file");
  if (head[first] == '[' || head[first] == '{') return CatalogFormat::kAwsVantageJson;
  const std::string_view line = head.substr(first, head.find('\n', first) - first);
  if (std::count(line.begin(), line.end(), '\t') == 4) return CatalogFormat::kAwsSpotHistoryTsv;
  CsvReader csv(line);
  std::vector<std::string_view> header;
  if (csv.Next(header) == CsvReader::Outcome::kRecord) {
    auto has = [&](std::string_view name) {
      return std::any_of(header.begin(), header.end(),
                         [&](std::string_view h) { return TrimAscii(h) == name; });
    };
    if (has("InstanceType") && has("OnDemandPrice")) return CatalogFormat::kAwsVantageCsv;
    if (has("InstanceType") && has("AcceleratorName")) return CatalogFormat::kSkyPilotVms;
  }
  return Status::InvalidArgument(
      path + ": unrecognised catalog format (expected a SkyPilot vms.csv, the AWS vantage " +
      "JSON or CSV, or the AWS spot price history TSV)");
}

Result<std::string> ProviderFor(const IngestSource& source, CatalogFormat format) {
  if (!source.provider.empty()) return AsciiLower(source.provider);
  if (format != CatalogFormat::kSkyPilotVms) return std::string("aws");
  const std::string parent = fs::absolute(fs::path(source.path)).parent_path().filename().string();
  if (parent.empty()) {
    return Status::InvalidArgument(source.path +
                                   ": cannot tell the provider; name it as provider=PATH");
  }
  return AsciiLower(parent);
}

}  // namespace

Result<std::vector<IngestSource>> ExpandCatalogPaths(const std::vector<std::string>& args) {
  std::vector<IngestSource> out;
  for (const std::string& arg : args) {
    std::string provider;
    std::string path = arg;
    SplitProviderArg(arg, provider, path);
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) return Status::NotFound(path + ": no such file or directory");
    if (fs::is_directory(st)) {
      SKY_RETURN_IF_ERROR(ExpandDirectory(path, provider, out));
    } else {
      out.push_back(IngestSource{path, provider});
    }
  }
  return out;
}

Result<CatalogFormat> DetectFormat(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return Status::InvalidArgument(path + ": is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot open file");
  std::string head(kSniffBytes, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  return DetectFromContent(path, head);
}

Result<IngestBatch> ParseCatalogFile(const IngestSource& source, const ParseOptions& options) {
  std::error_code ec;
  if (fs::is_directory(source.path, ec)) {
    return Status::InvalidArgument(source.path + ": is a directory");
  }
  SKY_ASSIGN_OR_RETURN(const std::string data, ReadWholeFile(source.path));
  SKY_ASSIGN_OR_RETURN(
      const CatalogFormat format,
      DetectFromContent(source.path, std::string_view(data).substr(0, kSniffBytes)));
  ReadContext ctx;
  ctx.path = source.path;
  ctx.source = fs::path(source.path).filename().string();
  SKY_ASSIGN_OR_RETURN(ctx.provider, ProviderFor(source, format));
  ctx.observed_at = options.observed_at.empty() ? FileMtimeIso(source.path) : options.observed_at;
  ctx.skip_bad_rows = options.skip_bad_rows;
  if (options.progress) {
    ctx.progress = [&options, path = source.path](int64_t done, int64_t total) {
      options.progress(path, done, total);
    };
  }
  IngestBatch batch;
  batch.source = source.path;
  batch.format = format;
  switch (format) {
    case CatalogFormat::kSkyPilotVms:
      SKY_RETURN_IF_ERROR(ReadVmsCsv(ctx, data, batch));
      break;
    case CatalogFormat::kAwsVantageJson:
      SKY_RETURN_IF_ERROR(ReadAwsVantageJson(ctx, data, batch));
      break;
    case CatalogFormat::kAwsVantageCsv:
      SKY_RETURN_IF_ERROR(ReadAwsVantageCsv(ctx, data, batch));
      break;
    case CatalogFormat::kAwsSpotHistoryTsv:
      SKY_RETURN_IF_ERROR(ReadAwsSpotHistoryTsv(ctx, data, batch));
      break;
  }
  return batch;
}

Result<std::vector<IngestBatch>> ParseCatalogFiles(const std::vector<IngestSource>& sources,
                                                   const ParseOptions& options) {
  std::vector<IngestBatch> batches;
  batches.reserve(sources.size());
  for (const IngestSource& source : sources) {
    SKY_ASSIGN_OR_RETURN(IngestBatch batch, ParseCatalogFile(source, options));
    batches.push_back(std::move(batch));
  }
  auto lacks_attributes = [](const Offer& o) { return o.accelerator.empty() && o.vcpus == 0; };
  for (size_t i = 0; i < batches.size(); ++i) {
    if (std::none_of(batches[i].offers.begin(), batches[i].offers.end(), lacks_attributes)) {
      continue;
    }
    for (size_t j = 0; j < batches.size(); ++j) {
      if (j != i) FillInstanceAttributes(batches[i], batches[j].offers);
    }
  }
  return batches;
}

void FillInstanceAttributes(IngestBatch& batch, const std::vector<Offer>& known) {
  std::unordered_map<std::string, const Offer*> by_type;
  for (const Offer& o : known) {
    if (o.accelerator.empty() && o.vcpus == 0) continue;
    by_type.emplace(o.provider + '\n' + o.instance_type, &o);
  }
  if (by_type.empty()) return;
  for (Offer& o : batch.offers) {
    if (!o.accelerator.empty() || o.vcpus != 0) continue;
    const auto it = by_type.find(o.provider + '\n' + o.instance_type);
    if (it == by_type.end()) continue;
    const Offer& k = *it->second;
    o.accelerator = k.accelerator;
    o.accelerator_count = k.accelerator_count;
    o.accelerator_memory_gb = k.accelerator_memory_gb;
    o.vcpus = k.vcpus;
    o.memory_gb = k.memory_gb;
  }
}

}  // namespace sky::catalog
