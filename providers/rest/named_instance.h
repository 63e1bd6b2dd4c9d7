#pragma once
// Instance helpers shared by the adapters that identify their instances by name (Lambda,
// RunPod): the idempotency digest the name carries, a listed instance with its name, the tag
// filter of ListByTag, and the record of an instance the provider no longer knows. Pure
// functions; thread-safe.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sky/providers/provider.h"
#include "sky/types/offer.h"
#include "sky/types/result.h"

namespace sky::providers::rest {

// The first `hex_digits` (at most 64) lowercase hex digits of SHA-256(idempotency_key): the
// part of an instance name that makes a retried launch find the instance it started.
// InvalidArgument "a <provider_label> launch needs an idempotency key" for an empty key.
Result<std::string> IdempotencyDigest(std::string_view idempotency_key, size_t hex_digits,
                                      std::string_view provider_label);

// One listed instance and the name the provider knows it by (which carries the idempotency
// key's digest in both adapters).
struct NamedInstance {
  std::string name;
  Instance instance;
};

// The instances of `listed` whose tag `key` equals `value`, in order, each passed through
// `refine` (the provider's memory of what it did) before it is returned.
std::vector<Instance> InstancesWithTag(std::vector<NamedInstance> listed, const std::string& key,
                                       const std::string& value,
                                       const std::function<void(Instance&)>& refine);

// The id of the offer `instance` runs on, from what the instance itself shows: its provider,
// region, zone, instance type and market.
OfferId InstanceOfferId(const Instance& instance);

// An instance the provider answers 404 for but this adapter launched or terminated: state
// kTerminated with `reason`.
Instance GoneInstance(const std::string& id, const std::string& provider, TerminationReason reason);

}  // namespace sky::providers::rest
