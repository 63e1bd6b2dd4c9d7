// Golden queries over every shared catalog. The catalog's answer (readers -> SQLite store ->
// LoadOffers -> OfferIndex) is compared with an answer this test computes on its own from the
// raw CSV text, with a deliberately simple reader: split lines, split fields (quote-aware), map
// columns by header name. GCP accelerator rows are priced with their host VM row of the same
// zone, using SkyPilot's host rule for the accelerators that have their own machine types (the
// rule the ingest code documents in catalog/gcp_accelerators.cc); the queries below only touch
// such accelerators, so the test needs no n1 host search.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "sky/catalog/ingest.h"
#include "sky/catalog/offer_index.h"
#include "sky/catalog/offer_store.h"
#include "sky/types/csv.h"

namespace sky::catalog {
namespace {

const std::string kData = std::string(SKY_SHARED_DIR) + "/data";
const std::string kVms = kData + "/catalog/anycloud_skypilot_format";

// ---- the test's own reader ------------------------------------------------------------------

// One CSV file as rows of column name -> text.
std::vector<std::map<std::string, std::string>> ReadCsv(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::map<std::string, std::string>> rows;
  std::vector<std::string> header;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> fields = SplitCsvLine(line);
    if (header.empty()) {
      header = fields;
      continue;
    }
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < header.size() && i < fields.size(); ++i) row[header[i]] = fields[i];
    rows.push_back(std::move(row));
  }
  return rows;
}

// A price cell: NaN when empty, so that "no price" never wins a minimum.
double Price(const std::string& text) {
  return text.empty() ? std::numeric_limits<double>::quiet_NaN() : std::stod(text);
}
bool Positive(double price) { return price > 0; }  // false for NaN too

// GiB per GPU from GpuInfo: the first GPU's SizeInMiB / 1024 (0 when absent); vast writes the
// whole machine's memory there, so for vast it is divided by the count.
double GpuGiB(const std::string& gpu_info, int count, bool machine_total) {
  const std::string key = "'SizeInMiB': ";
  const size_t at = gpu_info.find(key);
  if (at == std::string::npos) return 0;
  const double gib = std::stod(gpu_info.substr(at + key.size())) / 1024;
  return machine_total && count > 0 ? gib / count : gib;
}

struct RawOffer {
  std::string provider, region, zone, instance_type, accelerator, market;
  int count = 0;
  double gpu_gib = 0;
  double price = 0;
};

// Offers of a non-GCP vms.csv: one on-demand offer per priced row, one spot offer when the spot
// price is above 0. Repeated (region, type, market) rows count once.
std::vector<RawOffer> PlainVmsOffers(const std::string& provider) {
  std::vector<RawOffer> out;
  std::set<std::string> seen;
  const std::string dir = provider == "nebius" ? kData + "/catalog/skypilot_catalog_v9" : kVms;
  for (auto& row : ReadCsv(dir + "/" + provider + "/vms.csv")) {
    const std::string accel = row["AcceleratorName"];
    const int count = accel.empty() ? 0 : static_cast<int>(std::stod(row["AcceleratorCount"]));
    for (const std::string_view market : {"on_demand", "spot"}) {
      const double price = Price(market == "spot" ? row["SpotPrice"] : row["Price"]);
      if (!Positive(price)) continue;
      const std::string key = row["Region"] + "/" + row["InstanceType"] + "/" + std::string(market);
      if (!seen.insert(key).second) continue;
      out.push_back({provider, row["Region"], "", row["InstanceType"], accel, std::string(market),
                     count, GpuGiB(row["GpuInfo"], count, provider == "vast"), price});
    }
  }
  return out;
}

// SkyPilot's host for accelerators that only run on their own machine type; "" otherwise.
std::string FixedHost(const std::string& accel, int n) {
  const std::string g = std::to_string(n) + "g";
  if (accel == "A100") return n == 16 ? "a2-megagpu-16g" : "a2-highgpu-" + g;
  if (accel == "A100-80GB") return "a2-ultragpu-" + g;
  if (accel == "H100") return "a3-highgpu-" + g;
  if (accel == "H100-MEGA") return n == 8 ? "a3-megagpu-8g" : "";
  if (accel == "H200") return n == 8 ? "a3-ultragpu-8g" : "";
  if (accel == "B200") return n == 8 ? "a4-highgpu-8g" : "";
  return "";
}

