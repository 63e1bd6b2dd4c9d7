#include "sky/catalog/offer_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "sky/types/glob.h"

namespace sky::catalog {
namespace {

Offer MakeOffer(const std::string& provider, const std::string& region, const std::string& accel,
                int count, Market market, Money price) {
  Offer o;
  o.provider = provider;
  o.region = region;
  o.instance_type = accel.empty() ? "cpu-" + std::to_string(count)
                                  : accel + "x" + std::to_string(count) + "-" + provider;
  o.accelerator = accel;
  o.accelerator_count = accel.empty() ? 0 : count;
  const std::string lower = AsciiLower(accel);
  o.accelerator_memory_gb = lower == "h100" ? 80 : lower == "a100" ? 40 : lower.empty() ? 0 : 24;
  o.vcpus = 8.0 * (count + 1);
  o.memory_gb = 64.0 * (count + 1);
  o.market = market;
  o.price_per_hour = price;
  o.id = MakeOfferId(o);
  return o;
}

std::vector<std::string> Ids(const std::vector<const Offer*>& offers) {
  std::vector<std::string> ids;
  for (const Offer* o : offers) ids.push_back(o->id);
  return ids;
}

class OfferIndexTest : public ::testing::Test {
 protected:
  OfferIndexTest()
      : index_({MakeOffer("aws", "us-east-1", "H100", 8, Market::kOnDemand, 98.32),
                MakeOffer("lambda", "us-east-1", "H100", 8, Market::kOnDemand, 23.92),
                MakeOffer("gcp", "us-central1", "h100", 8, Market::kSpot, 30.0),
                MakeOffer("gcp", "europe-west4", "H100", 1, Market::kOnDemand, 3.0),
                MakeOffer("aws", "us-east-1", "H100", 8, Market::kReserved, 60.0),
                MakeOffer("gcp", "us-central1", "A100", 8, Market::kOnDemand, 29.39),
                MakeOffer("gcp", "us-central1", "A100", 4, Market::kSpot, 4.0),
                MakeOffer("aws", "us-west-2", "A100", 8, Market::kOnDemand, 32.77),
                MakeOffer("aws", "us-west-2", "", 4, Market::kOnDemand, 0.5),
                MakeOffer("gcp", "us-east1", "", 16, Market::kSpot, 0.2)}) {}

  OfferIndex index_;
};

TEST_F(OfferIndexTest, AcceleratorNameIsCaseInsensitiveAndSortedByPrice) {
  OfferQuery q;
  q.accelerator = "h100";
  q.count = 8;
  const std::vector<const Offer*> got = index_.Query(q);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0]->provider, "lambda");
  EXPECT_EQ(got[1]->accelerator, "h100");
  EXPECT_EQ(got[2]->market, Market::kReserved);
  EXPECT_EQ(got[3]->price_per_hour, 98.32);
}

TEST_F(OfferIndexTest, CountExactOrAtLeast) {
  OfferQuery q;
  q.accelerator = "A100";
  q.count = 4;
  EXPECT_EQ(index_.Count(q), 1u);
  q.count_at_least = true;
  EXPECT_EQ(index_.Count(q), 3u);
  q.count = 9;
  EXPECT_EQ(index_.Count(q), 0u);
}

TEST_F(OfferIndexTest, CpuOnlyAndEmptyAcceleratorMeansAny) {
  OfferQuery q;
  EXPECT_EQ(index_.Count(q), 10u);
  q.cpu_only = true;
  const std::vector<const Offer*> cpu = index_.Query(q);
  ASSERT_EQ(cpu.size(), 2u);
  EXPECT_EQ(cpu[0]->price_per_hour, 0.2);
  q.accelerator = "H100";
  EXPECT_EQ(index_.Count(q), 0u);
  q = OfferQuery();
  q.accelerator = "TPU-v9";
  EXPECT_TRUE(index_.Query(q).empty());
}

TEST_F(OfferIndexTest, ShapeFilters) {
  OfferQuery q;
  q.min_accelerator_memory_gb = 80;
  EXPECT_EQ(index_.Count(q), 5u);  // every H100
  q = OfferQuery();
  q.min_vcpus = 72;
  q.min_memory_gb = 576;
  EXPECT_EQ(index_.Count(q), 7u);  // 8-GPU offers (72 vCPUs) and the 16-count CPU one
}

