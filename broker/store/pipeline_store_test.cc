#include "sky/broker/pipeline_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "sky/catalog/offer_store.h"
#include "sky/storage/sqlite.h"
#include "tests/support/temp_dir.h"

namespace sky::broker {
namespace {

namespace fs = std::filesystem;
using P = PipelineState;
using S = StageState;

// A real pipeline document from the planner cases, stored verbatim as the spec.
std::string RealSpec() {
  std::ifstream in(std::string(SKY_SOURCE_DIR) +
                   "/tests/planner_cases/cross-cloud-move-pays-off.json");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class PipelineStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = OpenStore(); }
  void TearDown() override { store_.reset(); }
  std::string DbPath() const { return dir_.Path("broker.db"); }
  std::unique_ptr<PipelineStore> OpenStore() {
    auto store = PipelineStore::Open(DbPath());
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }
  void Create(const std::string& id) {
    ASSERT_TRUE(
        store_->CreatePipeline(id, "acme", "train-" + id, spec_, {"prep", "train"}, 100).ok());
  }
  size_t TransitionCount(const std::string& id) {
    auto t = store_->Transitions(id);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? t.value().size() : 0;
  }
  // Walks pipeline `id` along `path`, every step expected legal.
  template <typename State>
  void Walk(const std::string& id, const std::vector<State>& path, const std::string& stage) {
    double at = 200;
    for (State s : path) {
      Status st;
      if constexpr (std::is_same_v<State, P>) {
        st = store_->Transition(id, s, "walk", at);
      } else {
        st = store_->Transition(id, stage, s, "walk", at);
      }
      ASSERT_TRUE(st.ok()) << st.ToString();
      at += 1;
    }
  }

  testing::TempDir dir_{"sky_pipeline_store_"};
  std::string spec_ = RealSpec();
  std::unique_ptr<PipelineStore> store_;
};

TEST_F(PipelineStoreTest, CreateStoresSubmittedPipelineWithPendingStages) {
  ASSERT_GT(spec_.size(), 100u);
  Create("p1");
  auto p = store_->GetPipeline("p1");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p.value().tenant, "acme");
  EXPECT_EQ(p.value().name, "train-p1");
  EXPECT_EQ(p.value().spec_json, spec_);
  EXPECT_EQ(p.value().state, P::kSubmitted);
  EXPECT_EQ(p.value().created_at, 100);
  ASSERT_EQ(p.value().stages.size(), 2u);
  EXPECT_EQ(p.value().stages[0].name, "prep");
  EXPECT_EQ(p.value().stages[1].name, "train");
  EXPECT_EQ(p.value().stages[1].state, S::kPending);
  EXPECT_EQ(TransitionCount("p1"), 0u);
}

TEST_F(PipelineStoreTest, EveryLegalPipelineArrowIsWrittenWithItsTransitionRow) {
  const std::vector<P> reach_submitted, reach_planned = {P::kPlanned},
                                        reach_running = {P::kPlanned, P::kRunning};
  const std::vector<std::pair<std::vector<P>, P>> arrows = {
      {reach_submitted, P::kPlanned},   {reach_planned, P::kRunning},
      {reach_running, P::kSucceeded},   {reach_submitted, P::kFailed},
      {reach_submitted, P::kCancelled}, {reach_planned, P::kFailed},
      {reach_planned, P::kCancelled},   {reach_running, P::kFailed},
      {reach_running, P::kCancelled}};
  int n = 0;
  for (const auto& [path, to] : arrows) {
    const std::string id = "arrow" + std::to_string(n++);
    Create(id);
    Walk(id, path, "");
    const P from = path.empty() ? P::kSubmitted : path.back();
    ASSERT_TRUE(store_->Transition(id, to, "because", 500).ok()) << Name(from) << "->" << Name(to);
    EXPECT_EQ(store_->GetPipeline(id).value().state, to);
    EXPECT_EQ(store_->GetPipeline(id).value().updated_at, 500);
    const auto rows = store_->Transitions(id).value();
    ASSERT_EQ(rows.size(), path.size() + 1);
    EXPECT_EQ(rows.back().from_state, Name(from));
    EXPECT_EQ(rows.back().to_state, Name(to));
    EXPECT_EQ(rows.back().reason, "because");
    EXPECT_FALSE(rows.back().stage.has_value());
    EXPECT_EQ(rows.back().at, 500);
  }
}

