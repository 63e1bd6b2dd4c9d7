// The offers of a replay's world, built from the traces' zones, the spec's accelerators and
// the prices available (trace, flags, catalog), naming the missing one when there is none.
#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include "sky/broker/replay.h"

namespace sky::broker {
namespace {

struct Place {
  std::string provider, region, zone;
};

Place PlaceOf(const std::string& location) {
  const size_t a = location.find(':'), b = location.rfind(':');
  return {location.substr(0, a), location.substr(a + 1, b - a - 1), location.substr(b + 1)};
}

// The cheapest on-demand catalog offer with `accelerator` x `count` in the place's region.
const Offer* CatalogMachine(const std::vector<Offer>& catalog, const Place& place,
                            const std::string& accelerator, int count) {
  const Offer* best = nullptr;
  const std::string wanted = AsciiLower(accelerator);
  for (const Offer& o : catalog) {
    if (o.market != Market::kOnDemand || o.provider != place.provider || o.region != place.region ||
        o.accelerator_count != count || AsciiLower(o.accelerator) != wanted) {
      continue;
    }
    if (!best || o.price_per_hour < best->price_per_hour) best = &o;
  }
  return best;
}

// The median spot price of `instance_type` over the catalog's zones of the region: AWS's spot
// price history names zones by AZ id (use1-az4), which cannot be matched to a trace's AZ name
// (us-east-1a) without the account's mapping, so the region's zones stand for each one.
std::optional<double> CatalogSpotPrice(const std::vector<Offer>& catalog, const Place& place,
                                       const std::string& instance_type) {
  std::vector<double> prices;
  for (const Offer& o : catalog) {
    if (o.market == Market::kSpot && o.provider == place.provider && o.region == place.region &&
        o.instance_type == instance_type && o.price_per_hour > 0) {
      prices.push_back(o.price_per_hour);
    }
  }
  if (prices.empty()) return std::nullopt;
  std::sort(prices.begin(), prices.end());
  const size_t n = prices.size();
  return n % 2 ? prices[n / 2] : (prices[n / 2 - 1] + prices[n / 2]) / 2;
}

Offer MachineOffer(const Place& place, const Offer* machine, const std::string& accelerator,
                   int count) {
  Offer o;
  o.provider = place.provider;
  o.region = place.region;
  o.accelerator = machine ? machine->accelerator : accelerator;
  o.accelerator_count = count;
  o.instance_type = machine ? machine->instance_type
                            : place.provider + "-" + accelerator + "x" + std::to_string(count);
  o.accelerator_memory_gb = machine ? machine->accelerator_memory_gb : 0;
  o.vcpus = machine ? machine->vcpus : 0;
  o.memory_gb = machine ? machine->memory_gb : 0;
  o.source = "replay";
  return o;
}

// Spot in the trace's zone and on-demand in its region, for one accelerator choice.
Status AddGpuOffers(const ReplayTrace& trace, const std::string& accelerator, int count,
                    const ReplayPrices& prices, std::map<OfferId, Offer>& out) {
  const Place place = PlaceOf(trace.location);
  const Offer* machine = CatalogMachine(prices.catalog, place, accelerator, count);
  const std::string what = accelerator + ":" + std::to_string(count);
  Offer od = MachineOffer(place, machine, accelerator, count);
  od.market = Market::kOnDemand;
  if (prices.on_demand_usd_per_hour) {
    od.price_per_hour = *prices.on_demand_usd_per_hour;
  } else if (machine) {
    od.price_per_hour = machine->price_per_hour;
  } else {
    return Status::InvalidArgument("no on-demand price for " + what + " in " + od.region_id() +
                                   ": give --on-demand-price or a catalog that has it");
  }
  Offer spot = MachineOffer(place, machine, accelerator, count);
  spot.zone = place.zone;
  spot.market = Market::kSpot;
  const auto& tp = trace.trace.prices;
  std::optional<double> catalog_spot = CatalogSpotPrice(prices.catalog, place, spot.instance_type);
  if (!tp.empty()) {
    // Planning uses the mean; runs are billed tick by tick from the trace.
    spot.price_per_hour = std::accumulate(tp.begin(), tp.end(), 0.0) / tp.size();
  } else if (prices.spot_usd_per_hour) {
    spot.price_per_hour = *prices.spot_usd_per_hour;
  } else if (catalog_spot) {
    spot.price_per_hour = *catalog_spot;
  } else {
    return Status::InvalidArgument(
        "no spot price for " + what + " (" + spot.instance_type + ") in " + trace.location +
        ": give --spot-price, a trace with prices, or a catalog with its spot prices (e.g. the "
        "AWS spot price history)");
  }
  for (Offer* o : {&od, &spot}) {
    o->id = MakeOfferId(*o);
    out.emplace(o->id, *o);
  }
  return Status::Ok();
}

// Every catalog offer without accelerators, on-demand, in a trace region.
Status AddCpuOffers(const planner::StageSpec& stage, const std::vector<ReplayTrace>& traces,
                    const ReplayPrices& prices, std::map<OfferId, Offer>& out) {
  std::set<std::string> regions;
  for (const ReplayTrace& t : traces) {
    const Place p = PlaceOf(t.location);
    regions.insert(p.provider + ":" + p.region);
  }
  int added = 0;
  for (const Offer& o : prices.catalog) {
    if (o.accelerator_count == 0 && o.market == Market::kOnDemand && regions.count(o.region_id()) &&
        o.vcpus >= stage.resources.cpus && o.memory_gb >= stage.resources.memory_gb) {
      out.emplace(o.id, o);
      ++added;
    }
  }
  if (added > 0) return Status::Ok();
  return Status::InvalidArgument("stage '" + stage.name +
                                 "': no on-demand machine without accelerators in the traces' "
                                 "regions; give a catalog that has one");
}

}  // namespace

Result<std::vector<Offer>> BuildReplayOffers(const planner::PipelineSpec& spec,
                                             const std::vector<ReplayTrace>& traces,
                                             const ReplayPrices& prices) {
  if (spec.stages.empty()) return Status::InvalidArgument("the pipeline has no stage");
  if (traces.empty()) return Status::InvalidArgument("no trace given");
  std::map<OfferId, Offer> offers;
  for (const planner::StageSpec& stage : spec.stages) {
    if (stage.resources.accelerators.empty()) {
      SKY_RETURN_IF_ERROR(AddCpuOffers(stage, traces, prices, offers));
      continue;
    }
    for (const auto& [accelerator, count] : stage.resources.accelerators) {
      for (const ReplayTrace& trace : traces) {
        SKY_RETURN_IF_ERROR(AddGpuOffers(trace, accelerator, count, prices, offers));
      }
    }
  }
  std::vector<Offer> out;
  for (auto& [id, offer] : offers) out.push_back(std::move(offer));
  return out;
}

}  // namespace sky::broker
