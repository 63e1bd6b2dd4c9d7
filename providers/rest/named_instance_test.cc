#include "providers/rest/named_instance.h"

#include <gtest/gtest.h>

namespace sky::providers::rest {
namespace {

NamedInstance Listed(const std::string& id, const std::string& pipeline) {
  NamedInstance item;
  item.name = "sky-" + id;
  item.instance.id = id;
  if (!pipeline.empty()) item.instance.tags["skybroker-pipeline"] = pipeline;
  return item;
}

TEST(RestNamedInstanceTest, DigestIsAPrefixOfTheKeysSha256) {
  // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.
  EXPECT_EQ(*IdempotencyDigest("abc", 12, "X"), "ba7816bf8f01");
  EXPECT_EQ(*IdempotencyDigest("abc", 16, "X"), "ba7816bf8f01cfea");
  Result<std::string> empty = IdempotencyDigest("", 12, "Lambda Cloud");
  EXPECT_TRUE(empty.status().IsInvalidArgument());
  EXPECT_EQ(empty.status().message(), "a Lambda Cloud launch needs an idempotency key");
}

TEST(RestNamedInstanceTest, TagFilterKeepsMatchesInOrderAndRefinesThem) {
  std::vector<NamedInstance> listed = {Listed("a", "p1"), Listed("b", "p2"), Listed("c", ""),
                                       Listed("d", "p1")};
  std::vector<std::string> refined;
  std::vector<Instance> out =
      InstancesWithTag(std::move(listed), "skybroker-pipeline", "p1", [&](Instance& instance) {
        refined.push_back(instance.id);
        instance.reason = TerminationReason::kUser;
      });
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].id, "a");
  EXPECT_EQ(out[1].id, "d");
  EXPECT_EQ(out[1].reason, TerminationReason::kUser);
  EXPECT_EQ(refined, (std::vector<std::string>{"a", "d"}));
}

TEST(RestNamedInstanceTest, OfferIdComesFromTheInstancesOwnFields) {
  Instance pod;
  pod.provider = "runpod";
  pod.region = "US";
  pod.zone = "US-KS-2";
  pod.instance_type = "2x_H100-SXM_SECURE";
  pod.market = Market::kSpot;
  EXPECT_EQ(InstanceOfferId(pod), "runpod:US:US-KS-2/2x_H100-SXM_SECURE/spot");
  Instance vm;
  vm.provider = "lambda";
  vm.region = "us-east-1";
  vm.instance_type = "gpu_1x_a10";
  EXPECT_EQ(InstanceOfferId(vm), "lambda:us-east-1/gpu_1x_a10/on_demand");
}

TEST(RestNamedInstanceTest, GoneInstanceIsTerminatedWithTheReason) {
  Instance gone = GoneInstance("pod-1", "runpod", TerminationReason::kUser);
  EXPECT_EQ(gone.id, "pod-1");
  EXPECT_EQ(gone.provider, "runpod");
  EXPECT_EQ(gone.state, InstanceState::kTerminated);
  EXPECT_EQ(gone.reason, TerminationReason::kUser);
}

}  // namespace
}  // namespace sky::providers::rest
