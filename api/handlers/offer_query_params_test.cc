#include "api/handlers/offer_query_params.h"

#include <gtest/gtest.h>

#include "api/handlers/offer_cursor.h"

namespace sky::api {
namespace {

TEST(OfferQueryParamsTest, BuildsEveryFilter) {
  auto q = BuildOfferQuery({{"gpu", "H100:8+"},
                            {"market", "spot"},
                            {"provider", "AWS,gcp"},
                            {"region", "us-*"},
                            {"max_price", "30"},
                            {"max-price-per-gpu", "4"},
                            {"min_gpu_memory", "80"},
                            {"min_vcpus", "32"},
                            {"min_memory", "256"},
                            {"sort", "gpu_price"},
                            {"group_by", "provider"},
                            {"limit", "20"},
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
  for (const Case& c :
       {Case{"market", "preemptible"}, Case{"max_price", "cheap"}, Case{"max_price", "-1"},
        Case{"limit", "2.5"}, Case{"sort", "speed"}, Case{"group_by", "zone"},
        Case{"gpu", "H100:0"}, Case{"colour", "red"}, Case{"cpu_only", "maybe"}}) {
    auto q = BuildOfferQuery({{c.name, c.value}});
    ASSERT_TRUE(q.status().IsInvalidArgument()) << c.name;
    const std::string& msg = q.status().message();
    EXPECT_TRUE(msg.find(c.name) != std::string::npos || msg.find("gpu filter") == 0) << msg;
  }
}

TEST(OfferQueryParamsTest, CursorRoundTripsAndIsBoundToItsQuery) {
  Offer last;
  last.id = "gcp:us-central1/a2-highgpu-1g/spot";
  last.price_per_hour = 1.0 / 3;  // needs every digit back
  last.accelerator_count = 1;
  last.accelerator_memory_gb = 40;
  const std::map<std::string, std::string> params = {{"gpu", "A100"}, {"sort", "gpu_price"}};
  const std::string token = EncodeOfferCursor(last, params);
  EXPECT_EQ(
      token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos)
      << "URL-safe: " << token;
  std::map<std::string, std::string> next = params;
  next["cursor"] = token;
  next["limit"] = "50";  // the page size may change while walking
  auto q = BuildOfferQuery(next);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_TRUE(q->after.has_value());
  EXPECT_EQ(q->after->id, last.id);
  EXPECT_EQ(q->after->price_per_hour, last.price_per_hour);
  EXPECT_EQ(q->after->accelerator_count, 1);
  EXPECT_EQ(q->after->accelerator_memory_gb, 40);

  next["sort"] = "price";  // another order: the position means nothing there
  auto other = BuildOfferQuery(next);
  ASSERT_TRUE(other.status().IsInvalidArgument());
  EXPECT_EQ(other.status().message().rfind("cursor:", 0), 0u) << other.status().message();
  for (const char* bad : {"", "!!!", "AAAA", "bm90IGEgY3Vyc29y"}) {
    auto r = BuildOfferQuery({{"cursor", bad}});
    ASSERT_TRUE(r.status().IsInvalidArgument()) << bad;
    EXPECT_EQ(r.status().message().rfind("cursor:", 0), 0u) << r.status().message();
  }
}

TEST(OfferQueryParamsTest, HistoryRangeAcceptsIsoTimesAndDates) {
  auto open = ParseHistoryRange({});
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(open->first, "");
  EXPECT_EQ(open->second, "");
  auto days = ParseHistoryRange({{"from", "2024-05-01"}, {"to", "2024-05-02"}});
  ASSERT_TRUE(days.ok()) << days.status().ToString();
  EXPECT_EQ(days->first, "2024-05-01T00:00:00Z");
  EXPECT_EQ(days->second, "2024-05-02T23:59:59Z");
  auto zoned = ParseHistoryRange({{"from", "2024-05-01T02:00:00+02:00"}});
  ASSERT_TRUE(zoned.ok());
  EXPECT_EQ(zoned->first, "2024-05-01T00:00:00Z");
  for (const char* name : {"from", "to"}) {
    auto bad = ParseHistoryRange({{name, "last tuesday"}});
    ASSERT_TRUE(bad.status().IsInvalidArgument()) << name;
    EXPECT_EQ(bad.status().message().rfind(std::string(name) + ":", 0), 0u)
        << bad.status().message();
  }
  auto reversed = ParseHistoryRange({{"from", "2024-06-01"}, {"to", "2024-05-01"}});
  EXPECT_TRUE(reversed.status().IsInvalidArgument());
}

}  // namespace
}  // namespace sky::api
