// Fuzz target: SkyPilot `vms.csv` catalogs (`skybroker ingest`, catalog refresh), through
// ReadVmsCsv with skip_bad_rows on, so that every row is read. The provider, which changes
// the rules (GCP accelerators on host VMs, vast's machine-total GPU memory), is picked by the
// input's length, so that any file seeds every provider.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "catalog/vms_csv_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const char* const kProviders[] = {"aws", "gcp", "lambda", "vast", "nebius", "runpod"};
  sky::catalog::ReadContext ctx;
  ctx.path = "fuzz/vms.csv";
  ctx.source = "vms.csv";
  ctx.provider = kProviders[size % (sizeof kProviders / sizeof kProviders[0])];
  ctx.observed_at = "2024-01-01T00:00:00Z";
  ctx.skip_bad_rows = true;
  sky::catalog::IngestBatch batch;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)sky::catalog::ReadVmsCsv(ctx, text, batch);
  return 0;
}
