// RunPod JSON mapping on the vendor specs' own examples (read from the spec files): the v2
// GPU catalog example, a v1 Pod assembled from the Pod schema's property examples, the v2
// error examples, and the v1 request schema that PodCreateBody must satisfy.
#include "providers/runpod/runpod_json.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace sky::providers::runpod {
namespace {

using nlohmann::json;

const char kV1[] = SKY_SHARED_DIR "/specs/runpod/runpod-rest-v1-openapi.json";
const char kV2[] = SKY_SHARED_DIR "/specs/runpod/runpod-rest-v2-openapi.json";

json ReadJson(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str(), nullptr, false);
}

// An object built from a schema's property `example`s, nested objects included.
json ExampleFromProperties(const json& schema) {
  json out = json::object();
  for (const auto& [name, property] : schema["properties"].items()) {
    if (property.contains("example")) {
      out[name] = property["example"];
    } else if (property.contains("properties")) {
      out[name] = ExampleFromProperties(property);
    }
  }
  return out;
}

class RunPodJsonTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    v1_ = ReadJson(kV1);
    v2_ = ReadJson(kV2);
  }
  void SetUp() override {
    ASSERT_TRUE(v1_.is_object()) << kV1;
    ASSERT_TRUE(v2_.is_object()) << kV2;
  }
  static json CatalogExample() {
    return v2_["paths"]["/v2/catalog/gpus"]["get"]["responses"]["200"]["content"]
              ["application/json"]["examples"]["gpus"]["value"];
  }
  static json PodExample() { return ExampleFromProperties(v1_["components"]["schemas"]["Pod"]); }
  static const json& CreateInput() { return v1_["components"]["schemas"]["PodCreateInput"]; }

  static json v1_, v2_;
};

json RunPodJsonTest::v1_;
json RunPodJsonTest::v2_;

TEST_F(RunPodJsonTest, CatalogExampleGivesAnOfferPerCountAndDataCenter) {
  Result<GpuCatalog> catalog = ParseGpuCatalog(CatalogExample().dump(), "2026-11-22T00:00:00Z");
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  ASSERT_EQ(catalog->offers.size(), 8u);  // maxCount.secure 8, one data center
  const Offer& one = catalog->offers.front();
  EXPECT_EQ(one.id, "runpod:US:US-KS-2/1x_RTX4090_SECURE/on_demand");
  EXPECT_EQ(one.region, "US");
  EXPECT_EQ(one.zone, "US-KS-2");
  EXPECT_EQ(one.accelerator, "RTX4090");
  EXPECT_EQ(one.accelerator_count, 1);
  EXPECT_DOUBLE_EQ(one.accelerator_memory_gb, 24);
  EXPECT_DOUBLE_EQ(one.price_per_hour, 0.44);
  EXPECT_EQ(one.market, Market::kOnDemand);
  EXPECT_FALSE(one.available.has_value());  // "HIGH" is a level, not a count
  EXPECT_EQ(one.source, "runpod-api");
  const Offer& eight = catalog->offers.back();
  EXPECT_EQ(eight.instance_type, "8x_RTX4090_SECURE");
  EXPECT_DOUBLE_EQ(eight.price_per_hour, 0.44 * 8);
  EXPECT_EQ(catalog->gpu_type_ids.at("RTX4090"), "NVIDIA GeForce RTX 4090");
}

TEST_F(RunPodJsonTest, NoStockIsZeroAvailableAndCommunityOnlyGivesNoOffer) {
  json body = CatalogExample();
  body["gpus"][0]["dataCenters"][0]["availability"] = "NONE";
  EXPECT_EQ(ParseGpuCatalog(body.dump(), "t")->offers.front().available, 0);
  body["gpus"][0]["secure"] = false;
  Result<GpuCatalog> community = ParseGpuCatalog(body.dump(), "t");
  EXPECT_TRUE(community->offers.empty());
  EXPECT_EQ(community->gpu_type_ids.size(), 1u);  // still launchable by name
  EXPECT_TRUE(ParseGpuCatalog(R"({"gpus": {}})", "t").status().IsInvalidArgument());
  EXPECT_TRUE(ParseGpuCatalog("<html>", "t").status().IsInvalidArgument());
}

