#include "api/handlers/offer_json.h"

#include "api/handlers/json_text.h"

namespace sky::api {
namespace {

nlohmann::json OptionalNumber(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json OfferToJson(const Offer& o) {
  nlohmann::json j = {
      {"id", o.id},
      {"provider", o.provider},
      {"region", o.region},
      {"zone", o.zone.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.zone)},
      {"instance_type", o.instance_type},
      {"accelerator",
       o.accelerator.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.accelerator)},
      {"accelerator_count", o.accelerator_count},
      {"accelerator_memory_gb", o.accelerator_memory_gb},
      {"vcpus", o.vcpus},
      {"memory_gb", o.memory_gb},
      {"market", std::string(MarketName(o.market))},
      {"price_per_hour", o.price_per_hour},
      {"price_per_accelerator_hour", o.price_per_accelerator_hour()},
      {"reserved_term_months",
       o.reserved_term_months ? nlohmann::json(*o.reserved_term_months) : nlohmann::json(nullptr)},
      {"available", o.available ? nlohmann::json(*o.available) : nlohmann::json(nullptr)},
      {"observed_at", o.observed_at},
      {"source", o.source},
  };
  return j;
}

namespace {

void AppendTextOrNull(std::string& out, const std::string& text) {
  if (text.empty()) {
    out += "null";
  } else {
    AppendJsonString(out, text);
  }
}

void AppendIntOrNull(std::string& out, const std::optional<int>& value) {
  if (value) {
    AppendJsonInt(out, *value);
  } else {
    out += "null";
  }
}

}  // namespace

void AppendOfferJson(std::string& out, const Offer& o) {
  JsonObject j(out);  // members sorted by name, as nlohmann's std::map orders them
  AppendTextOrNull(j.Key("accelerator"), o.accelerator);
  AppendJsonInt(j.Key("accelerator_count"), o.accelerator_count);
  AppendJsonNumber(j.Key("accelerator_memory_gb"), o.accelerator_memory_gb);
  AppendIntOrNull(j.Key("available"), o.available);
  AppendJsonString(j.Key("id"), o.id);
  AppendJsonString(j.Key("instance_type"), o.instance_type);
  AppendJsonString(j.Key("market"), MarketName(o.market));
  AppendJsonNumber(j.Key("memory_gb"), o.memory_gb);
  AppendJsonString(j.Key("observed_at"), o.observed_at);
  AppendJsonNumber(j.Key("price_per_accelerator_hour"), o.price_per_accelerator_hour());
  AppendJsonNumber(j.Key("price_per_hour"), o.price_per_hour);
  AppendJsonString(j.Key("provider"), o.provider);
  AppendJsonString(j.Key("region"), o.region);
  AppendIntOrNull(j.Key("reserved_term_months"), o.reserved_term_months);
  AppendJsonString(j.Key("source"), o.source);
  AppendJsonNumber(j.Key("vcpus"), o.vcpus);
  AppendTextOrNull(j.Key("zone"), o.zone);
  j.Close();
}

nlohmann::json AcceleratorToJson(const catalog::AcceleratorSummary& s) {
  return {
      {"name", s.name},
      {"counts", s.counts},
      {"offers", s.offers},
      {"cheapest_on_demand_per_accelerator_hour",
       OptionalNumber(s.cheapest_on_demand_per_accelerator_hour)},
      {"cheapest_spot_per_accelerator_hour", OptionalNumber(s.cheapest_spot_per_accelerator_hour)}};
}

nlohmann::json IngestSummaryToJson(const catalog::IngestSummary& s) {
  nlohmann::json rejected = nlohmann::json::array();
  for (const auto& r : s.rejected) {
    rejected.push_back(
        {{"file", r.file}, {"line", r.line}, {"field", r.field}, {"reason", r.reason}});
  }
  return {{"rows_read", s.rows_read},
          {"offers_added", s.offers_added},
          {"offers_updated", s.offers_updated},
          {"offers_unchanged", s.offers_unchanged},
          {"price_points_added", s.price_points_added},
          {"rows_rejected", s.rejected.size()},
          {"rejected", rejected}};
}

nlohmann::json PricePointToJson(const catalog::PricePoint& p) {
  return {{"offer_id", p.offer_id},
          {"price_per_hour", p.price_per_hour},
          {"observed_at", p.observed_at},
          {"source", p.source}};
}

}  // namespace sky::api
