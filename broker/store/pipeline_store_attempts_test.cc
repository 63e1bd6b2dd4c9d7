// Tests of the schema-version-2 API of PipelineStore: attempts, heartbeat state, events,
// listings, and the migration of a version-1 database. Real SQLite files in a temp dir.

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "sky/broker/pipeline_store.h"
#include "sky/storage/sqlite.h"
#include "tests/support/temp_dir.h"

namespace sky::broker {
namespace {

namespace fs = std::filesystem;
using P = PipelineState;
using S = StageState;

// Schema version 1 exactly as the first release created it (migration 1 of pipeline_store.cc).
constexpr char kVersion1Schema[] =
    "CREATE TABLE broker_schema_migrations (version INTEGER PRIMARY KEY);"
    "INSERT INTO broker_schema_migrations(version) VALUES (1);"
    "CREATE TABLE pipelines ("
    "  id TEXT PRIMARY KEY, tenant TEXT NOT NULL, name TEXT NOT NULL,"
    "  spec_json TEXT NOT NULL, plan_json TEXT NOT NULL DEFAULT '', state TEXT NOT NULL,"
    "  created_at REAL NOT NULL, updated_at REAL NOT NULL);"
    "CREATE INDEX pipelines_state ON pipelines(state);"
    "CREATE TABLE stages ("
    "  pipeline_id TEXT NOT NULL REFERENCES pipelines(id), name TEXT NOT NULL,"
    "  state TEXT NOT NULL, attempt INTEGER NOT NULL DEFAULT 0,"
    "  offer_id TEXT NOT NULL DEFAULT '', instance_id TEXT NOT NULL DEFAULT '',"
    "  idempotency_key TEXT NOT NULL DEFAULT '', cost_usd REAL NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (pipeline_id, name));"
    "CREATE TABLE transitions ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT, pipeline_id TEXT NOT NULL, stage TEXT,"
    "  from_state TEXT NOT NULL, to_state TEXT NOT NULL, reason TEXT NOT NULL, at REAL NOT NULL);"
    "CREATE INDEX transitions_pipeline ON transitions(pipeline_id, seq);"
    // One running pipeline, as a version-1 broker left it.
    "INSERT INTO pipelines VALUES ('old', 'acme', 'legacy', '{}', '{\"p\":1}', 'running', 10, 20);"
    "INSERT INTO stages VALUES ('old', 'train', 'running', 1, 'aws/x/spot', 'i-1', 'old-train-1',"
    "  4.5);"
    "INSERT INTO transitions(pipeline_id, stage, from_state, to_state, reason, at)"
    "  VALUES ('old', NULL, 'submitted', 'planned', 'plan', 15);";

class PipelineStoreAttemptsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenStore();
    ASSERT_NE(store_, nullptr);
  }
  void TearDown() override { store_.reset(); }
  std::string DbPath() const { return dir_.Path("broker.db"); }
  std::unique_ptr<PipelineStore> OpenStore() {
    auto store = PipelineStore::Open(DbPath());
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }
  void Create(const std::string& id, const std::string& tenant = "acme", double at = 100) {
    ASSERT_TRUE(store_->CreatePipeline(id, tenant, "n-" + id, "{}", {"prep", "train"}, at).ok());
  }
  static AttemptRecord Attempt(const std::string& id, const std::string& stage, int64_t n,
                               double price = 2.4) {
    AttemptRecord a;
    a.pipeline_id = id;
    a.stage = stage;
    a.attempt = n;
    a.offer_id = "aws/p3.2xlarge/us-east-1a/spot";
    a.provider = "aws";
    a.location = "aws:us-east-1:us-east-1a";
    a.market = "spot";
    a.price_per_hour = price;
    a.idempotency_key = id + "-" + stage + "-" + std::to_string(n);
    return a;
  }
  // Launches attempt `n` of `stage` (moving pending -> provisioning for n == 1) at `at`.
  void Launch(const std::string& id, const std::string& stage, int64_t n, double at,
              double price = 2.4) {
    const Status s = store_->RecordLaunch(Attempt(id, stage, n, price), "hash-" + std::to_string(n),
                                          S::kProvisioning, "launch", at);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  StageRecord Stage(const std::string& id, size_t index) {
    auto p = store_->GetPipeline(id);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? p.value().stages.at(index) : StageRecord{};
  }
  std::vector<EventRecord> EventsOf(const std::string& id) {
    auto e = store_->Events(id);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return e.ok() ? e.value() : std::vector<EventRecord>{};
  }
  std::vector<std::string> ListIds(const PipelineFilter& filter) {
    auto list = store_->ListPipelines(filter);
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    std::vector<std::string> ids;
    if (list.ok()) {
      for (const auto& p : list.value()) ids.push_back(p.id);
    }
    return ids;
  }

  testing::TempDir dir_{"sky_pipeline_store_attempts_"};
  std::unique_ptr<PipelineStore> store_;
};

TEST_F(PipelineStoreAttemptsTest, RecordLaunchMovesStageAndWritesAttemptAndEvents) {
  Create("p1");
  ASSERT_TRUE(store_->SetStageProgress("p1", "train", 0.25, 0.2, "", 50).ok());
  Launch("p1", "train", 1, 1000, 0.918);
  const StageRecord stage = Stage("p1", 1);
  EXPECT_EQ(stage.state, S::kProvisioning);
  EXPECT_EQ(stage.attempt, 1);
  EXPECT_EQ(stage.offer_id, "aws/p3.2xlarge/us-east-1a/spot");
  EXPECT_EQ(stage.idempotency_key, "p1-train-1");
  EXPECT_EQ(stage.token_hash, "hash-1");
  EXPECT_EQ(stage.instance_id, "");
  EXPECT_EQ(stage.progress, 0.25);  // a launch keeps the progress made so far
  const auto attempts = store_->Attempts("p1").value();
  ASSERT_EQ(attempts.size(), 1u);
  EXPECT_EQ(attempts[0].provider, "aws");
  EXPECT_EQ(attempts[0].location, "aws:us-east-1:us-east-1a");
  EXPECT_EQ(attempts[0].market, "spot");
  EXPECT_EQ(attempts[0].price_per_hour, 0.918);
  EXPECT_EQ(attempts[0].requested_at, 1000);
  EXPECT_EQ(attempts[0].outcome, "");
  EXPECT_EQ(store_->Transitions("p1").value().size(), 1u);
  // The move's "state" event carries the reason; no separate launch event repeats it.
  const auto events = EventsOf("p1");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, "state");
  EXPECT_EQ(events[0].message, "pending -> provisioning: launch");
  EXPECT_EQ(events[0].stage, std::optional<std::string>("train"));
  EXPECT_EQ(events[0].at, 1000);
  EXPECT_EQ(store_->GetPipeline("p1").value().updated_at, 1000);
}

