#include "tests/planner/random_instance.h"

#include <random>
#include <set>
#include <string>

namespace sky::planner::testing {
namespace {

struct Place {
  const char* provider;
  const char* region;
};
constexpr Place kPlaces[] = {{"aws", "us-east-1"},
                             {"aws", "us-west-2"},
                             {"gcp", "us-central1"},
                             {"gcp", "europe-west4"},
                             {"lambda", "us-east-1"}};
constexpr int kNumPlaces = 5;
constexpr const char* kGpus[] = {"A100", "H100", "L4"};

class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}
  double U(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng_); }
  int I(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool P(double p) { return U(0, 1) < p; }
  std::string Loc(int p) { return std::string(kPlaces[p].provider) + ":" + kPlaces[p].region; }

 private:
  std::mt19937 rng_;
};

// Offers for one requirement (accelerator name and count, or CPU when gpu is empty), plus a
// decoy that does not fit it.
void AddOffers(Gen& g, const std::string& gpu, int count, int tag, Instance& inst) {
  const int n = g.I(1, 6);
  for (int k = 0; k <= n; ++k) {
    Offer o;
    const int p = g.I(0, kNumPlaces - 1);
    o.provider = kPlaces[p].provider;
    o.region = kPlaces[p].region;
    o.instance_type = "t" + std::to_string(tag) + "-" + std::to_string(k);
    o.accelerator = gpu;
    o.accelerator_count = gpu.empty() ? 0 : count;
    o.vcpus = 16;
    o.memory_gb = 64;
    o.market = g.P(0.4) ? Market::kSpot : Market::kOnDemand;
    if (g.P(0.05)) o.market = Market::kReserved;
    if (o.market == Market::kSpot) o.zone = o.region + (g.P(0.5) ? "-a" : "-b");
    o.price_per_hour = g.U(0.3, 40);
    if (k == n) {  // the decoy
      if (gpu.empty()) {
        o.vcpus = 4;
      } else {
        o.accelerator_count = count + 1;
      }
    }
    o.id = MakeOfferId(o);
    if (g.P(0.2)) inst.options.preemption_rates[o.id] = g.U(0, 1);
    inst.offers.push_back(o);
  }
}

void AddStages(Gen& g, Instance& inst) {
  const int n = g.I(1, 5);
  for (int i = 0; i < n; ++i) {
    StageSpec s;
    s.name = "s" + std::to_string(i);
    const bool cpu = g.P(0.2);
    if (cpu) {
      s.resources.cpus = 16;
      s.runtime_hours = g.U(0.2, 6);
    } else {
      const int count = g.P(0.5) ? 1 : 8;
      const std::string gpu = kGpus[g.I(0, 2)];
      s.resources.accelerators[gpu] = count;
      if (g.P(0.25)) {
        const std::string other = gpu == "L4" ? "A100" : "L4";
        s.resources.accelerators[other] = count;
        s.runtime_by_accelerator = {{gpu, g.U(0.5, 10)}, {other, g.U(0.5, 10)}};
      } else {
        s.runtime_hours = g.U(0.5, 10);
      }
    }
    for (int j = 0; j < i; ++j) {
      if (g.P(0.5)) s.after.push_back("s" + std::to_string(j));
    }
    s.output_gb = g.P(0.7) ? g.U(1, 3000) : 0;
    if (g.P(0.5)) s.checkpoint_minutes = g.U(10, 120);
    inst.spec.stages.push_back(s);
  }
}

void AddOffersForStages(Gen& g, Instance& inst) {
  int tag = 0;
  std::set<std::pair<std::string, int>> made;
  for (const StageSpec& s : inst.spec.stages) {
    if (s.resources.accelerators.empty()) {
      AddOffers(g, "", 0, tag++, inst);
      continue;
    }
    for (const auto& [gpu, count] : s.resources.accelerators) {
      // Stages asking for the same thing share offers, and sometimes add their own.
      if (made.insert({gpu, count}).second || g.P(0.3)) AddOffers(g, gpu, count, tag++, inst);
    }
  }
}

LinkCost RandomLink(Gen& g, double max_usd, double lo_gbps, double hi_gbps) {
  return LinkCost{g.U(0, max_usd), g.U(lo_gbps, hi_gbps)};
}

void AddNetworkAndData(Gen& g, Instance& inst) {
  NetworkOverrides& n = inst.spec.network;
  n.same_region = RandomLink(g, 0.01, 40, 100);
  n.same_provider = RandomLink(g, 0.05, 5, 30);
  n.cross_provider = RandomLink(g, 0.2, 1, 15);
  const int pairs = g.P(0.6) ? g.I(1, 5) : 0;
  for (int k = 0; k < pairs; ++k) {
    n.pairs.push_back({g.Loc(g.I(0, kNumPlaces - 1)), g.Loc(g.I(0, kNumPlaces - 1)),
                       RandomLink(g, 0.2, 0.5, 50)});
  }
  auto& stages = inst.spec.stages;
  if (g.P(0.5)) {
    inst.spec.inputs.push_back({"data", g.U(10, 3000), g.Loc(g.I(0, kNumPlaces - 1))});
    stages[0].reads.push_back("data");
    if (stages.size() > 1 && g.P(0.3)) stages.back().reads.push_back("data");
  }
  if (g.P(0.5)) inst.spec.outputs[stages.back().name] = g.Loc(g.I(0, kNumPlaces - 1));
}

void AddPolicyAndConstraints(Gen& g, Instance& inst) {
  PipelineSpec& spec = inst.spec;
  spec.restart_minutes = g.U(0, 30);
  spec.deadline_policy = g.P(0.5) ? DeadlinePolicy::kStrict : DeadlinePolicy::kExpected;
  spec.objective = g.P(0.5) ? Objective::kCost : Objective::kTime;
  inst.options.default_preemption_rate = g.U(0, 0.5);
  if (g.P(0.3)) {
    for (const Offer& o : inst.offers) {
      if (o.market != Market::kOnDemand) continue;
      spec.reservations.push_back({o.provider, o.region, o.instance_type, g.I(1, 2)});
      break;
    }
  }
  Constraints& c = spec.constraints;
  if (g.P(0.15)) c.providers = {"aws", "gcp"};
  if (g.P(0.15)) c.regions = {g.P(0.5) ? "us-*" : "gcp:*"};
  if (g.P(0.15)) c.markets = {g.P(0.5) ? Market::kOnDemand : Market::kSpot};
  if (g.P(0.1)) c.stage_regions[spec.stages[0].name] = {"*-west*", "lambda:*"};
  if (g.P(0.15)) inst.options.excluded.push_back(g.Loc(g.I(0, kNumPlaces - 1)));
  if (g.P(0.1)) inst.options.excluded.push_back(inst.offers[g.I(0, 1)].id);
}

}  // namespace

Instance RandomInstance(uint32_t seed) {
  Gen g(seed);
  Instance inst;
  inst.spec.name = "random-" + std::to_string(seed);
  AddStages(g, inst);
  AddOffersForStages(g, inst);
  AddNetworkAndData(g, inst);
  AddPolicyAndConstraints(g, inst);
  return inst;
}

}  // namespace sky::planner::testing
