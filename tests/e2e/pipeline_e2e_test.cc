// End-to-end test of pipelines over REST and the run/status/cancel/events commands: `serve`
// with the sim provider on a clock 3600x faster than wall time (an hour of sim time per real
// second), on an ephemeral 127.0.0.1 port, reached with curl and the skybroker binary.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/support/e2e_fixture.h"

namespace sky::testing {
namespace {

using nlohmann::json;

class PipelineE2eTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    // --auth off: tokens and tenants are auth_e2e_test's subject.
    std::vector<std::string> args = {"--db", Path("sky.db"), "--auth", "off"};
    for (const std::string& a : FastSimArgs()) args.push_back(a);
    ASSERT_TRUE(StartServe(args)) << "server did not start:\n" << serve_.Errors();
  }

  std::string Server() const { return " --server " + serve_.base(); }

  // Submits a spec file; returns the id (empty on failure).
  std::string Submit(const std::string& spec_path) {
    Reply r = Send({"/v1/pipelines", "-X POST --data @" + spec_path});
    EXPECT_EQ(r.code, 202) << r.body;
    if (r.code != 202) return "";
    EXPECT_EQ(r.body["location"], "/v1/pipelines/" + r.body["id"].get<std::string>());
    EXPECT_NE(r.headers.find("/v1/pipelines/" + r.body["id"].get<std::string>()), std::string::npos)
        << r.headers;
    return r.body["id"];
  }

  // The heartbeat token of the attempt with idempotency key `key`, as the server mints it from
  // the secret beside its database.
  std::string StageToken(const std::string& key) {
    return StageTokenFor(dir_ / "sky.db.token-secret", key);
  }
};

TEST_F(PipelineE2eTest, QuickstartRunsToSuccessWithCostsAndEvents) {
  const std::string id = Submit(kExamples + "/quickstart.json");
  ASSERT_FALSE(id.empty());
  json view = WaitForPipeline(id, [](const json& v) {
    return v["state"] == "succeeded" || v["state"] == "failed" || v["state"] == "cancelled";
  });
  ASSERT_EQ(view["state"], "succeeded") << view.dump(2);
  EXPECT_EQ(view["tenant"], "default");
  EXPECT_EQ(view["name"], "quickstart");
  EXPECT_TRUE(view["plan"].is_object());
  ASSERT_EQ(view["stages"].size(), 3u);
  for (const json& stage : view["stages"]) EXPECT_EQ(stage["state"], "succeeded") << stage;
  ASSERT_GE(view["attempts"].size(), 3u);
  for (const json& attempt : view["attempts"]) {
    EXPECT_GT(attempt["cost_usd"].get<double>(), 0) << attempt;
    EXPECT_FALSE(attempt["outcome"].is_null()) << attempt;
  }
  EXPECT_GT(view["cost"]["actual_usd"].get<double>(), 0);
  EXPECT_GT(view["cost"]["estimated_usd"].get<double>(), 0);

  Reply events = Get("/v1/pipelines/" + id + "/events");
  ASSERT_EQ(events.code, 200) << events.body;
  const std::string log = events.body.dump();
  EXPECT_NE(log.find("running -> succeeded"), std::string::npos) << log;
  EXPECT_NE(log.find("\"kind\":\"state\""), std::string::npos) << log;
  const int64_t last = events.body["last_seq"];
  Reply none = Get("/v1/pipelines/" + id + "/events?after=" + std::to_string(last));
  EXPECT_TRUE(none.body["events"].empty()) << none.body;
  EXPECT_EQ(none.body["last_seq"], last);

  Reply list = Get("/v1/pipelines?state=succeeded");
  ASSERT_EQ(list.code, 200) << list.body;
  ASSERT_EQ(list.body["pipelines"].size(), 1u) << list.body;
  EXPECT_EQ(list.body["pipelines"][0]["id"], id);
  EXPECT_TRUE(list.body["next_offset"].is_null());

  ExecResult status = Exec("status " + id + Server());
  EXPECT_EQ(status.code, 0) << status.out;
  for (const char* word : {"train", "evaluate", "succeeded", "cost: actual $"}) {
    EXPECT_NE(status.out.find(word), std::string::npos) << word << "\n" << status.out;
  }
  ExecResult all = Exec("status" + Server());
  EXPECT_EQ(all.code, 0) << all.out;
  EXPECT_NE(all.out.find(id), std::string::npos) << all.out;
  EXPECT_NE(all.out.find("3/3"), std::string::npos) << all.out;
  ExecResult log_cmd = Exec("events " + id + Server());
  EXPECT_EQ(log_cmd.code, 0) << log_cmd.out;
  EXPECT_NE(log_cmd.out.find("running -> succeeded"), std::string::npos) << log_cmd.out;
}

