#include "api/handlers/operation_handlers.h"

#include <gtest/gtest.h>

#include "api/handlers/handlers.h"

namespace sky::api {
namespace {

using std::chrono::milliseconds;

class OperationHandlersTest : public ::testing::Test {
 protected:
  OperationHandlersTest() { AddOperationRoutes(router_, runner_); }

  std::string Submit(const std::string& tenant, const Result<std::string>& outcome) {
    auto id =
        runner_.Submit(broker::OperationKind::kIngest, tenant, [outcome](broker::Progress& p) {
          p.Set(5, 5, "done");
          return outcome;
        });
    EXPECT_TRUE(id.ok());
    EXPECT_TRUE(runner_.Wait(*id, tenant, milliseconds(10'000))->finished());
    return *id;
  }
  HttpResponse GetAs(const std::string& tenant, const std::string& id) {
    HttpRequest req;
    req.method = "GET";
    req.path = "/v1/operations/" + id;
    req.principal.tenant = tenant;
    return router_.Dispatch(req);
  }

  ManualClock clock_{1'700'000'000};
  broker::OperationRunner runner_{clock_};
  Router router_;
};

TEST_F(OperationHandlersTest, ASucceededOperationShowsItsParsedResult) {
  const std::string id = Submit("acme", std::string("{\"offers_added\":3}"));
  HttpResponse r = GetAs("acme", id);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["id"], id);
  EXPECT_EQ(j["kind"], "ingest");
  EXPECT_EQ(j["state"], "succeeded");
  EXPECT_EQ(j["result"]["offers_added"], 3);
  EXPECT_TRUE(j["error"].is_null());
  EXPECT_EQ(j["progress"]["done"], 5);
  EXPECT_EQ(j["progress"]["message"], "done");
  EXPECT_EQ(j["created_at"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(j["finished_at_unix"], 1'700'000'000.0);
}

TEST_F(OperationHandlersTest, AFailedOperationShowsItsError) {
  const std::string id = Submit("acme", Status::InvalidArgument("vms.csv:3: Price: bad"));
  HttpResponse r = GetAs("acme", id);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["state"], "failed");
  EXPECT_TRUE(j["result"].is_null());
  EXPECT_EQ(j["error"]["code"], "invalid_argument");
  EXPECT_EQ(j["error"]["message"], "vms.csv:3: Price: bad");
}

TEST_F(OperationHandlersTest, AnotherTenantsOperationIsNotFound) {
  const std::string id = Submit("acme", std::string("{}"));
  EXPECT_EQ(GetAs("globex", id).status, 404);
  EXPECT_EQ(GetAs("acme", "op_000000000000").status, 404);
}

TEST_F(OperationHandlersTest, AcceptedOperationPointsAtItsLocation) {
  const std::string id = Submit("acme", std::string("{}"));
  HttpResponse r = AcceptedOperation(runner_, id, "acme");
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.headers["Location"], "/v1/operations/" + id);
  EXPECT_EQ(nlohmann::json::parse(r.body)["id"], id);
}

}  // namespace
}  // namespace sky::api
