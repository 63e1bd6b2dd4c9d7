#include "api/handlers/pipeline_json.h"

#include <gtest/gtest.h>

namespace sky::api {
namespace {

using nlohmann::json;

broker::StageRecord TrainStage() {
  broker::StageRecord s;
  s.name = "train";
  s.state = broker::StageState::kRunning;
  s.attempt = 2;
  s.offer_id = "gcp/us-central1-a/g2-standard-4/spot";
  s.instance_id = "sim-7";
  s.idempotency_key = "key-secret";
  s.cost_usd = 1.25;
  s.progress = 0.5;
  s.checkpoint = 0.25;
  s.failures = 1;
  s.log_tail = "epoch 3\n";
  s.token_hash = "hash-secret";
  s.last_heartbeat_at = 1700000060;
  return s;
}

broker::AttemptRecord LiveAttempt() {
  broker::AttemptRecord a;
  a.pipeline_id = "p1";
  a.stage = "train";
  a.attempt = 2;
  a.offer_id = "gcp/us-central1-a/g2-standard-4/spot";
  a.provider = "gcp";
  a.location = "gcp:us-central1:us-central1-a";
  a.market = "spot";
  a.price_per_hour = 0.3;
  a.idempotency_key = "p1-train-2";
  a.requested_at = 1700000000;
  return a;
}

class PipelineJsonTest : public ::testing::Test {};

TEST_F(PipelineJsonTest, IsoTimeIsUtc) {
  EXPECT_EQ(IsoTime(1700000000), "2023-11-14T22:13:20Z");
  EXPECT_EQ(IsoTime(0), "1970-01-01T00:00:00Z");
}

TEST_F(PipelineJsonTest, StageHasEveryPublicFieldAndNoSecrets) {
  const json j = StageToJson(TrainStage());
  EXPECT_EQ(j["name"], "train");
  EXPECT_EQ(j["state"], "running");
  EXPECT_EQ(j["attempt"], 2);
  EXPECT_EQ(j["offer_id"], "gcp/us-central1-a/g2-standard-4/spot");
  EXPECT_EQ(j["instance_id"], "sim-7");
  EXPECT_DOUBLE_EQ(j["progress"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(j["checkpoint"].get<double>(), 0.25);
  EXPECT_EQ(j["failures"], 1);
  EXPECT_DOUBLE_EQ(j["cost_usd"].get<double>(), 1.25);
  EXPECT_EQ(j["log_tail"], "epoch 3\n");
  EXPECT_EQ(j["last_heartbeat_at"], "2023-11-14T22:14:20Z");
  EXPECT_DOUBLE_EQ(j["last_heartbeat_at_unix"].get<double>(), 1700000060);
  const std::string text = j.dump();
  EXPECT_EQ(text.find("secret"), std::string::npos) << text;
}

TEST_F(PipelineJsonTest, UnlaunchedStageHasNulls) {
  broker::StageRecord s;
  s.name = "prepare";
  const json j = StageToJson(s);
  EXPECT_EQ(j["state"], "pending");
  EXPECT_TRUE(j["offer_id"].is_null());
  EXPECT_TRUE(j["instance_id"].is_null());
  EXPECT_TRUE(j["last_heartbeat_at"].is_null());
  EXPECT_TRUE(j["last_heartbeat_at_unix"].is_null());
}

TEST_F(PipelineJsonTest, AttemptHasEveryField) {
  broker::AttemptRecord a = LiveAttempt();
  json j = AttemptToJson(a);
  EXPECT_EQ(j["pipeline_id"], "p1");
  EXPECT_EQ(j["stage"], "train");
  EXPECT_EQ(j["attempt"], 2);
  EXPECT_EQ(j["offer_id"], "gcp/us-central1-a/g2-standard-4/spot");
  EXPECT_EQ(j["provider"], "gcp");
  EXPECT_EQ(j["location"], "gcp:us-central1:us-central1-a");
  EXPECT_EQ(j["market"], "spot");
  EXPECT_DOUBLE_EQ(j["price_per_hour"].get<double>(), 0.3);
  EXPECT_EQ(j["idempotency_key"], "p1-train-2");
  EXPECT_EQ(j["requested_at"], "2023-11-14T22:13:20Z");
  EXPECT_DOUBLE_EQ(j["requested_at_unix"].get<double>(), 1700000000);
  // Live: no instance yet, no end, no outcome.
  EXPECT_TRUE(j["instance_id"].is_null());
  EXPECT_TRUE(j["ended_at"].is_null());
  EXPECT_TRUE(j["outcome"].is_null());
  EXPECT_DOUBLE_EQ(j["cost_usd"].get<double>(), 0);
  a.instance_id = "sim-7";
  a.ended_at = 1700003600;
  a.outcome = "preempted";
  a.cost_usd = 0.3;
  j = AttemptToJson(a);
  EXPECT_EQ(j["instance_id"], "sim-7");
  EXPECT_EQ(j["ended_at"], "2023-11-14T23:13:20Z");
  EXPECT_EQ(j["outcome"], "preempted");
  EXPECT_DOUBLE_EQ(j["cost_usd"].get<double>(), 0.3);
}

TEST_F(PipelineJsonTest, EventOfPipelineHasNullStage) {
  broker::EventRecord e;
  e.seq = 7;
  e.pipeline_id = "p1";
  e.kind = "state";
  e.message = "submitted -> planned: plan found";
  e.at = 1700000000;
  json j = EventToJson(e);
  EXPECT_EQ(j["seq"], 7);
  EXPECT_TRUE(j["stage"].is_null());
  EXPECT_EQ(j["kind"], "state");
  EXPECT_EQ(j["message"], "submitted -> planned: plan found");
  EXPECT_EQ(j["at"], "2023-11-14T22:13:20Z");
  e.stage = "train";
  EXPECT_EQ(EventToJson(e)["stage"], "train");
}

TEST_F(PipelineJsonTest, ViewHasSummaryPlanStagesAttemptsAndCost) {
  broker::PipelineView view;
  view.record.id = "p1";
  view.record.tenant = "default";
  view.record.name = "quickstart";
  view.record.state = broker::PipelineState::kRunning;
  view.record.created_at = 1700000000;
  view.record.updated_at = 1700000100;
  view.record.plan_json = R"({"status":"optimal","total_cost_usd":3.5})";
  broker::StageRecord done;
  done.name = "prepare";
  done.state = broker::StageState::kSucceeded;
  done.cost_usd = 0.75;
  view.record.stages = {done, TrainStage()};
  view.attempts = {LiveAttempt()};
  view.actual_cost_usd = 2.5;
  view.estimated_cost_usd = 3.5;
  const json j = PipelineViewToJson(view);
  EXPECT_EQ(j["id"], "p1");
  EXPECT_EQ(j["tenant"], "default");
  EXPECT_EQ(j["name"], "quickstart");
  EXPECT_EQ(j["state"], "running");
  EXPECT_EQ(j["created_at"], "2023-11-14T22:13:20Z");
  EXPECT_DOUBLE_EQ(j["updated_at_unix"].get<double>(), 1700000100);
  EXPECT_EQ(j["stages_total"], 2);
  EXPECT_EQ(j["stages_succeeded"], 1);
  EXPECT_DOUBLE_EQ(j["cost_usd"].get<double>(), 2.0);
  EXPECT_EQ(j["plan"]["status"], "optimal");
  ASSERT_EQ(j["stages"].size(), 2u);
  EXPECT_EQ(j["stages"][1]["name"], "train");
  ASSERT_EQ(j["attempts"].size(), 1u);
  EXPECT_EQ(j["attempts"][0]["attempt"], 2);
  EXPECT_DOUBLE_EQ(j["cost"]["actual_usd"].get<double>(), 2.5);
  EXPECT_DOUBLE_EQ(j["cost"]["estimated_usd"].get<double>(), 3.5);
}

TEST_F(PipelineJsonTest, ViewBeforePlanningHasNullPlan) {
  broker::PipelineView view;
  view.record.id = "p2";
  EXPECT_TRUE(PipelineViewToJson(view)["plan"].is_null());
  view.record.plan_json = "{broken";
  EXPECT_TRUE(PipelineViewToJson(view)["plan"].is_null());
}

TEST_F(PipelineJsonTest, HeartbeatReadsEveryField) {
  auto report = ParseHeartbeat(
      R"({"progress": 0.4, "checkpoint": 0.25, "exit_code": 3, "log_tail": "oops\n"})");
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_DOUBLE_EQ(*report->progress, 0.4);
  EXPECT_DOUBLE_EQ(*report->checkpoint, 0.25);
  EXPECT_EQ(*report->exit_code, 3);
  EXPECT_EQ(report->log_tail, "oops\n");
}

TEST_F(PipelineJsonTest, HeartbeatFieldsAreOptional) {
  for (const char* body : {"", "  \n", "{}", R"({"progress": null, "exit_code": null})"}) {
    auto report = ParseHeartbeat(body);
    ASSERT_TRUE(report.ok()) << body << ": " << report.status().ToString();
    EXPECT_FALSE(report->progress.has_value());
    EXPECT_FALSE(report->checkpoint.has_value());
    EXPECT_FALSE(report->exit_code.has_value());
    EXPECT_EQ(report->log_tail, "");
  }
  auto zero = ParseHeartbeat(R"({"progress": 1, "exit_code": 0})");
  ASSERT_TRUE(zero.ok());
  EXPECT_DOUBLE_EQ(*zero->progress, 1.0);
  EXPECT_EQ(*zero->exit_code, 0);
}

TEST_F(PipelineJsonTest, HeartbeatWrongTypesNameTheField) {
  struct Case {
    const char* body;
    const char* field;
  };
  for (const Case& c :
       {Case{R"({"progress": "half"})", "progress"}, Case{R"({"checkpoint": true})", "checkpoint"},
        Case{R"({"exit_code": 1.5})", "exit_code"}, Case{R"({"exit_code": "0"})", "exit_code"},
        Case{R"({"exit_code": 99999999999})", "exit_code"},
        Case{R"({"log_tail": 3})", "log_tail"}}) {
    auto report = ParseHeartbeat(c.body);
    ASSERT_TRUE(report.status().IsInvalidArgument()) << c.body;
    EXPECT_NE(report.status().message().find(c.field), std::string::npos)
        << c.body << ": " << report.status().message();
  }
  EXPECT_TRUE(ParseHeartbeat("not json").status().IsInvalidArgument());
  EXPECT_TRUE(ParseHeartbeat("[1]").status().IsInvalidArgument());
}

TEST_F(PipelineJsonTest, QueryBuildsTheFilter) {
  auto filter = ParsePipelineQuery({{"state", "running"}, {"limit", "5"}, {"offset", "10"}}, "t1");
  ASSERT_TRUE(filter.ok()) << filter.status().ToString();
  EXPECT_EQ(filter->tenant, "t1");
  EXPECT_EQ(filter->state, broker::PipelineState::kRunning);
  EXPECT_EQ(filter->limit, 5u);
  EXPECT_EQ(filter->offset, 10u);
  auto defaults = ParsePipelineQuery({}, "t1");
  ASSERT_TRUE(defaults.ok());
  EXPECT_FALSE(defaults->state.has_value());
  EXPECT_EQ(defaults->limit, 50u);
  EXPECT_EQ(defaults->offset, 0u);
}

TEST_F(PipelineJsonTest, QueryRejectsUnknownStateAndBadNumbers) {
  auto state = ParsePipelineQuery({{"state", "sleeping"}}, "t1");
  ASSERT_TRUE(state.status().IsInvalidArgument());
  EXPECT_NE(state.status().message().find("sleeping"), std::string::npos);
  for (const char* limit : {"0", "-1", "ten", "1001", ""}) {
    auto bad = ParsePipelineQuery({{"limit", limit}}, "t1");
    ASSERT_TRUE(bad.status().IsInvalidArgument()) << limit;
    EXPECT_NE(bad.status().message().find("limit"), std::string::npos);
  }
  EXPECT_TRUE(ParsePipelineQuery({{"offset", "-3"}}, "t1").status().IsInvalidArgument());
}

}  // namespace
}  // namespace sky::api
