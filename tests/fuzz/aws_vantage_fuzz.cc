// Fuzz target: the AWS GPU price files from instances.vantage.sh (`skybroker ingest`), as
// JSON (ReadAwsVantageJson) and as the flat CSV (ReadAwsVantageCsv); each input goes to both.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "catalog/aws_vantage_reader.h"

namespace {

sky::catalog::ReadContext Context(const char* file) {
  sky::catalog::ReadContext ctx;
  ctx.path = std::string("fuzz/") + file;
  ctx.source = file;
  ctx.provider = "aws";
  ctx.observed_at = "2024-01-01T00:00:00Z";
  ctx.skip_bad_rows = true;
  return ctx;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  sky::catalog::IngestBatch json_batch;
  (void)sky::catalog::ReadAwsVantageJson(Context("aws_gpu_instances.json"), text, json_batch);
  sky::catalog::IngestBatch csv_batch;
  (void)sky::catalog::ReadAwsVantageCsv(Context("aws_gpu_prices_by_region.csv"), text, csv_batch);
  return 0;
}
