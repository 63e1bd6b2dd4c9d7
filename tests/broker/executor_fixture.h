#pragma once
// The executor on real parts (SQLite file, catalog, planner, sim cloud) on a manual clock, with
// whatever fault wrapper a test puts in front of the sim; time moves only through RunFor and
// RunUntilTerminal, so failover timeouts run without sleeping.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "sky/broker/catalog_service.h"
#include "sky/broker/executor.h"
#include "sky/broker/executor_world.h"
#include "sky/broker/pipeline_store.h"
#include "sky/broker/plan_service.h"
#include "sky/planner/network.h"
#include "sky/providers/sim_provider.h"
#include "sky/types/clock.h"
#include "tests/support/fake_token_minter.h"
#include "tests/support/offer_builder.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace sky::testing {

inline Offer MakeTestOffer(const std::string& provider, const std::string& region,
                           const std::string& zone, const std::string& type, const std::string& gpu,
                           int count, Market market, double price) {
  return OfferBuilder()
      .Provider(provider)
      .Region(region)
      .Zone(zone)
      .Type(type)
      .Gpu(gpu, count, gpu.empty() ? 0 : 80)
      .Cpus(12)
      .MemoryGb(85)
      .Market(market)
      .Price(price)
      .Build();
}

// A100 spot in three zones of gcp:us-central1 ($1.00, $1.10, $1.20) and one of
// europe-west4 ($1.05), A100 on-demand in both regions ($3.67 / $3.90), and a CPU machine in
// each region ($0.78 / $0.86).
inline std::vector<Offer> TestOffers() {
  const Market spot = Market::kSpot, od = Market::kOnDemand;
  return {
      MakeTestOffer("gcp", "us-central1", "us-central1-a", "a2-highgpu-1g", "A100", 1, spot, 1.00),
      MakeTestOffer("gcp", "us-central1", "us-central1-b", "a2-highgpu-1g", "A100", 1, spot, 1.10),
      MakeTestOffer("gcp", "us-central1", "us-central1-c", "a2-highgpu-1g", "A100", 1, spot, 1.20),
      MakeTestOffer("gcp", "europe-west4", "europe-west4-a", "a2-highgpu-1g", "A100", 1, spot,
                    1.05),
      MakeTestOffer("gcp", "us-central1", "", "a2-highgpu-1g", "A100", 1, od, 3.67),
      MakeTestOffer("gcp", "europe-west4", "", "a2-highgpu-1g", "A100", 1, od, 3.90),
      MakeTestOffer("gcp", "us-central1", "", "n2-standard-16", "", 0, od, 0.78),
      MakeTestOffer("gcp", "europe-west4", "", "n2-standard-16", "", 0, od, 0.86),
  };
}

// prep (CPU, 0.5 h) -> train (A100:1, 4 h, checkpoints every 30 min) -> eval (CPU, 0.5 h).
inline std::string ThreeStageSpec(double deadline_hours, const std::string& extra = "") {
  return R"({"name": "ft", "deadline_hours": )" + std::to_string(deadline_hours) + extra +
         R"(, "restart_minutes": 6,
    "stages": [
      {"name": "prep", "resources": {"cpus": 8}, "runtime_hours": 0.5, "output_gb": 1,
       "command": "python prep.py"},
      {"name": "train", "after": ["prep"], "resources": {"accelerators": {"A100": 1}},
       "runtime_hours": 4, "output_gb": 1, "checkpoint_minutes": 30,
       "command": "python train.py"},
      {"name": "eval", "after": ["train"], "resources": {"cpus": 8}, "runtime_hours": 0.5,
       "command": "python eval.py"}]})";
}

