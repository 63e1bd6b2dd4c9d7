#pragma once
// Conversions between EC2 records (ec2_xml.h) and the Provider contract's types: instance
// state and the normalised termination reason, and the offers ListOffers reports. Pure
// functions; thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "providers/aws/ec2_xml.h"
#include "sky/providers/aws/ec2_provider.h"
#include "sky/providers/provider.h"
#include "sky/types/offer.h"

namespace sky::providers::aws {

// The tag that records which offer an instance was launched for.
inline constexpr std::string_view kOfferTag = "skybroker-offer";

// pending -> kPending; running -> kRunning; shutting-down, stopping, stopped -> kStopping;
// terminated -> kTerminated. Unknown names count as kPending.
InstanceState Ec2InstanceState(std::string_view state_name);

// The reason behind a stateReason code: Server.SpotInstanceTermination and
// Server.SpotInstanceShutdown -> kPreempted; Client.UserInitiatedShutdown,
// Client.UserInitiatedHibernate, Client.InstanceInitiatedShutdown -> kUser;
// Server.InsufficientInstanceCapacity -> kCapacity; Server.InternalError,
// Server.ScheduledStop -> kHostFailure; anything else -> kUnknown.
TerminationReason Ec2TerminationReason(std::string_view state_reason_code);

// The Provider view of `instance` in `region`: provider "aws", market from the lifecycle,
// the reason set once the instance is stopping or gone, offer id from the skybroker-offer tag
// (else built from the instance's own fields).
Instance ToInstance(const Ec2Instance& instance, const std::string& region);

// Offers of `types` in `region`: one on-demand offer per type that some zone offers (when it
// has an on-demand price), and one spot offer per (zone, type) that `offerings` lists and
// `prices` prices (the newest positive Linux/UNIX price). Zones are named as `prices` names them
// (AZ id when present, as the catalog does). `available` stays empty: EC2 does not report capacity.
std::vector<Offer> BuildEc2Offers(const std::string& region,
                                  const std::vector<Ec2InstanceTypeInfo>& types,
                                  const std::vector<InstanceTypeOffering>& offerings,
                                  const std::vector<SpotPricePoint>& prices,
                                  const std::string& observed_at);

}  // namespace sky::providers::aws