// Found by fuzzing (tests/fuzz/regressions/runpod_json): a huge maxCount made one offer per
// count (billions), and converting 1e20 to int was undefined behaviour.
TEST_F(RunPodJsonTest, GpuCountsAbove64AreMalformedAndGiveNoOffers) {
  json body = CatalogExample();
  for (double most : {65.0, 1e9, 1e20}) {
    body["gpus"][0]["maxCount"]["secure"] = most;
    Result<GpuCatalog> catalog = ParseGpuCatalog(body.dump(), "t");
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    EXPECT_TRUE(catalog->offers.empty()) << most;
  }
  body["gpus"][0]["maxCount"]["secure"] = 64;
  EXPECT_EQ(ParseGpuCatalog(body.dump(), "t")->offers.size(), 64u);
}

TEST_F(RunPodJsonTest, PodSchemaExamplesParse) {
  const json pod = PodExample();
  ASSERT_EQ(pod["id"], "xedezhzb9la3ye");
  Result<Pod> parsed = ParsePod(pod.dump());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const Instance& instance = parsed->instance;
  EXPECT_EQ(instance.id, "xedezhzb9la3ye");
  EXPECT_EQ(instance.provider, "runpod");
  EXPECT_EQ(instance.public_ip, "100.65.0.119");
  EXPECT_EQ(instance.state, InstanceState::kRunning);
  EXPECT_EQ(instance.market, Market::kOnDemand);               // interruptible: false
  EXPECT_TRUE(instance.tags.empty());                          // env {"ENV_VAR": "value"}
  EXPECT_DOUBLE_EQ(instance.launched_at_seconds, 1720811680);  // 2024-07-12T19:14:40Z
}

TEST_F(RunPodJsonTest, InterruptiblePodThatStoppedIsPreempted) {
  for (const char* status : {"EXITED", "TERMINATED"}) {
    json pod = PodExample();
    pod["desiredStatus"] = status;
    pod["interruptible"] = true;
    Result<Pod> spot = ParsePod(pod.dump());
    ASSERT_TRUE(spot.ok());
    EXPECT_EQ(spot->instance.state, InstanceState::kTerminated) << status;
    EXPECT_EQ(spot->instance.reason, TerminationReason::kPreempted) << status;
    EXPECT_EQ(spot->instance.market, Market::kSpot);
    pod["interruptible"] = false;
    EXPECT_EQ(ParsePod(pod.dump())->instance.reason, TerminationReason::kUnknown) << status;
  }
  json pending = PodExample();
  pending["publicIp"] = nullptr;  // nullable in the spec: not up yet
  EXPECT_EQ(ParsePod(pending.dump())->instance.state, InstanceState::kPending);
}

TEST_F(RunPodJsonTest, MachineGpuAndEnvGiveZoneTypeAndTags) {
  json pod = PodExample();
  pod["machine"] = {{"dataCenterId", "EU-RO-1"}, {"secureCloud", true}};
  pod["gpu"] = {{"id", "NVIDIA A100-SXM4-80GB"}, {"count", 8}, {"displayName", "A100 SXM"}};
  pod["env"] = {{"SKYBROKER_TAGS", R"({"skybroker-pipeline":"p1","n":7})"}, {"X", 3}};
  Result<Pod> parsed = ParsePod(pod.dump());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->instance.zone, "EU-RO-1");
  EXPECT_EQ(parsed->instance.region, "RO");
  EXPECT_EQ(parsed->instance.instance_type, "8x_A100-80GB-SXM_SECURE");
  EXPECT_EQ(parsed->instance.offer_id, "runpod:RO:EU-RO-1/8x_A100-80GB-SXM_SECURE/on_demand");
  EXPECT_EQ(parsed->instance.tags,
            (std::map<std::string, std::string>{{"skybroker-pipeline", "p1"}}));
  const json list = json::array({pod, PodExample()});
  EXPECT_EQ(ParsePodList(list.dump())->size(), 2u);
  EXPECT_TRUE(ParsePodList(pod.dump()).status().IsInvalidArgument());
  EXPECT_TRUE(ParsePod("{}").status().IsInvalidArgument());
}

