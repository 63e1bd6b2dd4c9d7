// ReplayReportToJson: the report's JSON form (the CLI's --json, the REST operation's result).
#include <nlohmann/json.hpp>
#include <numeric>

#include "sky/broker/replay.h"

namespace sky::broker {
namespace {

using nlohmann::json;

json OptionalNumber(const std::optional<double>& value) {
  return value ? json(*value) : json(nullptr);
}

json TraceJson(const ReplayTrace& t) {
  const auto& counts = t.trace.available;
  const double mean =
      counts.empty() ? 0 : std::accumulate(counts.begin(), counts.end(), 0.0) / counts.size();
  return {{"location", t.location},
          {"source", t.source},
          {"gap_seconds", t.trace.gap_seconds},
          {"ticks", counts.size()},
          {"hours", t.trace.duration_seconds() / 3600},
          {"mean_available", mean},
          {"has_prices", !t.trace.prices.empty()}};
}

json OfferJson(const Offer& o) {
  return {{"id", o.id},
          {"location", o.location_id()},
          {"instance_type", o.instance_type},
          {"accelerator", o.accelerator},
          {"accelerator_count", o.accelerator_count},
          {"market", std::string(MarketName(o.market))},
          {"price_per_hour", o.price_per_hour}};
}

json SummaryJson(const ReplaySummary& s) {
  const double compute = s.mean_spot_hours + s.mean_on_demand_hours;
  return {{"policy", std::string(Name(s.policy))},
          {"runs", s.runs},
          {"mean_cost_usd", s.mean_cost_usd},
          {"p95_cost_usd", s.p95_cost_usd},
          {"cost_vs_on_demand", OptionalNumber(s.cost_vs_on_demand)},
          {"deadlines_met", s.deadlines_met},
          {"deadlines_met_percent", s.deadlines_met_percent},
          {"mean_preemptions", s.mean_preemptions},
          {"mean_spot_hours", s.mean_spot_hours},
          {"mean_on_demand_hours", s.mean_on_demand_hours},
          {"spot_fraction", compute > 0 ? s.mean_spot_hours / compute : 0.0},
          {"mean_finish_hours", s.mean_finish_hours}};
}

json RunJson(const ReplayRun& r) {
  json timeline = json::array();
  for (const ReplaySegment& seg : r.timeline) {
    timeline.push_back({{"start_hours", seg.start_hours},
                        {"end_hours", seg.end_hours},
                        {"location", seg.location},
                        {"market", std::string(MarketName(seg.market))},
                        {"outcome", seg.outcome},
                        {"cost_usd", seg.cost_usd}});
  }
  return {{"policy", std::string(Name(r.policy))},
          {"offset_hours", r.offset_hours},
          {"succeeded", r.succeeded},
          {"finish_hours", r.finish_hours},
          {"deadline_met", r.deadline_met},
          {"cost_usd", r.cost_usd},
          {"preemptions", r.preemptions},
          {"launches", r.launches},
          {"spot_hours", r.spot_hours},
          {"on_demand_hours", r.on_demand_hours},
          {"failure", r.failure.empty() ? json(nullptr) : json(r.failure)},
          {"timeline", std::move(timeline)}};
}

}  // namespace

std::string ReplayReportToJson(const ReplayReport& report) {
  json j = {{"pipeline", report.pipeline},
            {"deadline_hours", report.deadline_hours},
            {"work_hours", report.work_hours},
            {"restart_minutes", report.restart_minutes},
            {"checkpoint_minutes", report.checkpoint_minutes},
            {"poll_seconds", report.poll_seconds},
            {"offsets_hours", report.offsets_hours},
            {"warnings", report.warnings},
            {"wall_seconds", report.wall_seconds}};
  j["traces"] = json::array();
  for (const ReplayTrace& t : report.traces) j["traces"].push_back(TraceJson(t));
  j["offers"] = json::array();
  for (const Offer& o : report.offers) j["offers"].push_back(OfferJson(o));
  j["summary"] = json::array();
  for (const ReplaySummary& s : report.summary) j["summary"].push_back(SummaryJson(s));
  j["runs"] = json::array();
  for (const ReplayRun& r : report.runs) j["runs"].push_back(RunJson(r));
  return j.dump();
}

}  // namespace sky::broker