TEST_F(OfferIndexTest, ProviderRegionGlobAndMarket) {
  OfferQuery q;
  q.providers = {"GCP", "lambda"};
  EXPECT_EQ(index_.Count(q), 6u);
  q = OfferQuery();
  q.region_glob = "us-*";
  EXPECT_EQ(index_.Count(q), 9u);
  q.region_glob = "aws:us-*";
  EXPECT_EQ(index_.Count(q), 4u);
  q.region_glob = "*:us-east-?";  // not gcp's us-east1
  EXPECT_EQ(index_.Count(q), 3u);
  q = OfferQuery();
  q.market = Market::kSpot;
  EXPECT_EQ(index_.Count(q), 3u);
}

TEST_F(OfferIndexTest, PriceCaps) {
  OfferQuery q;
  q.max_price_per_hour = 4.0;
  EXPECT_EQ(index_.Count(q), 4u);
  q = OfferQuery();
  q.accelerator = "H100";
  q.max_price_per_accelerator_hour = 3.0;
  const std::vector<const Offer*> got = index_.Query(q);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0]->accelerator_count, 1);
  EXPECT_EQ(got[1]->provider, "lambda");
}

TEST_F(OfferIndexTest, SortByPricePerAcceleratorAndByMemory) {
  OfferQuery q;
  q.accelerator = "A100";
  q.sort = SortKey::kPricePerAccelerator;
  std::vector<const Offer*> got = index_.Query(q);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0]->price_per_hour, 4.0);  // 1.00/accelerator-hour
  EXPECT_EQ(got[1]->price_per_hour, 29.39);
  q = OfferQuery();
  q.sort = SortKey::kAcceleratorMemory;
  q.limit = 2;
  got = index_.Query(q);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0]->price_per_hour, 3.0);  // 80 GB, cheapest first among equals
  EXPECT_EQ(got[1]->provider, "lambda");
}

TEST_F(OfferIndexTest, GroupByKeepsBestOfEachGroup) {
  OfferQuery q;
  q.accelerator = "H100";
  q.count = 8;
  q.group_by = GroupBy::kProvider;
  std::vector<const Offer*> got = index_.Query(q);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0]->provider, "lambda");
  EXPECT_EQ(got[1]->provider, "gcp");
  EXPECT_EQ(got[2]->provider, "aws");
  EXPECT_EQ(got[2]->price_per_hour, 60.0);
  EXPECT_EQ(index_.Count(q), 3u);
  q = OfferQuery();
  q.group_by = GroupBy::kAccelerator;
  got = index_.Query(q);
  ASSERT_EQ(got.size(), 3u);      // CPU, H100 (and h100), A100
  q.group_by = GroupBy::kRegion;  // provider:region, so aws and lambda us-east-1 differ
  EXPECT_EQ(index_.Count(q), 6u);
}

TEST_F(OfferIndexTest, GroupsCountEveryMatchingOfferOfTheGroup) {
  OfferQuery q;
  q.accelerator = "H100";
  q.group_by = GroupBy::kProvider;
  std::vector<OfferGroup> groups = index_.Groups(q);
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0].key, "gcp");  // the 1x H100 at $3
  EXPECT_EQ(groups[0].count, 2u);
  EXPECT_EQ(groups[0].best->price_per_hour, 3.0);
  EXPECT_EQ(groups[1].key, "lambda");
  EXPECT_EQ(groups[1].count, 1u);
  EXPECT_EQ(groups[2].key, "aws");
  EXPECT_EQ(groups[2].count, 2u);
  q = OfferQuery();
  q.group_by = GroupBy::kAccelerator;
  q.offset = 1;
  groups = index_.Groups(q);  // CPU first (cheapest), skipped by the offset
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].key, "H100");  // the cheapest offer's spelling; "h100" counted with it
  EXPECT_EQ(groups[0].count, 5u);
  EXPECT_EQ(groups[1].key, "A100");
  EXPECT_EQ(groups[1].count, 3u);
  q = OfferQuery();
  q.cpu_only = true;
  groups = index_.Groups(q);  // ungrouped: one group per offer
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].key, groups[0].best->id);
  EXPECT_EQ(groups[0].count, 1u);
}