TEST_F(PipelineStoreAttemptsTest, NextCandidateWhileProvisioningWritesOnlyTheLaunch) {
  Create("p1");
  Launch("p1", "train", 1, 1000);
  ASSERT_TRUE(store_->SetAttemptInstance("p1", "train", 1, "i-1").ok());
  EXPECT_EQ(Stage("p1", 1).instance_id, "i-1");
  ASSERT_TRUE(store_->EndAttempt("p1", "train", 1, "capacity", 1010).ok());
  Launch("p1", "train", 2, 1020, 3);
  const StageRecord stage = Stage("p1", 1);
  EXPECT_EQ(stage.attempt, 2);
  EXPECT_EQ(stage.instance_id, "");  // cleared for the new attempt
  EXPECT_EQ(stage.token_hash, "hash-2");
  EXPECT_EQ(store_->Transitions("p1").value().size(), 1u);
  const auto events = EventsOf("p1");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].kind, "launch");
  EXPECT_EQ(events[1].message, "attempt 2 on aws/p3.2xlarge/us-east-1a/spot (spot, $3/h)");
  // A late answer for the superseded attempt updates its row, not the stage.
  ASSERT_TRUE(store_->SetAttemptInstance("p1", "train", 1, "i-late").ok());
  EXPECT_EQ(Stage("p1", 1).instance_id, "");
  EXPECT_EQ(store_->Attempts("p1").value()[0].instance_id, "i-late");
}

