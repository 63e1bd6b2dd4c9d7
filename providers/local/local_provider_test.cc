// The local provider with real bash processes: each test waits for what the processes really
// did (files they wrote, process groups that are gone), bounded by a few seconds.
#include "sky/providers/local_provider.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace sky::providers {
namespace {

constexpr double kWaitSeconds = 10;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Polls `done` every 10 ms until it holds or kWaitSeconds pass.
bool WaitFor(const std::function<bool()>& done) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::duration<double>(kWaitSeconds);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

bool GroupGone(pid_t pgid) { return ::kill(-pgid, 0) != 0 && errno == ESRCH; }

class LocalProviderTest : public ::testing::Test {
 protected:
  void Open(LocalOptions options = {}) {
    options.root_dir = dir_.Path("instances");
    auto provider = NewLocalProvider(std::move(options));
    ASSERT_OK(provider);
    local_ = std::move(provider).value();
  }

  Offer OfferAt(const std::string& place, Market market) {
    const std::vector<Offer> offers = local_->ListOffers().value();
    for (const Offer& offer : offers) {
      if (offer.location_id() == place && offer.market == market) return offer;
    }
    ADD_FAILURE() << "no offer at " << place;
    return Offer();
  }

  LaunchRequest Request(const Offer& offer, const std::string& key, const std::string& script) {
    LaunchRequest r;
    r.offer = offer;
    r.idempotency_key = key;
    r.startup_script = script;
    r.tags = {{kTagPipeline, "p1"}, {kTagStage, key}};
    return r;
  }

  // Launches `script` on the spot offer of local:region-a:a.
  Instance LaunchScript(const std::string& key, const std::string& script) {
    auto inst = local_->Launch(Request(OfferAt("local:region-a:a", Market::kSpot), key, script));
    EXPECT_OK(inst);
    return inst.ok() ? *inst : Instance();
  }

  std::string InstanceDir(const Instance& inst) { return local_->root_dir() + "/" + inst.id; }

  // The pid the script wrote to `pid` in its directory (its process group id), once it has.
  pid_t GroupOf(const Instance& inst) {
    const std::string path = InstanceDir(inst) + "/pid";
    EXPECT_TRUE(WaitFor([&] { return ReadFile(path).find('\n') != std::string::npos; }));
    return static_cast<pid_t>(std::atoi(ReadFile(path).c_str()));
  }

  Instance Described(const std::string& id) {
    auto described = local_->Describe({id});
    EXPECT_OK(described);
    return described.ok() ? described->at(0) : Instance();
  }

  bool WaitTerminated(const std::string& id) {
    return WaitFor([&] { return Described(id).state == InstanceState::kTerminated; });
  }

