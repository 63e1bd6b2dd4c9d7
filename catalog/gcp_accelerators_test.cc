// The GCP attachable-accelerator rule, checked against rows of the real GCP vms.csv: the
// expected prices are computed here from the raw accelerator and host rows.

#include "catalog/gcp_accelerators.h"

#include <map>
#include <set>

#include "catalog/csv_reader.h"
#include "catalog/ingest_test_util.h"
#include "catalog/ingest_util.h"
#include "gtest/gtest.h"

namespace sky::catalog {
namespace {

using testing::FindOffer;
using testing::SharedData;
using RawRow = std::map<std::string, std::string>;

class GcpAcceleratorsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path_ = new std::string(SharedData("catalog/anycloud_skypilot_format/gcp/vms.csv"));
    batch_ = new IngestBatch(testing::MustParse(*path_));
    rows_ = new std::vector<RawRow>(ReadRaw(*path_));
  }
  static void TearDownTestSuite() {
    delete path_;
    delete batch_;
    delete rows_;
  }

  static std::vector<RawRow> ReadRaw(const std::string& path) {
    const std::string data = *ReadWholeFile(path);
    CsvReader csv(data);
    std::vector<std::string_view> header, f;
    EXPECT_EQ(csv.Next(header), CsvReader::Outcome::kRecord);
    std::vector<RawRow> rows;
    while (csv.Next(f) == CsvReader::Outcome::kRecord) {
      RawRow row;
      for (size_t i = 0; i < f.size(); ++i) row[std::string(header[i])] = std::string(f[i]);
      rows.push_back(std::move(row));
    }
    return rows;
  }

  // The one raw row with these values.
  static const RawRow& Raw(const std::string& type, const std::string& accel,
                           const std::string& count, const std::string& zone) {
    for (const RawRow& r : *rows_) {
      if (r.at("InstanceType") == type && r.at("AcceleratorName") == accel &&
          r.at("AcceleratorCount") == count && r.at("AvailabilityZone") == zone) {
        return r;
      }
    }
    ADD_FAILURE() << "no raw row " << type << " " << accel << " " << zone;
    static const RawRow kEmpty;
    return kEmpty;
  }

  static double Num(const RawRow& r, const std::string& col) { return *ParseNumber(r.at(col)); }

  // Checks the paired offer against the sum of its two raw rows.
  static void ExpectPair(const std::string& id_prefix, const RawRow& accel, const RawRow& host) {
    const Offer* od = FindOffer(*batch_, id_prefix + "/on_demand");
    const Offer* spot = FindOffer(*batch_, id_prefix + "/spot");
    ASSERT_NE(od, nullptr) << id_prefix;
    ASSERT_NE(spot, nullptr) << id_prefix;
    EXPECT_NEAR(od->price_per_hour, Num(accel, "Price") + Num(host, "Price"), 1e-9);
    EXPECT_NEAR(spot->price_per_hour, Num(accel, "SpotPrice") + Num(host, "SpotPrice"), 1e-9);
    EXPECT_EQ(od->accelerator, accel.at("AcceleratorName"));
    EXPECT_EQ(od->accelerator_count, std::stoi(accel.at("AcceleratorCount")));
    EXPECT_EQ(od->instance_type, host.at("InstanceType"));
    EXPECT_EQ(od->vcpus, Num(host, "vCPUs"));
    EXPECT_EQ(od->memory_gb, Num(host, "MemoryGiB"));
  }

  static std::string* path_;
  static IngestBatch* batch_;
  static std::vector<RawRow>* rows_;
};

std::string* GcpAcceleratorsTest::path_ = nullptr;
IngestBatch* GcpAcceleratorsTest::batch_ = nullptr;
std::vector<RawRow>* GcpAcceleratorsTest::rows_ = nullptr;

