// Cross-check: real EC2 Query-API requests (RunInstances for a spot p3.2xlarge, a filtered
// DescribeInstances) signed by our SigV4 code and by @smithy/signature-v4 -- the signer of
// the AWS SDK for JavaScript -- run with node. The Authorization headers must be identical.
// Needs tests/node_modules (cmake/install_deps.sh runs `npm ci --prefix tests`).
#include <gtest/gtest.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "providers/auth/sigv4.h"

namespace sky::providers::auth {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kTestsDir = fs::path(SKY_SOURCE_DIR) / "tests";
constexpr int64_t kEpoch = 1779280496;  // 2026-05-20T12:34:56Z
constexpr char kIsoDate[] = "2026-05-20T12:34:56Z";

// A RunInstances body as the EC2 query protocol serialises it (member names from the
// ec2-2016-11-15 model: flattened lists, capitalised locationNames).
constexpr char kRunInstancesBody[] =
    "Action=RunInstances&Version=2016-11-15&ImageId=ami-0c7217cdde317cfec"
    "&InstanceType=p3.2xlarge&MinCount=1&MaxCount=1&ClientToken=sky-llm-finetune-train-a1b2c3"
    "&InstanceMarketOptions.MarketType=spot"
    "&InstanceMarketOptions.SpotOptions.SpotInstanceType=one-time"
    "&InstanceMarketOptions.SpotOptions.InstanceInterruptionBehavior=terminate"
    "&TagSpecification.1.ResourceType=instance"
    "&TagSpecification.1.Tag.1.Key=skybroker%3Apipeline&TagSpecification.1.Tag.1.Value=llm-finetune"
    "&TagSpecification.1.Tag.2.Key=skybroker%3Astage&TagSpecification.1.Tag.2.Value=train"
    "&UserData=IyEvYmluL2Jhc2gKZWNobyBoZWxsbwo%3D";

// Runs smithy_sign.mjs on `input` and returns its one line of output ("" on failure).
std::string SmithyAuthorization(const json& input) {
  char path[] = "/tmp/sky-smithy-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return "";
  close(fd);
  std::ofstream(path) << input.dump();
  const std::string command =
      "node '" + (kTestsDir / "providers" / "smithy_sign.mjs").string() + "' < " + path;
  std::string output;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char buffer[512];
    while (fgets(buffer, sizeof(buffer), pipe) != nullptr) output += buffer;
    const int rc = pclose(pipe);
    EXPECT_EQ(rc, 0) << "node failed; output: " << output;
  }
  fs::remove(path);
  while (!output.empty() && output.back() == '\n') output.pop_back();
  return output;
}

class SigV4SmithyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::is_directory(kTestsDir / "node_modules" / "@smithy" / "signature-v4")) {
      GTEST_SKIP() << "tests/node_modules is missing: run `npm ci --prefix tests` "
                      "(./test.sh does it) to cross-check against @smithy/signature-v4";
    }
  }

  // Signs `request` with ours, and the same request with smithy; returns both headers.
  std::pair<std::string, std::string> SignBoth(HttpRequest request, const json& query,
                                               const AwsCredentials& credentials) {
    EXPECT_TRUE(SignHttpRequest(request, credentials, {"us-east-1", "ec2"}, kEpoch).ok());
    const std::string* ours = FindHeader(request.headers, "Authorization");
    json creds = {{"accessKeyId", credentials.access_key_id},
                  {"secretAccessKey", credentials.secret_access_key}};
    if (!credentials.session_token.empty()) creds["sessionToken"] = credentials.session_token;
    json input = {{"method", request.method},
                  {"hostname", "ec2.us-east-1.amazonaws.com"},
                  {"path", "/"},
                  {"query", query},
                  {"body", request.body},
                  {"region", "us-east-1"},
                  {"service", "ec2"},
                  {"date", kIsoDate},
                  {"credentials", creds},
                  {"headers", {{"host", "ec2.us-east-1.amazonaws.com"}}}};
    for (const auto& [name, value] : request.headers) {
      if (name == "Content-Type") input["headers"][name] = value;
    }
    return {ours ? *ours : "", SmithyAuthorization(input)};
  }
};

AwsCredentials LongTerm() {
  return {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "", "test"};
}

HttpRequest RunInstances() {
  HttpRequest request;
  request.method = "POST";
  request.url = "https://ec2.us-east-1.amazonaws.com/";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  request.body = kRunInstancesBody;
  request.idempotency_key = "sky-llm-finetune-train-a1b2c3";
  return request;
}

TEST_F(SigV4SmithyTest, RunInstancesSpotMatchesSmithy) {
  auto [ours, smithy] = SignBoth(RunInstances(), json::object(), LongTerm());
  ASSERT_FALSE(smithy.empty());
  EXPECT_EQ(ours, smithy);
  EXPECT_NE(ours.find("SignedHeaders=content-type;host;x-amz-date,"), std::string::npos);
}

TEST_F(SigV4SmithyTest, RunInstancesWithSessionTokenMatchesSmithy) {
  AwsCredentials temporary = {
      "ASIAIOSFODNN7EXAMPLE", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
      "IQoJb3JpZ2luX2VjEPT//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+sessionExample=", "test"};
  auto [ours, smithy] = SignBoth(RunInstances(), json::object(), temporary);
  ASSERT_FALSE(smithy.empty());
  EXPECT_EQ(ours, smithy);
  EXPECT_NE(ours.find("x-amz-security-token"), std::string::npos);
}

TEST_F(SigV4SmithyTest, DescribeInstancesQueryMatchesSmithy) {
  HttpRequest request;
  request.method = "GET";
  request.url =
      "https://ec2.us-east-1.amazonaws.com/?Action=DescribeInstances&Version=2016-11-15"
      "&Filter.1.Name=tag%3Askybroker%3Apipeline&Filter.1.Value.1=llm-finetune"
      "&Filter.2.Name=instance-state-name&Filter.2.Value.1=running&MaxResults=100";
  const json query = {{"Action", "DescribeInstances"},
                      {"Version", "2016-11-15"},
                      {"Filter.1.Name", "tag:skybroker:pipeline"},
                      {"Filter.1.Value.1", "llm-finetune"},
                      {"Filter.2.Name", "instance-state-name"},
                      {"Filter.2.Value.1", "running"},
                      {"MaxResults", "100"}};
  auto [ours, smithy] = SignBoth(request, query, LongTerm());
  ASSERT_FALSE(smithy.empty());
  EXPECT_EQ(ours, smithy);
}

}  // namespace
}  // namespace sky::providers::auth
