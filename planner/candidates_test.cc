#include "planner/candidates.h"

#include <gtest/gtest.h>

#include "planner/milp_test_util.h"

namespace sky::planner {
namespace {

using test::CpuStage;
using test::GpuStage;
using test::MakeOffer;

class CandidatesTest : public ::testing::Test {
 protected:
  CandidatesTest() {
    offers_ = {
        MakeOffer("aws", "us-east-1", "", "p4d.24xlarge", "A100", 8, Market::kOnDemand, 32.77),
        MakeOffer("aws", "us-east-1", "", "p4d.24xlarge", "A100", 8, Market::kReserved, 19.22),
        MakeOffer("gcp", "us-central1", "us-central1-a", "a2-highgpu-8g", "A100", 8, Market::kSpot,
                  9.12),
        MakeOffer("gcp", "us-central1", "us-central1-b", "a2-highgpu-8g", "A100", 8, Market::kSpot,
                  9.12),
        MakeOffer("gcp", "europe-west4", "", "a2-highgpu-8g", "A100", 8, Market::kOnDemand, 29.39),
        MakeOffer("gcp", "us-central1", "", "a2-highgpu-4g", "A100", 4, Market::kOnDemand, 14.69),
        MakeOffer("gcp", "us-central1", "", "n2-standard-32", "", 0, Market::kOnDemand, 1.55),
    };
    spec_.stages = {GpuStage("train", "a100", 8, 10)};
  }

  CandidateSet Generate() {
    CostModel model(spec_, options_);
    return GenerateCandidates(spec_, offers_, options_, model);
  }

