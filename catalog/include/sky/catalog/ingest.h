#pragma once
// Reading catalog files into offers and price points (DESIGN.md, "Identity of offers and
// places"). Formats are detected from header and extension:
//   - SkyPilot `vms.csv` (any column order, CRLF, GCP attachable accelerators priced with
//     their host VM); the provider is the parent folder's name or given as `provider=PATH`;
//   - AWS GPU on-demand + 1-year reserved prices (vantage JSON or its flat CSV);
//   - the AWS spot price history TSV (every event a price point; the latest per zone and
//     type becomes the spot offer).
// GCP accelerator rows become offers on SkyPilot's default host VM (catalog/gcp_accelerators.cc
// states the rule); TPU rows become "TPU-VM" offers. A GPU machine type (a2-, a3-, a4-, g2-)
// is never a CPU-only offer. Free-text regions become slugs ("Denmark, DK, EU" ->
// "denmark-dk-eu"). A zero or empty SpotPrice gives no spot offer.
// Pure functions; safe to call from several threads at once.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sky/types/offer.h"
#include "sky/types/result.h"

namespace sky::catalog {

enum class CatalogFormat { kSkyPilotVms, kAwsVantageJson, kAwsVantageCsv, kAwsSpotHistoryTsv };

// One observed price of one offer at one time.
struct PricePoint {
  OfferId offer_id;
  Money price_per_hour = 0;
  std::string observed_at;  // ISO 8601 UTC
  std::string source;
};

// A row that could not be read, with where and why.
struct RejectedRow {
  std::string file;
  int64_t line = 0;  // 1-based
  std::string field;
  std::string reason;
};

// What one file contributes.
struct IngestBatch {
  std::string source;  // file path
  CatalogFormat format = CatalogFormat::kSkyPilotVms;
  int64_t rows_read = 0;
  // Rows left out on purpose, neither offers nor errors: no price, a non-Linux spot event,
  // an unknown GPU, a GCP accelerator with no host VM in its zone, a repeated offer.
  int64_t rows_skipped = 0;
  std::vector<Offer> offers;
  std::vector<PricePoint> price_points;  // besides each offer's own current price
  std::vector<RejectedRow> rejected;
};

// A file to read and the provider it belongs to (empty: derive from path/format).
struct IngestSource {
  std::string path;
  std::string provider;
};

struct ParseOptions {
  // Keep good rows of a file with bad rows (they are listed in `rejected`). Default: off, so a
  // bad row fails the whole file with InvalidArgument naming file, line and field.
  bool skip_bad_rows = false;
  // Time stamped on offers whose format has no time of its own. Default: the file's mtime.
  std::string observed_at;
  // Called now and then with bytes read and total bytes, for progress lines. Default: none.
  std::function<void(const std::string& path, int64_t done, int64_t total)> progress;
};

// Expands command-line catalog arguments: files, directories (SkyPilot `<provider>/vms.csv`
// layout and the other known file names, recursively) and `provider=PATH`. Files found in a
// directory are vms.csv, aws_gpu_instances.json, aws_gpu_prices_by_region.csv (skipped when the
// JSON it derives from is in the same folder) and *.tsv, in sorted order.
// Returns NotFound for a path that does not exist, InvalidArgument for a directory with no
// catalog file in it.
Result<std::vector<IngestSource>> ExpandCatalogPaths(const std::vector<std::string>& args);

// Detects the format of a file from its extension and first line.
Result<CatalogFormat> DetectFormat(const std::string& path);

// Reads one file. Returns NotFound when it cannot be opened, InvalidArgument for an empty or
// malformed file or (without skip_bad_rows) any bad row, with "file:line: field: reason"
// (JSON entries have no line: "file: [3].pricing.us-east-1.onDemand: reason").
Result<IngestBatch> ParseCatalogFile(const IngestSource& source, const ParseOptions& options = {});

// Reads several files (in order) and then fills the instance attributes of offers that lack
// them (the AWS spot TSV has none) from the offers of the other files, as
// FillInstanceAttributes does. Fails on the first file that fails.
Result<std::vector<IngestBatch>> ParseCatalogFiles(const std::vector<IngestSource>& sources,
                                                   const ParseOptions& options = {});

// For every offer in `batch` without attributes (no accelerator and no vCPUs), copies
// accelerator, accelerator_count, accelerator_memory_gb, vcpus and memory_gb from a `known`
// offer of the same provider and instance type. Offer ids do not change.
void FillInstanceAttributes(IngestBatch& batch, const std::vector<Offer>& known);

}  // namespace sky::catalog