TEST_F(RunPodJsonTest, CreateBodyUsesOnlyTheSpecsFieldsAndEnums) {
  PodCreate create{"sky-0123456789abcdef",
                   "runpod/pytorch:2.1.0",
                   "NVIDIA GeForce RTX 4090",
                   2,
                   "SECURE",
                   true,
                   "US-KS-2",
                   {{"skybroker-stage", "train"}},
                   "echo hi"};
  const json body = json::parse(PodCreateBody(create));
  const json& properties = CreateInput()["properties"];
  for (const auto& [key, value] : body.items()) {
    EXPECT_TRUE(properties.contains(key)) << key;
  }
  auto in_enum = [](const json& values, const json& value) {
    return std::find(values.begin(), values.end(), value) != values.end();
  };
  EXPECT_TRUE(in_enum(properties["gpuTypeIds"]["items"]["enum"], body["gpuTypeIds"][0]));
  EXPECT_TRUE(in_enum(properties["dataCenterIds"]["items"]["enum"], body["dataCenterIds"][0]));
  EXPECT_TRUE(in_enum(properties["cloudType"]["enum"], body["cloudType"]));
  EXPECT_EQ(body["interruptible"], true);
  EXPECT_EQ(body["gpuCount"], 2);
  EXPECT_EQ(body["dockerStartCmd"], json::array({"bash", "-c", "echo hi"}));
  EXPECT_EQ(json::parse(body["env"]["SKYBROKER_TAGS"].get<std::string>())["skybroker-stage"],
            "train");
  create.data_center.clear();
  create.startup_script.clear();
  const json bare = json::parse(PodCreateBody(create));
  EXPECT_FALSE(bare.contains("dataCenterIds"));
  EXPECT_FALSE(bare.contains("dockerStartCmd"));
}

TEST_F(RunPodJsonTest, EveryLaunchableDataCenterHasACountry) {
  const json& centers = CreateInput()["properties"]["dataCenterIds"]["items"]["enum"];
  ASSERT_GE(centers.size(), 20u);
  for (const json& center : centers) {
    const std::string country = CountryOfDataCenter(center.get<std::string>());
    EXPECT_EQ(country.size(), 2u) << center << " -> " << country;
  }
  EXPECT_EQ(CountryOfDataCenter("US-KS-2"), "US");
  EXPECT_EQ(CountryOfDataCenter("CA-MTL-1"), "CA");
  EXPECT_EQ(CountryOfDataCenter("EUR-IS-1"), "IS");
  EXPECT_EQ(CountryOfDataCenter("OC-AU-1"), "AU");
  EXPECT_EQ(CountryOfDataCenter("AP-JP-1"), "JP");
}

TEST_F(RunPodJsonTest, GpuNamesFollowSkyPilot) {
  const std::map<std::string, std::string> names = {{"RTX 4090", "RTX4090"},
                                                    {"A100 PCIe", "A100-80GB"},
                                                    {"A100 SXM", "A100-80GB-SXM"},
                                                    {"H100 PCIe", "H100"},
                                                    {"H100 SXM", "H100-SXM"},
                                                    {"H100 NVL", "H100-NVL"},
                                                    {"RTX 6000 Ada", "RTX6000-Ada"},
                                                    {"RTX A6000", "RTXA6000"},
                                                    {"RTX PRO 6000", "RTXPRO6000"},
                                                    {"MI300X", "MI300X"},
                                                    {"L40S", "L40S"},
                                                    {"H200 SXM", "H200-SXM"}};
  for (const auto& [display, canonical] : names) {
    EXPECT_EQ(CanonicalGpuName(display), canonical) << display;
  }
}

