#pragma once
// OfferBuilder: an Offer for tests in one expression, its id derived from its fields at
// Build(). Defaults: gcp us-central1, no zone, n2-standard-8 (8 vCPUs, 32 GB), on-demand, $1/h,
// no accelerator. Example:
//   Offer a100 = OfferBuilder().Zone("us-central1-a").Type("a2-highgpu-1g").Gpu("A100", 1)
//                    .Spot().Price(1.10).Build();
#include <string>
#include <utility>

#include "sky/types/offer.h"

namespace sky::testing {

class OfferBuilder {
 public:
  OfferBuilder() {
    offer_.provider = "gcp";
    offer_.region = "us-central1";
    offer_.instance_type = "n2-standard-8";
    offer_.vcpus = 8;
    offer_.memory_gb = 32;
    offer_.price_per_hour = 1.0;
  }
  OfferBuilder& Provider(std::string v) { return Set(offer_.provider, std::move(v)); }
  OfferBuilder& Region(std::string v) { return Set(offer_.region, std::move(v)); }
  OfferBuilder& Zone(std::string v) { return Set(offer_.zone, std::move(v)); }
  OfferBuilder& Type(std::string v) { return Set(offer_.instance_type, std::move(v)); }
  // `count` accelerators named `name` (empty: none), each with `memory_gb` (0: unknown).
  OfferBuilder& Gpu(std::string name, int count, double memory_gb = 0) {
    offer_.accelerator = std::move(name);
    offer_.accelerator_count = count;
    offer_.accelerator_memory_gb = memory_gb;
    return *this;
  }
  OfferBuilder& Cpus(double vcpus) { return Set(offer_.vcpus, vcpus); }
  OfferBuilder& MemoryGb(double gb) { return Set(offer_.memory_gb, gb); }
  OfferBuilder& Market(sky::Market m) { return Set(offer_.market, m); }
  OfferBuilder& Spot() { return Market(sky::Market::kSpot); }
  OfferBuilder& Price(double usd_per_hour) { return Set(offer_.price_per_hour, usd_per_hour); }
  OfferBuilder& Available(int count) {
    offer_.available = count;
    return *this;
  }
  // The offer, with id = MakeOfferId(offer).
  Offer Build() const {
    Offer o = offer_;
    o.id = MakeOfferId(o);
    return o;
  }

 private:
  template <typename T, typename V>
  OfferBuilder& Set(T& field, V value) {
    field = std::move(value);
    return *this;
  }
  Offer offer_;
};

}  // namespace sky::testing