TEST_F(OfferIndexTest, CursorPagesHaveNoDuplicatesOrGapsForEverySortAndGrouping) {
  std::vector<Offer> offers;
  std::mt19937 rng(7);
  for (int i = 0; i < 300; ++i) {  // few distinct prices and memories: many ties
    offers.push_back(MakeOffer(i % 2 ? "aws" : "gcp", i % 3 ? "us-east-1" : "us-west-2",
                               i % 4 ? "H100" : "A100", 1 << (rng() % 3), Market::kSpot,
                               static_cast<double>(rng() % 5)));
    offers.back().zone = "z" + std::to_string(i);
    offers.back().id = MakeOfferId(offers.back());
  }
  const OfferIndex index(offers);
  for (int sort = 0; sort < 3; ++sort) {
    for (int group = 0; group < 4; ++group) {
      OfferQuery q;
      q.sort = static_cast<SortKey>(sort);
      q.group_by = static_cast<GroupBy>(group);
      const std::vector<std::string> all = Ids(index.Query(q));
      q.limit = 7;
      std::vector<std::string> walked;
      for (std::vector<const Offer*> page = index.Query(q); !page.empty(); page = index.Query(q)) {
        for (const std::string& id : Ids(page)) walked.push_back(id);
        q.after = PositionOf(*page.back());
        ASSERT_LE(walked.size(), all.size()) << "sort " << sort << " group " << group;
      }
      EXPECT_EQ(walked, all) << "sort " << sort << " group " << group;
      EXPECT_EQ(index.Count(q), all.size());  // the cursor does not change the total
    }
  }
}

TEST_F(OfferIndexTest, OffsetAndLimitPaginate) {
  OfferQuery q;
  q.limit = 3;
  std::vector<std::string> paged;
  for (q.offset = 0; q.offset < 12; q.offset += 3) {
    for (const std::string& id : Ids(index_.Query(q))) paged.push_back(id);
  }
  EXPECT_EQ(paged, Ids(index_.Query(OfferQuery())));
  q.offset = 9;
  EXPECT_EQ(index_.Query(q).size(), 1u);
  EXPECT_EQ(index_.Count(q), 10u);  // before offset and limit
}

TEST_F(OfferIndexTest, TiesAreOrderedById) {
  OfferIndex index({MakeOffer("b", "r", "L4", 1, Market::kSpot, 1.0),
                    MakeOffer("a", "r", "L4", 1, Market::kSpot, 1.0),
                    MakeOffer("c", "r", "L4", 1, Market::kSpot, 1.0)});
  OfferQuery q;
  q.accelerator = "L4";
  const std::vector<std::string> ids = Ids(index.Query(q));
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
}

TEST_F(OfferIndexTest, FindById) {
  const Offer& some = index_.offers()[5];
  ASSERT_NE(index_.Find(some.id), nullptr);
  EXPECT_EQ(index_.Find(some.id)->price_per_hour, 29.39);
  EXPECT_EQ(index_.Find("nope"), nullptr);
}

TEST_F(OfferIndexTest, AcceleratorSummaries) {
  const std::vector<AcceleratorSummary> all = index_.Accelerators();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "A100");
  EXPECT_EQ(all[0].counts, (std::vector<int>{4, 8}));
  EXPECT_EQ(all[0].offers, 3u);
  EXPECT_DOUBLE_EQ(all[0].cheapest_on_demand_per_accelerator_hour.value_or(0), 29.39 / 8);
  EXPECT_DOUBLE_EQ(all[0].cheapest_spot_per_accelerator_hour.value_or(0), 1.0);
  EXPECT_EQ(AsciiLower(all[1].name), "h100");
  EXPECT_EQ(all[1].counts, (std::vector<int>{1, 8}));
  EXPECT_EQ(all[1].offers, 5u);
  // Lambda's 23.92/8 = 2.99 beats the 3.00 of the single GPU; reserved (60/8 = 7.5) is not
  // on-demand and the 98.32 is not the cheapest.
  EXPECT_DOUBLE_EQ(all[1].cheapest_on_demand_per_accelerator_hour.value_or(0), 23.92 / 8);
  EXPECT_DOUBLE_EQ(all[1].cheapest_spot_per_accelerator_hour.value_or(0), 30.0 / 8);
}

