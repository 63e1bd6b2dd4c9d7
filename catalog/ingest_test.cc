// ingest.h end to end: path expansion, format detection, bad input (hand-made files in a temp
// dir), attributes filled across files, all shared catalogs, and the bundled data/ snapshot.

#include "sky/catalog/ingest.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "catalog/ingest_test_util.h"
#include "gtest/gtest.h"

namespace sky::catalog {
namespace {

using testing::FindOffer;
using testing::MustParse;
using testing::SharedData;
using testing::TempDir;

const char kVmsHeader[] =
    "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Price,"
    "Region,GpuInfo,SpotPrice\n";

std::string GoodRow(int i) { return "cpu-" + std::to_string(i) + ",,,4,16,0.2,us-east-1,,0.1\n"; }

Status ParseStatus(const std::string& path, bool skip_bad_rows = false) {
  ParseOptions options;
  options.skip_bad_rows = skip_bad_rows;
  return ParseCatalogFile(IngestSource{path, ""}, options).status();
}

TEST(IngestTest, ExpandsSkyPilotLayoutSorted) {
  Result<std::vector<IngestSource>> s =
      ExpandCatalogPaths({SharedData("catalog/anycloud_skypilot_format")});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->size(), 3u);
  EXPECT_EQ((*s)[0].path, SharedData("catalog/anycloud_skypilot_format/gcp/vms.csv"));
  EXPECT_EQ((*s)[1].path, SharedData("catalog/anycloud_skypilot_format/lambda/vms.csv"));
  EXPECT_EQ((*s)[2].path, SharedData("catalog/anycloud_skypilot_format/vast/vms.csv"));
  EXPECT_TRUE((*s)[0].provider.empty());  // derived from the folder when read
}

TEST(IngestTest, ExpandPrefersTheVantageJsonOverItsDerivedCsv) {
  Result<std::vector<IngestSource>> s = ExpandCatalogPaths({SharedData("catalog/aws_gpu_vantage")});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->size(), 1u);
  EXPECT_EQ((*s)[0].path, SharedData("catalog/aws_gpu_vantage/aws_gpu_instances.json"));
  // Named explicitly, the CSV is read.
  s = ExpandCatalogPaths({SharedData("catalog/aws_gpu_vantage/aws_gpu_prices_by_region.csv")});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->size(), 1u);
}

TEST(IngestTest, ExpandProviderPrefixForFilesAndDirectories) {
  TempDir dir;
  const std::string file = dir.Write("x/vms.csv", kVmsHeader + GoodRow(1));
  dir.Write("y/sub/vms.csv", kVmsHeader + GoodRow(2));
  Result<std::vector<IngestSource>> s =
      ExpandCatalogPaths({"mycloud=" + file, "other=" + dir.path() + "/y"});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->size(), 2u);
  EXPECT_EQ((*s)[0].provider, "mycloud");
  EXPECT_EQ((*s)[0].path, file);
  EXPECT_EQ((*s)[1].provider, "other");
  const IngestBatch b = MustParse((*s)[0].path, (*s)[0].provider);
  ASSERT_EQ(b.offers.size(), 2u);
  EXPECT_EQ(b.offers[0].id, "mycloud:us-east-1/cpu-1/on_demand");
  // Without a prefix the parent folder names the provider.
  EXPECT_EQ(MustParse(file).offers[0].provider, "x");
}

TEST(IngestTest, ExpandErrors) {
  TempDir dir;
  EXPECT_TRUE(ExpandCatalogPaths({dir.path() + "/nope"}).status().IsNotFound());
  EXPECT_TRUE(ExpandCatalogPaths({"gcp=" + dir.path() + "/nope"}).status().IsNotFound());
  EXPECT_TRUE(ExpandCatalogPaths({dir.path()}).status().IsInvalidArgument());
  dir.Write("notes.txt", "hello\n");
  EXPECT_TRUE(ExpandCatalogPaths({dir.path()}).status().IsInvalidArgument());
}

