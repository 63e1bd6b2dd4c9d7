// GET /v1/offers, GET /v1/offers/{id}/history, GET /v1/accelerators.
#include "api/handlers.h"
#include "api/offer_json.h"
#include "api/offer_query_params.h"

namespace sky::api {
namespace {

constexpr size_t kDefaultLimit = 100;
constexpr size_t kMaxLimit = 1000;

Result<nlohmann::json> ListOffers(App& app, const HttpRequest& request) {
  SKY_ASSIGN_OR_RETURN(catalog::OfferQuery query, BuildOfferQuery(request.query));
  if (query.limit == 0) query.limit = kDefaultLimit;
  if (query.limit > kMaxLimit) {
    return Status::InvalidArgument("limit: at most " + std::to_string(kMaxLimit));
  }
  auto index = app.catalog().Snapshot();
  const size_t total = index->Count(query);
  nlohmann::json offers = nlohmann::json::array();
  for (const Offer* o : index->Query(query)) offers.push_back(OfferToJson(*o));
  const size_t next = query.offset + offers.size();
  return nlohmann::json{{"offers", offers},
                        {"total", total},
                        {"next_offset", next < total ? nlohmann::json(next) : nlohmann::json()}};
}

Result<nlohmann::json> History(App& app, const std::string& id, const HttpRequest& request) {
  auto get = [&](const char* key) {
    auto it = request.query.find(key);
    return it == request.query.end() ? std::string() : it->second;
  };
  SKY_ASSIGN_OR_RETURN(auto points, app.catalog().History(id, get("from"), get("to")));
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
