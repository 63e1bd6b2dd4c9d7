#include "providers/gcp/gcp_json.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "providers/gcp/gcp_names.h"
#include "providers/gcp/gcp_test_util.h"
#include "sky/providers/gcp/gcp_provider.h"

namespace sky::providers::gcp {
namespace {

using gcptest::ReadRecorded;
using nlohmann::json;

TEST(GcpJsonTest, EveryRecordedResponseParses) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(gcptest::RecordedDir())) {
    const std::string name = entry.path().filename().string();
    const std::string text = ReadRecorded(name);
    ASSERT_FALSE(text.empty()) << name;
    const std::string kind = json::parse(text).value("kind", "");
    if (kind == "compute#operation") {
      EXPECT_TRUE(ParseOperation(text).ok()) << name;
    } else if (kind == "compute#instance") {
      EXPECT_TRUE(ParseInstance(text).ok()) << name;
    } else {
      EXPECT_EQ(kind, "compute#instanceList") << name;
      EXPECT_TRUE(ParseInstanceList(text, nullptr).ok()) << name;
    }
    ++files;
  }
  EXPECT_EQ(files, 6);
}

TEST(GcpJsonTest, RecordedInstanceGet) {
  const Result<GceInstance> instance =
      ParseInstance(ReadRecorded("zones_us-central1-a_instances_node-name.json"));
  ASSERT_TRUE(instance.ok()) << instance.status().ToString();
  EXPECT_EQ(instance->id, "4006034190819017667");
  EXPECT_EQ(instance->name, "node-name");
  EXPECT_EQ(instance->zone, "us-central1-a");
  EXPECT_EQ(instance->machine_type, "n1-standard-1");
  EXPECT_EQ(instance->status, "RUNNING");
  EXPECT_FALSE(instance->spot);  // automaticRestart true, onHostMaintenance MIGRATE
  EXPECT_EQ(instance->public_ip, "23.236.58.15");
  EXPECT_EQ(instance->private_ip, "10.240.72.75");
  EXPECT_EQ(instance->creation_timestamp, "2013-12-13T10:45:23.351-08:00");
  EXPECT_DOUBLE_EQ(*ParseRfc3339(instance->creation_timestamp), 1386960323.351);
  EXPECT_TRUE(instance->labels.empty());
  EXPECT_EQ(instance->accelerator_count, 0);
}

TEST(GcpJsonTest, RecordedInstanceList) {
  std::string next_page = "stale";
  const Result<std::vector<GceInstance>> list =
      ParseInstanceList(ReadRecorded("zones_us-central1-a_instances.json"), &next_page);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(next_page, "");
  EXPECT_EQ((*list)[0].name, "node-name");
  EXPECT_EQ((*list)[0].id, "4006034190819017667");
  EXPECT_EQ((*list)[0].public_ip, "23.236.58.15");
  EXPECT_EQ((*list)[0].status, "RUNNING");
}

TEST(GcpJsonTest, RecordedInsertAndDeleteOperations) {
  const GceOperation insert =
      *ParseOperation(ReadRecorded("zones_us-central1-a_instances_post.json"));
  EXPECT_EQ(insert.name, "operation-zones_us-central1-a_instances_post");
  EXPECT_EQ(insert.operation_type, "insert");
  EXPECT_EQ(insert.status, "PENDING");
  EXPECT_FALSE(insert.done());
  EXPECT_EQ(insert.zone, "us-central1-a");
  EXPECT_EQ(LastPathSegment(insert.target_link), "lcnode-001");
  const GceOperation insert_done =
      *ParseOperation(ReadRecorded("operations_operation_zones_us-central1-a_instances_post.json"));
  EXPECT_TRUE(insert_done.done());
  EXPECT_EQ(insert_done.progress, 100);
  EXPECT_EQ(insert_done.target_id, "16630486471904253898");
  EXPECT_TRUE(StatusFromOperation(insert_done).ok());

  const GceOperation del =
      *ParseOperation(ReadRecorded("zones_us-central1-a_instances_node-name_delete.json"));
  EXPECT_EQ(del.operation_type, "delete");
  EXPECT_EQ(del.status, "PENDING");
  EXPECT_EQ(del.progress, 0);
  const GceOperation del_done = *ParseOperation(
      ReadRecorded("operations_operation_zones_us-central1-a_instances_node-name_delete.json"));
  EXPECT_TRUE(del_done.done());
  EXPECT_EQ(del_done.target_id, "07410051435384876224");
  EXPECT_EQ(del_done.insert_time, "2013-06-26T10:05:40.350-07:00");
}

