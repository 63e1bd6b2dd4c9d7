#include "broker/executor/blocklist.h"

#include <algorithm>

namespace sky::broker {

void Blocklist::Block(const std::string& key, double until) {
  MutexLock lock(mu_);
  double& current = until_[key];
  current = std::max(current, until);
}

std::vector<std::string> Blocklist::Active(double now) {
  MutexLock lock(mu_);
  std::vector<std::string> keys;
  for (auto it = until_.begin(); it != until_.end();) {
    if (it->second <= now) {
      it = until_.erase(it);
    } else {
      keys.push_back(it->first);
      ++it;
    }
  }
  return keys;
}

bool Blocklist::Blocks(const Offer& offer, double now) {
  MutexLock lock(mu_);
  const std::string market = "#" + std::string(MarketName(offer.market));
  for (const std::string& place : {offer.location_id(), offer.region_id()}) {
    for (const std::string& key : {place, place + market}) {
      auto it = until_.find(key);
      if (it != until_.end() && it->second > now) return true;
    }
  }
  auto it = until_.find(offer.id);
  return it != until_.end() && it->second > now;
}

}  // namespace sky::broker
