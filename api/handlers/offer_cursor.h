#pragma once
// Cursor tokens of `GET /v1/offers` (and `skybroker offers --cursor`): an opaque, URL-safe
// token naming the position after the last offer of a page, bound to the query it came from.
// A cursor keeps paging stable (no duplicates, no gaps) where an offset would shift when offers
// before it change. Pure functions: safe to call from any thread.

#include <map>
#include <string>

#include "sky/catalog/offer_index.h"
#include "sky/types/result.h"

namespace sky::api {

// The token of the position after `last`, for the query named by `params` (the same names and
// values BuildOfferQuery takes; `cursor`, `limit` and `offset` do not bind it, so a client may
// change the page size while walking).
std::string EncodeOfferCursor(const Offer& last, const std::map<std::string, std::string>& params);

// The position a token names. InvalidArgument naming `cursor` for a token that is not one, or
// that another query (other filters, sort or grouping) produced.
Result<catalog::OfferPosition> DecodeOfferCursor(const std::string& token,
                                                 const std::map<std::string, std::string>& params);

}  // namespace sky::api