TEST_F(PipelineStoreAttemptsTest, RecordLaunchErrorsWriteNothing) {
  Create("p1");
  ASSERT_TRUE(store_->Transition("p1", "prep", S::kFailed, "gave up", 10).ok());
  Launch("p1", "train", 1, 1000);
  const auto rejected = [&](const AttemptRecord& a, S to) {
    return store_->RecordLaunch(a, "h", to, "x", 2000);
  };
  AttemptRecord no_key = Attempt("p1", "train", 2);
  no_key.idempotency_key.clear();
  EXPECT_TRUE(rejected(Attempt("p1", "train", 0), S::kProvisioning).IsInvalidArgument());
  EXPECT_TRUE(rejected(no_key, S::kProvisioning).IsInvalidArgument());
  EXPECT_TRUE(rejected(Attempt("nope", "train", 2), S::kProvisioning).IsNotFound());
  EXPECT_TRUE(rejected(Attempt("p1", "nope", 2), S::kProvisioning).IsNotFound());
  EXPECT_TRUE(rejected(Attempt("p1", "train", 1), S::kProvisioning).IsAlreadyExists());
  // Illegal arrows: provisioning -> succeeded, failed -> provisioning.
  EXPECT_TRUE(rejected(Attempt("p1", "train", 2), S::kSucceeded).IsFailedPrecondition());
  EXPECT_TRUE(rejected(Attempt("p1", "prep", 1), S::kProvisioning).IsFailedPrecondition());
  EXPECT_EQ(store_->Attempts("p1").value().size(), 1u);
  EXPECT_EQ(store_->Transitions("p1").value().size(), 2u);
  EXPECT_EQ(EventsOf("p1").size(), 2u);
  EXPECT_EQ(Stage("p1", 0).state, S::kFailed);
  EXPECT_EQ(Stage("p1", 0).attempt, 0);
  EXPECT_EQ(Stage("p1", 1).token_hash, "hash-1");
  EXPECT_EQ(store_->GetPipeline("p1").value().updated_at, 1000);
}

TEST_F(PipelineStoreAttemptsTest, EndAttemptChargesPriceTimesHoursOnceAndSumsOnTheStage) {
  Create("p1");
  Launch("p1", "train", 1, 1000, 2.4);
  ASSERT_TRUE(store_->EndAttempt("p1", "train", 1, "preempted", 1000 + 5400).ok());
  Launch("p1", "train", 2, 7000, 1.0);
  // An end before the request (clock skew) costs nothing rather than a refund.
  ASSERT_TRUE(store_->EndAttempt("p1", "train", 2, "replaced", 6000).ok());
  Launch("p1", "train", 3, 8000, 10);
  ASSERT_TRUE(store_->EndAttempt("p1", "train", 3, "succeeded", 8000 + 360).ok());
  // Ending again is OK and changes nothing.
  ASSERT_TRUE(store_->EndAttempt("p1", "train", 1, "failed", 99999).ok());
  const auto attempts = store_->Attempts("p1").value();
  ASSERT_EQ(attempts.size(), 3u);
  EXPECT_DOUBLE_EQ(attempts[0].cost_usd, 3.6);
  EXPECT_EQ(attempts[0].outcome, "preempted");
  EXPECT_EQ(attempts[0].ended_at, 6400);
  EXPECT_EQ(attempts[1].cost_usd, 0);
  EXPECT_DOUBLE_EQ(attempts[2].cost_usd, 1.0);
  EXPECT_DOUBLE_EQ(Stage("p1", 1).cost_usd, 4.6);
  EXPECT_TRUE(store_->EndAttempt("p1", "train", 3, "", 9000).IsInvalidArgument());
  EXPECT_TRUE(store_->EndAttempt("p1", "train", 4, "failed", 9000).IsNotFound());
  EXPECT_TRUE(store_->EndAttempt("p1", "prep", 1, "failed", 9000).IsNotFound());
  EXPECT_TRUE(store_->SetAttemptInstance("p1", "train", 4, "i-9").IsNotFound());
  EXPECT_TRUE(store_->SetAttemptInstance("nope", "train", 1, "i-9").IsNotFound());
  EXPECT_TRUE(store_->Attempts("nope").status().IsNotFound());
}

