// Lambda Cloud JSON mapping on the vendor spec's own examples (read from the spec file), the
// spec's error schemas, and SkyPilot's real Lambda catalog for the accelerator names.
#include "providers/lambda/lambda_json.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "providers/lambda/lambda_instance_name.h"
#include "sky/types/csv.h"

namespace sky::providers::lambda {
namespace {

using nlohmann::json;

const char kSpec[] = SKY_SHARED_DIR "/specs/lambda-cloud/lambda-cloud-openapi-v1.6.0.json";
const char kCatalog[] = SKY_SHARED_DIR "/data/catalog/anycloud_skypilot_format/lambda/vms.csv";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class LambdaJsonTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { spec_ = json::parse(ReadFile(kSpec), nullptr, false); }
  void SetUp() override { ASSERT_TRUE(spec_.is_object()) << "cannot read " << kSpec; }

  static const json& Schema(const std::string& name) {
    return spec_["components"]["schemas"][name];
  }
  // The first example of the terminate response: one instance, as the spec writes it.
  static json TerminatedInstanceExample() {
    const json& data = spec_["paths"]["/api/v1/instance-operations/terminate"]["post"]["responses"]
                            ["200"]["content"]["application/json"]["schema"]["properties"]["data"];
    return data["examples"][0]["terminated_instances"][0];
  }
  // {"error": {"code": <default>, "message": <default>}} of an ApiError* schema.
  static std::string ErrorBody(const std::string& schema) {
    const json& properties = Schema(schema)["properties"];
    json error = {{"code", properties["code"]["default"]}};
    if (properties["message"].contains("default")) {
      error["message"] = properties["message"]["default"];
    }
    return json{{"error", error}}.dump();
  }

  static json spec_;
};

json LambdaJsonTest::spec_;

TEST_F(LambdaJsonTest, InstanceTypesExampleGivesOneOfferPerRegionWithCapacity) {
  const json body = {{"data", Schema("InstanceTypes")["example"]}};
  Result<std::vector<Offer>> offers = ParseInstanceTypes(body.dump(), "2026-11-22T00:00:00Z");
  ASSERT_TRUE(offers.ok()) << offers.status().ToString();
  ASSERT_EQ(offers->size(), 1u);
  const Offer& o = offers->front();
  EXPECT_EQ(o.id, "lambda:us-west-1/gpu_1x_gh200/on_demand");
  EXPECT_EQ(o.provider, "lambda");
  EXPECT_EQ(o.region, "us-west-1");
  EXPECT_EQ(o.zone, "");
  EXPECT_EQ(o.accelerator, "GH200");
  EXPECT_EQ(o.accelerator_count, 1);
  EXPECT_DOUBLE_EQ(o.accelerator_memory_gb, 96);
  EXPECT_DOUBLE_EQ(o.vcpus, 64);
  EXPECT_DOUBLE_EQ(o.memory_gb, 432);
  EXPECT_DOUBLE_EQ(o.price_per_hour, 1.49);  // price_cents_per_hour 149
  EXPECT_EQ(o.market, Market::kOnDemand);
  EXPECT_EQ(o.available, 1);
  EXPECT_EQ(o.observed_at, "2026-11-22T00:00:00Z");
  EXPECT_EQ(o.source, "lambda-cloud-api");
}

TEST_F(LambdaJsonTest, TypeWithoutCapacityGivesNoOffer) {
  json example = Schema("InstanceTypes")["example"];
  example["gpu_1x_gh200"]["regions_with_capacity_available"] = json::array();
  EXPECT_TRUE(ParseInstanceTypes(json{{"data", example}}.dump(), "t")->empty());
}

TEST_F(LambdaJsonTest, TerminateResponseExampleInstanceParses) {
  const json body = {{"data", TerminatedInstanceExample()}};
  Result<Instance> instance = ParseInstance(body.dump());
  ASSERT_TRUE(instance.ok()) << instance.status().ToString();
  EXPECT_EQ(instance->id, "0920582c7ff041399e34823a0be62549");
  EXPECT_EQ(instance->provider, "lambda");
  EXPECT_EQ(instance->region, "us-west-1");
  EXPECT_EQ(instance->instance_type, "gpu_8x_a100");
  EXPECT_EQ(instance->offer_id, "lambda:us-west-1/gpu_8x_a100/on_demand");
  EXPECT_EQ(instance->state, InstanceState::kStopping);  // "terminating"
  EXPECT_EQ(instance->public_ip, "198.51.100.2");
  EXPECT_EQ(instance->private_ip, "10.0.2.100");
  EXPECT_TRUE(instance->tags.empty());  // "My Instance" is not a name the adapter made
}

TEST_F(LambdaJsonTest, StatusEnumMapsToStates) {
  const json statuses = Schema("InstanceStatus")["enum"];
  ASSERT_EQ(statuses.size(), 5u);
  const std::map<std::string, InstanceState> want = {{"booting", InstanceState::kPending},
                                                     {"active", InstanceState::kRunning},
                                                     {"unhealthy", InstanceState::kRunning},
                                                     {"terminated", InstanceState::kTerminated},
                                                     {"terminating", InstanceState::kStopping}};
  for (const json& status : statuses) {
    json item = TerminatedInstanceExample();
    item["status"] = status;
    Result<Instance> instance = ParseInstance(json{{"data", item}}.dump());
    ASSERT_TRUE(instance.ok());
    EXPECT_EQ(instance->state, want.at(status.get<std::string>())) << status;
    EXPECT_EQ(instance->reason,
              status == "terminated" ? TerminationReason::kUnknown : TerminationReason::kNone);
  }
}

TEST_F(LambdaJsonTest, InstanceListCarriesNamesAndDecodedTags) {
  json ours = TerminatedInstanceExample();
  ours["id"] = "b";
  ours["name"] = *EncodeInstanceName("key-1", {{"skybroker-pipeline", "p1"}});
  const json body = {{"data", json::array({TerminatedInstanceExample(), ours})}};
  Result<std::vector<NamedInstance>> list = ParseInstanceList(body.dump());
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "My Instance");
  EXPECT_EQ((*list)[1].instance.tags.at("skybroker-pipeline"), "p1");
}