TEST(GcpJsonTest, ReadsSpotSchedulingAcceleratorsAndLabels) {
  json j = json::parse(ReadRecorded("zones_us-central1-a_instances_node-name.json"));
  j["scheduling"] = {{"provisioningModel", "SPOT"}, {"instanceTerminationAction", "DELETE"}};
  j["guestAccelerators"] =
      json::array({{{"acceleratorType",
                     "https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-a/"
                     "acceleratorTypes/nvidia-tesla-t4"},
                    {"acceleratorCount", 2}}});
  j["labels"] = {{"skybroker-pipeline", "p1"}};
  const GceInstance instance = *ParseInstance(j.dump());
  EXPECT_TRUE(instance.spot);
  EXPECT_EQ(instance.accelerator_type, "nvidia-tesla-t4");
  EXPECT_EQ(instance.accelerator_count, 2);
  EXPECT_EQ(instance.labels.at("skybroker-pipeline"), "p1");
  j["scheduling"] = {{"preemptible", true}};
  EXPECT_TRUE(ParseInstance(j.dump())->spot);
}

TEST(GcpJsonTest, MalformedInputIsInvalidArgument) {
  EXPECT_TRUE(ParseInstance("{not json").status().IsInvalidArgument());
  EXPECT_TRUE(ParseInstance("[]").status().IsInvalidArgument());
  EXPECT_TRUE(ParseInstance("{}").status().IsInvalidArgument());
  EXPECT_TRUE(ParseOperation("{\"status\": \"DONE\"}").status().IsInvalidArgument());
  EXPECT_TRUE(ParseInstanceList("{\"items\": 3}", nullptr).status().IsInvalidArgument());
  EXPECT_TRUE(ParseInstanceList("{\"kind\": \"compute#instanceList\"}", nullptr)->empty());
}

// Found by fuzzing (tests/fuzz/regressions/gcp_json): converting such numbers to int was
// undefined behaviour. They read as 0, like any other unusable number.
TEST(GcpJsonTest, NumbersOutsideIntRangeReadAsZero) {
  auto types = ParseAcceleratorTypeList(
      R"({"items": [{"name": "nvidia-tesla-t4", "zone": "zones/us-central1-a",
                     "maximumCardsPerInstance": 1e20}]})",
      nullptr);
  ASSERT_TRUE(types.ok()) << types.status().ToString();
  ASSERT_EQ(types->size(), 1u);
  EXPECT_EQ((*types)[0].maximum_cards_per_instance, 0);
  auto op =
      ParseOperation(R"({"name": "op", "progress": -1e300, "httpErrorStatusCode": "99999999999"})");
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  EXPECT_EQ(op->progress, 0);
  EXPECT_EQ(op->http_error_status_code, 0);
}

TEST(GcpJsonTest, InsertBodyForSpotT4OnN1) {
  InsertSpec spec;
  spec.name = "sky-p1-train-0a1b2c3d";
  spec.zone = "us-central1-a";
  spec.machine_type = "n1-highmem-8";
  spec.accelerator_type = "nvidia-tesla-t4";
  spec.accelerator_count = 1;
  spec.has_gpus = true;
  spec.spot = true;
  spec.labels = {{"skybroker-pipeline", "p1"}};
  spec.startup_script = "#!/bin/sh\necho hi\n";
  spec.source_image = "projects/debian-cloud/global/images/family/debian-12";
  spec.network = "global/networks/default";
  const json body = json::parse(InstanceInsertBody(spec));
  EXPECT_EQ(body["name"], "sky-p1-train-0a1b2c3d");
  EXPECT_EQ(body["machineType"], "zones/us-central1-a/machineTypes/n1-highmem-8");
  EXPECT_EQ(body["guestAccelerators"][0]["acceleratorType"],
            "zones/us-central1-a/acceleratorTypes/nvidia-tesla-t4");
  EXPECT_EQ(body["guestAccelerators"][0]["acceleratorCount"], 1);
  EXPECT_EQ(body["scheduling"], json({{"provisioningModel", "SPOT"},
                                      {"instanceTerminationAction", "DELETE"},
                                      {"automaticRestart", false},
                                      {"onHostMaintenance", "TERMINATE"}}));
  EXPECT_EQ(body["labels"], json({{"skybroker-pipeline", "p1"}}));
  EXPECT_EQ(body["metadata"]["items"][0],
            json({{"key", "startup-script"}, {"value", "#!/bin/sh\necho hi\n"}}));
  EXPECT_EQ(body["disks"][0]["boot"], true);
  EXPECT_EQ(body["networkInterfaces"][0]["accessConfigs"][0]["type"], "ONE_TO_ONE_NAT");

  spec.spot = false;
  spec.has_gpus = false;
  spec.accelerator_type.clear();
  spec.startup_script.clear();
  const json on_demand = json::parse(InstanceInsertBody(spec));
  EXPECT_EQ(on_demand["scheduling"], json::object());
  EXPECT_FALSE(on_demand.contains("guestAccelerators"));
  EXPECT_FALSE(on_demand.contains("metadata"));
}