TEST_F(PipelineStoreAttemptsTest, AttemptsAreInStageOrderAndLiveAttemptsSpanPipelines) {
  Create("b");
  Create("a");
  Launch("b", "train", 1, 10);
  Launch("b", "prep", 1, 11);
  Launch("b", "train", 2, 12);
  Launch("a", "prep", 1, 13);
  ASSERT_TRUE(store_->EndAttempt("b", "train", 1, "capacity", 20).ok());
  const auto of_b = store_->Attempts("b").value();
  ASSERT_EQ(of_b.size(), 3u);
  EXPECT_EQ(of_b[0].stage, "prep");  // stage creation order: prep before train
  EXPECT_EQ(of_b[1].attempt, 1);
  EXPECT_EQ(of_b[2].attempt, 2);
  const auto live = store_->LiveAttempts().value();
  ASSERT_EQ(live.size(), 3u);
  EXPECT_EQ(live[0].pipeline_id, "a");
  EXPECT_EQ(live[1].pipeline_id + live[1].stage, "bprep");
  EXPECT_EQ(live[2].pipeline_id + live[2].stage + std::to_string(live[2].attempt), "btrain2");
}

TEST_F(PipelineStoreAttemptsTest, HeartbeatProgressAndFailuresAreStored) {
  Create("p1");
  ASSERT_TRUE(store_->SetStageProgress("p1", "train", 0.5, 0.4, "step 500\n", 300).ok());
  ASSERT_TRUE(store_->SetStageProgress("p1", "train", 0.6, 0.4, "", 330).ok());
  StageRecord stage = Stage("p1", 1);
  EXPECT_EQ(stage.progress, 0.6);
  EXPECT_EQ(stage.checkpoint, 0.4);
  EXPECT_EQ(stage.log_tail, "step 500\n");  // an empty tail keeps the last one
  EXPECT_EQ(stage.last_heartbeat_at, 330);
  EXPECT_EQ(Stage("p1", 0).last_heartbeat_at, 0);
  EXPECT_EQ(store_->AddStageFailure("p1", "train").value(), 1);
  EXPECT_EQ(store_->AddStageFailure("p1", "train").value(), 2);
  EXPECT_EQ(Stage("p1", 1).failures, 2);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(store_->SetStageProgress("p1", "train", 1.5, 0, "", 1).IsInvalidArgument());
  EXPECT_TRUE(store_->SetStageProgress("p1", "train", 0.5, -0.1, "", 1).IsInvalidArgument());
  EXPECT_TRUE(store_->SetStageProgress("p1", "train", nan, 0, "", 1).IsInvalidArgument());
  EXPECT_TRUE(store_->SetStageProgress("p1", "nope", 0.5, 0, "", 1).IsNotFound());
  EXPECT_TRUE(store_->SetStageProgress("nope", "train", 0.5, 0, "", 1).IsNotFound());
  EXPECT_TRUE(store_->AddStageFailure("p1", "nope").status().IsNotFound());
  EXPECT_TRUE(store_->AddStageFailure("nope", "train").status().IsNotFound());
  EXPECT_EQ(Stage("p1", 1).progress, 0.6);
  EXPECT_EQ(Stage("p1", 1).failures, 2);
}