// The index must answer exactly like a full scan, whatever the shortcut it takes.
std::vector<std::string> Reference(const std::vector<Offer>& offers, const OfferQuery& q) {
  std::vector<const Offer*> hits;
  for (const Offer& o : offers) {
    if (!q.accelerator.empty() && AsciiLower(o.accelerator) != AsciiLower(q.accelerator)) continue;
    if (q.cpu_only && !o.accelerator.empty()) continue;
    if (q.count &&
        (q.count_at_least ? o.accelerator_count < *q.count : o.accelerator_count != *q.count))
      continue;
    if (q.market && o.market != *q.market) continue;
    if (q.max_price_per_hour && o.price_per_hour > *q.max_price_per_hour) continue;
    if (!q.region_glob.empty() && !GlobMatch(q.region_glob, o.region_id())) continue;
    hits.push_back(&o);
  }
  auto key = [&](const Offer* o) {
    double k = o->price_per_hour;
    if (q.sort == SortKey::kPricePerAccelerator) k = o->price_per_accelerator_hour();
    if (q.sort == SortKey::kAcceleratorMemory) k = -o->accelerator_memory_gb;
    return std::make_tuple(k, o->price_per_hour, o->id);
  };
  std::sort(hits.begin(), hits.end(), [&](auto* a, auto* b) { return key(a) < key(b); });
  std::vector<std::string> ids;
  std::set<std::string> groups;
  for (const Offer* o : hits) {
    const std::string g = q.group_by == GroupBy::kProvider      ? o->provider
                          : q.group_by == GroupBy::kRegion      ? o->region_id()
                          : q.group_by == GroupBy::kAccelerator ? AsciiLower(o->accelerator)
                                                                : o->id;
    if (groups.insert(g).second) ids.push_back(o->id);
  }
  ids.erase(ids.begin(), ids.begin() + std::min(q.offset, ids.size()));
  if (q.limit > 0 && ids.size() > q.limit) ids.resize(q.limit);
  return ids;
}

TEST_F(OfferIndexTest, RandomQueriesMatchAFullScan) {
  std::mt19937 rng(42);
  const std::vector<std::string> accels = {"", "A100", "H100", "L4", "T4"};
  const std::vector<std::string> providers = {"aws", "gcp", "lambda"};
  const std::vector<std::string> regions = {"us-east-1", "us-west-2", "europe-west4"};
  std::vector<Offer> offers;
  for (int i = 0; i < 3000; ++i) {
    offers.push_back(MakeOffer(providers[rng() % 3], regions[rng() % 3], accels[rng() % 5],
                               1 << (rng() % 4), static_cast<Market>(rng() % 3),
                               static_cast<double>(rng() % 400) / 8));
    offers.back().zone = "z" + std::to_string(i);  // unique ids
    offers.back().id = MakeOfferId(offers.back());
  }
  const OfferIndex index(offers);
  for (int i = 0; i < 400; ++i) {
    OfferQuery q;
    q.accelerator = accels[rng() % 5];
    if (rng() % 2) q.count = 1 << (rng() % 4);
    q.count_at_least = rng() % 2;
    q.cpu_only = rng() % 7 == 0;
    if (rng() % 3 == 0) q.market = static_cast<Market>(rng() % 3);
    if (rng() % 3 == 0) q.max_price_per_hour = static_cast<double>(rng() % 50);
    if (rng() % 3 == 0) q.region_glob = rng() % 2 ? "gcp:*" : "*:us-*";
    q.sort = static_cast<SortKey>(rng() % 3);
    q.group_by = static_cast<GroupBy>(rng() % 4);
    q.limit = rng() % 30;
    q.offset = rng() % 5;
    ASSERT_EQ(Ids(index.Query(q)), Reference(offers, q)) << "query " << i;
  }
}

}  // namespace
}  // namespace sky::catalog