TEST_F(LambdaJsonTest, LaunchResponseExampleGivesTheId) {
  const json ids = Schema("InstanceLaunchResponse")["properties"]["instance_ids"]["examples"][0];
  const json body = {{"data", {{"instance_ids", ids}}}};
  EXPECT_EQ(*ParseLaunchedId(body.dump()), "0920582c7ff041399e34823a0be62549");
  EXPECT_TRUE(ParseLaunchedId(R"({"data":{"instance_ids":[]}})").status().IsInvalidArgument());
}

TEST_F(LambdaJsonTest, LaunchBodyHasTheSpecsRequiredFields) {
  const std::string text = LaunchRequestBody({"us-west-1", "gpu_1x_gh200", "k", "n", ""});
  const json body = json::parse(text);
  for (const json& field : Schema("InstanceLaunchRequest")["required"]) {
    EXPECT_TRUE(body.contains(field.get<std::string>())) << field;
  }
  EXPECT_EQ(body["ssh_key_names"], json::array({"k"}));
  EXPECT_FALSE(body.contains("user_data"));
  EXPECT_EQ(json::parse(LaunchRequestBody({"r", "t", "k", "n", "#!/bin/sh"}))["user_data"],
            "#!/bin/sh");
  EXPECT_EQ(json::parse(TerminateRequestBody("i-1")), json::parse(R"({"instance_ids":["i-1"]})"));
}