TEST_F(PipelineStoreTest, EveryLegalStageArrowIsWrittenWithItsTransitionRow) {
  const std::vector<S> pending,
      prov = {S::kProvisioning}, run = {S::kProvisioning, S::kRunning},
      pre = {S::kProvisioning, S::kRunning, S::kPreempted},
      rec = {S::kProvisioning, S::kRunning, S::kPreempted, S::kRecovering};
  const std::vector<std::pair<std::vector<S>, S>> arrows = {
      {pending, S::kProvisioning}, {prov, S::kRunning},   {run, S::kSucceeded},
      {run, S::kPreempted},        {prov, S::kPreempted}, {pre, S::kRecovering},
      {rec, S::kProvisioning},     {pending, S::kFailed}, {prov, S::kFailed},
      {run, S::kFailed},           {pre, S::kFailed},     {rec, S::kFailed}};
  int n = 0;
  for (const auto& [path, to] : arrows) {
    const std::string id = "stage" + std::to_string(n++);
    Create(id);
    Walk(id, path, "train");
    const S from = path.empty() ? S::kPending : path.back();
    ASSERT_TRUE(store_->Transition(id, "train", to, "why", 700).ok())
        << Name(from) << "->" << Name(to);
    const auto p = store_->GetPipeline(id).value();
    EXPECT_EQ(p.stages[1].state, to);
    EXPECT_EQ(p.stages[0].state, S::kPending);  // the other stage is untouched
    EXPECT_EQ(p.updated_at, 700);
    const auto rows = store_->Transitions(id).value();
    ASSERT_EQ(rows.size(), path.size() + 1);
    EXPECT_EQ(rows.back().stage, std::optional<std::string>("train"));
    EXPECT_EQ(rows.back().from_state, Name(from));
    EXPECT_EQ(rows.back().to_state, Name(to));
  }
}

TEST_F(PipelineStoreTest, IllegalTransitionIsRejectedAndWritesNothing) {
  Create("p1");
  Walk("p1", std::vector<P>{P::kPlanned, P::kRunning, P::kSucceeded}, "");
  Walk("p1", std::vector<S>{S::kProvisioning, S::kRunning, S::kSucceeded}, "prep");
  const auto before = store_->GetPipeline("p1").value();
  const size_t rows = TransitionCount("p1");
  EXPECT_TRUE(store_->Transition("p1", P::kRunning, "x", 900).IsFailedPrecondition());
  EXPECT_TRUE(store_->Transition("p1", P::kCancelled, "x", 900).IsFailedPrecondition());
  EXPECT_TRUE(store_->Transition("p1", "prep", S::kRunning, "x", 900).IsFailedPrecondition());
  EXPECT_TRUE(store_->Transition("p1", "train", S::kRunning, "x", 900).IsFailedPrecondition());
  EXPECT_TRUE(store_->Transition("p1", "train", S::kRecovering, "x", 900).IsFailedPrecondition());
  const auto after = store_->GetPipeline("p1").value();
  EXPECT_EQ(after.state, P::kSucceeded);
  EXPECT_EQ(after.updated_at, before.updated_at);
  EXPECT_EQ(after.stages[0].state, S::kSucceeded);
  EXPECT_EQ(after.stages[1].state, S::kPending);
  EXPECT_EQ(TransitionCount("p1"), rows);
}