TEST_F(PipelineStoreAttemptsTest, EventsInterleaveWithTransitionsInOrderAndPageBySeq) {
  Create("p1");
  Create("p2");
  ASSERT_TRUE(store_->Transition("p1", P::kPlanned, "", 110).ok());
  ASSERT_TRUE(store_->AppendEvent("p2", std::nullopt, "replan", "other pipeline", 111).ok());
  ASSERT_TRUE(store_->AppendEvent("p1", std::string("train"), "capacity", "no p3", 112).ok());
  ASSERT_TRUE(store_->AppendEvent("p1", std::nullopt, "cost", "$1.20 so far", 113).ok());
  const auto all = EventsOf("p1");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].message, "submitted -> planned");  // no reason, no ": "
  EXPECT_FALSE(all[0].stage.has_value());
  EXPECT_EQ(all[1].kind, "capacity");
  EXPECT_EQ(all[1].stage, std::optional<std::string>("train"));
  EXPECT_EQ(all[2].kind, "cost");
  EXPECT_EQ(all[2].at, 113);
  EXPECT_LT(all[0].seq, all[1].seq);
  EXPECT_LT(all[1].seq, all[2].seq);
  const auto after = store_->Events("p1", all[0].seq).value();
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0].seq, all[1].seq);
  const auto page = store_->Events("p1", 0, 1).value();
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].seq, all[0].seq);
  EXPECT_TRUE(store_->Events("p1", all[2].seq).value().empty());
  EXPECT_EQ(EventsOf("p2").size(), 1u);
  EXPECT_TRUE(store_->Events("nope").status().IsNotFound());
  EXPECT_TRUE(store_->AppendEvent("nope", std::nullopt, "cost", "x", 1).IsNotFound());
  EXPECT_TRUE(store_->AppendEvent("p1", std::string("nope"), "cost", "x", 1).IsNotFound());
  EXPECT_TRUE(store_->AppendEvent("p1", std::nullopt, "", "x", 1).IsInvalidArgument());
  EXPECT_EQ(EventsOf("p1").size(), 3u);
}

TEST_F(PipelineStoreAttemptsTest, ListPipelinesFiltersByTenantAndStateNewestFirst) {
  Create("a1", "acme", 100);
  Create("a2", "acme", 300);
  Create("a3", "acme", 300);  // same created_at as a2: the larger id comes first
  Create("z1", "zeta", 200);
  ASSERT_TRUE(store_->Transition("a1", P::kPlanned, "plan", 400).ok());
  ASSERT_TRUE(store_->Transition("z1", P::kPlanned, "plan", 400).ok());
  using Ids = std::vector<std::string>;
  EXPECT_EQ(ListIds({}), (Ids{"a3", "a2", "z1", "a1"}));
  EXPECT_EQ(ListIds({"acme", std::nullopt, 100, 0}), (Ids{"a3", "a2", "a1"}));
  EXPECT_EQ(ListIds({"", P::kPlanned, 100, 0}), (Ids{"z1", "a1"}));
  EXPECT_EQ(ListIds({"acme", P::kPlanned, 100, 0}), (Ids{"a1"}));
  EXPECT_EQ(ListIds({"acme", P::kRunning, 100, 0}), Ids{});
  EXPECT_EQ(ListIds({"nobody", std::nullopt, 100, 0}), Ids{});
  EXPECT_EQ(ListIds({"", std::nullopt, 2, 1}), (Ids{"a2", "z1"}));
  EXPECT_EQ(ListIds({"", std::nullopt, 0, 3}), (Ids{"a1"}));  // limit 0: no limit
  EXPECT_EQ(ListIds({"", std::nullopt, 10, 99}), Ids{});
  const auto list = store_->ListPipelines({"zeta", std::nullopt, 1, 0}).value();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].stages.size(), 2u);
  EXPECT_EQ(list[0].tenant, "zeta");
}

TEST_F(PipelineStoreAttemptsTest, CountByStateNamesEveryState) {
  Create("a");
  Create("b");
  Create("c");
  ASSERT_TRUE(store_->Transition("a", P::kCancelled, "user", 1).ok());
  const auto counts = store_->CountByState().value();
  using Counts = std::vector<std::pair<std::string, int64_t>>;
  EXPECT_EQ(counts, (Counts{{"submitted", 2},
                            {"planned", 0},
                            {"running", 0},
                            {"succeeded", 0},
                            {"failed", 0},
                            {"cancelled", 1}}));
}

