#include "providers/aws/ec2_convert.h"

#include <map>
#include <set>
#include <utility>

namespace sky::providers::aws {
namespace {

Offer BaseOffer(const std::string& region, const Ec2InstanceTypeInfo& type) {
  Offer offer;
  offer.provider = "aws";
  offer.region = region;
  offer.instance_type = type.instance_type;
  offer.accelerator = type.accelerator;
  offer.accelerator_count = type.accelerator_count;
  offer.accelerator_memory_gb = type.accelerator_memory_gb;
  offer.vcpus = type.vcpus;
  offer.memory_gb = type.memory_gb;
  offer.source = "aws-ec2-api";
  return offer;
}

// The newest price per (zone, type) of Linux/UNIX points, zone keyed as offers name it.
std::map<std::pair<std::string, std::string>, const SpotPricePoint*> LatestPrices(
    const std::vector<SpotPricePoint>& prices) {
  std::map<std::pair<std::string, std::string>, const SpotPricePoint*> latest;
  for (const SpotPricePoint& point : prices) {
    if (point.product_description != "Linux/UNIX") continue;
    std::string zone =
        point.availability_zone_id.empty() ? point.availability_zone : point.availability_zone_id;
    const SpotPricePoint*& slot = latest[{zone, point.instance_type}];
    if (slot == nullptr || point.timestamp_seconds > slot->timestamp_seconds) slot = &point;
  }
  return latest;
}

}  // namespace

InstanceState Ec2InstanceState(std::string_view state_name) {
  if (state_name == "running") return InstanceState::kRunning;
  if (state_name == "shutting-down" || state_name == "stopping" || state_name == "stopped") {
    return InstanceState::kStopping;
  }
  if (state_name == "terminated") return InstanceState::kTerminated;
  return InstanceState::kPending;
}

TerminationReason Ec2TerminationReason(std::string_view code) {
  if (code == "Server.SpotInstanceTermination" || code == "Server.SpotInstanceShutdown") {
    return TerminationReason::kPreempted;
  }
  if (code == "Client.UserInitiatedShutdown" || code == "Client.UserInitiatedHibernate" ||
      code == "Client.InstanceInitiatedShutdown") {
    return TerminationReason::kUser;
  }
  if (code == "Server.InsufficientInstanceCapacity") return TerminationReason::kCapacity;
  if (code == "Server.InternalError" || code == "Server.ScheduledStop") {
    return TerminationReason::kHostFailure;
  }
  return TerminationReason::kUnknown;
}

Instance ToInstance(const Ec2Instance& ec2, const std::string& region) {
  Instance out;
  out.id = ec2.instance_id;
  out.provider = "aws";
  out.region = region;
  out.zone = ec2.availability_zone;
  out.instance_type = ec2.instance_type;
  out.market = ec2.lifecycle == "spot" ? Market::kSpot : Market::kOnDemand;
  out.state = Ec2InstanceState(ec2.state_name);
  if (out.state == InstanceState::kStopping || out.state == InstanceState::kTerminated) {
    out.reason = Ec2TerminationReason(ec2.state_reason_code);
  }
  out.public_ip = ec2.public_ip;
  out.private_ip = ec2.private_ip;
  out.tags = ec2.tags;
  out.launched_at_seconds = ec2.launch_time_seconds;
  auto offer_tag = ec2.tags.find(std::string(kOfferTag));
  if (offer_tag != ec2.tags.end()) {
    out.offer_id = offer_tag->second;
  } else {
    Offer offer;
    offer.provider = out.provider;
    offer.region = region;
    offer.zone = out.zone;
    offer.instance_type = out.instance_type;
    offer.market = out.market;
    out.offer_id = MakeOfferId(offer);
  }
  return out;
}

std::vector<Offer> BuildEc2Offers(const std::string& region,
                                  const std::vector<Ec2InstanceTypeInfo>& types,
                                  const std::vector<InstanceTypeOffering>& offerings,
                                  const std::vector<SpotPricePoint>& prices,
                                  const std::string& observed_at) {
  std::map<std::string, std::set<std::string>> zones_of_type;
  for (const InstanceTypeOffering& offering : offerings) {
    zones_of_type[offering.instance_type].insert(offering.location);
  }
  auto latest = LatestPrices(prices);
  std::vector<Offer> offers;
  for (const Ec2InstanceTypeInfo& type : types) {
    auto zones = zones_of_type.find(type.instance_type);
    if (zones == zones_of_type.end()) continue;
    if (type.on_demand_price > 0) {
      Offer offer = BaseOffer(region, type);
      offer.price_per_hour = type.on_demand_price;
      offer.observed_at = observed_at;
      offer.id = MakeOfferId(offer);
      offers.push_back(std::move(offer));
    }
    for (const auto& [key, point] : latest) {
      if (key.second != type.instance_type || point->price_per_hour <= 0) continue;
      if (zones->second.count(point->availability_zone) == 0) continue;
      Offer offer = BaseOffer(region, type);
      offer.zone = key.first;
      offer.market = Market::kSpot;
      offer.price_per_hour = point->price_per_hour;
      offer.observed_at = point->timestamp;
      offer.id = MakeOfferId(offer);
      offers.push_back(std::move(offer));
    }
  }
  return offers;
}

}  // namespace sky::providers::aws
