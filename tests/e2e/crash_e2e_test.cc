// Crash test (issue #5): `skybroker serve` runs as a child against a sim cloud that outlives it
// (the sim's state file, written through before every call returns), on a clock 200x faster
// than real time. The harness submits pipelines and sends kill -9 at 50 seeded moments: most at
// random, every fifth the instant the cloud has created an instance the broker has not heard
// about yet (inside a slow launch call). After the last restart every pipeline must finish
// exactly once, the cloud must have no instance left running and no stage attempt may have
// been launched twice.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>
#include <tuple>

#include "tests/support/e2e_fixture.h"

namespace sky::testing {
namespace {

using nlohmann::json;

constexpr int kKills = 50;
constexpr uint64_t kSeed = 20261122;
// Fixed so that every restart agrees on the sim time (ScaledClock origin).
const std::string kOrigin =
    std::to_string(static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count()));

std::string Spec(int i) {
  return R"({"name": "crash-)" + std::to_string(i) + R"(", "deadline_hours": 48,
    "constraints": {"providers": ["gcp"], "regions": ["us-central1", "us-east1"]},
    "stages": [
      {"name": "prep", "resources": {"cpus": 4}, "runtime_hours": 0.3, "output_gb": 1,
       "command": "python prep.py"},
      {"name": "train", "after": ["prep"], "resources": {"accelerators": {"L4": 1}},
       "runtime_hours": 1.0, "checkpoint_minutes": 10, "output_gb": 1,
       "command": "python train.py"},
      {"name": "eval", "after": ["train"], "resources": {"cpus": 4}, "runtime_hours": 0.2,
       "command": "python eval.py"}]})";
}

class CrashTest : public E2eTest {
 protected:
  // Starts serve on the same database, sim cloud and clock as every earlier start.
  bool StartServer() {
    // --auth off: this test is about durability, not tokens (auth_e2e_test covers those).
    return StartServe({"--db",
                       Path("broker.db"),
                       "--auth",
                       "off",
                       "--providers",
                       "sim",
                       "--sim-state",
                       Path("sim.json"),
                       "--clock-speed",
                       "200",
                       "--clock-origin",
                       kOrigin,
                       "--poll-seconds",
                       "30",
                       "--sim-boot-seconds",
                       "60",
                       "--sim-api-latency",
                       "0.3",
                       "--sim-preemption-rate",
                       "0.5"},
                      "serve-" + std::to_string(starts_++) + ".log");
  }
  void Kill() { serve_.Kill(SIGKILL); }
  // curl (at most 20 s) `args` to `path` on the server; the body.
  std::string Curl(const std::string& path, const std::string& args = "") {
    Request request{path, args};
    request.max_time_s = 20;
    return Send(request).text;
  }

  void Submit(int i) {
    const std::string spec = Write("spec-" + std::to_string(i) + ".json", Spec(i));
    json reply =
        json::parse(Curl("/v1/pipelines", "-X POST --data-binary @" + spec), nullptr, false);
    ASSERT_TRUE(reply.is_object() && reply.contains("id")) << reply.dump();
    ids_.push_back(reply["id"].get<std::string>());
  }

  std::string Sql(const std::string& query) {
    return RunShell("sqlite3 " + Path("broker.db") + " \"" + query + "\"");
  }

  json SimState() { return json::parse(ReadFile(Path("sim.json")), nullptr, false); }
  size_t SimInstances() {
    json state = SimState();
    return state.is_object() ? state["instances"].size() : 0;
  }

  // Kills the instant the cloud has created a new instance (inside the 0.3 s launch call), or
  // after `fallback_ms` when no launch starts.
  bool KillInsideLaunch(int fallback_ms) {
    const size_t before = SimInstances();
    for (int waited = 0; waited < fallback_ms; waited += 5) {
      if (SimInstances() > before) {
        Kill();
        return true;
      }
      ::usleep(5 * 1000);
    }
    Kill();
    return false;
  }

  bool AllTerminal() {
    for (const auto& id : ids_) {
      json p = json::parse(Curl("/v1/pipelines/" + id), nullptr, false);
      if (!p.is_object()) return false;
      const std::string state = p.value("state", "");
      if (state != "succeeded" && state != "failed" && state != "cancelled") return false;
    }
    return true;
  }

  int starts_ = 0;
  std::vector<std::string> ids_;
};

TEST_F(CrashTest, KillNineAtFiftyMomentsLosesNoPipelineAndLeaksNoInstance) {
  std::mt19937_64 rng(kSeed);
  std::uniform_int_distribution<int> delay_ms(100, 1500);
  ASSERT_TRUE(StartServer()) << "serve did not start";
  for (int i = 0; i < 3; ++i) Submit(i);
  int inside_launch = 0, orphaned_launches = 0, submitted = 3;
  for (int kill = 1; kill <= kKills; ++kill) {
    if (kill % 5 == 0) {
      inside_launch += KillInsideLaunch(3000);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
      Kill();
    }
    // An attempt recorded but not answered: the broker died between its write and the reply.
    orphaned_launches +=
        Sql("SELECT count(*) FROM attempts WHERE instance_id = '' AND outcome = ''") != "0";
    ASSERT_TRUE(StartServer()) << "restart " << kill << " failed";
    if (kill % 5 == 0 && submitted < 13) Submit(submitted++);
  }
  WaitFor([&] { return AllTerminal(); }, std::chrono::minutes(4), std::chrono::milliseconds(500));
  std::printf("kills: %d, inside a launch call: %d, restarts with an unanswered launch: %d\n",
              kKills, inside_launch, orphaned_launches);
  EXPECT_GE(inside_launch, 5) << "most targeted kills land inside a launch call";
  EXPECT_GE(orphaned_launches, 1);
  for (const auto& id : ids_) {
    json p = json::parse(Curl("/v1/pipelines/" + id), nullptr, false);
    EXPECT_EQ(p.value("state", "?"), "succeeded") << id << "\n"
                                                  << Curl("/v1/pipelines/" + id + "/events");
    EXPECT_EQ(Sql("SELECT count(*) FROM transitions WHERE pipeline_id = '" + id +
                  "' AND stage IS NULL AND to_state = 'succeeded'"),
              "1")
        << id << " finished more than once";
  }
  EXPECT_TRUE(serve_.Stop());
  json state = SimState();
  ASSERT_TRUE(state.is_object());
  std::map<std::tuple<std::string, std::string, std::string>, int> per_attempt;
  int live = 0;
  for (const auto& inst : state["instances"]) {
    live += inst["state"] != "terminated";
    const json& tags = inst["tags"];
    per_attempt[{tags.value("skybroker-pipeline", ""), tags.value("skybroker-stage", ""),
                 tags.value("skybroker-attempt", "")}]++;
  }
  EXPECT_EQ(live, 0) << "instances left running";
  int duplicates = 0;
  for (const auto& [attempt, count] : per_attempt) duplicates += count > 1;
  EXPECT_EQ(duplicates, 0) << "stage attempts launched twice";
  std::printf("pipelines: %zu, instances launched: %zu, idempotent replays: %d\n", ids_.size(),
              state["instances"].size(), state["stats"].value("idempotent_replays", 0));
}

}  // namespace
}  // namespace sky::testing
