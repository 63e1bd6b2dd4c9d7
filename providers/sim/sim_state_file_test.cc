#include "providers/sim/sim_state_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "sky/providers/sim_provider.h"

namespace sky::providers {
namespace {

Offer MakeOffer(Market market) {
  Offer o;
  o.provider = "aws";
  o.region = "us-west-2";
  o.zone = market == Market::kSpot ? "us-west-2a" : "";
  o.instance_type = "p3.2xlarge";
  o.market = market;
  o.id = MakeOfferId(o);
  return o;
}

LaunchRequest Request(const Offer& offer, const std::string& key) {
  LaunchRequest r;
  r.offer = offer;
  r.idempotency_key = key;
  r.tags = {{kTagPipeline, "p1"},
            {kTagStage, key},
            {kTagAttempt, "1"},
            {kTagWorkSeconds, "1000"},
            {kTagCheckpointSeconds, "100"}};
  return r;
}

bool Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

class SimStateFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "sim_state_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = dir_ + "/cloud.json";
  }
  void TearDown() override {
    std::remove(path_.c_str());
    std::remove((path_ + ".tmp").c_str());
    ::rmdir(dir_.c_str());
  }

  // A fresh provider on the state file, as a restarted broker process would build it.
  std::unique_ptr<SimProvider> Reopen(double preemption_rate_per_hour = 0) {
    SimOptions options;
    options.state_path = path_;
    options.boot_seconds = 10;
    options.spot_preemption_rate_per_hour = preemption_rate_per_hour;
    auto opened = SimProvider::Open({od_, spot_}, clock_, options);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? std::move(opened).value() : nullptr;
  }

  ManualClock clock_;
  Offer od_ = MakeOffer(Market::kOnDemand);
  Offer spot_ = MakeOffer(Market::kSpot);
  std::string dir_, path_;
};

TEST_F(SimStateFileTest, MissingFileIsAnEmptyCloud) {
  auto sim = Reopen();
  EXPECT_TRUE(sim->AllInstances().empty());
  EXPECT_FALSE(Exists(path_));  // nothing changed yet, nothing written
  EXPECT_TRUE(LoadSimState(path_).ok());
  EXPECT_FALSE(LoadSimState(path_)->has_value());
}

TEST_F(SimStateFileTest, CloudOutlivesTheProcess) {
  std::string a_id, b_id;
  {
    auto sim = Reopen();
    auto a = sim->Launch(Request(od_, "a"));
    auto b = sim->Launch(Request(spot_, "b"));
    ASSERT_TRUE(a.ok() && b.ok());
    a_id = a->id;
    b_id = b->id;
    clock_.Set(20);
    ASSERT_TRUE(sim->Describe({a_id}).ok());  // boots both: written through
    clock_.Set(70);
    ASSERT_TRUE(sim->Terminate(a_id).ok());
    EXPECT_TRUE(Exists(path_));
    EXPECT_FALSE(Exists(path_ + ".tmp"));  // renamed into place
  }                                        // the "broker" dies; the cloud's file stays
  auto sim = Reopen();
  auto all = sim->AllInstances();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, a_id);
  EXPECT_EQ(all[0].state, InstanceState::kTerminated);
  EXPECT_EQ(all[0].reason, TerminationReason::kUser);
  EXPECT_EQ(all[0].tags.at(kTagStage), "a");
  ASSERT_TRUE(all[0].agent.has_value());  // frozen at termination: 60 of 1000 s
  EXPECT_DOUBLE_EQ(all[0].agent->progress, 0.06);
  EXPECT_DOUBLE_EQ(all[0].agent->checkpoint, 0);
  EXPECT_EQ(all[1].state, InstanceState::kRunning);
  EXPECT_EQ(all[1].market, Market::kSpot);
  // A key launched before the restart is replayed, not launched again.
  auto again = sim->Launch(Request(spot_, "b"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, b_id);
  auto c = sim->Launch(Request(od_, "c"));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->id, "sim-00000003");  // the id sequence goes on
  EXPECT_NE(c->private_ip, all[1].private_ip);
  const SimStats stats = sim->stats();
  EXPECT_EQ(stats.launches, 3);
  EXPECT_EQ(stats.idempotent_replays, 1);
  EXPECT_EQ(stats.live, 2);
  EXPECT_EQ(stats.duplicate_attempts, 0);
}