// GCP offers of the fixed-host accelerators: accelerator row + host row of the same zone, for
// each market where both rows carry a price (spot: both above 0).
std::vector<RawOffer> GcpFixedHostOffers() {
  const auto rows = ReadCsv(kVms + "/gcp/vms.csv");
  std::map<std::string, const std::map<std::string, std::string>*> hosts;  // zone/type -> row
  for (const auto& row : rows) {
    if (!row.at("InstanceType").empty()) {
      hosts[row.at("AvailabilityZone") + "/" + row.at("InstanceType")] = &row;
    }
  }
  std::vector<RawOffer> out;
  for (const auto& row : rows) {
    const std::string& accel = row.at("AcceleratorName");
    if (!row.at("InstanceType").empty() || accel.empty()) continue;
    const int n = static_cast<int>(std::stod(row.at("AcceleratorCount")));
    const std::string type = FixedHost(accel, n);
    auto host = hosts.find(row.at("AvailabilityZone") + "/" + type);
    if (type.empty() || host == hosts.end()) continue;
    for (const std::string_view market : {"on_demand", "spot"}) {
      const std::string col = market == "spot" ? "SpotPrice" : "Price";
      const double a = Price(row.at(col)), h = Price(host->second->at(col));
      if (market == "spot" ? !(Positive(a) && Positive(h)) : std::isnan(a) || std::isnan(h)) {
        continue;
      }
      out.push_back({"gcp", row.at("Region"), row.at("AvailabilityZone"), type, accel,
                     std::string(market), n, GpuGiB(row.at("GpuInfo"), n, false), a + h});
    }
  }
  return out;
}

// AWS on-demand offers from the flat vantage CSV ("NVIDIA H100" -> "H100").
std::vector<RawOffer> AwsOnDemandOffers() {
  std::vector<RawOffer> out;
  for (auto& row : ReadCsv(kData + "/catalog/aws_gpu_vantage/aws_gpu_prices_by_region.csv")) {
    std::string model = row["GpuModel"];
    if (model.rfind("NVIDIA ", 0) == 0) model = model.substr(7);
    const double price = Price(row["OnDemandPrice"]);
    if (!Positive(price)) continue;
    out.push_back({"aws", row["Region"], "", row["InstanceType"], model, "on_demand",
                   static_cast<int>(std::stod(row["GpuCount"])), 0, price});
  }
  return out;
}

// The cheapest of `offers` that pass `keep`, and every offer tied with it.
template <typename Pred>
std::vector<RawOffer> Cheapest(const std::vector<RawOffer>& offers, Pred keep) {
  std::vector<RawOffer> best;
  for (const RawOffer& o : offers) {
    if (!keep(o)) continue;
    if (best.empty() || o.price < best.front().price - 1e-9) best.clear();
    if (best.empty() || o.price <= best.front().price + 1e-9) best.push_back(o);
  }
  return best;
}

bool SameOffer(const RawOffer& raw, const Offer& got) {
  return raw.provider == got.provider && raw.instance_type == got.instance_type &&
         raw.zone == got.zone && std::abs(raw.price - got.price_per_hour) < 1e-9;
}

// ---- the catalog side ------------------------------------------------------------------------

std::vector<std::string> AllCatalogArgs() {
  return {kData + "/catalog", kData + "/spot_traces/aws_spot_price_history/prices_2022-05.tsv"};
}

class GoldenQueryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto sources = ExpandCatalogPaths(AllCatalogArgs());
    ASSERT_TRUE(sources.ok()) << sources.status().ToString();
    auto batches = ParseCatalogFiles(*sources);
    ASSERT_TRUE(batches.ok()) << batches.status().ToString();
    batches_ = std::make_unique<std::vector<IngestBatch>>(std::move(batches).value());
    auto store = OfferStore::Open(":memory:");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto summary = (*store)->Apply(*batches_);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    first_ = std::make_unique<IngestSummary>(std::move(summary).value());
    auto offers = (*store)->LoadOffers();
    ASSERT_TRUE(offers.ok()) << offers.status().ToString();
    index_ = std::make_unique<OfferIndex>(std::move(offers).value());
  }
  static void TearDownTestSuite() {
    index_.reset();
    first_.reset();
    batches_.reset();
  }
  void SetUp() override { ASSERT_NE(index_, nullptr) << "loading the shared catalogs failed"; }

  // Suite-wide: parsing every catalog once keeps the suite fast.
  static inline std::unique_ptr<std::vector<IngestBatch>> batches_;
  static inline std::unique_ptr<IngestSummary> first_;
  static inline std::unique_ptr<OfferIndex> index_;
};

std::vector<RawOffer> EveryRawOffer() {
  std::vector<RawOffer> all = GcpFixedHostOffers();
  for (const char* provider : {"lambda", "vast", "nebius"}) {
    for (RawOffer& o : PlainVmsOffers(provider)) all.push_back(std::move(o));
  }
  for (RawOffer& o : AwsOnDemandOffers()) all.push_back(std::move(o));
  return all;
}