TEST_F(PipelineStoreAttemptsTest, Version1DatabaseMigratesKeepingItsRows) {
  store_.reset();
  fs::remove_all(dir_.path());
  fs::create_directories(dir_.path());
  {
    auto db = storage::OpenSqlite(DbPath());
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db.value()->Exec(kVersion1Schema).ok());
  }
  store_ = OpenStore();
  ASSERT_NE(store_, nullptr);
  const auto old = store_->GetPipeline("old").value();
  EXPECT_EQ(old.plan_json, "{\"p\":1}");
  EXPECT_EQ(old.state, P::kRunning);
  ASSERT_EQ(old.stages.size(), 1u);
  EXPECT_EQ(old.stages[0].instance_id, "i-1");
  EXPECT_EQ(old.stages[0].cost_usd, 4.5);
  EXPECT_EQ(old.stages[0].progress, 0);
  EXPECT_EQ(old.stages[0].token_hash, "");
  EXPECT_EQ(store_->Transitions("old").value().size(), 1u);
  EXPECT_TRUE(EventsOf("old").empty());  // version 1 kept no events
  // The new tables work on the migrated file, and the old stage takes new columns.
  ASSERT_TRUE(store_->Transition("old", "train", S::kPreempted, "reclaimed", 30).ok());
  ASSERT_TRUE(store_->Transition("old", "train", S::kRecovering, "replan", 31).ok());
  Launch("old", "train", 2, 32);
  ASSERT_TRUE(store_->SetStageProgress("old", "train", 0.3, 0.3, "tail", 33).ok());
  EXPECT_EQ(store_->Attempts("old").value().size(), 1u);
  EXPECT_EQ(store_->Transitions("old").value().size(), 4u);
  EXPECT_EQ(EventsOf("old").size(), 3u);  // one "state" event per move
  EXPECT_EQ(Stage("old", 0).progress, 0.3);
  store_.reset();
  auto db = storage::OpenSqlite(DbPath());
  ASSERT_TRUE(db.ok());
  auto version = db.value()->Prepare("SELECT MAX(version) FROM broker_schema_migrations");
  ASSERT_TRUE(version.ok());
  ASSERT_TRUE(version.value().Step().value());
  EXPECT_EQ(version.value().Int(0), 3);  // every migration applied
}

TEST_F(PipelineStoreAttemptsTest, ReopenedStoreKeepsAttemptsEventsAndHeartbeats) {
  Create("p1");
  Launch("p1", "train", 1, 1000);
  ASSERT_TRUE(store_->SetAttemptInstance("p1", "train", 1, "i-abc").ok());
  ASSERT_TRUE(store_->SetStageProgress("p1", "train", 0.7, 0.5, "epoch 7", 2000).ok());
  ASSERT_TRUE(store_->AddStageFailure("p1", "train").ok());
  ASSERT_TRUE(store_->AppendEvent("p1", std::nullopt, "retry", "again", 2001).ok());
  const auto events_before = EventsOf("p1");
  store_ = OpenStore();  // closes the first handle, then reopens the file
  ASSERT_NE(store_, nullptr);
  const StageRecord stage = Stage("p1", 1);
  EXPECT_EQ(stage.instance_id, "i-abc");
  EXPECT_EQ(stage.progress, 0.7);
  EXPECT_EQ(stage.checkpoint, 0.5);
  EXPECT_EQ(stage.log_tail, "epoch 7");
  EXPECT_EQ(stage.failures, 1);
  EXPECT_EQ(stage.token_hash, "hash-1");
  EXPECT_EQ(stage.last_heartbeat_at, 2000);
  const auto live = store_->LiveAttempts().value();
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].instance_id, "i-abc");
  EXPECT_EQ(live[0].idempotency_key, "p1-train-1");
  const auto events = EventsOf("p1");
  ASSERT_EQ(events.size(), events_before.size());
  EXPECT_EQ(events.back().kind, "retry");
  ASSERT_TRUE(store_->AppendEvent("p1", std::nullopt, "reconcile", "adopted i-abc", 3000).ok());
  EXPECT_GT(EventsOf("p1").back().seq, events.back().seq);
}

}  // namespace
}  // namespace sky::broker
