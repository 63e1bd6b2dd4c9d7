// plan_example: parses a two-stage pipeline spec, plans it over two hand-made offers with the
// built-in network defaults, and prints the plan JSON. Exit code 0 on a plan (even an
// infeasible one), 2 on a bad spec, 1 on any other error.
#include <iostream>
#include <string>
#include <vector>

#include "sky/planner/network.h"
#include "sky/planner/plan.h"
#include "sky/planner/planner.h"
#include "sky/planner/spec.h"

namespace {

constexpr const char* kSpec = R"({
  "name": "example",
  "deadline_hours": 12,
  "inputs": {"data": {"size_gb": 50, "location": "gcp:us-central1"}},
  "stages": [
    {"name": "prepare", "reads": ["data"], "resources": {"cpus": 8}, "runtime_hours": 1,
     "output_gb": 20},
    {"name": "train", "after": ["prepare"], "resources": {"accelerators": {"L4": 1}},
     "runtime_hours": 4}
  ]
})";

sky::Offer MakeOffer(const std::string& instance_type, const std::string& accelerator,
                     int accelerator_count, double vcpus, double price_per_hour) {
  sky::Offer offer;
  offer.provider = "gcp";
  offer.region = "us-central1";
  offer.instance_type = instance_type;
  offer.accelerator = accelerator;
  offer.accelerator_count = accelerator_count;
  offer.vcpus = vcpus;
  offer.memory_gb = vcpus * 4;
  offer.market = sky::Market::kOnDemand;
  offer.price_per_hour = price_per_hour;
  offer.source = "plan_example";
  offer.id = sky::MakeOfferId(offer);
  return offer;
}

}  // namespace

int main() {
  sky::Result<sky::planner::PipelineSpec> spec = sky::planner::ParsePipelineSpec(kSpec, {"L4"});
  if (!spec.ok()) {
    std::cerr << spec.status().ToString() << "\n";
    return 2;
  }
  std::vector<sky::Offer> offers = {MakeOffer("n2-standard-8", "", 0, 8, 0.39),
                                    MakeOffer("g2-standard-8", "L4", 1, 8, 0.85)};
  sky::Result<sky::planner::Plan> plan =
      sky::planner::PlanPipeline(*spec, offers, sky::planner::NetworkModel());
  if (!plan.ok()) {
    std::cerr << plan.status().ToString() << "\n";
    return 1;
  }
  std::cout << sky::planner::PlanToJson(*plan) << "\n";
  return 0;
}
