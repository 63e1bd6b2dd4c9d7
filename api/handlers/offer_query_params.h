#pragma once
// Builds a catalog query from named parameters, shared by the CLI flags (`--max-price 3`)
// and the REST query string (`max_price=3`): the same names, with '-' or '_'.
//   gpu=H100:8[+]  market=on_demand|spot|reserved  provider=aws,gcp  region=us-*
//   max_price  max_price_per_gpu  min_gpu_memory  min_vcpus  min_memory  cpu_only=true
//   sort=price|gpu_price|gpu_memory  group_by=provider|region|accelerator  limit  offset
//   cursor=TOKEN (the next_cursor of the previous page, see offer_cursor.h)
// and the `from`/`to` range of an offer's price history.

#include <map>
#include <string>
#include <utility>

#include "sky/catalog/offer_index.h"

namespace sky::api {

// The names BuildOfferQuery understands (with '_').
const std::map<std::string, std::string>& OfferQueryParamHelp();

// InvalidArgument naming the parameter for an unknown name or a malformed value.
Result<catalog::OfferQuery> BuildOfferQuery(const std::map<std::string, std::string>& params);

// The `from` and `to` parameters of a price-history query as UTC "YYYY-MM-DDTHH:MM:SSZ" (empty
// when absent: open). Each is an ISO 8601 time with Z or an offset, or a date (from: its start,
// to: its end). InvalidArgument naming the parameter for anything else, or for from > to.
Result<std::pair<std::string, std::string>> ParseHistoryRange(
    const std::map<std::string, std::string>& params);

}  // namespace sky::api
