#pragma once
// JSON of catalog values (DESIGN.md "Offer"). nlohmann::json stays inside api/.

#include <nlohmann/json.hpp>
#include <string>

#include "sky/catalog/offer_index.h"
#include "sky/catalog/offer_store.h"
#include "sky/types/offer.h"

namespace sky::api {

nlohmann::json OfferToJson(const Offer& offer);
// Appends OfferToJson(offer).dump() to `out` without building the tree (api/json_text.h):
// the same members, in the same (sorted) order, with the same values.
void AppendOfferJson(std::string& out, const Offer& offer);
nlohmann::json AcceleratorToJson(const catalog::AcceleratorSummary& summary);
nlohmann::json IngestSummaryToJson(const catalog::IngestSummary& summary);
nlohmann::json PricePointToJson(const catalog::PricePoint& point);

}  // namespace sky::api