std::string ErrorBody(int code, const std::string& reason, const std::string& message) {
  return json({{"error",
                {{"code", code},
                 {"message", message},
                 {"errors",
                  json::array(
                      {{{"domain", "global"}, {"reason", reason}, {"message", message}}})}}}})
      .dump();
}

TEST(GcpJsonTest, HttpErrorsMapToActionableCodes) {
  const Status throttled =
      StatusFromHttpError(403, ErrorBody(403, "rateLimitExceeded", "Rate Limit Exceeded"));
  EXPECT_TRUE(throttled.IsUnavailable());
  EXPECT_EQ(throttled.reason(), "throttled");
  EXPECT_EQ(StatusFromHttpError(429, "").reason(), "throttled");
  const Status quota = StatusFromHttpError(
      403, ErrorBody(403, "quotaExceeded", "Quota 'NVIDIA_T4_GPUS' exceeded. Limit: 0.0"));
  EXPECT_TRUE(quota.IsResourceExhausted());
  EXPECT_EQ(quota.reason(), "quota");
  const Status capacity = StatusFromHttpError(
      503, ErrorBody(503, "ZONE_RESOURCE_POOL_EXHAUSTED", "does not have enough resources"));
  EXPECT_TRUE(capacity.IsResourceExhausted());
  EXPECT_EQ(capacity.reason(), "capacity");
  EXPECT_TRUE(StatusFromHttpError(404, ErrorBody(404, "notFound", "gone")).IsNotFound());
  EXPECT_TRUE(StatusFromHttpError(409, ErrorBody(409, "alreadyExists", "x")).IsAlreadyExists());
  EXPECT_TRUE(StatusFromHttpError(400, ErrorBody(400, "invalid", "bad")).IsInvalidArgument());
  EXPECT_TRUE(StatusFromHttpError(401, "").IsUnauthenticated());
  EXPECT_TRUE(StatusFromHttpError(403, ErrorBody(403, "forbidden", "no")).IsPermissionDenied());
  EXPECT_TRUE(StatusFromHttpError(500, "<html>").IsUnavailable());
  const Status redacted = StatusFromHttpError(
      400, ErrorBody(400, "invalid", "bad header Authorization: Bearer ya29.secret-token"));
  EXPECT_EQ(redacted.message().find("ya29.secret-token"), std::string::npos);
}

TEST(GcpJsonTest, RetryClassifierRetriesThrottlingButNeverCapacity) {
  EXPECT_TRUE(IsRetryableGceResponse({429, {}, ""}));
  EXPECT_TRUE(IsRetryableGceResponse({503, {}, "backend error"}));
  EXPECT_TRUE(IsRetryableGceResponse({403, {}, ErrorBody(403, "rateLimitExceeded", "slow")}));
  EXPECT_FALSE(IsRetryableGceResponse(
      {503, {}, ErrorBody(503, "ZONE_RESOURCE_POOL_EXHAUSTED", "no T4 in us-central1-a")}));
  EXPECT_FALSE(IsRetryableGceResponse({403, {}, ErrorBody(403, "quotaExceeded", "quota")}));
  EXPECT_FALSE(IsRetryableGceResponse({400, {}, ""}));
  EXPECT_FALSE(IsRetryableGceResponse({200, {}, ""}));
}

TEST(GcpJsonTest, OperationErrorsMapToActionableCodes) {
  json op =
      json::parse(ReadRecorded("operations_operation_zones_us-central1-a_instances_post.json"));
  auto with_error = [&](const std::string& code, int http) {
    op["httpErrorStatusCode"] = http;
    op["error"] = {{"errors", json::array({{{"code", code}, {"message", "m"}}})}};
    return StatusFromOperation(*ParseOperation(op.dump()));
  };
  EXPECT_EQ(with_error("ZONE_RESOURCE_POOL_EXHAUSTED", 503).reason(), "capacity");
  EXPECT_EQ(with_error("ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS", 503).reason(), "capacity");
  EXPECT_TRUE(with_error("ZONE_RESOURCE_POOL_EXHAUSTED", 503).IsResourceExhausted());
  EXPECT_EQ(with_error("QUOTA_EXCEEDED", 403).reason(), "quota");
  EXPECT_EQ(with_error("rateLimitExceeded", 403).reason(), "throttled");
  EXPECT_TRUE(with_error("RESOURCE_ALREADY_EXISTS", 409).IsAlreadyExists());
  EXPECT_TRUE(with_error("INVALID_FIELD_VALUE", 400).IsInvalidArgument());
  EXPECT_TRUE(with_error("SOMETHING_NEW", 0).IsInternal());
}

}  // namespace
}  // namespace sky::providers::gcp
