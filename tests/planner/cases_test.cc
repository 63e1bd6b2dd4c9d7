// Runs every data-driven planner case in tests/planner_cases/*.json (STYLE.md section 9):
// header fields name and description, the offers, the pipeline spec, options, and what to
// expect (status, chosen offers, held reservations used, cost and makespan within a tolerance,
// the infeasibility reason). Every plan also passes the independent plan checker.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sky/planner/planner.h"
#include "sky/planner/spec.h"
#include "tests/planner/plan_checker.h"

namespace sky::planner::testing {
namespace {

using nlohmann::json;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Str(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

Offer ParseOffer(const json& j) {
  Offer o;
  o.provider = Str(j, "provider");
  o.region = Str(j, "region");
  o.zone = Str(j, "zone");
  o.instance_type = Str(j, "instance_type");
  o.accelerator = Str(j, "accelerator");
  o.accelerator_count = j.value("accelerator_count", 0);
  o.vcpus = j.value("vcpus", 0.0);
  o.memory_gb = j.value("memory_gb", 0.0);
  o.market = ParseMarket(Str(j, "market")).value_or(Market::kOnDemand);
  o.price_per_hour = j.value("price_per_hour", 0.0);
  o.source = Str(j, "source");
  o.id = j.contains("id") ? Str(j, "id") : MakeOfferId(o);
  return o;
}

// The bundled accelerator vocabulary (data/accelerators.csv, first column).
std::vector<std::string> KnownAccelerators() {
  std::vector<std::string> names;
  std::istringstream csv(ReadFile(std::string(SKY_SOURCE_DIR) + "/data/accelerators.csv"));
  std::string line;
  std::getline(csv, line);  // header
  while (std::getline(csv, line)) names.push_back(line.substr(0, line.find(',')));
  return names;
}

std::vector<std::string> CaseFiles() {
  std::vector<std::string> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(SKY_SOURCE_DIR) + "/tests/planner_cases")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class PlannerCasesTest : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    auto loaded = NetworkModel::LoadFromDirectory(std::string(SKY_SOURCE_DIR) + "/data/network");
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    network_ = new NetworkModel(std::move(loaded).value());
  }
  static void TearDownTestSuite() { delete network_; }

  static NetworkModel* network_;
};

NetworkModel* PlannerCasesTest::network_ = nullptr;

const json kEmpty = json::object();

void ExpectPlan(const json& expect, const Plan& plan) {
  EXPECT_EQ(PlanStatusName(plan.status), expect.value("status", "optimal"));
  const double tol = expect.value("tolerance", 1e-6);
  if (expect.contains("total_cost_usd")) {
    EXPECT_NEAR(plan.total_cost_usd, expect["total_cost_usd"].get<double>(), tol);
  }
  if (expect.contains("makespan_hours")) {
    EXPECT_NEAR(plan.makespan_hours, expect["makespan_hours"].get<double>(), tol);
  }
  const json& stages = expect.contains("stages") ? expect["stages"] : kEmpty;
  for (auto entry = stages.begin(); entry != stages.end(); ++entry) {
    const std::string& stage = entry.key();
    const json& offer = entry.value();
    auto it = std::find_if(plan.stages.begin(), plan.stages.end(),
                           [&](const StagePlacement& s) { return s.name == stage; });
    ASSERT_NE(it, plan.stages.end()) << stage;
    EXPECT_EQ(it->offer_id, offer.get<std::string>()) << stage;
  }
  if (expect.contains("reserved_stages")) {
    EXPECT_EQ(std::count_if(plan.stages.begin(), plan.stages.end(),
                            [](const StagePlacement& s) { return s.reserved; }),
              expect["reserved_stages"].get<int>());
  }
  if (expect.contains("reason_contains")) {
    ASSERT_FALSE(plan.infeasible_reasons.empty());
    EXPECT_NE(plan.infeasible_reasons[0].find(expect["reason_contains"].get<std::string>()),
              std::string::npos)
        << plan.infeasible_reasons[0];
  }
}

TEST_P(PlannerCasesTest, PlansAsExpected) {
  const json c = json::parse(ReadFile(GetParam()), nullptr, false);
  ASSERT_FALSE(c.is_discarded()) << GetParam();
  for (const char* key : {"name", "description", "offers", "pipeline", "expect"}) {
    ASSERT_TRUE(c.contains(key)) << GetParam() << " lacks " << key;
  }
  std::vector<Offer> offers;
  for (const json& o : c["offers"]) offers.push_back(ParseOffer(o));
  auto spec = ParsePipelineSpec(c["pipeline"].dump(), KnownAccelerators());
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  PlannerOptions options;
  if (c.contains("options")) {
    const json& opts = c["options"];
    if (opts.contains("excluded"))
      options.excluded = opts["excluded"].get<std::vector<std::string>>();
    options.default_preemption_rate = opts.value("default_preemption_rate", 0.1);
  }
  auto plan = PlanPipeline(*spec, offers, *network_, options);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(JoinViolations(CheckPlan(*plan, *spec, offers, *network_, options)), "");
  ExpectPlan(c["expect"], *plan);
}

INSTANTIATE_TEST_SUITE_P(Cases, PlannerCasesTest, ::testing::ValuesIn(CaseFiles()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = std::filesystem::path(info.param).stem().string();
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(PlannerCasesDirTest, CoversEveryConstraintFamily) { EXPECT_GE(CaseFiles().size(), 20u); }

}  // namespace
}  // namespace sky::planner::testing