TEST_F(PipelineStoreTest, EveryTransitionAppendsItsStateEventAndAnIllegalOneNeither) {
  Create("p1");
  Walk("p1", std::vector<P>{P::kPlanned}, "");
  Walk("p1", std::vector<S>{S::kProvisioning, S::kRunning}, "train");
  EXPECT_TRUE(store_->Transition("p1", "train", S::kPending, "x", 900).IsFailedPrecondition());
  EXPECT_TRUE(store_->Transition("p1", P::kSucceeded, "x", 900).IsFailedPrecondition());
  const auto transitions = store_->Transitions("p1").value();
  const auto events = store_->Events("p1").value();
  ASSERT_EQ(events.size(), 3u);
  ASSERT_EQ(transitions.size(), events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].kind, "state");
    EXPECT_EQ(events[i].stage, transitions[i].stage);
    EXPECT_EQ(events[i].at, transitions[i].at);
    EXPECT_EQ(events[i].message,
              transitions[i].from_state + " -> " + transitions[i].to_state + ": walk");
  }
  EXPECT_EQ(events[2].message, "provisioning -> running: walk");
}

TEST_F(PipelineStoreTest, ReopenedStoreReadsBackEverythingAndListsNonTerminal) {
  for (const char* id : {"a", "b", "c", "d"}) Create(id);
  ASSERT_TRUE(store_->SetPlan("a", "{\"cost\":1.5}", 150).ok());
  Walk("a", std::vector<P>{P::kPlanned, P::kRunning}, "");
  Walk("a", std::vector<S>{S::kProvisioning, S::kRunning, S::kPreempted}, "train");
  ASSERT_TRUE(
      store_->SetStageLaunch("a", "train", 2, "aws/p3.2xlarge/us-east-1a/spot", "a-train-2").ok());
  Walk("b", std::vector<P>{P::kCancelled}, "");
  Walk("c", std::vector<P>{P::kPlanned, P::kRunning, P::kSucceeded}, "");
  store_ = OpenStore();  // closes the first handle, then reopens the file
  ASSERT_NE(store_, nullptr);
  const auto a = store_->GetPipeline("a").value();
  EXPECT_EQ(a.plan_json, "{\"cost\":1.5}");
  EXPECT_EQ(a.state, P::kRunning);
  EXPECT_EQ(a.stages[1].state, S::kPreempted);
  EXPECT_EQ(a.stages[1].attempt, 2);
  EXPECT_EQ(a.stages[1].offer_id, "aws/p3.2xlarge/us-east-1a/spot");
  EXPECT_EQ(a.stages[1].idempotency_key, "a-train-2");
  EXPECT_EQ(TransitionCount("a"), 5u);
  auto live = store_->ListNonTerminal();
  ASSERT_TRUE(live.ok());
  ASSERT_EQ(live.value().size(), 2u);
  EXPECT_EQ(live.value()[0].id, "a");
  EXPECT_EQ(live.value()[1].id, "d");
  EXPECT_EQ(live.value()[1].state, P::kSubmitted);
  ASSERT_TRUE(store_->Transition("a", "train", S::kRecovering, "resume", 999).ok());
  const auto rows = store_->Transitions("a").value();
  EXPECT_GT(rows.back().seq, rows[rows.size() - 2].seq);
  EXPECT_TRUE(fs::exists(DbPath() + "-wal"));
}