TEST_F(GoldenQueryTest, CheapestEightH100OnDemandOverAllCatalogs) {
  const std::vector<RawOffer> raw = EveryRawOffer();
  auto is_h100x8 = [](const RawOffer& o) {
    return o.accelerator == "H100" && o.count == 8 && o.market == "on_demand";
  };
  const std::vector<RawOffer> best = Cheapest(raw, is_h100x8);
  ASSERT_FALSE(best.empty());
  OfferQuery q;
  ASSERT_TRUE(ParseGpuFilter("H100:8", q).ok());
  q.market = Market::kOnDemand;
  q.limit = 1;
  const std::vector<const Offer*> got = index_->Query(q);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_NEAR(got[0]->price_per_hour, best.front().price, 1e-9);
  EXPECT_TRUE(std::any_of(best.begin(), best.end(),
                          [&](const RawOffer& o) { return SameOffer(o, *got[0]); }))
      << got[0]->id << " is not among the cheapest by the raw files, e.g. " << best.front().provider
      << " " << best.front().instance_type;
  // Each provider's own cheapest must agree too (group_by keeps the best of each provider).
  q.group_by = GroupBy::kProvider;
  q.limit = 0;
  const std::vector<const Offer*> per_provider = index_->Query(q);
  std::set<std::string> raw_providers;
  for (const RawOffer& o : raw) {
    if (is_h100x8(o)) raw_providers.insert(o.provider);
  }
  ASSERT_EQ(per_provider.size(), raw_providers.size());
  for (const Offer* offer : per_provider) {
    const auto mine = Cheapest(
        raw, [&](const RawOffer& o) { return is_h100x8(o) && o.provider == offer->provider; });
    ASSERT_FALSE(mine.empty()) << offer->provider;
    EXPECT_NEAR(offer->price_per_hour, mine.front().price, 1e-9) << offer->provider;
  }
}

TEST_F(GoldenQueryTest, CheapestSpotA100InAnyGcpZone) {
  const std::vector<RawOffer> best = Cheapest(GcpFixedHostOffers(), [](const RawOffer& o) {
    return o.accelerator == "A100" && o.market == "spot";
  });
  ASSERT_FALSE(best.empty());
  OfferQuery q;
  q.accelerator = "a100";  // case-insensitive
  q.providers = {"gcp"};
  q.market = Market::kSpot;
  q.limit = 1;
  const std::vector<const Offer*> got = index_->Query(q);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_NEAR(got[0]->price_per_hour, best.front().price, 1e-9);
  EXPECT_TRUE(std::any_of(best.begin(), best.end(), [&](const RawOffer& o) {
    return SameOffer(o, *got[0]);
  })) << got[0]->id;
}

// Definition: GPU offers (on-demand, and spot where the spot price is above 0) read from the
// gcp, lambda, vast and nebius vms.csv files whose GpuInfo gives at least 80 GiB per GPU
// (the first GPU's SizeInMiB, divided by the count for vast). Nebius's GpuInfo memory is 0,
// so it adds none. Vast's 8xH100 (652472 MiB in all) is 79.65 GiB per GPU, so it does not count.
TEST_F(GoldenQueryTest, OffersWithAtLeast80GbPerGpu) {
  size_t expected = 0;
  for (const RawOffer& o : GcpFixedHostOffers()) expected += o.gpu_gib >= 80;
  for (const char* provider : {"lambda", "vast", "nebius"}) {
    for (const RawOffer& o : PlainVmsOffers(provider)) expected += o.count > 0 && o.gpu_gib >= 80;
  }
  OfferQuery q;
  q.min_accelerator_memory_gb = 80;
  q.providers = {"gcp", "lambda", "vast", "nebius"};
  EXPECT_GT(expected, 100u);
  EXPECT_EQ(index_->Count(q), expected);
}

TEST_F(GoldenQueryTest, ReingestingTheSameFilesChangesNothing) {
  auto store = OfferStore::Open(":memory:");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto first = (*store)->Apply(*batches_);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->offers_added, first_->offers_added);
  EXPECT_EQ((*store)->CountOffers().value_or(-1), first->offers_added);
  EXPECT_GT(first->price_points_added, first->offers_added);  // spot history adds events
  auto sources = ExpandCatalogPaths(AllCatalogArgs());
  ASSERT_TRUE(sources.ok());
  auto again = ParseCatalogFiles(*sources);  // read from disk anew, not the cached batches
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  auto second = (*store)->Apply(*again);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->offers_added, 0);
  EXPECT_EQ(second->offers_updated, 0);
  EXPECT_EQ(second->price_points_added, 0);
  EXPECT_EQ(second->offers_unchanged,
            first->offers_added + first->offers_updated + first->offers_unchanged);
  EXPECT_EQ(second->rows_read, first->rows_read);
}

}  // namespace
}  // namespace sky::catalog