class ExecutorFixture : public ::testing::Test {
 protected:
  static constexpr double kStart = 1.7e9;

  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty()) << "no temp dir";
    broker::ExecutorWorldOptions world;
    world.start_seconds = kStart;
    world.store_path = dir_.Path("broker.db");
    world.tokens = &tokens_;
    world_ = std::make_unique<broker::ExecutorWorld>(world);
    auto catalog = broker::CatalogService::Open(":memory:", &clock());
    ASSERT_OK(catalog);
    catalog_ = std::move(*catalog);
    ASSERT_OK(catalog_->ApplyProviderOffers("gcp", TestOffers(), {}));
    auto network = planner::NetworkModel::LoadFromDirectory(SKY_SOURCE_DIR "/data/network");
    ASSERT_OK(network);
    plans_ = std::make_unique<broker::PlanService>(*catalog_, std::move(*network),
                                                   std::vector<std::string>{});
    sim_options_.boot_seconds = 60;
    world_->StartSim(TestOffers(), sim_options_);
    OpenStore();
    options_.poll_seconds = 30;
  }

  void TearDown() override {
    if (world_) world_->StopExecutor();  // then what it used, in the reverse order of SetUp
    plans_.reset();
    catalog_.reset();
    world_.reset();
  }

  // (Re)opens the store on broker.db, as after a restart (the executor goes first).
  void OpenStore() { ASSERT_OK(world_->OpenStore()); }

  // Builds the executor in front of `provider` (the sim, or a wrapper around it), recovered.
  void StartExecutor(providers::Provider& provider) {
    ASSERT_OK(world_->StartExecutor(*plans_, options_, &provider));
    ASSERT_OK(executor().Recover());
  }

  ManualClock& clock() { return world_->clock(); }
  providers::SimProvider& sim() { return world_->sim(); }
  broker::PipelineStore& store() { return world_->store(); }
  broker::Executor& executor() { return world_->executor(); }

  std::string Submit(const std::string& spec) {
    auto id = executor().Submit("team-a", spec);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : "";
  }

  // Runs due steps, jumping the clock to the next wake, until `id` is terminal or `max_hours`
  // of clock time pass. Returns the final state.
  broker::PipelineState RunUntilTerminal(const std::string& id, double max_hours = 48) {
    const double stop = clock().NowSeconds() + max_hours * 3600;
    while (clock().NowSeconds() < stop) {
      executor().RunDue();
      auto p = store().GetPipeline(id);
      if (p.ok() && broker::IsTerminal(p->state)) return p->state;
      auto wait = executor().NextWakeIn();
      clock().Advance(wait ? std::max(*wait, 1.0) : 30.0);
    }
    return store().GetPipeline(id)->state;
  }

  // Runs due steps for `seconds` of clock time.
  void RunFor(double seconds) {
    const double stop = clock().NowSeconds() + seconds;
    while (clock().NowSeconds() < stop) {
      executor().RunDue();
      auto wait = executor().NextWakeIn();
      const double step = wait ? std::max(*wait, 1.0) : 30.0;
      clock().Advance(std::min(stop - clock().NowSeconds() + 0.001, step));
    }
    executor().RunDue();
  }

  std::vector<broker::EventRecord> EventsOf(const std::string& id, const std::string& kind) {
    std::vector<broker::EventRecord> out;
    auto events = store().Events(id);  // named: a range-for over *temporary would dangle
    for (auto& e : *events) {
      if (e.kind == kind) out.push_back(e);
    }
    return out;
  }

  // The event log as text, for failure messages.
  std::string EventLog(const std::string& id) {
    std::string text;
    auto events = store().Events(id);
    if (!events.ok()) return events.status().ToString();
    for (const auto& e : *events) {
      text += e.kind + " " + e.stage.value_or("-") + ": " + e.message + "\n";
    }
    return text;
  }

  std::vector<broker::AttemptRecord> AttemptsOf(const std::string& id, const std::string& stage) {
    std::vector<broker::AttemptRecord> out;
    auto attempts = store().Attempts(id);
    for (auto& a : *attempts) {
      if (a.stage == stage) out.push_back(a);
    }
    return out;
  }

  TempDir dir_{"sky_exec_"};
  FakeTokenMinter tokens_;
  std::unique_ptr<broker::ExecutorWorld> world_;  // its clock is the catalog's too
  std::unique_ptr<broker::CatalogService> catalog_;
  std::unique_ptr<broker::PlanService> plans_;
  providers::SimOptions sim_options_;
  broker::ExecutorOptions options_;
};

}  // namespace sky::testing