  sky::testing::TempDir dir_{"sky_local_"};  // first: outlives the provider's processes
  std::unique_ptr<LocalProvider> local_;
};

TEST_F(LocalProviderTest, ListOffersHasBothMarketsAtEveryDefaultPlace) {
  Open();
  auto offers = local_->ListOffers();
  ASSERT_OK(offers);
  ASSERT_EQ(offers->size(), 6u);
  for (const char* place : {"local:region-a:a", "local:region-a:b", "local:region-b:a"}) {
    const Offer od = OfferAt(place, Market::kOnDemand);
    const Offer spot = OfferAt(place, Market::kSpot);
    EXPECT_EQ(od.id, std::string(place) + "/local/on_demand");
    EXPECT_EQ(spot.id, MakeOfferId(spot));
    EXPECT_EQ(od.provider, "local");
    EXPECT_EQ(od.instance_type, "local");
    EXPECT_EQ(od.vcpus, std::max(1u, std::thread::hardware_concurrency()));
    EXPECT_GT(od.memory_gb, 0);
    EXPECT_TRUE(od.accelerator.empty());
    EXPECT_GT(spot.price_per_hour, 0);
    EXPECT_LT(spot.price_per_hour, od.price_per_hour);
  }
}

TEST_F(LocalProviderTest, ScriptRunsInItsDirectoryWithItsEnvironmentAndEnds) {
  Open();
  // serve blocks SIGINT and SIGTERM in every thread; the script must not inherit that.
  sigset_t stop, old;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, &old);
  const int leaked = ::open("/dev/null", O_RDONLY);  // not close-on-exec
  const Instance inst = LaunchScript("k1",
                                     "echo \"$SKY_LOCAL_INSTANCE|$TMPDIR|$(pwd)\" > out.txt\n"
                                     "grep SigBlk /proc/self/status > sigblk\n"
                                     "[ -e /proc/$$/fd/" +
                                         std::to_string(leaked) +
                                         " ] && echo leaked > fds\n"
                                         "read -r line || echo stdin-empty\n"
                                         "echo to-stderr >&2\n"
                                         "exit 3\n");
  ::close(leaked);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  EXPECT_EQ(inst.state, InstanceState::kRunning);
  EXPECT_EQ(inst.provider, "local");
  EXPECT_EQ(inst.zone, "a");
  ASSERT_TRUE(WaitTerminated(inst.id));
  const Instance ended = Described(inst.id);
  EXPECT_EQ(ended.reason, TerminationReason::kUnknown);
  EXPECT_FALSE(ended.agent.has_value());
  const std::string dir = InstanceDir(inst);
  EXPECT_EQ(ReadFile(dir + "/out.txt"), inst.id + "|" + dir + "|" + dir + "\n");
  EXPECT_EQ(ReadFile(dir + "/sigblk"), "SigBlk:\t0000000000000000\n");
  EXPECT_EQ(ReadFile(dir + "/fds"), "");
  EXPECT_EQ(ReadFile(dir + "/script.log"), "stdin-empty\nto-stderr\n");
  struct stat st;
  ASSERT_EQ(::stat((dir + "/startup.sh").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(LocalProviderTest, InstanceDoesNotInheritTheServersSecrets) {
  Open();
  const std::vector<std::string> secrets = {"RCLONE_CONFIG_S3_SECRET_ACCESS_KEY",
                                            "RCLONE_CONFIG_GS_TYPE",
                                            "RCLONE_CONFIG_PASS",
                                            "AWS_ACCESS_KEY_ID",
                                            "AWS_SECRET_ACCESS_KEY",
                                            "AWS_SESSION_TOKEN",
                                            "GOOGLE_APPLICATION_CREDENTIALS",
                                            "LAMBDA_API_KEY",
                                            "RUNPOD_API_KEY",
                                            "AZURE_CLIENT_SECRET",
                                            "SKYBROKER_ADMIN_TOKEN",
                                            "SKYBROKER_DB"};
  const std::vector<std::string> kept = {"RCLONE_BWLIMIT", "RCLONE_CONFIG", "AWS_CA_BUNDLE",
                                         "AWS_REGION", "SKY_LOCAL_TEST_PLAIN"};
  std::map<std::string, std::optional<std::string>> saved;
  for (const auto& list : {secrets, kept}) {
    for (const std::string& name : list) {
      const char* old = std::getenv(name.c_str());
      saved[name] = old != nullptr ? std::optional<std::string>(old) : std::nullopt;
      ::setenv(name.c_str(), ("value-of-" + name).c_str(), 1);
    }
  }
  const Instance inst = LaunchScript("k1", "env > env.txt.tmp && mv env.txt.tmp env.txt\n");
  for (const auto& [name, value] : saved) {
    if (value) {
      ::setenv(name.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }
  ASSERT_TRUE(WaitTerminated(inst.id));
  const std::string env = "\n" + ReadFile(InstanceDir(inst) + "/env.txt");
  for (const std::string& name : secrets) {
    EXPECT_EQ(env.find("\n" + name + "="), std::string::npos) << name;
    EXPECT_EQ(env.find("value-of-" + name + "\n"), std::string::npos) << name;
  }
  for (const std::string& name : kept) {
    EXPECT_NE(env.find("\n" + name + "=value-of-" + name + "\n"), std::string::npos) << name;
  }
  for (const char* name : {"PATH", "HOME"}) {
    if (std::getenv(name) == nullptr) continue;
    EXPECT_NE(env.find("\n" + std::string(name) + "=" + std::getenv(name) + "\n"),
              std::string::npos)
        << name;
  }
  EXPECT_NE(env.find("\nSKY_LOCAL_INSTANCE=" + inst.id + "\n"), std::string::npos);
}

TEST_F(LocalProviderTest, PreemptKillsTheWholeProcessGroup) {
  Open();
  const Instance inst = LaunchScript("k1", "echo $$ > pid\nsleep 300 &\nsleep 300\n");
  const pid_t pgid = GroupOf(inst);
  ASSERT_GT(pgid, 0);
  EXPECT_EQ(::getpgid(pgid), pgid);
  EXPECT_EQ(Described(inst.id).state, InstanceState::kRunning);
  ASSERT_OK(local_->Preempt(inst.id));
  // The background sleep is reparented and reaped by init: allow it a moment.
  EXPECT_TRUE(WaitFor([&] { return GroupGone(pgid); }));
  const Instance gone = Described(inst.id);
  EXPECT_EQ(gone.state, InstanceState::kTerminated);
  EXPECT_EQ(gone.reason, TerminationReason::kPreempted);
  EXPECT_TRUE(local_->Preempt(inst.id).IsFailedPrecondition());
  EXPECT_OK(local_->Terminate(inst.id));  // idempotent; the reason stays
  EXPECT_EQ(Described(inst.id).reason, TerminationReason::kPreempted);
}

TEST_F(LocalProviderTest, CapacityIsPerPlaceAndMarket) {
  LocalOptions options;
  options.capacity_per_place = 1;
  Open(options);
  const Offer spot_a = OfferAt("local:region-a:a", Market::kSpot);
  auto first = local_->Launch(Request(spot_a, "k1", "sleep 300\n"));
  ASSERT_OK(first);
  auto refused = local_->Launch(Request(spot_a, "k2", "sleep 300\n"));
  EXPECT_TRUE(refused.status().IsResourceExhausted()) << refused.status().ToString();
  EXPECT_EQ(refused.status().reason(), "capacity");
  EXPECT_OK(local_->Launch(Request(OfferAt("local:region-a:a", Market::kOnDemand), "k3", "")));
  EXPECT_OK(local_->Launch(Request(OfferAt("local:region-b:a", Market::kSpot), "k4", "")));
  ASSERT_OK(local_->Terminate(first->id));
  EXPECT_OK(local_->Launch(Request(spot_a, "k2", "sleep 300\n")));
}

TEST_F(LocalProviderTest, SameIdempotencyKeyIsTheSameInstance) {
  Open();
  const std::string script = "echo started >> ../starts\nsleep 300\n";
  const Instance a = LaunchScript("k1", script);
  const Instance b = LaunchScript("k1", script);
  EXPECT_EQ(a.id, b.id);
  const std::string starts = local_->root_dir() + "/starts";
  ASSERT_TRUE(WaitFor([&] { return !ReadFile(starts).empty(); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(ReadFile(starts), "started\n");
  EXPECT_EQ(local_->ListByTag(kTagPipeline, "p1")->size(), 1u);
  EXPECT_NE(LaunchScript("k2", script).id, a.id);
}

TEST_F(LocalProviderTest, TerminateKillsAndUnknownIdsAreNotFound) {
  Open();
  const Instance inst = LaunchScript("k1", "echo $$ > pid\nsleep 300\n");
  const pid_t pgid = GroupOf(inst);
  ASSERT_OK(local_->Terminate(inst.id));
  EXPECT_TRUE(WaitFor([&] { return GroupGone(pgid); }));
  const Instance gone = Described(inst.id);
  EXPECT_EQ(gone.state, InstanceState::kTerminated);
  EXPECT_EQ(gone.reason, TerminationReason::kUser);
  EXPECT_OK(local_->Terminate(inst.id));
  EXPECT_EQ(local_->ListByTag(kTagStage, "k1")->size(), 1u);  // still listed
  EXPECT_TRUE(local_->Terminate("local-99999999").IsNotFound());
  EXPECT_TRUE(local_->Preempt("local-99999999").IsNotFound());
  EXPECT_TRUE(local_->Describe({inst.id, "local-99999999"}).status().IsNotFound());
  LaunchRequest elsewhere = Request(OfferAt("local:region-a:a", Market::kSpot), "k2", "");
  elsewhere.offer.id = "aws:us-east-1/local/spot";
  EXPECT_TRUE(local_->Launch(elsewhere).status().IsNotFound());
}

TEST_F(LocalProviderTest, RatePreemptsSpotInstancesOnly) {
  ManualClock clock(1000);
  LocalOptions options;
  options.preemptions_per_hour = 60;  // one a minute on average
  options.clock = &clock;
  Open(options);
  const Instance spot = LaunchScript("k1", "echo $$ > pid\nsleep 300\n");
  auto od =
      local_->Launch(Request(OfferAt("local:region-a:b", Market::kOnDemand), "k2", "sleep 300\n"));
  ASSERT_OK(od);
  const pid_t pgid = GroupOf(spot);
  EXPECT_EQ(Described(spot.id).state, InstanceState::kRunning);
  clock.Advance(365 * 24 * 3600.0);  // a year: an exponential time that long is ~e^-525600
  auto listed = local_->ListByTag(kTagPipeline, "p1");
  ASSERT_OK(listed);
  ASSERT_EQ(listed->size(), 2u);
  for (const Instance& inst : *listed) {
    if (inst.id == spot.id) {
      EXPECT_EQ(inst.state, InstanceState::kTerminated);
      EXPECT_EQ(inst.reason, TerminationReason::kPreempted);
    } else {
      EXPECT_EQ(inst.id, od->id);
      EXPECT_EQ(inst.state, InstanceState::kRunning);
    }
  }
  EXPECT_TRUE(WaitFor([&] { return GroupGone(pgid); }));
}

TEST_F(LocalProviderTest, SpotAvailabilityPreemptsTheNewestAndRefusesSpot) {
  ManualClock clock(500);
  LocalOptions options;
  options.clock = &clock;
  options.spot_available["local:region-a:a"] = [](double t) { return t < 100 ? 2 : t < 200; };
  Open(options);
  const Instance older = LaunchScript("k1", "sleep 300\n");
  const Instance newer = LaunchScript("k2", "sleep 300\n");
  auto refused =
      local_->Launch(Request(OfferAt("local:region-a:a", Market::kSpot), "k3", "sleep 300\n"));
  EXPECT_TRUE(refused.status().IsResourceExhausted()) << refused.status().ToString();
  EXPECT_EQ(refused.status().reason(), "capacity");
  const Instance od =
      local_->Launch(Request(OfferAt("local:region-a:a", Market::kOnDemand), "k4", "sleep 300\n"))
          .value();
  clock.Advance(150);
  EXPECT_EQ(Described(older.id).state, InstanceState::kRunning);
  EXPECT_EQ(Described(newer.id).reason, TerminationReason::kPreempted);
  clock.Advance(100);
  EXPECT_EQ(Described(older.id).reason, TerminationReason::kPreempted);
  EXPECT_EQ(Described(od.id).state, InstanceState::kRunning);
  LocalOptions elsewhere;
  elsewhere.root_dir = dir_.Path("other");
  elsewhere.spot_available["local:region-c:a"] = [](double) { return 1; };
  EXPECT_TRUE(NewLocalProvider(elsewhere).status().IsInvalidArgument());
}

TEST_F(LocalProviderTest, DestructorKillsLiveInstances) {
  Open();
  const pid_t pgid = GroupOf(LaunchScript("k1", "echo $$ > pid\nsleep 300 &\nsleep 300\n"));
  local_.reset();
  EXPECT_TRUE(WaitFor([&] { return GroupGone(pgid); }));
}

// A server that crashed leaves its instances running; the next provider on the same root
// stops them (nobody could adopt them).
TEST_F(LocalProviderTest, ANewProviderStopsTheInstancesACrashedOneLeft) {
  const std::string root = dir_.Path("instances");
  const pid_t crashed = ::fork();
  ASSERT_GE(crashed, 0);
  if (crashed == 0) {  // the "server": launch, then die without any destructor
    LocalOptions options;
    options.root_dir = root;
    auto provider = NewLocalProvider(options);
    if (!provider.ok()) ::_exit(1);
    const std::vector<Offer> offers = (*provider)->ListOffers().value();
    LaunchRequest r;
    r.offer = offers.front();
    r.idempotency_key = "orphan";
    r.startup_script = "echo $$ > pid\nsleep 300 &\nsleep 300\n";
    ::_exit((*provider)->Launch(r).ok() ? 0 : 2);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(crashed, &status, 0), crashed);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  const std::string pid_file = root + "/local-00000001/pid";
  ASSERT_TRUE(WaitFor([&] { return ReadFile(pid_file).find('\n') != std::string::npos; }));
  const pid_t orphan = static_cast<pid_t>(std::atoi(ReadFile(pid_file).c_str()));
  ASSERT_EQ(::getpgid(orphan), orphan) << "the orphaned instance should still run";
  Open();  // a new server's provider on the same root
  EXPECT_TRUE(WaitFor([&] { return GroupGone(orphan); }));
}

TEST_F(LocalProviderTest, BadOptionsAreInvalidArgument) {
  auto bad = [&](const std::function<void(LocalOptions&)>& edit) {
    LocalOptions options;
    options.root_dir = dir_.Path("x");
    edit(options);
    return NewLocalProvider(options).status();
  };
  EXPECT_TRUE(bad([](LocalOptions& o) { o.root_dir.clear(); }).IsInvalidArgument());
  EXPECT_TRUE(bad([](LocalOptions& o) { o.places = {}; }).IsInvalidArgument());
  EXPECT_TRUE(bad([](LocalOptions& o) { o.places = {"aws:us-east-1:a"}; }).IsInvalidArgument());
  EXPECT_TRUE(bad([](LocalOptions& o) { o.places = {"local:r"}; }).IsInvalidArgument());
  EXPECT_TRUE(bad([](LocalOptions& o) {
                o.places = {"local:r:a", "local:r:a"};
              }).IsInvalidArgument());
  EXPECT_TRUE(bad([](LocalOptions& o) { o.capacity_per_place = 0; }).IsInvalidArgument());
  EXPECT_TRUE(bad([](LocalOptions& o) { o.preemptions_per_hour = -1; }).IsInvalidArgument());
  EXPECT_TRUE(
      bad([&](LocalOptions& o) { o.root_dir = dir_.Write("file", "") + "/sub"; }).IsInternal());
  EXPECT_OK(bad([](LocalOptions& o) { o.places = {"local:r:z"}; }));
}

}  // namespace
}  // namespace sky::providers
