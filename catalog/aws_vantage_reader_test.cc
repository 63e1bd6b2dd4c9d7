// AWS vantage readers on the real JSON and its flat CSV; expected values read from the files.

#include "catalog/aws_vantage_reader.h"

#include <map>

#include "catalog/ingest_test_util.h"
#include "gtest/gtest.h"

namespace sky::catalog {
namespace {

using testing::FindOffer;
using testing::MustParse;
using testing::SharedData;

const std::string kJson = "catalog/aws_gpu_vantage/aws_gpu_instances.json";
const std::string kCsv = "catalog/aws_gpu_vantage/aws_gpu_prices_by_region.csv";

TEST(AwsVantageReaderTest, JsonCounts) {
  const IngestBatch b = MustParse(SharedData(kJson));
  EXPECT_EQ(b.format, CatalogFormat::kAwsVantageJson);
  // 1157 priced (type, region) pairs and 5 types with no pricing at all.
  EXPECT_EQ(b.rows_read, 1162);
  // The 5 unpriced types, and 65 regions of the fractional-GPU g6f/gr6f types.
  EXPECT_EQ(b.rows_skipped, 70);
  EXPECT_TRUE(b.rejected.empty());
  int on_demand = 0, reserved = 0;
  for (const Offer& o : b.offers) {
    ASSERT_EQ(o.provider, "aws");
    ASSERT_TRUE(o.zone.empty());
    ASSERT_FALSE(o.accelerator.empty()) << o.id;
    on_demand += o.market == Market::kOnDemand;
    if (o.market == Market::kReserved) {
      ++reserved;
      ASSERT_EQ(o.reserved_term_months, 12) << o.id;
    } else {
      ASSERT_FALSE(o.reserved_term_months.has_value()) << o.id;
    }
  }
  EXPECT_EQ(on_demand, 1092);
  EXPECT_EQ(reserved, 803);
}

TEST(AwsVantageReaderTest, JsonKnownInstances) {
  const IngestBatch b = MustParse(SharedData(kJson));
  // p4d.24xlarge: NVIDIA A100 x8, "320 GB HBM2" (total), 96 vCPUs, "1152 GiB",
  // us-east-1 onDemand 21.957642, reserved 13.921094.
  const Offer* p4d = FindOffer(b, "aws:us-east-1/p4d.24xlarge/on_demand");
  ASSERT_NE(p4d, nullptr);
  EXPECT_EQ(p4d->accelerator, "A100");
  EXPECT_EQ(p4d->accelerator_count, 8);
  EXPECT_DOUBLE_EQ(p4d->accelerator_memory_gb, 40);
  EXPECT_EQ(p4d->vcpus, 96);
  EXPECT_EQ(p4d->memory_gb, 1152);
  EXPECT_DOUBLE_EQ(p4d->price_per_hour, 21.957642);
  const Offer* p4d_rsv = FindOffer(b, "aws:us-east-1/p4d.24xlarge/reserved");
  ASSERT_NE(p4d_rsv, nullptr);
  EXPECT_DOUBLE_EQ(p4d_rsv->price_per_hour, 13.921094);
  // p4de.24xlarge: "640 GB HBM2e" over 8 GPUs -> A100-80GB.
  const Offer* p4de = FindOffer(b, "aws:us-east-1/p4de.24xlarge/on_demand");
  ASSERT_NE(p4de, nullptr);
  EXPECT_EQ(p4de->accelerator, "A100-80GB");
  EXPECT_DOUBLE_EQ(p4de->accelerator_memory_gb, 80);
}

TEST(AwsVantageReaderTest, JsonMoreKnownInstances) {
  const IngestBatch b = MustParse(SharedData(kJson));
  // p5.48xlarge: H100 x8 "640 GB HBM3", us-east-1 onDemand 55.04 and no reserved price.
  const Offer* p5 = FindOffer(b, "aws:us-east-1/p5.48xlarge/on_demand");
  ASSERT_NE(p5, nullptr);
  EXPECT_EQ(p5->accelerator, "H100");
  EXPECT_DOUBLE_EQ(p5->accelerator_memory_gb, 80);
  EXPECT_DOUBLE_EQ(p5->price_per_hour, 55.04);
  EXPECT_EQ(FindOffer(b, "aws:us-east-1/p5.48xlarge/reserved"), nullptr);
  // g5.xlarge: A10G x1 "24 GB GDDR6" (per GPU), 4 vCPUs, "16 GB", 1.006 / 0.63378.
  const Offer* g5 = FindOffer(b, "aws:us-east-1/g5.xlarge/on_demand");
  ASSERT_NE(g5, nullptr);
  EXPECT_EQ(g5->accelerator, "A10G");
  EXPECT_DOUBLE_EQ(g5->accelerator_memory_gb, 24);
  EXPECT_EQ(g5->memory_gb, 16);
  EXPECT_DOUBLE_EQ(FindOffer(b, "aws:us-east-1/g5.xlarge/reserved")->price_per_hour, 0.63378);
  // dl2q.24xlarge: "Qualcomm AI 100", memory "768 GB", gpuMemory "Unknown".
  const Offer* dl2q = FindOffer(b, "aws:us-west-2/dl2q.24xlarge/on_demand");
  ASSERT_NE(dl2q, nullptr);
  EXPECT_EQ(dl2q->memory_gb, 768);
  EXPECT_EQ(dl2q->accelerator_memory_gb, 0);
  // No pricing (p5e.48xlarge) and a fraction of a GPU (g6f.large) give no offers.
  for (const Offer& o : b.offers) {
    ASSERT_NE(o.instance_type, "p5e.48xlarge");
    ASSERT_NE(o.instance_type, "g6f.large");
  }
}

TEST(AwsVantageReaderTest, CsvGivesTheSameOffersAsTheJson) {
  const IngestBatch json = MustParse(SharedData(kJson));
  const IngestBatch csv = MustParse(SharedData(kCsv));
  EXPECT_EQ(csv.format, CatalogFormat::kAwsVantageCsv);
  EXPECT_EQ(csv.rows_read, 1157);
  EXPECT_EQ(csv.rows_skipped, 65);
  EXPECT_TRUE(csv.rejected.empty());
  std::map<std::string, const Offer*> by_id;
  for (const Offer& o : json.offers) by_id[o.id] = &o;
  ASSERT_EQ(csv.offers.size(), json.offers.size());
  for (const Offer& o : csv.offers) {
    const auto it = by_id.find(o.id);
    ASSERT_NE(it, by_id.end()) << o.id;
    EXPECT_DOUBLE_EQ(o.price_per_hour, it->second->price_per_hour) << o.id;
    EXPECT_EQ(o.accelerator, it->second->accelerator) << o.id;
    EXPECT_EQ(o.accelerator_count, it->second->accelerator_count) << o.id;
    EXPECT_DOUBLE_EQ(o.accelerator_memory_gb, it->second->accelerator_memory_gb) << o.id;
    EXPECT_EQ(o.vcpus, it->second->vcpus) << o.id;
    EXPECT_EQ(o.memory_gb, it->second->memory_gb) << o.id;
  }
}

TEST(AwsVantageReaderTest, CanonicalNames) {
  EXPECT_EQ(CanonicalAwsGpuName("NVIDIA H100", 80), "H100");
  EXPECT_EQ(CanonicalAwsGpuName("NVIDIA A100", 40), "A100");
  EXPECT_EQ(CanonicalAwsGpuName("NVIDIA A100", 80), "A100-80GB");
  EXPECT_EQ(CanonicalAwsGpuName("NVIDIA V100", 32), "V100-32GB");
  EXPECT_EQ(CanonicalAwsGpuName("NVIDIA A10G", 24), "A10G");
  EXPECT_EQ(CanonicalAwsGpuName("NVIDIA T4", 16), "T4");
  EXPECT_EQ(CanonicalAwsGpuName("NVIDIA L40S", 48), "L40S");
  EXPECT_EQ(CanonicalAwsGpuName("NVIDIA B200 Blackwell", 179), "B200");
  EXPECT_EQ(CanonicalAwsGpuName("AWS Trainium", 32), "Trainium");
  EXPECT_EQ(CanonicalAwsGpuName("AWS Inferentia2", 32), "Inferentia2");
  EXPECT_EQ(CanonicalAwsGpuName("AMD Radeon Pro V520", 8), "Radeon Pro V520");
  EXPECT_EQ(CanonicalAwsGpuName("Qualcomm AI 100", 0), "Qualcomm-AI-100");
  EXPECT_EQ(CanonicalAwsGpuName("Unknown GPU", 0), "");
}

TEST(AwsVantageReaderTest, PerGpuMemory) {
  EXPECT_DOUBLE_EQ(AwsPerGpuMemoryGb("NVIDIA H100", "640 GB HBM3", 8), 80);
  EXPECT_DOUBLE_EQ(AwsPerGpuMemoryGb("NVIDIA H100", "80 GB HBM3", 1), 80);
  EXPECT_DOUBLE_EQ(AwsPerGpuMemoryGb("NVIDIA A10G", "24 GB GDDR6", 8), 24);
  EXPECT_DOUBLE_EQ(AwsPerGpuMemoryGb("NVIDIA H200", "1128 GB HBM3e", 8), 141);
  EXPECT_DOUBLE_EQ(AwsPerGpuMemoryGb("NVIDIA B300 Blackwell", "262 GB HBM3e", 8), 262);
  EXPECT_DOUBLE_EQ(AwsPerGpuMemoryGb("NVIDIA V100", "16 GB HBM2", 8), 16);
  EXPECT_DOUBLE_EQ(AwsPerGpuMemoryGb("Qualcomm AI 100", "Unknown", 8), 0);
}

// Found by fuzzing (tests/fuzz/regressions/aws_vantage): converting such a count to int was
// undefined behaviour.
TEST(AwsVantageReaderTest, CountAboveIntMaxIsNotACount) {
  ReadContext ctx;
  ctx.path = "prices.csv";
  ctx.source = "prices.csv";
  ctx.provider = "aws";
  IngestBatch batch;
  const Status s = ReadAwsVantageCsv(
      ctx,
      "InstanceType,GpuModel,GpuCount,GpuMemory,vCPUs,Memory,Family,Generation,Region,"
      "OnDemandPrice,ReservedPrice\n"
      "p5.48xlarge,NVIDIA H100,1e68,80 GB HBM3,192,2048 GB,GPU,current,us-east-1,98.32,\n",
      batch);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("GpuCount"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace sky::catalog