TEST_F(GcpAcceleratorsTest, A100x8OnA2Highgpu8g) {
  const std::string zone = "us-central1-a";
  ExpectPair("gcp:us-central1:" + zone + "/a2-highgpu-8g", Raw("", "A100", "8", zone),
             Raw("a2-highgpu-8g", "", "", zone));
  const Offer* od = FindOffer(*batch_, "gcp:us-central1:us-central1-a/a2-highgpu-8g/on_demand");
  ASSERT_NE(od, nullptr);
  EXPECT_DOUBLE_EQ(od->price_per_hour, 29.38708);  // 23.47126 + 5.91582
  EXPECT_DOUBLE_EQ(od->accelerator_memory_gb, 40);
}

TEST_F(GcpAcceleratorsTest, FixedMachineTypesForOtherModels) {
  const std::string z = "us-central1-a";
  const std::string loc = "gcp:us-central1:" + z + "/";
  ExpectPair(loc + "a2-megagpu-16g", Raw("", "A100", "16", z), Raw("a2-megagpu-16g", "", "", z));
  ExpectPair(loc + "a2-ultragpu-4g", Raw("", "A100-80GB", "4", z),
             Raw("a2-ultragpu-4g", "", "", z));
  ExpectPair(loc + "a3-highgpu-8g", Raw("", "H100", "8", z), Raw("a3-highgpu-8g", "", "", z));
  ExpectPair(loc + "a3-megagpu-8g", Raw("", "H100-MEGA", "8", z), Raw("a3-megagpu-8g", "", "", z));
  // L4 x1 may use g2-standard-{4,8,12,16,32}: the cheapest, g2-standard-4, wins.
  ExpectPair(loc + "g2-standard-4", Raw("", "L4", "1", z), Raw("g2-standard-4", "", "", z));
  ExpectPair(loc + "g2-standard-96", Raw("", "L4", "8", z), Raw("g2-standard-96", "", "", z));
}

TEST_F(GcpAcceleratorsTest, N1HostsBySizeAndIdsNameTheAccelerator) {
  const std::string z = "us-central1-a";
  const std::string loc = "gcp:us-central1:" + z + "/";
  // V100 x1 needs 8 vCPUs and 32 GiB: n1-standard-8 has 30 GiB, n1-highmem-8 (52) is cheapest.
  ExpectPair(loc + "n1-highmem-8+V100x1", Raw("", "V100", "1", z), Raw("n1-highmem-8", "", "", z));
  // T4 x4 needs 48 vCPUs and 192 GiB: n1-standard-64.
  ExpectPair(loc + "n1-standard-64+T4x4", Raw("", "T4", "4", z), Raw("n1-standard-64", "", "", z));
  // P4 follows the default table: x1 needs 8 vCPUs.
  ExpectPair(loc + "n1-highmem-8+P4x1", Raw("", "P4", "1", z), Raw("n1-highmem-8", "", "", z));
  // The n1 host stays a CPU offer of its own.
  const Offer* cpu = FindOffer(*batch_, loc + "n1-highmem-8/on_demand");
  ASSERT_NE(cpu, nullptr);
  EXPECT_TRUE(cpu->accelerator.empty());
}

TEST_F(GcpAcceleratorsTest, GpuMachineTypesAreNeverCpuOffers) {
  int gpu_machine_offers = 0;
  for (const Offer& o : batch_->offers) {
    if (!IsGcpGpuMachineType(o.instance_type)) continue;
    ++gpu_machine_offers;
    ASSERT_FALSE(o.accelerator.empty()) << o.id;
    ASSERT_GT(o.accelerator_count, 0) << o.id;
  }
  EXPECT_GT(gpu_machine_offers, 500);
}