TEST_F(PipelineE2eTest, RunCommandFollowsToSuccess) {
  ExecResult run = Exec("run " + kExamples + "/quickstart.json --poll-ms 100" + Server());
  EXPECT_EQ(run.code, 0) << run.out;
  EXPECT_NE(run.out.find("submitted"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find(" succeeded: actual $"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("prepare"), std::string::npos) << run.out;

  ExecResult detached = Exec("run " + kExamples + "/quickstart.json --detach" + Server());
  EXPECT_EQ(detached.code, 0) << detached.out;
  EXPECT_EQ(detached.out.find(' '), std::string::npos) << "only the id: " << detached.out;
}

TEST_F(PipelineE2eTest, TheBrokerMarketPolicyRunsPipelinesAndUnknownNamesAreRefused) {
  ServeProcess broker;
  ASSERT_TRUE(
      broker.Start({"--db", (dir_ / "broker.db").string(), "--auth", "off", "--providers", "sim",
                    "--clock-speed", "3600", "--clock-origin", "1700000000", "--poll-seconds", "5",
                    "--sim-boot-seconds", "30", "--market-policy", "broker"},
                   (dir_ / "broker.log").string()))
      << broker.Errors();
  ExecResult run = Exec("run " + kExamples + "/quickstart.json --poll-ms 100 --server " +
                        "http://127.0.0.1:" + broker.port());
  EXPECT_EQ(run.code, 0) << run.out;
  EXPECT_NE(run.out.find(" succeeded: actual $"), std::string::npos) << run.out;
  const size_t at = run.out.find("pipeline ") + 9;
  const std::string id = run.out.substr(at, run.out.find(" submitted") - at);
  ExecResult events = Exec("events " + id + " --server http://127.0.0.1:" + broker.port());
  EXPECT_NE(events.out.find("broker, "), std::string::npos) << "launches say the policy:\n"
                                                            << events.out;
  EXPECT_TRUE(broker.Stop());

  ExecResult bad = Exec("serve --db :memory: --market-policy cheapest");
  EXPECT_NE(bad.code, 0);
  EXPECT_NE(bad.out.find("flag --market-policy: unknown market policy \"cheapest\""),
            std::string::npos)
      << bad.out;
}

TEST_F(PipelineE2eTest, CancelHeartbeatAndErrors) {
  const std::string id = Submit(Write("long.json", kLongSpec));
  ASSERT_FALSE(id.empty());
  json view = WaitForPipeline(id, [](const json& v) {
    return v["stages"][0]["state"] == "running" || v["state"] == "failed";
  });
  ASSERT_EQ(view["stages"][0]["state"], "running") << view.dump(2);

  const std::string beat = "/v1/pipelines/" + id + "/stages/work/heartbeat";
  EXPECT_EQ(Send({beat, "-X POST --data '{}'"}).code, 401);
  Reply wrong = Send({beat, "-X POST -H 'Authorization: Bearer not-the-token' --data '{}'"});
  EXPECT_EQ(wrong.code, 401) << wrong.body;
  Reply typed = Send({beat, "-X POST --data '{\"progress\":\"half\"}'", "x"});
  EXPECT_EQ(typed.code, 400) << typed.body;
  EXPECT_NE(typed.body.dump().find("progress"), std::string::npos) << typed.body;
  // The stage's real token: "skst_" + HMAC-SHA256(the server's secret, the attempt's key).
  const std::string token = StageToken(view["attempts"].back()["idempotency_key"]);
  Reply accepted = Send({beat, "-X POST --data '{\"progress\":0.01}'", token});
  EXPECT_EQ(accepted.code, 204) << accepted.body;

  Reply cancel = Send({"/v1/pipelines/" + id, "-X DELETE"});
  ASSERT_EQ(cancel.code, 200) << cancel.body;
  EXPECT_EQ(cancel.body["state"], "cancelled");
  EXPECT_EQ(Send({"/v1/pipelines/" + id, "-X DELETE"}).code, 409);
  ExecResult again = Exec("cancel " + id + Server());
  EXPECT_EQ(again.code, 1) << again.out;

  EXPECT_EQ(Get("/v1/pipelines/no-such-id").code, 404);
  EXPECT_EQ(Get("/v1/pipelines/no-such-id/events").code, 404);
  Reply bad_state = Get("/v1/pipelines?state=sleeping");
  EXPECT_EQ(bad_state.code, 400);
  EXPECT_NE(bad_state.body.dump().find("sleeping"), std::string::npos) << bad_state.body;
  Reply invalid = Send({"/v1/pipelines", "-X POST --data '{\"name\":\"x\",\"stages\":[]}'"});
  ASSERT_EQ(invalid.code, 400) << invalid.body;
  EXPECT_FALSE(invalid.body["error"]["details"].empty()) << invalid.body;
  EXPECT_TRUE(invalid.body["error"]["details"][0].contains("path")) << invalid.body;

  ExecResult rejected =
      Exec("run " + Write("bad.json", "{\"name\":\"x\",\"stages\":[]}") + Server());
  EXPECT_EQ(rejected.code, 2) << rejected.out;
  EXPECT_NE(rejected.out.find("invalid pipeline spec"), std::string::npos) << rejected.out;
  ExecResult down = Exec("status --server http://127.0.0.1:1");
  EXPECT_EQ(down.code, 1) << down.out;
  EXPECT_NE(down.out.find("cannot reach skybroker at http://127.0.0.1:1"), std::string::npos)
      << down.out;
}

}  // namespace
}  // namespace sky::testing