TEST_F(SimStateFileTest, RandomModelContinuesAfterReopen) {
  // The generator's state is part of the file: a reopened cloud draws what the old one would.
  std::vector<std::string> ids;
  {
    auto sim = Reopen(1);
    ids.push_back(sim->Launch(Request(spot_, "x"))->id);
  }
  auto reopened = Reopen(1);
  ids.push_back(reopened->Launch(Request(spot_, "y"))->id);
  auto loaded = LoadSimState(path_);
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  const SimState& state = **loaded;
  std::mt19937_64 expected(1);
  std::exponential_distribution<double> hours(1);
  const double first = hours(expected) * 3600.0;
  const double second = hours(expected) * 3600.0;
  EXPECT_DOUBLE_EQ(state.instances.at(ids[0]).preempt_at, first);
  EXPECT_DOUBLE_EQ(state.instances.at(ids[1]).preempt_at, second);
}

TEST_F(SimStateFileTest, CorruptFileIsInvalidArgumentNamingIt) {
  for (const char* text : {"{not json", "[]", R"({"version": 1})", ""}) {
    std::ofstream(path_) << text;
    SimOptions options;
    options.state_path = path_;
    auto opened = SimProvider::Open({od_}, clock_, options);
    ASSERT_FALSE(opened.ok()) << text;
    EXPECT_TRUE(opened.status().IsInvalidArgument()) << text;
    EXPECT_NE(opened.status().message().find(path_), std::string::npos) << text;
  }
}

TEST_F(SimStateFileTest, RejectsADanglingKeyAndUnknownEnums) {
  SimState state;
  state.by_key["k"] = "sim-00000001";
  EXPECT_TRUE(SimStateFromJson(SimStateToJson(state)).status().IsInvalidArgument());
  SimState ok;
  SimInstanceState sim;
  sim.instance.id = "sim-00000001";
  ok.instances[sim.instance.id] = sim;
  std::string text = SimStateToJson(ok);
  ASSERT_TRUE(SimStateFromJson(text).ok());
  const size_t at = text.find("\"pending\"");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 9, "\"sleepy\"");
  EXPECT_TRUE(SimStateFromJson(text).status().IsInvalidArgument());
}

TEST_F(SimStateFileTest, WriteFailureIsUnavailableAndKeepsTheMutation) {
  SimOptions options;
  options.state_path = dir_ + "/no/such/dir/cloud.json";
  SimProvider sim({od_}, clock_, options);
  auto launched = sim.Launch(Request(od_, "a"));
  EXPECT_TRUE(launched.status().IsUnavailable());
  EXPECT_EQ(sim.AllInstances().size(), 1u);  // the cloud did create it
  EXPECT_TRUE(sim.Launch(Request(od_, "a")).status().IsUnavailable());
  EXPECT_EQ(sim.stats().launches, 1);  // the retry is a replay, not a second instance
}

TEST_F(SimStateFileTest, LeftoverTmpFromAKilledWriteIsIgnored) {
  {
    auto sim = Reopen();
    ASSERT_TRUE(sim->Launch(Request(od_, "a")).ok());
  }
  std::ofstream(path_ + ".tmp") << "{half a wri";  // killed between write and rename
  auto sim = Reopen();
  EXPECT_EQ(sim->AllInstances().size(), 1u);
  ASSERT_TRUE(sim->Launch(Request(od_, "b")).ok());
  EXPECT_FALSE(Exists(path_ + ".tmp"));
  EXPECT_EQ(Reopen()->AllInstances().size(), 2u);
}

}  // namespace
}  // namespace sky::providers
