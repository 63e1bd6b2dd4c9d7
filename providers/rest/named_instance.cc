#include "providers/rest/named_instance.h"

#include <utility>

#include "sky/providers/auth/crypto.h"

namespace sky::providers::rest {

Result<std::string> IdempotencyDigest(std::string_view idempotency_key, size_t hex_digits,
                                      std::string_view provider_label) {
  if (idempotency_key.empty()) {
    return Status::InvalidArgument("a " + std::string(provider_label) +
                                   " launch needs an idempotency key");
  }
  SKY_ASSIGN_OR_RETURN(std::string hex, auth::Sha256Hex(idempotency_key));
  return hex.substr(0, hex_digits);
}

std::vector<Instance> InstancesWithTag(std::vector<NamedInstance> listed, const std::string& key,
                                       const std::string& value,
                                       const std::function<void(Instance&)>& refine) {
  std::vector<Instance> out;
  for (NamedInstance& item : listed) {
    auto it = item.instance.tags.find(key);
    if (it == item.instance.tags.end() || it->second != value) continue;
    refine(item.instance);
    out.push_back(std::move(item.instance));
  }
  return out;
}

OfferId InstanceOfferId(const Instance& instance) {
  Offer offer;
  offer.provider = instance.provider;
  offer.region = instance.region;
  offer.zone = instance.zone;
  offer.instance_type = instance.instance_type;
  offer.market = instance.market;
  return MakeOfferId(offer);
}

Instance GoneInstance(const std::string& id, const std::string& provider,
                      TerminationReason reason) {
  Instance gone;
  gone.id = id;
  gone.provider = provider;
  gone.state = InstanceState::kTerminated;
  gone.reason = reason;
  return gone;
}

}  // namespace sky::providers::rest
