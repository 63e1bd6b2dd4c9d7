#pragma once
// The catalog's vocabulary: one compute offer (DESIGN.md, "Offer") and its market.
// Plain value types; safe to share read-only between threads.

#include <optional>
#include <string>
#include <string_view>

#include "sky/types/ascii.h"  // AsciiLower, for case-insensitive accelerator names

namespace sky {

// US dollars. Prices are per hour unless a name says otherwise.
using Money = double;

// "provider:region" (aws:us-east-1), or "provider:region:zone" for a zone.
using RegionId = std::string;

// "provider:region[:zone]/instance_type/market", stable across ingests.
using OfferId = std::string;

enum class Market {
  kOnDemand,  // pay per hour, never taken away
  kSpot,      // cheaper, may be preempted at any time
  kReserved,  // the hourly price of buying a reservation for a term
};

// "on_demand", "spot", "reserved".
std::string_view MarketName(Market market);
// Parses a MarketName (also accepts "on-demand" and "ondemand"); nullopt when unknown.
std::optional<Market> ParseMarket(std::string_view text);

struct Offer {
  OfferId id;
  std::string provider;
  std::string region;
  std::string zone;  // empty when the offer is per region
  std::string instance_type;
  std::string accelerator;  // SkyPilot canonical name; empty for CPU-only offers
  int accelerator_count = 0;
  double accelerator_memory_gb = 0;  // per accelerator; 0 when unknown
  double vcpus = 0;
  double memory_gb = 0;
  Market market = Market::kOnDemand;
  Money price_per_hour = 0;
  std::optional<int> reserved_term_months;  // set for reserved offers only
  std::optional<int> available;             // instance count when a provider reports it
  std::string observed_at;                  // ISO 8601 UTC
  std::string source;                       // file name or provider API

  // Price per accelerator-hour, or the hourly price when there is no accelerator.
  Money price_per_accelerator_hour() const {
    return accelerator_count > 0 ? price_per_hour / accelerator_count : price_per_hour;
  }
  // "provider:region" and, with a zone, "provider:region:zone".
  RegionId region_id() const { return provider + ":" + region; }
  RegionId location_id() const { return zone.empty() ? region_id() : region_id() + ":" + zone; }
};

// Builds the stable id of an offer: "location/instance_type/market". When the accelerator is
// attached to a general-purpose host (GCP n1 + T4, where one host type carries several GPU
// models) pass `attached_accelerator` so the id names it: "location/n1-highmem-8+T4x1/spot".
OfferId MakeOfferId(const Offer& offer, bool attached_accelerator = false);

}  // namespace sky
