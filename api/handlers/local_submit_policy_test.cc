// POST /v1/pipelines under the local submission policy, on a real executor (the sim serving a
// catalog with an AWS offer and a real local provider's offers) and a real planner: what the
// caller may submit, and where the planner then puts the stage.
#include "api/handlers/local_submit_policy.h"

#include <gtest/gtest.h>

#include <memory>

#include "api/auth/auth.h"
#include "api/handlers/handlers.h"
#include "sky/broker/executor.h"
#include "sky/broker/executor_world.h"
#include "sky/broker/plan_service.h"
#include "sky/providers/local_provider.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace sky::api {
namespace {

using nlohmann::json;

// One CPU stage: local's offers are far cheaper than the AWS one, so only the policy keeps a
// plan off local.
constexpr char kSpec[] = R"({"name": "p", "deadline_hours": 10,
    "stages": [{"name": "s", "resources": {"cpus": 1}, "runtime_hours": 1}]})";

std::string SpecWith(const json& constraints) {
  json spec = json::parse(kSpec);
  spec["constraints"] = constraints;
  return spec.dump();
}

Offer AwsOffer() {
  Offer o;
  o.provider = "aws";
  o.region = "us-east-1";
  o.instance_type = "m5.large";
  o.vcpus = 2;
  o.memory_gb = 8;
  o.market = Market::kOnDemand;
  o.price_per_hour = 10;
  o.id = MakeOfferId(o);
  return o;
}

class LocalSubmitPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto catalog = broker::CatalogService::Open(":memory:");
    ASSERT_OK(catalog);
    catalog_ = std::move(catalog).value();
    providers::LocalOptions options;
    options.root_dir = dir_.Path("local");
    auto local = providers::NewLocalProvider(options);
    ASSERT_OK(local);
    ASSERT_OK(catalog_->ApplyProviderOffers("local", (*local)->ListOffers().value(), {}));
    ASSERT_OK(catalog_->ApplyProviderOffers("aws", {AwsOffer()}, {}));
    plans_ = std::make_unique<broker::PlanService>(*catalog_, planner::NetworkModel(),
                                                   std::vector<std::string>{});
    world_.StartSim(catalog_->Snapshot()->offers(), providers::SimOptions());
    ASSERT_OK(world_.OpenStore());
    ASSERT_OK(world_.StartExecutor(*plans_, broker::ExecutorOptions()));
    ASSERT_OK(world_.executor().Recover());
    slot_.Set(&world_.executor());
  }

  LocalSubmitPolicy Policy(bool local_users = false) {
    return LocalSubmitPolicy{true, local_users, catalog_.get()};
  }

  HttpRequest Post(const std::string& body, Role role) {
    HttpRequest r;
    r.method = "POST";
    r.path = "/v1/pipelines";
    r.body = body;
    r.principal.role = role;
    return r;
  }

  // The provider the planner put the pipeline's first attempt on.
  std::string PlacedOn(const HttpResponse& submitted) {
    EXPECT_EQ(submitted.status, 202) << submitted.body;
    const std::string id = json::parse(submitted.body).value("id", "");
    for (int i = 0; i < 20 && world_.store().Attempts(id)->empty(); ++i) {
      world_.executor().RunDue();
      world_.clock().Advance(1);
    }
    auto attempts = world_.store().Attempts(id);
    EXPECT_OK(attempts);
    return attempts.ok() && !attempts->empty() ? attempts->front().provider : "";
  }

  json StoredConstraints(const HttpResponse& submitted) {
    const std::string id = json::parse(submitted.body).value("id", "");
    auto record = world_.store().GetPipeline(id);
    EXPECT_OK(record);
    return json::parse(record->spec_json).value("constraints", json::object());
  }

  sky::testing::TempDir dir_{"sky_local_policy_"};
  std::unique_ptr<broker::CatalogService> catalog_;
  std::unique_ptr<broker::PlanService> plans_;
  broker::ExecutorWorld world_;
  ExecutorSlot slot_{world_.clock()};
};

std::string ErrorMessage(const HttpResponse& r) {
  return json::parse(r.body)["error"].value("message", "");
}