TEST(IngestTest, DetectsEveryRealFormat) {
  EXPECT_EQ(*DetectFormat(SharedData("catalog/anycloud_skypilot_format/gcp/vms.csv")),
            CatalogFormat::kSkyPilotVms);
  EXPECT_EQ(*DetectFormat(SharedData("catalog/skypilot_catalog_v9/nebius/vms.csv")),
            CatalogFormat::kSkyPilotVms);
  EXPECT_EQ(*DetectFormat(SharedData("catalog/aws_gpu_vantage/aws_gpu_instances.json")),
            CatalogFormat::kAwsVantageJson);
  EXPECT_EQ(*DetectFormat(SharedData("catalog/aws_gpu_vantage/aws_gpu_prices_by_region.csv")),
            CatalogFormat::kAwsVantageCsv);
  EXPECT_EQ(*DetectFormat(SharedData("spot_traces/aws_spot_price_history/prices_2022-05.tsv")),
            CatalogFormat::kAwsSpotHistoryTsv);
  TempDir dir;
  EXPECT_TRUE(DetectFormat(dir.path() + "/missing.csv").status().IsNotFound());
  EXPECT_TRUE(DetectFormat(dir.Write("a.csv", "name,age\nx,1\n")).status().IsInvalidArgument());
  EXPECT_TRUE(DetectFormat(dir.Write("e.csv", "")).status().IsInvalidArgument());
}

TEST(IngestTest, MissingRequiredColumn) {
  TempDir dir;
  const std::string path =
      dir.Write("gcp/vms.csv",
                "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,"
                "Region\nn1,,,1,2,us\n");
  const Status s = ParseStatus(path);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("vms.csv:1: header: missing required column 'Price'"),
            std::string::npos)
      << s.message();
  EXPECT_TRUE(ParseStatus(path, /*skip_bad_rows=*/true).IsInvalidArgument());  // file-level
}

TEST(IngestTest, NonNumericPriceNamesFileLineAndField) {
  TempDir dir;
  std::string text = kVmsHeader;
  for (int i = 2; i < 17; ++i) text += GoodRow(i);
  text += "cpu-17,,,4,16,abc,us-east-1,,\n";
  const Status s = ParseStatus(dir.Write("gcp/vms.csv", text));
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("vms.csv:17: Price: not a number: 'abc'"), std::string::npos)
      << s.message();
}

TEST(IngestTest, NegativePriceAndBadCount) {
  TempDir dir;
  Status s = ParseStatus(
      dir.Write("a/vms.csv", kVmsHeader + GoodRow(1) + "cpu,,,4,16,1.0,us-east-1,,-0.5\n"));
  EXPECT_NE(s.message().find("vms.csv:3: SpotPrice: negative price: '-0.5'"), std::string::npos)
      << s.message();
  s = ParseStatus(dir.Write("b/vms.csv", std::string(kVmsHeader) + "g,A100,1.5,4,16,1,r,,\n"));
  EXPECT_NE(s.message().find("vms.csv:2: AcceleratorCount:"), std::string::npos) << s.message();
}

TEST(IngestTest, UnterminatedQuoteReportsWhereItBegan) {
  TempDir dir;
  const std::string path =
      dir.Write("gcp/vms.csv", kVmsHeader + GoodRow(1) +
                                   "g,A100,1,4,16,1.0,us-east-1,\"{'Gpus': [],\n" + GoodRow(4));
  const Status s = ParseStatus(path);
  EXPECT_NE(s.message().find("vms.csv:3: row: unterminated quote"), std::string::npos)
      << s.message();
  ParseOptions skip;
  skip.skip_bad_rows = true;
  Result<IngestBatch> b = ParseCatalogFile(IngestSource{path, ""}, skip);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->offers.size(), 2u);  // the row before it, on-demand and spot
  ASSERT_EQ(b->rejected.size(), 1u);
  EXPECT_EQ(b->rejected[0].line, 3);
}

TEST(IngestTest, EmptyFiles) {
  TempDir dir;
  for (const char* name : {"a/vms.csv", "b/prices.tsv", "c/aws_gpu_instances.json"}) {
    const Status s = ParseStatus(dir.Write(name, ""));
    EXPECT_TRUE(s.IsInvalidArgument()) << name;
    EXPECT_NE(s.message().find("empty file"), std::string::npos) << s.message();
  }
  EXPECT_TRUE(ParseStatus(dir.Write("d/vms.csv", "\n\r\n  \n")).IsInvalidArgument());
  EXPECT_TRUE(ParseStatus(dir.path() + "/none/vms.csv").IsNotFound());
}

TEST(IngestTest, BadGpuInfo) {
  TempDir dir;
  const Status s = ParseStatus(
      dir.Write("lambda/vms.csv",
                std::string(kVmsHeader) + "g1,A100,1,8,32,1.1,us,\"{'Gpus': [{'Name'}\",\n"));
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("vms.csv:2: GpuInfo: expected"), std::string::npos) << s.message();
}

