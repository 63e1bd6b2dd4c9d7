// End-to-end tests of the `skybroker` binary: real files, a real SQLite file in a temp dir,
// and `serve` on an ephemeral 127.0.0.1 port reached with curl.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace {

namespace fs = std::filesystem;
const std::string kBin = SKYBROKER_BIN;
const std::string kShared = SKY_SHARED_DIR "/data";

struct ExecResult {
  int code = -1;
  std::string out;  // stdout and stderr together
};

ExecResult Exec(const std::string& args) {
  ExecResult run;
  FILE* pipe = ::popen((kBin + " " + args + " 2>&1").c_str(), "r");
  if (!pipe) return run;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) run.out.append(buf.data(), n);
  int status = ::pclose(pipe);
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

class CliE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sky_cli_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Db() const { return "--db " + (dir_ / "sky.db").string(); }
  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  fs::path dir_;
};

TEST_F(CliE2eTest, OffersTableHasEveryColumnAndOneRowPerOffer) {
  ExecResult r = Exec("offers --gpu H100:8 --market on_demand --limit 5 --catalog " + kShared +
                      "/catalog");
  ASSERT_EQ(r.code, 0) << r.out;
  std::vector<std::string> lines;
  for (size_t at = 0, nl; (nl = r.out.find('\n', at)) != std::string::npos; at = nl + 1) {
    lines.push_back(r.out.substr(at, nl - at));
  }
  ASSERT_EQ(lines.size(), 7u) << r.out;  // header, 5 offers, "5 of N matching offers"
  size_t last = 0;
  for (const char* column : {"GPU", "QTY", "PROVIDER", "INSTANCE", "GPU MEM", "vCPUs", "MEM",
                             "$/h", "$/GPU-h", "MARKET", "REGION/ZONE"}) {
    const size_t at = lines[0].find(column, last);
    ASSERT_NE(at, std::string::npos) << column << " in " << lines[0];
    last = at + 1;
  }
  for (size_t i = 1; i <= 5; ++i) {
    EXPECT_EQ(lines[i].rfind("H100", 0), 0u) << lines[i];
    EXPECT_NE(lines[i].find("on_demand"), std::string::npos) << lines[i];
  }
  EXPECT_EQ(lines[6].rfind("5 of ", 0), 0u) << lines[6];
}

TEST_F(CliE2eTest, OffersJsonFollowsTheOfferContract) {
  ExecResult r = Exec("offers --gpu a100:8 --sort price --limit 20 --json --catalog " + kShared +
               "/catalog");
  ASSERT_EQ(r.code, 0) << r.out;
  auto offers = nlohmann::json::parse(r.out.substr(r.out.find('[')), nullptr, false);
  ASSERT_TRUE(offers.is_array()) << r.out;
  ASSERT_EQ(offers.size(), 20u);
  double last = 0;
  for (const auto& o : offers) {
    for (const char* key : {"id", "provider", "region", "zone", "instance_type", "accelerator",
                            "accelerator_count", "accelerator_memory_gb", "vcpus", "memory_gb",
                            "market", "price_per_hour", "price_per_accelerator_hour",
                            "reserved_term_months", "available", "observed_at", "source"}) {
      EXPECT_TRUE(o.contains(key)) << key;
    }
    EXPECT_EQ(o["accelerator"], "A100");
    EXPECT_EQ(o["accelerator_count"], 8);
    EXPECT_GE(o["price_per_hour"].get<double>(), last);
    last = o["price_per_hour"].get<double>();
  }
}

TEST_F(CliE2eTest, BadFlagsExitTwoWithClearMessages) {
  ExecResult r = Exec("offers --gpus H100 --catalog " + kShared + "/catalog");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("unknown flag --gpus (did you mean --gpu?)"), std::string::npos) << r.out;
  r = Exec("offers --gpu H100:zero --catalog " + kShared + "/catalog");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("positive integer"), std::string::npos) << r.out;
  r = Exec("frobnicate");
  EXPECT_EQ(r.code, 2);
  r = Exec("offers --catalog " + (dir_ / "missing").string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("missing"), std::string::npos) << r.out;
}

TEST_F(CliE2eTest, IngestRefusesBadFileWholeUnlessSkipBadRows) {
  const std::string header =
      "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Price,Region,GpuInfo,SpotPrice\n";
  const std::string good = Write("good.csv", header + "gpu_1x_a10,A10,1,30,200,0.75,us-east-1,,\n");
  const std::string bad = Write("bad.csv", header + "gpu_1x_a100,A100,1,30,200,1.29,us-east-1,,\n" +
                                               "gpu_8x_h100,H100,8,208,1800,abc,us-east-1,,\n");
  ExecResult r = Exec("ingest lambda=" + good + " " + Db());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("offers added:       1"), std::string::npos) << r.out;
  r = Exec("ingest lambda=" + bad + " " + Db());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("bad.csv:3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Price"), std::string::npos) << r.out;
  r = Exec("offers --json " + Db());
  EXPECT_EQ(nlohmann::json::parse(r.out.substr(r.out.find('['))).size(), 1u) << r.out;
  r = Exec("ingest --skip-bad-rows lambda=" + bad + " " + Db());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("rows rejected:      1"), std::string::npos) << r.out;
  r = Exec("offers --json " + Db());
  EXPECT_EQ(nlohmann::json::parse(r.out.substr(r.out.find('['))).size(), 2u) << r.out;
}

TEST_F(CliE2eTest, AcceleratorsListsCountsAndPrices) {
  ExecResult r = Exec("accelerators --catalog " + kShared + "/catalog");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("ACCELERATOR"), std::string::npos);
  EXPECT_NE(r.out.find("H100 "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1,2,4,8"), std::string::npos) << r.out;
}

}  // namespace
