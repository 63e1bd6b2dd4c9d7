#pragma once
// Reader for the AWS spot price history TSV (DescribeSpotPriceHistory with AZ ids, no header):
//   az_id \t instance_type \t product_description \t price \t timestamp
// Only Linux/UNIX events count (others are skipped and counted). Every event is a price of
// the spot offer of (zone, instance type); the latest event per pair becomes that offer
// (observed_at = its time, "YYYY-MM-DDTHH:MM:SSZ") and the earlier ones its price_points. The
// zone keeps the AZ id; the region comes from its prefix (aws_zones.h). The file has no
// GPU or vCPU data: FillInstanceAttributes adds it from other catalogs.

#include <string_view>

#include "catalog/ingest_util.h"
#include "sky/catalog/ingest.h"

namespace sky::catalog {

// Returns InvalidArgument for an empty file or (without skip_bad_rows) a bad row: a wrong
// field count, an unknown AZ-id prefix, a bad price or time.
Status ReadAwsSpotHistoryTsv(const ReadContext& ctx, std::string_view data, IngestBatch& batch);

}  // namespace sky::catalog