TEST(IngestTest, SkipBadRowsKeepsGoodRows) {
  TempDir dir;
  const std::string path = dir.Write(
      "lambda/vms.csv", kVmsHeader + GoodRow(1) + "bad,,,4,16,abc,us-east-1,,\n" + GoodRow(3) +
                            "g,A100,1,8,32,1.1,us,\"{'Gpus': \",\n" + "short,row\n" + GoodRow(6));
  ParseOptions options;
  options.skip_bad_rows = true;
  Result<IngestBatch> b = ParseCatalogFile(IngestSource{path, ""}, options);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->rows_read, 6);
  EXPECT_EQ(b->offers.size(), 6u);  // three good rows, on-demand and spot each
  ASSERT_EQ(b->rejected.size(), 3u);
  EXPECT_EQ(b->rejected[0].line, 3);
  EXPECT_EQ(b->rejected[0].field, "Price");
  EXPECT_EQ(b->rejected[0].file, path);
  EXPECT_EQ(b->rejected[1].line, 5);
  EXPECT_EQ(b->rejected[1].field, "GpuInfo");
  EXPECT_EQ(b->rejected[2].line, 6);
  EXPECT_EQ(b->rejected[2].field, "row");
}

TEST(IngestTest, SpotTsvBadRows) {
  TempDir dir;
  const std::string path =
      dir.Write("aws/prices.tsv",
                "use1-az4\tp3.2xlarge\tLinux/UNIX\t0.9\t2022-05-31T18:20:41+00:00\n"
                "use1-az4\tp3.2xlarge\tWindows\t1.9\t2022-05-31T18:20:41+00:00\n"
                "zzz9-az1\tp3.2xlarge\tLinux/UNIX\t0.9\t2022-05-31T18:20:41+00:00\n"
                "use1-az4\tp3.8xlarge\tLinux/UNIX\tcheap\t2022-05-31T18:20:41+00:00\n"
                "use1-az4\tp3.8xlarge\tLinux/UNIX\t3.1\tyesterday\n"
                "use1-az4\tp3.8xlarge\n");
  const Status s = ParseStatus(path);
  EXPECT_NE(s.message().find("prices.tsv:3: az_id: unknown AZ id: 'zzz9-az1'"), std::string::npos)
      << s.message();
  Result<IngestBatch> b = ParseCatalogFile(IngestSource{path, ""}, ParseOptions{true, "", {}});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->offers.size(), 1u);
  EXPECT_EQ(b->rows_skipped, 1);  // Windows
  ASSERT_EQ(b->rejected.size(), 4u);
  EXPECT_EQ(b->rejected[1].field, "price");
  EXPECT_EQ(b->rejected[2].field, "timestamp");
  EXPECT_EQ(b->rejected[3].field, "row");
}

TEST(IngestTest, VantageBadInput) {
  TempDir dir;
  EXPECT_TRUE(
      ParseStatus(dir.Write("a/aws_gpu_instances.json", "[{\"name\": ")).IsInvalidArgument());
  const std::string path = dir.Write(
      "b/aws_gpu_instances.json",
      R"([{"name": "p3.2xlarge", "gpu": "NVIDIA V100", "gpuCount": 1, "gpuMemory": "16 GB",
           "vcpu": 8, "memory": "61 GB", "pricing": {"us-east-1": {"onDemand": -3.06}}},
          {"name": "x.large", "gpu": "Unknown GPU", "gpuCount": 1, "vcpu": 4,
           "pricing": {"us-east-1": {"onDemand": 1}}}])");
  const Status s = ParseStatus(path);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("[0].pricing.us-east-1.onDemand: negative price"), std::string::npos)
      << s.message();
  Result<IngestBatch> b = ParseCatalogFile(IngestSource{path, ""}, ParseOptions{true, "", {}});
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->offers.empty());
  EXPECT_EQ(b->rejected.size(), 1u);
  EXPECT_EQ(b->rows_skipped, 1);  // the unknown GPU
}

TEST(IngestTest, VantageCsvBadRows) {
  TempDir dir;
  const std::string header =
      "InstanceType,GpuModel,GpuCount,GpuMemory,vCPUs,Memory,Family,Generation,Region,"
      "OnDemandPrice,ReservedPrice\n";
  const std::string path = dir.Write(
      "aws/aws_gpu_prices_by_region.csv",
      header + "g5.xlarge,NVIDIA A10G,1,24 GB GDDR6,4,16 GB,GPU,current,us-east-1,1.006,0.63\n" +
          "g5.2xlarge,NVIDIA A10G,1,24 GB GDDR6,8,32 GB,GPU,current,us-east-1,n/a,\n" +
          "g5.4xlarge,NVIDIA A10G,one,24 GB GDDR6,16,64 GB,GPU,current,us-east-1,1.6,\n" +
          "g6f.large,NVIDIA L40,0.125,48 GB GDDR6,2,8 GB,GPU,current,us-east-1,0.2,\n");
  const Status s = ParseStatus(path);
  EXPECT_NE(s.message().find("aws_gpu_prices_by_region.csv:3: OnDemandPrice: not a number: 'n/a'"),
            std::string::npos)
      << s.message();
  Result<IngestBatch> b = ParseCatalogFile(IngestSource{path, ""}, ParseOptions{true, "", {}});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->offers.size(), 2u);  // g5.xlarge on-demand and reserved
  EXPECT_EQ(b->rows_skipped, 1);    // the fractional GPU
  ASSERT_EQ(b->rejected.size(), 2u);
  EXPECT_EQ(b->rejected[1].field, "GpuCount");
  EXPECT_EQ(b->rejected[1].line, 4);
}

