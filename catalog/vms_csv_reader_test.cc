// vms.csv reader on every real column order in /work/shared/data (GCP, Lambda, Vast, Nebius).
// The expected values were read from those files; the GCP host rule is in
// gcp_accelerators_test.cc.

#include "catalog/vms_csv_reader.h"

#include "catalog/ingest_test_util.h"
#include "gtest/gtest.h"

namespace sky::catalog {
namespace {

using testing::FindOffer;
using testing::MustParse;
using testing::SharedData;

const std::string kAnycloud = "catalog/anycloud_skypilot_format/";

int CountMarket(const IngestBatch& b, Market m) {
  int n = 0;
  for (const Offer& o : b.offers) n += o.market == m ? 1 : 0;
  return n;
}

TEST(VmsCsvReaderTest, GcpWholeFile) {
  const IngestBatch b = MustParse(SharedData(kAnycloud + "gcp/vms.csv"));
  EXPECT_EQ(b.format, CatalogFormat::kSkyPilotVms);
  EXPECT_EQ(b.rows_read, 31285);
  EXPECT_TRUE(b.rejected.empty());
  // 154 verbatim repeats of TPU rows and 36 accelerator rows with no host in their zone.
  EXPECT_EQ(b.rows_skipped, 154 + 36);
  EXPECT_EQ(b.offers.size(), 60864u);
  EXPECT_EQ(CountMarket(b, Market::kOnDemand), 30439);
  EXPECT_EQ(CountMarket(b, Market::kSpot), 30425);
  for (const Offer& o : b.offers) {
    ASSERT_EQ(o.provider, "gcp");
    ASSERT_FALSE(o.zone.empty()) << o.id;
    ASSERT_GT(o.price_per_hour, 0) << o.id;  // zero spot prices never become offers
    ASSERT_EQ(o.source, "vms.csv");
  }
}

TEST(VmsCsvReaderTest, GcpCpuRow) {
  const IngestBatch b = MustParse(SharedData(kAnycloud + "gcp/vms.csv"));
  // n1-highmem-8,8.0,52.0,,,,us-central1,us-central1-a,0.47321,0.17276
  const Offer* od = FindOffer(b, "gcp:us-central1:us-central1-a/n1-highmem-8/on_demand");
  const Offer* spot = FindOffer(b, "gcp:us-central1:us-central1-a/n1-highmem-8/spot");
  ASSERT_NE(od, nullptr);
  ASSERT_NE(spot, nullptr);
  EXPECT_DOUBLE_EQ(od->price_per_hour, 0.47321);
  EXPECT_DOUBLE_EQ(spot->price_per_hour, 0.17276);
  EXPECT_EQ(od->vcpus, 8);
  EXPECT_EQ(od->memory_gb, 52);
  EXPECT_TRUE(od->accelerator.empty());
  EXPECT_EQ(od->region, "us-central1");
  EXPECT_EQ(od->zone, "us-central1-a");
}

TEST(VmsCsvReaderTest, GcpTpuRowsAreAcceleratorOffersWithoutVcpus) {
  const IngestBatch b = MustParse(SharedData(kAnycloud + "gcp/vms.csv"));
  // ,,,tpu-v2-8,1,tpu-v2-8,us-central1,us-central1-b,4.5,1.35
  const Offer* od = FindOffer(b, "gcp:us-central1:us-central1-b/TPU-VM+tpu-v2-8x1/on_demand");
  ASSERT_NE(od, nullptr);
  EXPECT_EQ(od->accelerator, "tpu-v2-8");
  EXPECT_EQ(od->accelerator_count, 1);
  EXPECT_EQ(od->instance_type, "TPU-VM");
  EXPECT_EQ(od->vcpus, 0);
  EXPECT_EQ(od->accelerator_memory_gb, 0);
  EXPECT_DOUBLE_EQ(od->price_per_hour, 4.5);
  const Offer* spot = FindOffer(b, "gcp:us-central1:us-central1-b/TPU-VM+tpu-v2-8x1/spot");
  ASSERT_NE(spot, nullptr);
  EXPECT_DOUBLE_EQ(spot->price_per_hour, 1.35);
  int tpu_offers = 0;
  for (const Offer& o : b.offers) tpu_offers += o.accelerator.rfind("tpu-", 0) == 0 ? 1 : 0;
  // 1648 TPU rows, 154 of them repeats, one without a spot price: (1648 - 154) * 2 - 1.
  EXPECT_EQ(tpu_offers, 2987);
}

TEST(VmsCsvReaderTest, GcpEmptySpotPriceGivesOnlyOnDemand) {
  const IngestBatch b = MustParse(SharedData(kAnycloud + "gcp/vms.csv"));
  // ,,,tpu-v3-8,1,tpu-v3-8,us-east1,us-east1-d,8.0,   (SpotPrice empty)
  const Offer* od = FindOffer(b, "gcp:us-east1:us-east1-d/TPU-VM+tpu-v3-8x1/on_demand");
  ASSERT_NE(od, nullptr);
  EXPECT_DOUBLE_EQ(od->price_per_hour, 8.0);
  EXPECT_EQ(FindOffer(b, "gcp:us-east1:us-east1-d/TPU-VM+tpu-v3-8x1/spot"), nullptr);
}

TEST(VmsCsvReaderTest, LambdaCrlfAndNoSpot) {
  const IngestBatch b = MustParse(SharedData(kAnycloud + "lambda/vms.csv"));
  EXPECT_EQ(b.rows_read, 425);
  EXPECT_EQ(b.offers.size(), 425u);
  EXPECT_TRUE(b.rejected.empty());
  EXPECT_EQ(CountMarket(b, Market::kSpot), 0);
  // gpu_8x_a100,A100,8.0,124.0,1800.0,15.92,europe-central-1,"{... 'SizeInMiB': 40960 ...}",
  const Offer* o = FindOffer(b, "lambda:europe-central-1/gpu_8x_a100/on_demand");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->provider, "lambda");
  EXPECT_EQ(o->accelerator, "A100");
  EXPECT_EQ(o->accelerator_count, 8);
  EXPECT_DOUBLE_EQ(o->accelerator_memory_gb, 40);
  EXPECT_EQ(o->vcpus, 124);
  EXPECT_EQ(o->memory_gb, 1800);
  EXPECT_DOUBLE_EQ(o->price_per_hour, 15.92);
  EXPECT_TRUE(o->zone.empty());
  // cpu_4x_generalx,,,4.0,16.0,0.2,europe-central-1,,
  const Offer* cpu = FindOffer(b, "lambda:europe-central-1/cpu_4x_generalx/on_demand");
  ASSERT_NE(cpu, nullptr);
  EXPECT_TRUE(cpu->accelerator.empty());
  EXPECT_DOUBLE_EQ(cpu->price_per_hour, 0.2);
}

TEST(VmsCsvReaderTest, VastFreeTextRegionsBecomeSlugsAndZeroSpotIsNoSpot) {
  const IngestBatch b = MustParse(SharedData(kAnycloud + "vast/vms.csv"));
  EXPECT_EQ(b.rows_read, 64);
  EXPECT_EQ(b.offers.size(), 64u);
  EXPECT_EQ(CountMarket(b, Market::kSpot), 0);  // every SpotPrice is 0.00
  // 1x-RTX_5090-32-65536,RTX5090,1,32,64.0,"{... 'SizeInMiB': 32607 ...}",0.44,0.00,"Denmark, DK,
  // EU"
  const Offer* dk = FindOffer(b, "vast:denmark-dk-eu/1x-RTX_5090-32-65536/on_demand");
  ASSERT_NE(dk, nullptr);
  EXPECT_EQ(dk->region, "denmark-dk-eu");
  EXPECT_EQ(dk->accelerator, "RTX5090");
  EXPECT_DOUBLE_EQ(dk->accelerator_memory_gb, 32607 / 1024.0);
  EXPECT_DOUBLE_EQ(dk->price_per_hour, 0.44);
  EXPECT_NE(FindOffer(b, "vast:ca-na/1x-RTX_5090-32-65536/on_demand"), nullptr);  // ", CA, NA"
}

TEST(VmsCsvReaderTest, VastMultiGpuMemoryIsPerGpu) {
  // 8x-H100_SXM-32-65536,H100,8,...,"{'Gpus': [{'Name': 'H100', 'Count': 8, 'MemoryInfo':
  // {'SizeInMiB': 652472}}], 'TotalGpuMemoryInMiB': 652472}": vast writes the machine's total in
  // both fields; per GPU it is the total / 8, not 637 GiB (a regression once shown by `offers`).
  const IngestBatch b = MustParse(SharedData(kAnycloud + "vast/vms.csv"));
  const Offer* h100 = FindOffer(b, "vast:vietnam-vn-as/8x-H100_SXM-32-65536/on_demand");
  ASSERT_NE(h100, nullptr);
  EXPECT_DOUBLE_EQ(h100->accelerator_memory_gb, 652472 / 1024.0 / 8);
}

TEST(VmsCsvReaderTest, NebiusCrlfSpotAndCpuRows) {
  const IngestBatch b = MustParse(SharedData("catalog/skypilot_catalog_v9/nebius/vms.csv"));
  EXPECT_EQ(b.rows_read, 74);
  EXPECT_EQ(b.offers.size(), 84u);  // 74 on-demand + 10 spot
  // gpu-h100-sxm_8gpu-128vcpu-1600gb,H100,8,128,1600,23.60,eu-north1,"{... 0 ...}",10.00
  const std::string h100 = "nebius:eu-north1/gpu-h100-sxm_8gpu-128vcpu-1600gb/";
  const Offer* od = FindOffer(b, h100 + "on_demand");
  const Offer* spot = FindOffer(b, h100 + "spot");
  ASSERT_NE(od, nullptr);
  ASSERT_NE(spot, nullptr);
  EXPECT_DOUBLE_EQ(od->price_per_hour, 23.60);
  EXPECT_DOUBLE_EQ(spot->price_per_hour, 10.00);
  EXPECT_EQ(od->accelerator_count, 8);
  EXPECT_EQ(od->accelerator_memory_gb, 0);  // upstream writes 0 MiB
  EXPECT_EQ(od->vcpus, 128);
  // cpu-d3_4vcpu-16gb,,0,4,16,0.0992,eu-north1,,
  const Offer* cpu = FindOffer(b, "nebius:eu-north1/cpu-d3_4vcpu-16gb/on_demand");
  ASSERT_NE(cpu, nullptr);
  EXPECT_TRUE(cpu->accelerator.empty());
  EXPECT_EQ(cpu->accelerator_count, 0);
  EXPECT_DOUBLE_EQ(cpu->price_per_hour, 0.0992);
}

TEST(VmsCsvReaderTest, ProviderOverrideObservedAtAndProgress) {
  std::vector<std::pair<int64_t, int64_t>> ticks;
  ParseOptions options;
  options.observed_at = "2026-05-20T00:00:00Z";
  options.progress = [&](const std::string&, int64_t done, int64_t total) {
    ticks.emplace_back(done, total);
  };
  const IngestBatch b = MustParse(SharedData(kAnycloud + "gcp/vms.csv"), "GoogleCloud", options);
  ASSERT_FALSE(b.offers.empty());
  EXPECT_EQ(b.offers[0].provider, "googlecloud");
  EXPECT_EQ(b.offers[0].observed_at, "2026-05-20T00:00:00Z");
  ASSERT_GE(ticks.size(), 3u);  // 2.3 MB: about one tick per MB and a last one
  EXPECT_EQ(ticks.back().first, ticks.back().second);
  EXPECT_EQ(ticks.back().second, 2318103);
}

TEST(VmsCsvReaderTest, DefaultObservedAtIsTheFileTime) {
  const IngestBatch b = MustParse(SharedData(kAnycloud + "vast/vms.csv"));
  ASSERT_FALSE(b.offers.empty());
  const std::string& t = b.offers[0].observed_at;
  ASSERT_EQ(t.size(), 20u) << t;
  EXPECT_EQ(t[10], 'T');
  EXPECT_EQ(t.back(), 'Z');
}

TEST(VmsCsvReaderTest, RegionSlug) {
  EXPECT_EQ(RegionSlug("Denmark, DK, EU"), "denmark-dk-eu");
  EXPECT_EQ(RegionSlug(", CA, NA"), "ca-na");
  EXPECT_EQ(RegionSlug("Sverdlovsk Oblast, RU, EU"), "sverdlovsk-oblast-ru-eu");
  EXPECT_EQ(RegionSlug("us-central1"), "us-central1");
  EXPECT_EQ(RegionSlug("europe-central-1"), "europe-central-1");
  EXPECT_EQ(RegionSlug(" , "), "");
}

TEST(VmsCsvReaderTest, GpuInfoMemory) {
  EXPECT_DOUBLE_EQ(*GpuMemoryGbFromGpuInfo("{'Gpus': [{'MemoryInfo': {'SizeInMiB': 81920}}]}", 8),
                   80);
  EXPECT_DOUBLE_EQ(*GpuMemoryGbFromGpuInfo("{'Gpus': [], 'TotalGpuMemoryInMiB': 98304}", 4), 24);
  EXPECT_DOUBLE_EQ(*GpuMemoryGbFromGpuInfo("tpu-v2-8", 1), 0);
  EXPECT_DOUBLE_EQ(*GpuMemoryGbFromGpuInfo("", 1), 0);
  EXPECT_TRUE(GpuMemoryGbFromGpuInfo("{'Gpus': [", 1).status().IsInvalidArgument());
  EXPECT_TRUE(GpuMemoryGbFromGpuInfo("{'Gpus': 3}", 1).status().IsInvalidArgument());
}

}  // namespace
}  // namespace sky::catalog
