#include "api/offer_query_params.h"

#include <gtest/gtest.h>

namespace sky::api {
namespace {

TEST(OfferQueryParamsTest, BuildsEveryFilter) {
  auto q = BuildOfferQuery({{"gpu", "H100:8+"}, {"market", "spot"}, {"provider", "AWS,gcp"},
                            {"region", "us-*"}, {"max_price", "30"}, {"max-price-per-gpu", "4"},
                            {"min_gpu_memory", "80"}, {"min_vcpus", "32"}, {"min_memory", "256"},
                            {"sort", "gpu_price"}, {"group_by", "provider"}, {"limit", "20"},
                            {"offset", "40"}});
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(q->accelerator, "H100");
  EXPECT_EQ(q->count, 8);
  EXPECT_TRUE(q->count_at_least);
  EXPECT_EQ(q->market, Market::kSpot);
  EXPECT_EQ(q->providers, (std::vector<std::string>{"aws", "gcp"}));
  EXPECT_EQ(q->region_glob, "us-*");
  EXPECT_DOUBLE_EQ(*q->max_price_per_hour, 30);
  EXPECT_DOUBLE_EQ(*q->max_price_per_accelerator_hour, 4);
  EXPECT_DOUBLE_EQ(q->min_accelerator_memory_gb, 80);
  EXPECT_EQ(q->sort, catalog::SortKey::kPricePerAccelerator);
  EXPECT_EQ(q->group_by, catalog::GroupBy::kProvider);
  EXPECT_EQ(q->limit, 20u);
  EXPECT_EQ(q->offset, 40u);
}

TEST(OfferQueryParamsTest, ErrorsNameTheParameter) {
  struct Case {
    const char* name;
    const char* value;
  };
  for (const Case& c : {Case{"market", "preemptible"}, Case{"max_price", "cheap"},
                        Case{"max_price", "-1"}, Case{"limit", "2.5"}, Case{"sort", "speed"},
                        Case{"group_by", "zone"}, Case{"gpu", "H100:0"}, Case{"colour", "red"},
                        Case{"cpu_only", "maybe"}}) {
    auto q = BuildOfferQuery({{c.name, c.value}});
    ASSERT_TRUE(q.status().IsInvalidArgument()) << c.name;
    const std::string& msg = q.status().message();
    EXPECT_TRUE(msg.find(c.name) != std::string::npos || msg.find("gpu filter") == 0) << msg;
  }
}

}  // namespace
}  // namespace sky::api
