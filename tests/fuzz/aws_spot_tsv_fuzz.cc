// Fuzz target: the AWS spot price history TSV (`skybroker ingest prices.tsv`), through
// ReadAwsSpotHistoryTsv with skip_bad_rows on, then FillInstanceAttributes against the
// offers it produced.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "catalog/aws_spot_history_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  sky::catalog::ReadContext ctx;
  ctx.path = "fuzz/prices.tsv";
  ctx.source = "prices.tsv";
  ctx.provider = "aws";
  ctx.skip_bad_rows = true;
  sky::catalog::IngestBatch batch;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (sky::catalog::ReadAwsSpotHistoryTsv(ctx, text, batch).ok()) {
    const auto known = batch.offers;
    sky::catalog::FillInstanceAttributes(batch, known);
  }
  return 0;
}