TEST_F(PipelineStoreTest, EveryStatusCodeTheStoreReturns) {
  Create("p1");
  // AlreadyExists.
  EXPECT_TRUE(store_->CreatePipeline("p1", "acme", "x", spec_, {"a"}, 1).IsAlreadyExists());
  // InvalidArgument.
  EXPECT_TRUE(store_->CreatePipeline("", "acme", "x", spec_, {"a"}, 1).IsInvalidArgument());
  EXPECT_TRUE(store_->CreatePipeline("p2", "", "x", spec_, {"a"}, 1).IsInvalidArgument());
  EXPECT_TRUE(store_->CreatePipeline("p2", "acme", "x", spec_, {}, 1).IsInvalidArgument());
  EXPECT_TRUE(store_->CreatePipeline("p2", "acme", "x", spec_, {"a", "a"}, 1).IsInvalidArgument());
  EXPECT_TRUE(store_->SetStageLaunch("p1", "prep", 0, "o", "").IsInvalidArgument());
  EXPECT_TRUE(store_->SetStageLaunch("p1", "prep", -1, "o", "k").IsInvalidArgument());
  // NotFound.
  EXPECT_TRUE(store_->GetPipeline("nope").status().IsNotFound());
  EXPECT_TRUE(store_->Transitions("nope").status().IsNotFound());
  EXPECT_TRUE(store_->Transition("nope", P::kPlanned, "x", 1).IsNotFound());
  EXPECT_TRUE(store_->Transition("nope", "prep", S::kProvisioning, "x", 1).IsNotFound());
  EXPECT_TRUE(store_->Transition("p1", "nope", S::kProvisioning, "x", 1).IsNotFound());
  EXPECT_TRUE(store_->SetPlan("nope", "{}", 1).IsNotFound());
  EXPECT_TRUE(store_->SetStageLaunch("p1", "nope", 0, "o", "k").IsNotFound());
  EXPECT_TRUE(store_->SetStageLaunch("nope", "prep", 0, "o", "k").IsNotFound());
  // FailedPrecondition.
  EXPECT_TRUE(store_->Transition("p1", P::kSucceeded, "x", 1).IsFailedPrecondition());
  // Unavailable: the directory does not exist.
  EXPECT_TRUE(PipelineStore::Open(dir_.Path("missing/x.db")).status().IsUnavailable());
  EXPECT_EQ(TransitionCount("p1"), 0u);
}

TEST_F(PipelineStoreTest, CorruptStoredStateIsInternalAndNewerSchemaIsRefused) {
  Create("p1");
  store_.reset();
  {
    auto db = storage::OpenSqlite(DbPath());
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db.value()->Exec("UPDATE pipelines SET state = 'exploded'").ok());
  }
  store_ = OpenStore();
  EXPECT_TRUE(store_->GetPipeline("p1").status().IsInternal());
  EXPECT_TRUE(store_->Transition("p1", P::kPlanned, "x", 1).IsInternal());
  store_.reset();
  {
    auto db = storage::OpenSqlite(DbPath());
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db.value()->Exec("INSERT INTO broker_schema_migrations(version) VALUES (99)").ok());
  }
  EXPECT_TRUE(PipelineStore::Open(DbPath()).status().IsFailedPrecondition());
}

TEST_F(PipelineStoreTest, ConcurrentWritersKeepEveryTransition) {
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < 10; ++i) {
        const std::string id = "t" + std::to_string(t) + "_" + std::to_string(i);
        EXPECT_TRUE(store_->CreatePipeline(id, "acme", id, "{}", {"s"}, 1).ok());
        EXPECT_TRUE(store_->Transition(id, P::kPlanned, "plan", 2).ok());
        EXPECT_TRUE(store_->Transition(id, "s", S::kProvisioning, "go", 3).ok());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  auto live = store_->ListNonTerminal();
  ASSERT_TRUE(live.ok());
  EXPECT_EQ(live.value().size(), 40u);
  for (const auto& p : live.value()) {
    EXPECT_EQ(TransitionCount(p.id), 2u);
    EXPECT_EQ(store_->Events(p.id).value().size(), 2u);
  }
}

// Regression: `serve` keeps the catalog and the pipelines in one file. The store once read the
// catalog's `schema_migrations` as its own, skipped its tables and failed to migrate.
TEST_F(PipelineStoreTest, SharesAFileWithTheCatalog) {
  store_.reset();
  fs::remove(DbPath());
  auto catalog = catalog::OfferStore::Open(DbPath());
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  store_ = OpenStore();
  ASSERT_NE(store_, nullptr);
  Create("p1");
  EXPECT_EQ(store_->GetPipeline("p1")->stages.size(), 2u);
  store_.reset();
  catalog->reset();
  EXPECT_TRUE(catalog::OfferStore::Open(DbPath()).ok()) << "the catalog reopens too";
  EXPECT_NE(OpenStore(), nullptr);
}

}  // namespace
}  // namespace sky::broker