TEST_F(LambdaJsonTest, SpecErrorSchemasMapToStatusCodes) {
  Status capacity = StatusFromError(400, ErrorBody("ApiErrorInsufficientCapacity"));
  EXPECT_TRUE(capacity.IsResourceExhausted());
  EXPECT_EQ(capacity.reason(), "capacity");
  Status quota = StatusFromError(400, ErrorBody("ApiErrorQuotaExceeded"));
  EXPECT_TRUE(quota.IsResourceExhausted());
  EXPECT_EQ(quota.reason(), "quota");
  EXPECT_TRUE(StatusFromError(401, ErrorBody("ApiErrorUnauthorized")).IsUnauthenticated());
  EXPECT_TRUE(StatusFromError(403, ErrorBody("ApiErrorAccountInactive")).IsPermissionDenied());
  EXPECT_TRUE(StatusFromError(404, ErrorBody("ApiErrorInstanceNotFound")).IsNotFound());
  EXPECT_TRUE(StatusFromError(400, ErrorBody("ApiErrorInvalidParameters")).IsInvalidArgument());
  EXPECT_TRUE(
      StatusFromError(400, ErrorBody("ApiErrorFileSystemInWrongRegion")).IsInvalidArgument());
  Status throttled = StatusFromError(429, "");
  EXPECT_TRUE(throttled.IsUnavailable());
  EXPECT_EQ(throttled.reason(), "throttled");
  EXPECT_TRUE(StatusFromError(503, "<html>").IsUnavailable());
  EXPECT_NE(capacity.message().find("insufficient-capacity"), std::string::npos);
}

TEST_F(LambdaJsonTest, MalformedBodiesAreInvalidArgument) {
  EXPECT_TRUE(ParseInstanceTypes("not json", "t").status().IsInvalidArgument());
  EXPECT_TRUE(ParseInstanceTypes(R"({"data": []})", "t").status().IsInvalidArgument());
  EXPECT_TRUE(ParseInstanceTypes(R"({"data": {"x": {}}})", "t").status().IsInvalidArgument());
  EXPECT_TRUE(ParseInstance(R"({"data": {"status": "active"}})").status().IsInvalidArgument());
  EXPECT_TRUE(ParseInstanceList(R"({"data": {}})").status().IsInvalidArgument());
}

TEST_F(LambdaJsonTest, GpuMemoryComesFromTheDescription) {
  const json& type = Schema("InstanceType")["properties"];
  EXPECT_DOUBLE_EQ(
      GpuMemoryGbFromDescription(type["gpu_description"]["examples"][0].get<std::string>()), 80);
  EXPECT_DOUBLE_EQ(GpuMemoryGbFromDescription("A100 (40 GB SXM4)"), 40);
  EXPECT_DOUBLE_EQ(GpuMemoryGbFromDescription("CPU only"), 0);
}

// Every row of SkyPilot's real Lambda catalog (anycloud-sh/catalog, 2026-05-20) names the
// accelerator the adapter derives from the instance type name.
TEST_F(LambdaJsonTest, AcceleratorNamesMatchSkyPilotsLambdaCatalog) {
  std::ifstream in(kCatalog);
  ASSERT_TRUE(in) << kCatalog;
  std::string line;
  std::getline(in, line);
  ASSERT_EQ(line.rfind("InstanceType,AcceleratorName,AcceleratorCount,", 0), 0u) << line;
  int rows = 0, gpu_rows = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> fields = SplitCsvLine(line);
    fields.resize(std::max<size_t>(fields.size(), 3));
    const std::string& type = fields[0];
    const std::string& name = fields[1];
    const std::string& count = fields[2];
    ++rows;
    std::optional<AcceleratorSpec> spec = AcceleratorFromInstanceType(type);
    if (name.empty()) {
      EXPECT_FALSE(spec.has_value()) << type;
      continue;
    }
    ++gpu_rows;
    ASSERT_TRUE(spec.has_value()) << type;
    EXPECT_EQ(spec->name, name) << type;
    EXPECT_EQ(spec->count, static_cast<int>(std::stod(count))) << type;
  }
  EXPECT_EQ(rows, 425);
  EXPECT_EQ(gpu_rows, 391);
  EXPECT_EQ(AcceleratorFromInstanceType("gpu_8x_h100_sxm5gdr")->name, "H100");
  EXPECT_FALSE(AcceleratorFromInstanceType("gpu_x_a100").has_value());
  EXPECT_FALSE(AcceleratorFromInstanceType("gpu_99999999999x_a100").has_value());
  EXPECT_EQ(AcceleratorFromInstanceType("gpu_64x_a100")->count, 64);
}

}  // namespace
}  // namespace sky::providers::lambda