  std::vector<Offer> offers_;
  PipelineSpec spec_;
  PlannerOptions options_;
};

TEST_F(CandidatesTest, ExactAcceleratorCountAndNoReservedMarket) {
  CandidateSet set = Generate();
  ASSERT_EQ(set.stages.size(), 1u);
  // p4d on-demand, two spot zones, europe on-demand; not the 4-GPU host, not reserved.
  EXPECT_EQ(set.stages[0].candidates.size(), 4u);
  for (const Candidate& c : set.stages[0].candidates) {
    EXPECT_EQ(c.offer->accelerator_count, 8);
    EXPECT_NE(c.offer->market, Market::kReserved);
    EXPECT_EQ(c.location, c.offer->provider + ":" + c.offer->region);
  }
}

TEST_F(CandidatesTest, CpuStageTakesOnlyOffersWithoutAccelerators) {
  spec_.stages = {CpuStage("tokenize", 32, 3)};
  CandidateSet set = Generate();
  ASSERT_EQ(set.stages[0].candidates.size(), 1u);
  EXPECT_EQ(set.stages[0].candidates[0].offer->instance_type, "n2-standard-32");
  spec_.stages = {CpuStage("tokenize", 33, 3)};
  set = Generate();
  EXPECT_TRUE(set.stages[0].candidates.empty());
  EXPECT_NE(set.stages[0].empty_reason.find("resources"), std::string::npos);
}

TEST_F(CandidatesTest, RegionGlobsProvidersMarketsAndStageRegions) {
  spec_.constraints.regions = {"gcp:us-*"};
  EXPECT_EQ(Generate().stages[0].candidates.size(), 2u);
  spec_.constraints.regions = {"us-*"};
  EXPECT_EQ(Generate().stages[0].candidates.size(), 3u);
  spec_.constraints.providers = {"AWS"};
  EXPECT_EQ(Generate().stages[0].candidates.size(), 1u);
  spec_.constraints.markets = {Market::kSpot};
  CandidateSet set = Generate();
  EXPECT_TRUE(set.stages[0].candidates.empty());
  EXPECT_NE(set.stages[0].empty_reason.find("markets"), std::string::npos);
  spec_.constraints = {};
  spec_.constraints.stage_regions["train"] = {"europe-*"};
  set = Generate();
  ASSERT_EQ(set.stages[0].candidates.size(), 1u);
  spec_.constraints.stage_regions["train"] = {"asia-*"};
  set = Generate();
  EXPECT_NE(set.stages[0].empty_reason.find("stage_regions"), std::string::npos);
}

TEST_F(CandidatesTest, EachConstraintIsNamedWhenItRemovesTheLastOffer) {
  spec_.constraints.providers = {"lambda"};
  EXPECT_NE(Generate().stages[0].empty_reason.find("providers constraint [lambda]"),
            std::string::npos);
  spec_.constraints.providers.clear();
  spec_.constraints.regions = {"asia-*"};
  EXPECT_NE(Generate().stages[0].empty_reason.find("regions constraint"), std::string::npos);
  spec_.constraints.regions.clear();
  options_.excluded = {"gcp:us-central1", "gcp:europe-west4", offers_[0].id};
  EXPECT_NE(Generate().stages[0].empty_reason.find("excluded"), std::string::npos);
  options_.excluded = {"gcp:us-central1:us-central1-a"};
  EXPECT_EQ(Generate().stages[0].candidates.size(), 3u);
}

TEST_F(CandidatesTest, MarketQualifiedExclusionKeepsTheOtherMarket) {
  const size_t all = Generate().stages[0].candidates.size();
  // Spot in us-central1-a blocked (after a preemption there): one candidate fewer.
  options_.excluded = {"gcp:us-central1:us-central1-a#spot"};
  EXPECT_EQ(Generate().stages[0].candidates.size(), all - 1);
  // On-demand blocked in gcp:us-central1 leaves its spot zones.
  options_.excluded = {"gcp:us-central1#on_demand"};
  const CandidateSet set = Generate();
  ASSERT_FALSE(set.stages[0].candidates.empty());
  for (const auto& c : set.stages[0].candidates) {
    const Offer& o = *c.offer;
    EXPECT_FALSE(o.region_id() == "gcp:us-central1" && o.market == Market::kOnDemand) << o.id;
  }
}

TEST_F(CandidatesTest, ReservationAddsAFreeCandidateEvenWhenOnlySpotIsAllowed) {
  spec_.reservations = {{"aws", "us-east-1", "p4d.24xlarge", 1}};
  spec_.constraints.markets = {Market::kSpot};
  CandidateSet set = Generate();
  ASSERT_EQ(set.stages[0].candidates.size(), 3u);
  const Candidate& held = set.stages[0].candidates.back();
  EXPECT_EQ(held.reservation, 0);
  EXPECT_EQ(held.offer->market, Market::kOnDemand);
  EXPECT_DOUBLE_EQ(held.cost.expected_cost, 0);
  EXPECT_EQ(set.reservation_counts, std::vector<int>{1});
}

TEST_F(CandidatesTest, PruningKeepsTheParetoSetPerPlace) {
  // A slower, dearer on-demand offer in the same region as p4d; and an exact tie.
  Offer slow = offers_[0];
  slow.instance_type = "p4de.24xlarge";
  slow.price_per_hour = 40.96;
  slow.id = MakeOfferId(slow);
  Offer tie = offers_[0];
  tie.instance_type = "a-tie";
  tie.id = MakeOfferId(tie);
  offers_.push_back(slow);
  offers_.push_back(tie);
  spec_.reservations = {{"aws", "us-east-1", "p4d.24xlarge", 1}};
  CandidateSet set = Generate();
  EXPECT_EQ(set.generated, 7);
  EXPECT_EQ(PruneDominated(set), 2);
  std::vector<std::string> kept;
  for (const Candidate& c : set.stages[0].candidates) kept.push_back(c.offer->id);
  // Both spot zones stay (spot is per zone); of the tie the smaller id stays; the
  // reservation stays although the offers it is based on are pruned or not.
  EXPECT_EQ(set.stages[0].candidates.size(), 5u);
  EXPECT_NE(std::find(kept.begin(), kept.end(), tie.id), kept.end());
  EXPECT_EQ(std::find(kept.begin(), kept.end(), slow.id), kept.end());
  EXPECT_EQ(std::count(kept.begin(), kept.end(), offers_[0].id), 1);  // the reservation
}

}  // namespace
}  // namespace sky::planner
