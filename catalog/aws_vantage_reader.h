#pragma once
// Readers for AWS GPU on-demand and 1-year reserved prices from instances.vantage.sh, as the
// JSON array (aws_gpu_instances.json) or its flat per-region CSV (aws_gpu_prices_by_region.csv).
// Each (type, region) gives an on_demand offer and, when priced, a reserved offer with
// reserved_term_months = 12. Entries with no price, "Unknown GPU" or a fractional GPU count
// are skipped (counted in rows_skipped).

#include <string>
#include <string_view>

#include "catalog/ingest_util.h"
#include "sky/catalog/ingest.h"

namespace sky::catalog {

Status ReadAwsVantageJson(const ReadContext& ctx, std::string_view data, IngestBatch& batch);
Status ReadAwsVantageCsv(const ReadContext& ctx, std::string_view data, IngestBatch& batch);

// SkyPilot's canonical name for a vantage GPU model with `per_gpu_gb` of memory each:
// "NVIDIA H100" -> "H100", "NVIDIA A100" with 80 GB -> "A100-80GB", "AWS Trainium" ->
// "Trainium", "NVIDIA B200 Blackwell" -> "B200". Unknown vendors' models keep their name with
// the vendor word dropped and blanks turned into '-'. Empty for "Unknown GPU" or "".
std::string CanonicalAwsGpuName(std::string_view model, double per_gpu_gb);

// Per-GPU memory in GB from vantage's gpuMemory ("80 GB HBM3"), which is sometimes the
// instance's total ("640 GB HBM3" on 8 x H100): it is read as a total when dividing it by
// `count` gives the model's known size. 0 when "Unknown".
double AwsPerGpuMemoryGb(std::string_view model, std::string_view gpu_memory, double count);

}  // namespace sky::catalog