TEST(IngestTest, ParseCatalogFilesFillsSpotAttributesFromVantage) {
  Result<std::vector<IngestBatch>> batches = ParseCatalogFiles(
      {{SharedData("catalog/aws_gpu_vantage/aws_gpu_instances.json"), ""},
       {SharedData("spot_traces/aws_spot_price_history/prices_2022-05.tsv"), ""}});
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  const IngestBatch& spot = (*batches)[1];
  const Offer* p3 = FindOffer(spot, "aws:us-east-1:use1-az6/p3.2xlarge/spot");
  ASSERT_NE(p3, nullptr);
  EXPECT_EQ(p3->accelerator, "V100");
  EXPECT_EQ(p3->accelerator_count, 1);
  EXPECT_DOUBLE_EQ(p3->accelerator_memory_gb, 16);
  EXPECT_EQ(p3->vcpus, 8);
  EXPECT_EQ(p3->memory_gb, 61);
  int gpu_spot = 0;
  for (const Offer& o : spot.offers) gpu_spot += o.accelerator.empty() ? 0 : 1;
  EXPECT_GT(gpu_spot, 200);
}

TEST(IngestTest, AllSharedCatalogsParseQuickly) {
  const auto start = std::chrono::steady_clock::now();
  Result<std::vector<IngestSource>> sources = ExpandCatalogPaths(
      {SharedData("catalog/anycloud_skypilot_format"),
       SharedData("catalog/skypilot_catalog_v9/nebius"), SharedData("catalog/aws_gpu_vantage"),
       SharedData("spot_traces/aws_spot_price_history")});
  ASSERT_TRUE(sources.ok()) << sources.status().ToString();
  Result<std::vector<IngestBatch>> batches = ParseCatalogFiles(*sources);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  size_t offers = 0;
  for (const IngestBatch& b : *batches) {
    EXPECT_TRUE(b.rejected.empty()) << b.source;
    offers += b.offers.size();
  }
  EXPECT_EQ(batches->size(), 6u);
  EXPECT_EQ(offers, 60864u + 425 + 64 + 84 + 1895 + 9100);
  EXPECT_LT(seconds, 5.0);  // about 0.2 s in a release build
}

TEST(IngestTest, BundledSnapshotParsesWithoutRejectedRows) {
  Result<std::vector<IngestSource>> sources =
      ExpandCatalogPaths({std::string(SKY_SOURCE_DIR) + "/data/catalog"});
  ASSERT_TRUE(sources.ok()) << sources.status().ToString();
  Result<std::vector<IngestBatch>> batches = ParseCatalogFiles(*sources);
  ASSERT_TRUE(batches.ok()) << batches.status().ToString();
  std::set<std::string> providers;
  std::set<std::string> h100_providers;
  for (const IngestBatch& b : *batches) {
    EXPECT_TRUE(b.rejected.empty()) << b.source;
    EXPECT_FALSE(b.offers.empty()) << b.source;
    for (const Offer& o : b.offers) {
      providers.insert(o.provider);
      if (o.accelerator == "H100" && o.accelerator_count == 8) h100_providers.insert(o.provider);
    }
  }
  EXPECT_EQ(providers, (std::set<std::string>{"aws", "gcp", "lambda", "nebius", "vast"}));
  EXPECT_GE(h100_providers.size(), 4u);
  // The GCP pairing works on the snapshot too: A100 x8 on a2-highgpu-8g in us-central1-a.
  bool found = false;
  for (const IngestBatch& b : *batches) {
    if (const Offer* o = FindOffer(b, "gcp:us-central1:us-central1-a/a2-highgpu-8g/on_demand")) {
      found = true;
      EXPECT_DOUBLE_EQ(o->price_per_hour, 29.38708);
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace sky::catalog