TEST_F(RunPodJsonTest, InstanceTypeNamesRoundTrip) {
  const InstanceTypeName type{8, "A100-80GB-SXM", "COMMUNITY"};
  EXPECT_EQ(FormatInstanceType(type), "8x_A100-80GB-SXM_COMMUNITY");
  std::optional<InstanceTypeName> parsed = ParseInstanceType("8x_A100-80GB-SXM_COMMUNITY");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->gpu_count, 8);
  EXPECT_EQ(parsed->accelerator, "A100-80GB-SXM");
  EXPECT_EQ(parsed->cloud, "COMMUNITY");
  EXPECT_EQ(ParseInstanceType("1x_MI300X_SECURE")->accelerator, "MI300X");
  for (const char* bad : {"x_A_SECURE", "0x_A_SECURE", "2x_A_SPOT", "2x__SECURE", "gpu_1x_a10",
                          "65x_A_SECURE", "99999999999x_A_SECURE"}) {
    EXPECT_FALSE(ParseInstanceType(bad).has_value()) << bad;
  }
}

TEST_F(RunPodJsonTest, ErrorsMapToStatusCodes) {
  const json& responses = v2_["components"]["responses"];
  const json throttled_body =
      responses["TooManyRequestsError"]["content"]["application/problem+json"]["examples"]
               ["rateLimited"]["value"];
  Status throttled = StatusFromError(429, throttled_body.dump());
  EXPECT_TRUE(throttled.IsUnavailable());
  EXPECT_EQ(throttled.reason(), "throttled");
  const json& error = v2_["components"]["schemas"]["ErrorResponse"]["properties"];
  const json not_found = {{"title", error["title"]["examples"][0]},
                          {"status", error["status"]["examples"][0]},
                          {"detail", error["detail"]["examples"][0]}};
  EXPECT_TRUE(StatusFromError(404, not_found.dump()).IsNotFound());
  // RunPod's words when no machine can take the pod, as v2 problem+json and as v1 error.
  const std::string no_capacity =
      "There are no longer any instances available with the requested specifications. "
      "Please refresh and try again.";
  for (const json& body : {json{{"title", "Bad Request"}, {"status", 400}, {"detail", no_capacity}},
                           json{{"error", no_capacity}}}) {
    Status capacity = StatusFromError(400, body.dump());
    EXPECT_TRUE(capacity.IsResourceExhausted()) << body;
    EXPECT_EQ(capacity.reason(), "capacity");
  }
  Status quota = StatusFromError(400, R"({"error":"GPU quota exceeded for this account"})");
  EXPECT_EQ(quota.reason(), "quota");
  EXPECT_TRUE(StatusFromError(400, "").IsInvalidArgument());
  EXPECT_TRUE(StatusFromError(401, "").IsUnauthenticated());
  EXPECT_TRUE(StatusFromError(502, "<html>bad gateway</html>").IsUnavailable());
}

// RunPod has no error codes: the one text classifier names capacity and quota, and nothing
// else, whatever the HTTP status.
TEST_F(RunPodJsonTest, ResourceReasonIsReadFromTheTextInOnePlace) {
  EXPECT_EQ(ResourceReasonFromText("There are no longer any instances available with the "
                                   "requested specifications."),
            "capacity");
  EXPECT_EQ(ResourceReasonFromText("No instances available"), "capacity");
  EXPECT_EQ(ResourceReasonFromText("Not enough free GPUs on the host machine"), "capacity");
  EXPECT_EQ(ResourceReasonFromText("GPU QUOTA exceeded"), "quota");
  EXPECT_EQ(ResourceReasonFromText("Your spend limit has been reached"), "quota");
  EXPECT_EQ(ResourceReasonFromText("Too many requests"), "");
  EXPECT_EQ(ResourceReasonFromText(""), "");
  Status server = StatusFromError(503, R"({"error":"not enough free GPUs"})");
  EXPECT_TRUE(server.IsResourceExhausted()) << server.ToString();
  EXPECT_EQ(server.reason(), "capacity");
}

}  // namespace
}  // namespace sky::providers::runpod