TEST_F(GcpAcceleratorsTest, MissingHostInZoneGivesNoOffer) {
  // Zones with an A100 x16 row but no a2-megagpu-16g row.
  std::set<std::string> with_host, without_host;
  for (const RawRow& r : *rows_) {
    if (r.at("InstanceType") == "a2-megagpu-16g") with_host.insert(r.at("AvailabilityZone"));
  }
  for (const RawRow& r : *rows_) {
    if (r.at("AcceleratorName") == "A100" && r.at("AcceleratorCount") == "16" &&
        !with_host.count(r.at("AvailabilityZone"))) {
      without_host.insert(r.at("AvailabilityZone"));
    }
  }
  ASSERT_FALSE(without_host.empty());
  for (const Offer& o : batch_->offers) {
    if (o.accelerator == "A100" && o.accelerator_count == 16) {
      EXPECT_EQ(without_host.count(o.zone), 0u) << o.id;
    }
  }
  EXPECT_GE(batch_->rows_skipped, static_cast<int64_t>(without_host.size()));
  EXPECT_TRUE(batch_->rejected.empty());
}

TEST_F(GcpAcceleratorsTest, SpotOnlyWhenBothPartsHaveASpotPrice) {
  // ,,,H200,8,...,us-east5,us-east5-a,36.60258,   (no GPU spot price; host has one)
  const std::string h200 = "gcp:us-east5:us-east5-a/a3-ultragpu-8g/";
  ASSERT_NE(FindOffer(*batch_, h200 + "on_demand"), nullptr);
  EXPECT_EQ(FindOffer(*batch_, h200 + "spot"), nullptr);
  // a4-highgpu-8g,...,us-central1,us-central1-b,...,0.0   (host spot price 0)
  const std::string b200 = "gcp:us-central1:us-central1-b/a4-highgpu-8g/";
  ASSERT_NE(FindOffer(*batch_, b200 + "on_demand"), nullptr);
  EXPECT_EQ(FindOffer(*batch_, b200 + "spot"), nullptr);
}

TEST(GcpHostIndexTest, RuleEdges) {
  GcpHostIndex hosts;
  hosts.Add("r", "z", GcpHost{"n1-standard-8", 8, 30, 0.38, 0.14});
  hosts.Add("r", "z", GcpHost{"n1-highmem-8", 8, 52, 0.47, 0.17});
  hosts.Add("r", "z", GcpHost{"n1-highmem-16", 16, 104, 0.95, std::nullopt});
  hosts.Add("r", "z", GcpHost{"n2-standard-8", 8, 32, 0.30, 0.1});  // never a GPU host
  hosts.Add("r", "z", GcpHost{"a2-highgpu-1g", 12, 85, std::nullopt, 0.3});
  ASSERT_NE(hosts.DefaultHost("r", "z", "V100", 1), nullptr);
  EXPECT_EQ(hosts.DefaultHost("r", "z", "V100", 1)->instance_type, "n1-highmem-8");
  EXPECT_EQ(hosts.DefaultHost("r", "z", "SomeNewGpu", 2)->instance_type, "n1-highmem-16");
  EXPECT_EQ(hosts.DefaultHost("r", "z", "T4", 8), nullptr);    // no T4 x8 on GCP
  EXPECT_EQ(hosts.DefaultHost("r", "z", "V100", 4), nullptr);  // no host that big
  EXPECT_EQ(hosts.DefaultHost("r", "z", "A100", 1), nullptr);  // host has no on-demand price
  EXPECT_EQ(hosts.DefaultHost("r", "other", "V100", 1), nullptr);
  Offer accel;
  accel.provider = "gcp";
  accel.region = "r";
  accel.zone = "z";
  accel.accelerator = "V100";
  accel.accelerator_count = 2;
  const GcpHost* h16 = hosts.DefaultHost("r", "z", "V100", 2);
  ASSERT_NE(h16, nullptr);
  const std::vector<Offer> offers = AttachToHost(accel, 4.96, 2.48, *h16);
  ASSERT_EQ(offers.size(), 1u);  // the host has no spot price
  EXPECT_EQ(offers[0].id, "gcp:r:z/n1-highmem-16+V100x2/on_demand");
  EXPECT_DOUBLE_EQ(offers[0].price_per_hour, 4.96 + 0.95);
}

}  // namespace
}  // namespace sky::catalog
