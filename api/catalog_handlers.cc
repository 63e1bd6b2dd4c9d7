// GET /v1/offers, GET /v1/offers/{id}/history, GET /v1/accelerators.
#include "api/handlers.h"
#include "api/offer_cursor.h"
#include "api/offer_json.h"
#include "api/offer_query_params.h"

namespace sky::api {
namespace {

constexpr size_t kDefaultLimit = 100;
constexpr size_t kMaxLimit = 1000;

// One row per group: its key, how many offers match in it, and the best of them.
nlohmann::json GroupsJson(const std::vector<catalog::OfferGroup>& groups) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& g : groups) {
    rows.push_back({{"group", g.key}, {"count", g.count}, {"offer", OfferToJson(*g.best)}});
  }
  return rows;
}

// A page of offers (or of groups with group_by). One row more than asked says whether another
// page exists; next_cursor continues after this page, next_offset is kept for older clients.
Result<nlohmann::json> ListOffers(App& app, const HttpRequest& request) {
  SKY_ASSIGN_OR_RETURN(catalog::OfferQuery query, BuildOfferQuery(request.query));
  if (query.limit == 0) query.limit = kDefaultLimit;
  if (query.limit > kMaxLimit) {
    return Status::InvalidArgument("limit: at most " + std::to_string(kMaxLimit));
  }
  const size_t limit = query.limit;
  query.limit = limit + 1;
  auto index = app.catalog().Snapshot();
  std::vector<catalog::OfferGroup> groups = index->Groups(query);
  const bool more = groups.size() > limit;
  if (more) groups.resize(limit);
  nlohmann::json offers = nlohmann::json::array();
  for (const auto& g : groups) offers.push_back(OfferToJson(*g.best));
  nlohmann::json page = {
      {"offers", offers},
      {"total", index->Count(query)},
      {"next_cursor", more ? nlohmann::json(EncodeOfferCursor(*groups.back().best, request.query))
                           : nlohmann::json()},
      {"next_offset", more && !query.after ? nlohmann::json(query.offset + limit)
                                           : nlohmann::json()}};
  if (query.group_by != catalog::GroupBy::kNone) page["groups"] = GroupsJson(groups);
  return page;
}

Result<nlohmann::json> History(App& app, const std::string& id, const HttpRequest& request) {
  SKY_ASSIGN_OR_RETURN(auto range, ParseHistoryRange(request.query));
  SKY_ASSIGN_OR_RETURN(auto points, app.catalog().History(id, range.first, range.second));
  nlohmann::json array = nlohmann::json::array();
  for (const auto& p : points) array.push_back(PricePointToJson(p));
  return nlohmann::json{{"offer_id", id}, {"history", array}};
}

}  // namespace

void AddCatalogRoutes(Router& router, App& app) {
  router.Add("GET", "/v1/offers", [&app](const HttpRequest& req, const auto&) {
    return JsonReply(ListOffers(app, req));
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
