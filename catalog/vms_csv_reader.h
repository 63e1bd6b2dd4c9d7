#pragma once
// Reader for SkyPilot's `vms.csv` catalogs (any column order; see ingest.h for the rules).

#include <string>
#include <string_view>

#include "catalog/ingest_util.h"
#include "sky/catalog/ingest.h"
#include "sky/types/result.h"

namespace sky::catalog {

// Reads the vms.csv held in `data` into `batch` (offers, rows_read, rows_skipped, rejected).
// Returns InvalidArgument "path:line: field: reason" for an empty file, a header without a
// required column, an unterminated quote, or (without skip_bad_rows) a bad row.
Status ReadVmsCsv(const ReadContext& ctx, std::string_view data, IngestBatch& batch);

// A region as the catalog writes it, or a slug of free text: "Denmark, DK, EU" ->
// "denmark-dk-eu", ", CA, NA" -> "ca-na". Names of letters, digits, '-', '_' and '.' are kept.
std::string RegionSlug(std::string_view region);

// Per-GPU memory in GB from a GpuInfo field: MemoryInfo.SizeInMiB of the first GPU / 1024,
// else TotalGpuMemoryInMiB / count / 1024, else 0. The catalogs disagree on what the entry
// means: Lambda writes per-GPU memory in both fields, vast the whole machine's in both
// ('Count': 8, 'SizeInMiB': 652472 for 8xH100); `entry_is_machine_total` (vast) divides the
// entry by `count`. A field that does not start with '{' (TPU rows carry the TPU name) is 0.
// InvalidArgument when a dict is malformed.
Result<double> GpuMemoryGbFromGpuInfo(std::string_view gpu_info, int count,
                                      bool entry_is_machine_total = false);

}  // namespace sky::catalog
