#include "sky/types/status.h"

#include <gtest/gtest.h>

#include "sky/types/offer.h"
#include "sky/types/result.h"

namespace sky {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, FactoriesSetCodeAndPredicates) {
  EXPECT_TRUE(Status::InvalidArgument("x").IsInvalidArgument());
  EXPECT_TRUE(Status::NotFound("x").IsNotFound());
  EXPECT_TRUE(Status::AlreadyExists("x").IsAlreadyExists());
  EXPECT_TRUE(Status::FailedPrecondition("x").IsFailedPrecondition());
  EXPECT_TRUE(Status::PermissionDenied("x").IsPermissionDenied());
  EXPECT_TRUE(Status::Unauthenticated("x").IsUnauthenticated());
  EXPECT_TRUE(Status::ResourceExhausted("x").IsResourceExhausted());
  EXPECT_TRUE(Status::Unavailable("x").IsUnavailable());
  EXPECT_TRUE(Status::DeadlineExceeded("x").IsDeadlineExceeded());
  EXPECT_TRUE(Status::Infeasible("x").IsInfeasible());
  EXPECT_TRUE(Status::Internal("x").IsInternal());
  EXPECT_EQ(Status::NotFound("no offer").ToString(), "not_found: no offer");
}

TEST(StatusTest, MovePreservesCode) {
  Status a = Status::Unavailable("throttled");
  Status b = std::move(a);
  EXPECT_TRUE(b.IsUnavailable());
  EXPECT_EQ(b.message(), "throttled");
}

TEST(StatusTest, ReasonRefinesTheCodeAndSurvivesPrefix) {
  Status quota = Status::ResourceExhausted("vCPU limit").WithReason("quota");
  EXPECT_TRUE(quota.IsResourceExhausted());
  EXPECT_EQ(quota.reason(), "quota");
  EXPECT_EQ(quota.WithPrefix("aws").reason(), "quota");
  EXPECT_TRUE(Status::ResourceExhausted("x").reason().empty());
  EXPECT_TRUE(Status::Ok().WithReason("quota").reason().empty());
}

TEST(StatusTest, WithPrefixKeepsCode) {
  Status s = Status::InvalidArgument("bad price").WithPrefix("vms.csv:3");
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_EQ(s.message(), "vms.csv:3: bad price");
  EXPECT_TRUE(Status::Ok().WithPrefix("x").ok());
}

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidArgument("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  int h = 0;
  SKY_ASSIGN_OR_RETURN(h, Half(x));
  return Half(h);
}

Status CheckEven(int x) {
  SKY_RETURN_IF_ERROR(Half(x));
  return Status::Ok();
}

TEST(ResultTest, ValueAndErrorPropagate) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_TRUE(Quarter(6).status().IsInvalidArgument());
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_FALSE(CheckEven(3).ok());
  EXPECT_EQ(Half(3).value_or(-1), -1);
}

TEST(ResultTest, OkStatusWithoutValueBecomesInternal) {
  Result<int> r(Status::Ok());
  EXPECT_TRUE(r.status().IsInternal());
}

TEST(OfferTest, MarketRoundTrip) {
  for (Market m : {Market::kOnDemand, Market::kSpot, Market::kReserved}) {
    EXPECT_EQ(ParseMarket(MarketName(m)), m);
  }
  EXPECT_EQ(ParseMarket("On-Demand"), Market::kOnDemand);
  EXPECT_FALSE(ParseMarket("preemptible").has_value());
}

TEST(OfferTest, IdsAndPerAcceleratorPrice) {
  Offer o;
  o.provider = "gcp";
  o.region = "us-central1";
  o.zone = "us-central1-a";
  o.instance_type = "a2-highgpu-8g";
  o.accelerator = "A100";
  o.accelerator_count = 8;
  o.market = Market::kSpot;
  o.price_per_hour = 9.12;
  EXPECT_EQ(MakeOfferId(o), "gcp:us-central1:us-central1-a/a2-highgpu-8g/spot");
  EXPECT_EQ(MakeOfferId(o, true), "gcp:us-central1:us-central1-a/a2-highgpu-8g+A100x8/spot");
  EXPECT_DOUBLE_EQ(o.price_per_accelerator_hour(), 1.14);
  EXPECT_EQ(o.region_id(), "gcp:us-central1");
}

}  // namespace
}  // namespace sky

#include "sky/types/glob.h"

namespace sky {
namespace {

TEST(GlobTest, MatchesStarsAndQuestionMarks) {
  EXPECT_TRUE(GlobMatch("us-*", "us-east-1"));
  EXPECT_TRUE(GlobMatch("US-*", "us-east-1"));
  EXPECT_FALSE(GlobMatch("us-*", "europe-west4"));
  EXPECT_TRUE(GlobMatch("gcp:us-*", "gcp:us-central1"));
  EXPECT_FALSE(GlobMatch("gcp:us-*", "aws:us-east-1"));
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("us-east-?", "us-east-2"));
  EXPECT_FALSE(GlobMatch("us-east-?", "us-east-12"));
  EXPECT_TRUE(GlobMatch("*central*", "us-central1"));
  EXPECT_TRUE(GlobMatch("a*b*c", "axxbyyc"));
  EXPECT_FALSE(GlobMatch("a*b*c", "axxbyy"));
}

}  // namespace
}  // namespace sky
