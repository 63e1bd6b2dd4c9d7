#include "catalog/aws_spot_history_reader.h"

#include <array>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "sky/catalog/aws_zones.h"

namespace sky::catalog {
namespace {

constexpr std::string_view kLinux = "Linux/UNIX";
enum Field { kAzId, kInstanceType, kProduct, kPrice, kTimestamp, kNumFields };
constexpr std::array<std::string_view, kNumFields> kFieldNames = {
    "az_id", "instance_type", "product_description", "price", "timestamp"};

struct Event {
  std::string zone, instance_type, observed_at;
  std::string_view region;
  double price = 0;
};

struct FieldError {
  std::string_view field;
  std::string reason;
};

std::string Quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

// Splits one line on tabs into at most kNumFields + 1 fields; returns the count.
size_t SplitTabs(std::string_view line, std::array<std::string_view, kNumFields + 1>& out) {
  size_t n = 0;
  while (n < out.size()) {
    const size_t tab = line.find('\t');
    out[n++] = line.substr(0, tab);
    if (tab == std::string_view::npos) break;
    line.remove_prefix(tab + 1);
  }
  return n;
}

// Parses a Linux/UNIX event; nullopt with `error` set for a bad one.
std::optional<Event> ParseEvent(const std::array<std::string_view, kNumFields + 1>& f,
                                FieldError& error) {
  Event e;
  e.region = AwsRegionOfZoneId(f[kAzId]);
  if (e.region.empty()) {
    error = {kFieldNames[kAzId], "unknown AZ id: " + Quoted(f[kAzId])};
    return std::nullopt;
  }
  if (TrimAscii(f[kInstanceType]).empty()) {
    error = {kFieldNames[kInstanceType], "empty"};
    return std::nullopt;
  }
  const std::optional<double> price = ParseNumber(f[kPrice]);
  if (!price || *price < 0) {
    error = {kFieldNames[kPrice],
             (price ? "negative price: " : "not a number: ") + Quoted(f[kPrice])};
    return std::nullopt;
  }
  std::optional<std::string> when = NormalizeIsoTime(f[kTimestamp]);
  if (!when) {
    error = {kFieldNames[kTimestamp], "not an ISO 8601 time: " + Quoted(f[kTimestamp])};
    return std::nullopt;
  }
  e.zone = std::string(f[kAzId]);
  e.instance_type = std::string(TrimAscii(f[kInstanceType]));
  e.price = *price;
  e.observed_at = std::move(*when);
  return e;
}

Offer SpotOffer(const ReadContext& ctx, const Event& e) {
  Offer o;
  o.provider = ctx.provider;
  o.region = std::string(e.region);
  o.zone = e.zone;
  o.instance_type = e.instance_type;
  o.market = Market::kSpot;
  o.price_per_hour = e.price;
  o.observed_at = e.observed_at;
  o.source = ctx.source;
  o.id = MakeOfferId(o);
  return o;
}

// Turns the events into offers (the latest per zone and type) and price points (the rest),
// in file order.
void EmitEvents(const ReadContext& ctx, const std::vector<Event>& events, IngestBatch& batch) {
  std::vector<std::string> keys;
  keys.reserve(events.size());
  std::unordered_map<std::string, size_t> latest;  // "zone\ttype" -> event index
  for (size_t i = 0; i < events.size(); ++i) {
    keys.push_back(events[i].zone + '\t' + events[i].instance_type);
    const auto [it, inserted] = latest.emplace(keys.back(), i);
    if (!inserted && events[it->second].observed_at <= events[i].observed_at) it->second = i;
  }
  OfferSink sink(batch);
  for (size_t i = 0; i < events.size(); ++i) {
    const size_t last = latest[keys[i]];
    if (events[last].price <= 0) {  // a zero spot price is "no spot offer", never free
      if (i == last) ++batch.rows_skipped;
      continue;
    }
    Offer offer = SpotOffer(ctx, events[i]);
    if (i == last) {
      sink.Add(std::move(offer));
    } else {
      batch.price_points.push_back(
          PricePoint{offer.id, events[i].price, events[i].observed_at, ctx.source});
    }
  }
}

}  // namespace

Status ReadAwsSpotHistoryTsv(const ReadContext& ctx, std::string_view data, IngestBatch& batch) {
  if (TrimAscii(data).find_first_not_of("\r\n") == std::string_view::npos) {
    return FileError(ctx, 0, "empty file");
  }
  ProgressTicker ticker(ctx, static_cast<int64_t>(data.size()));
  std::vector<Event> events;
  std::array<std::string_view, kNumFields + 1> f;
  int64_t line_no = 0;
  for (size_t pos = 0; pos < data.size();) {
    size_t end = data.find('\n', pos);
    if (end == std::string_view::npos) end = data.size();
    const std::string_view line = TrimAscii(data.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (line.empty()) continue;
    ++batch.rows_read;
    ticker.Update(static_cast<int64_t>(pos));
    const size_t n = SplitTabs(line, f);
    FieldError error;
    if (n != kNumFields) {
      error = {"row", "has " + std::to_string(n) + " tab-separated fields, expected 5"};
    } else if (f[kProduct] != kLinux) {
      ++batch.rows_skipped;
      continue;
    } else if (std::optional<Event> e = ParseEvent(f, error)) {
      events.push_back(std::move(*e));
      continue;
    }
    SKY_RETURN_IF_ERROR(RejectRow(ctx, line_no, error.field, error.reason, batch));
  }
  EmitEvents(ctx, events, batch);
  ticker.Finish();
  return Status::Ok();
}

}  // namespace sky::catalog
