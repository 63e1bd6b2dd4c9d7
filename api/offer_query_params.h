#pragma once
// Builds a catalog query from named parameters, shared by the CLI flags (`--max-price 3`)
// and the REST query string (`max_price=3`): the same names, with '-' or '_'.
//   gpu=H100:8[+]  market=on_demand|spot|reserved  provider=aws,gcp  region=us-*
//   max_price  max_price_per_gpu  min_gpu_memory  min_vcpus  min_memory  cpu_only=true
//   sort=price|gpu_price|gpu_memory  group_by=provider|region|accelerator  limit  offset

#include <map>
#include <string>

#include "sky/catalog/offer_index.h"

namespace sky::api {

// The names BuildOfferQuery understands (with '_').
const std::map<std::string, std::string>& OfferQueryParamHelp();

// InvalidArgument naming the parameter for an unknown name or a malformed value.
Result<catalog::OfferQuery> BuildOfferQuery(const std::map<std::string, std::string>& params);

}  // namespace sky::api