TEST_F(LocalSubmitPolicyTest, UserNamingLocalIsForbiddenSayingHowToAllowIt) {
  Router router;
  AddPipelineRoutes(router, slot_, {}, Policy());
  for (const json& constraints :
       {json{{"providers", {"aws", "LOCAL"}}}, json{{"regions", {"local:region-a"}}},
        json{{"stage_regions", {{"s", {"Local:*"}}}}}}) {
    const HttpResponse r = router.Dispatch(Post(SpecWith(constraints), Role::kUser));
    EXPECT_EQ(r.status, 403) << constraints << " " << r.body;
    EXPECT_NE(ErrorMessage(r).find("--local-users"), std::string::npos) << r.body;
  }
  EXPECT_TRUE(world_.store().ListPipelines({})->empty());
}

TEST_F(LocalSubmitPolicyTest, UserWithoutProvidersIsKeptOffLocal) {
  Router router;
  AddPipelineRoutes(router, slot_, {}, Policy());
  const HttpResponse r = router.Dispatch(Post(kSpec, Role::kUser));
  EXPECT_EQ(PlacedOn(r), "aws");
  EXPECT_EQ(StoredConstraints(r)["providers"], json({"aws"}));
  const HttpResponse empty_list =
      router.Dispatch(Post(SpecWith({{"providers", json::array()}}), Role::kUser));
  EXPECT_EQ(PlacedOn(empty_list), "aws");
}

TEST_F(LocalSubmitPolicyTest, AdminAndLocalUsersGetLocal) {
  Router router;
  AddPipelineRoutes(router, slot_, {}, Policy());
  const HttpResponse admin = router.Dispatch(Post(kSpec, Role::kAdmin));
  EXPECT_EQ(PlacedOn(admin), "local");
  EXPECT_EQ(StoredConstraints(admin), json::object());  // the spec as sent
  Router open;
  AddPipelineRoutes(open, slot_, {}, Policy(/*local_users=*/true));
  const HttpResponse user = open.Dispatch(Post(SpecWith({{"providers", {"local"}}}), Role::kUser));
  EXPECT_EQ(PlacedOn(user), "local");
}

TEST_F(LocalSubmitPolicyTest, WithAuthOffEveryCallerIsAdmin) {
  ManualClock clock(1'700'000'000);
  AuthOptions options;
  options.enabled = false;
  AuthLayer layer(options, nullptr, clock, nullptr);
  AddPipelineRoutes(layer, slot_, {}, Policy());
  HttpRequest anonymous = Post(kSpec, Role::kViewer);  // the layer sets the principal
  const HttpResponse r = layer.Dispatch(anonymous);
  EXPECT_EQ(PlacedOn(r), "local");
}

TEST(LocalSubmitPolicyFunctionTest, PassesWhatTheParserShouldReport) {
  const LocalSubmitPolicy policy{true, false, nullptr};
  Principal user;
  user.role = Role::kUser;
  for (const std::string& text :
       {std::string("not json"), std::string("[1]"), std::string(R"({"constraints": 3})"),
        std::string(R"({"constraints": {"providers": "aws"}})"),
        std::string(R"({"constraints": {"providers": ["gcp"]}})")}) {
    auto out = ApplyLocalSubmitPolicy(policy, user, text);
    ASSERT_OK(out);
    EXPECT_EQ(*out, text);
  }
  const LocalSubmitPolicy disabled{false, false, nullptr};
  EXPECT_EQ(*ApplyLocalSubmitPolicy(disabled, user, R"({"constraints": {"providers": ["local"]}})"),
            R"({"constraints": {"providers": ["local"]}})");
}

TEST(LocalSubmitPolicyFunctionTest, OnlyLocalInTheCatalogIsForbiddenForUsers) {
  auto catalog = broker::CatalogService::Open(":memory:");
  ASSERT_OK(catalog);
  const LocalSubmitPolicy policy{true, false, catalog->get()};
  Principal user;
  user.role = Role::kUser;
  auto out = ApplyLocalSubmitPolicy(policy, user, kSpec);
  EXPECT_TRUE(out.status().IsPermissionDenied()) << out.status().ToString();
  EXPECT_NE(out.status().message().find("no other provider"), std::string::npos);
}

}  // namespace
}  // namespace sky::api
