#pragma once
// The executor on real parts (SQLite file, catalog, planner, sim cloud) on a manual clock, with
// whatever fault wrapper a test puts in front of the sim; time moves only through RunFor and
// RunUntilTerminal, so failover timeouts run without sleeping.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "sky/broker/catalog_service.h"
#include "sky/broker/executor.h"
#include "sky/broker/pipeline_store.h"
#include "sky/broker/plan_service.h"
#include "sky/planner/network.h"
#include "sky/providers/sim_provider.h"
#include "sky/types/clock.h"

namespace sky::testing {

// Tokens without OpenSSL: the broker only needs determinism per key and a stable hash.
class TestTokens final : public broker::TokenMinter {
 public:
  std::string TokenFor(std::string_view key) const override { return "tok-" + std::string(key); }
  std::string Hash(std::string_view token) const override {
    return "h" + std::to_string(std::hash<std::string_view>()(token));
  }
};

inline Offer MakeTestOffer(const std::string& provider, const std::string& region,
                           const std::string& zone, const std::string& type,
                           const std::string& gpu, int count, Market market, double price) {
  Offer o;
  o.provider = provider;
  o.region = region;
  o.zone = zone;
  o.instance_type = type;
  o.accelerator = gpu;
  o.accelerator_count = count;
  o.accelerator_memory_gb = gpu.empty() ? 0 : 80;
  o.vcpus = 12;
  o.memory_gb = 85;
  o.market = market;
  o.price_per_hour = price;
  o.id = MakeOfferId(o);
  return o;
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
      MakeTestOffer("gcp", "europe-west4", "europe-west4-a", "a2-highgpu-1g", "A100", 1, spot, 1.05),
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
    dir_ = std::filesystem::temp_directory_path() /
           ("sky_exec_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto catalog = broker::CatalogService::Open(":memory:", &clock_);
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    catalog_ = std::move(*catalog);
    ASSERT_TRUE(catalog_->ApplyProviderOffers("gcp", TestOffers(), {}).ok());
    auto network = planner::NetworkModel::LoadFromDirectory(SKY_SOURCE_DIR "/data/network");
    ASSERT_TRUE(network.ok()) << network.status().ToString();
    plans_ = std::make_unique<broker::PlanService>(*catalog_, std::move(*network),
                                                   std::vector<std::string>{});
    sim_options_.boot_seconds = 60;
    sim_ = std::make_unique<providers::SimProvider>(TestOffers(), clock_, sim_options_);
    OpenStore();
    options_.poll_seconds = 30;
  }

  void TearDown() override {
    executor_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void OpenStore() {
    auto store = broker::PipelineStore::Open((dir_ / "broker.db").string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }

  // Builds the executor in front of `provider` (the sim, or a wrapper around it).
  void StartExecutor(providers::Provider& provider) {
    auto executor = broker::Executor::Create(*store_, *plans_, {&provider}, clock_, tokens_,
                                             options_);
    ASSERT_TRUE(executor.ok()) << executor.status().ToString();
    executor_ = std::move(*executor);
    ASSERT_TRUE(executor_->Recover().ok());
  }

  std::string Submit(const std::string& spec) {
    auto id = executor_->Submit("team-a", spec);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : "";
  }

  // Runs due steps, jumping the clock to the next wake, until `id` is terminal or `max_hours`
  // of clock time pass. Returns the final state.
  broker::PipelineState RunUntilTerminal(const std::string& id, double max_hours = 48) {
    const double stop = clock_.NowSeconds() + max_hours * 3600;
    while (clock_.NowSeconds() < stop) {
      executor_->RunDue();
      auto p = store_->GetPipeline(id);
      if (p.ok() && broker::IsTerminal(p->state)) return p->state;
      auto wait = executor_->NextWakeIn();
      clock_.Advance(wait ? std::max(*wait, 1.0) : 30.0);
    }
    return store_->GetPipeline(id)->state;
  }

  // Runs due steps for `seconds` of clock time.
  void RunFor(double seconds) {
    const double stop = clock_.NowSeconds() + seconds;
    while (clock_.NowSeconds() < stop) {
      executor_->RunDue();
      auto wait = executor_->NextWakeIn();
      clock_.Advance(std::min(stop - clock_.NowSeconds() + 0.001, wait ? std::max(*wait, 1.0) : 30.0));
    }
    executor_->RunDue();
  }

  std::vector<broker::EventRecord> EventsOf(const std::string& id, const std::string& kind) {
    std::vector<broker::EventRecord> out;
    auto events = store_->Events(id);  // named: a range-for over *temporary would dangle
    for (auto& e : *events) {
      if (e.kind == kind) out.push_back(e);
    }
    return out;
  }

  // The event log as text, for failure messages.
  std::string EventLog(const std::string& id) {
    std::string text;
    auto events = store_->Events(id);
    if (!events.ok()) return events.status().ToString();
    for (const auto& e : *events) {
      text += e.kind + " " + e.stage.value_or("-") + ": " + e.message + "\n";
    }
    return text;
  }

  std::vector<broker::AttemptRecord> AttemptsOf(const std::string& id, const std::string& stage) {
    std::vector<broker::AttemptRecord> out;
    auto attempts = store_->Attempts(id);
    for (auto& a : *attempts) {
      if (a.stage == stage) out.push_back(a);
    }
    return out;
  }

  std::filesystem::path dir_;
  ManualClock clock_{kStart};
  std::unique_ptr<broker::CatalogService> catalog_;
  std::unique_ptr<broker::PlanService> plans_;
  providers::SimOptions sim_options_;
  std::unique_ptr<providers::SimProvider> sim_;
  std::unique_ptr<broker::PipelineStore> store_;
  TestTokens tokens_;
  broker::ExecutorOptions options_;
  std::unique_ptr<broker::Executor> executor_;
};

}  // namespace sky::testing
