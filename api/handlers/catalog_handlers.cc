// GET /v1/offers, GET /v1/offers/{id}/history, GET /v1/accelerators.
#include <algorithm>

#include "api/handlers/handlers.h"
#include "api/handlers/json_text.h"
#include "api/handlers/offer_cursor.h"
#include "api/handlers/offer_json.h"
#include "api/handlers/offer_query_params.h"

namespace sky::api {
namespace {

constexpr size_t kDefaultLimit = 100;

// One row per group: its key, how many offers match in it, and the best of them.
void AppendGroups(std::string& out, const std::vector<catalog::OfferGroup>& groups) {
  out += '[';
  for (size_t i = 0; i < groups.size(); ++i) {
    if (i > 0) out += ',';
    JsonObject row(out);
    AppendJsonInt(row.Key("count"), static_cast<int64_t>(groups[i].count));
    AppendJsonString(row.Key("group"), groups[i].key);
    AppendOfferJson(row.Key("offer"), *groups[i].best);
    row.Close();
  }
  out += ']';
}

// A page of offers (or of groups with group_by), as JSON text: this is the API's hottest
// route, and writing the text directly is several times cheaper than an nlohmann tree. One
// row more than asked says whether another page exists; next_cursor continues after this
// page, next_offset is kept for older clients.
Result<std::string> ListOffers(App& app, const HttpRequest& request, size_t max_limit) {
  SKY_ASSIGN_OR_RETURN(catalog::OfferQuery query, BuildOfferQuery(request.query));
  if (query.limit == 0) query.limit = std::min(kDefaultLimit, max_limit);
  if (query.limit > max_limit) {
    return Status::InvalidArgument("limit: " + std::to_string(query.limit) +
                                   " is over the limit of " + std::to_string(max_limit) +
                                   " offers per page (--max-offers-per-page)");
  }
  const size_t limit = query.limit;
  query.limit = limit + 1;
  auto index = app.catalog().Snapshot();
  std::vector<catalog::OfferGroup> groups = index->Groups(query);
  const bool more = groups.size() > limit;
  if (more) groups.resize(limit);
  std::string page;
  page.reserve(1024 + 800 * groups.size());
  JsonObject j(page);  // members in nlohmann's (sorted) order
  if (query.group_by != catalog::GroupBy::kNone) AppendGroups(j.Key("groups"), groups);
  if (more) {
    AppendJsonString(j.Key("next_cursor"), EncodeOfferCursor(*groups.back().best, request.query));
  } else {
    j.Key("next_cursor") += "null";
  }
  if (more && !query.after) {
    AppendJsonInt(j.Key("next_offset"), static_cast<int64_t>(query.offset + limit));
  } else {
    j.Key("next_offset") += "null";
  }
  std::string& offers = j.Key("offers");
  offers += '[';
  for (size_t i = 0; i < groups.size(); ++i) {
    if (i > 0) offers += ',';
    AppendOfferJson(offers, *groups[i].best);
  }
  offers += ']';
  AppendJsonInt(j.Key("total"), static_cast<int64_t>(index->Count(query)));
  j.Close();
  return page;
}

// 200 with `text` (JSON already written), or the error.
HttpResponse JsonTextReply(Result<std::string> text) {
  if (!text.ok()) return JsonReply(text.status());
  HttpResponse r;
  r.body = std::move(text).value();
  return r;
}

Result<nlohmann::json> History(App& app, const std::string& id, const HttpRequest& request) {
  SKY_ASSIGN_OR_RETURN(auto range, ParseHistoryRange(request.query));
  SKY_ASSIGN_OR_RETURN(auto points, app.catalog().History(id, range.first, range.second));
  nlohmann::json array = nlohmann::json::array();
  for (const auto& p : points) array.push_back(PricePointToJson(p));
  return nlohmann::json{{"offer_id", id}, {"history", array}};
}

}  // namespace

void AddCatalogRoutes(Router& router, App& app, const ApiLimits& limits) {
  const size_t max_limit = limits.max_offers_per_page;
  router.Add("GET", "/v1/offers", [&app, max_limit](const HttpRequest& req, const auto&) {
    return JsonTextReply(ListOffers(app, req, max_limit));
  });
  router.Add("GET", "/v1/offers/{id}/history", [&app](const HttpRequest& req, const auto& params) {
    return JsonReply(History(app, params[0], req));
  });
  router.Add("GET", "/v1/accelerators", [&app](const HttpRequest&, const auto&) {
    nlohmann::json array = nlohmann::json::array();
    for (const auto& s : app.catalog().Snapshot()->Accelerators()) {
      array.push_back(AcceleratorToJson(s));
    }
    return JsonReply(nlohmann::json{{"accelerators", array}});
  });
}

void AddHealthRoutes(Router& router, App& app, const ExecutorSlot* executor) {
  router.Add("GET", "/healthz", [](const HttpRequest&, const auto&) {
    return JsonReply(nlohmann::json{{"status", "ok"}});
  });
  router.Add("GET", "/readyz", [&app, executor](const HttpRequest&, const auto&) {
    if (executor != nullptr && executor->Get() == nullptr) {
      return JsonReply(Status::Unavailable("recovering pipelines"));
    }
    const size_t offers = app.catalog().Snapshot()->offers().size();
    return JsonReply(nlohmann::json{{"status", "ready"}, {"offers", offers}});
  });
}

}  // namespace sky::api
