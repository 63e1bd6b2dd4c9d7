// `skybroker refresh` end to end: the real binary against `prism mock --errors` on Lambda
// Cloud's own OpenAPI document (shared/specs/lambda-cloud/...-v1.6.0.json), on a temp
// database that starts from the bundled catalog (data/catalog).
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "tests/support/e2e_fixture.h"
#include "tests/support/prism_server.h"

namespace sky::testing {
namespace {

using nlohmann::json;
using providers::prism::PrismServer;

const char kLambdaSpec[] = SKY_SHARED_DIR "/specs/lambda-cloud/lambda-cloud-openapi-v1.6.0.json";
// The one type the spec's example reports with capacity; the bundled catalog (from SkyPilot's
// Lambda vms.csv) lists it in us-west-1 at $2.29/h.
const char kGh200[] = "lambda:us-west-1/gpu_1x_gh200/on_demand";

// The JSON array a command printed after any log lines; discarded when there is none.
json JsonArrayOf(const ExecResult& r) {
  const size_t start = r.out.find("\n[");
  if (r.out.rfind('[', 0) == 0) return json::parse(r.out, nullptr, false);
  if (start == std::string::npos) return json(json::value_t::discarded);
  return json::parse(r.out.substr(start + 1), nullptr, false);
}

std::map<std::string, json> ById(const json& offers) {
  std::map<std::string, json> by_id;
  for (const json& offer : offers) by_id[offer.at("id").get<std::string>()] = offer;
  return by_id;
}

class RefreshE2eTest : public E2eTest {};

TEST_F(RefreshE2eTest, LambdaOffersFromPrismReachTheCatalog) {
  if (!fs::exists(PrismServer::BinaryPath())) {
    GTEST_SKIP() << "Prism is not installed (" << PrismServer::BinaryPath()
                 << "): run `npm ci --prefix tests`";
  }
  auto prism = PrismServer::Start(kLambdaSpec);
  ASSERT_TRUE(prism.ok()) << prism.status().ToString();
  ::setenv("LAMBDA_API_KEY", "test", 1);
  const json before = JsonArrayOf(Exec("offers --provider lambda --json " + Db()));
  ASSERT_FALSE(before.is_discarded());
  ASSERT_EQ(ById(before).at(kGh200).at("price_per_hour"), 2.29);

  const std::string refresh =
      "refresh --providers lambda --lambda-endpoint " + (*prism)->BaseUrl() + " --json " + Db();
  ExecResult r = Exec(refresh);
  ASSERT_EQ(r.code, 0) << r.out << (*prism)->LogTail();
  json report = JsonArrayOf(r);
  ASSERT_EQ(report.size(), 1u) << r.out;
  EXPECT_EQ(report[0]["provider"], "lambda");
  EXPECT_EQ(report[0]["ok"], true);
  EXPECT_EQ(report[0]["offers"], 1);
  EXPECT_EQ(report[0]["offers_added"], 0);
  EXPECT_EQ(report[0]["offers_updated"], 1);
  EXPECT_EQ(report[0]["price_points_added"], 1);

  const json after = JsonArrayOf(Exec("offers --provider lambda --json " + Db()));
  ASSERT_EQ(after.size(), before.size());
  std::map<std::string, json> after_by_id = ById(after);
  const json& gh200 = after_by_id.at(kGh200);
  EXPECT_EQ(gh200["price_per_hour"], 1.49);  // the spec's example price, not the catalog's
  EXPECT_EQ(gh200["available"], 1);
  EXPECT_EQ(gh200["source"], "lambda-cloud-api");
  int changed = 0;
  for (const auto& [id, offer] : ById(before)) changed += after_by_id.at(id) != offer ? 1 : 0;
  EXPECT_EQ(changed, 1);

  // The same answer again changes nothing and adds no price point.
  report = JsonArrayOf(Exec(refresh));
  ASSERT_EQ(report.size(), 1u);
  EXPECT_EQ(report[0]["offers_unchanged"], 1);
  EXPECT_EQ(report[0]["price_points_added"], 0);
}

TEST_F(RefreshE2eTest, MissingLambdaApiKeyIsBadInputNamingTheVariable) {
  ::unsetenv("LAMBDA_API_KEY");
  ExecResult r = Exec("refresh --providers lambda --lambda-endpoint http://127.0.0.1:9 " + Db());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("--providers lambda needs LAMBDA_API_KEY"), std::string::npos) << r.out;
}

TEST_F(RefreshE2eTest, SimRefreshSucceedsAndChangesNothing) {
  const json before = JsonArrayOf(Exec("offers --json " + Db()));
  ASSERT_FALSE(before.is_discarded());
  ASSERT_GT(before.size(), 1000u);
  ExecResult r = Exec("refresh --providers sim --json " + Db());
  ASSERT_EQ(r.code, 0) << r.out;
  json report = JsonArrayOf(r);
  ASSERT_EQ(report.size(), 1u) << r.out;
  EXPECT_EQ(report[0]["provider"], "sim");
  EXPECT_EQ(report[0]["offers"], before.size());
  EXPECT_EQ(report[0]["offers_added"], 0);
  EXPECT_EQ(report[0]["offers_updated"], 0);
  EXPECT_EQ(report[0]["offers_unchanged"], before.size());
  EXPECT_EQ(report[0]["price_points_added"], 0);
  EXPECT_EQ(JsonArrayOf(Exec("offers --json " + Db())), before);
}

// Nothing listens on port 1: Lambda fails after its retries, sim still refreshes, exit 1.
TEST_F(RefreshE2eTest, FailingProviderIsReportedAndDoesNotStopTheOthers) {
  ::setenv("LAMBDA_API_KEY", "test", 1);
  ExecResult r =
      Exec("refresh --providers lambda,sim --lambda-endpoint http://127.0.0.1:1 --json " + Db());
  EXPECT_EQ(r.code, 1) << r.out;
  json report = JsonArrayOf(r);
  ASSERT_EQ(report.size(), 2u) << r.out;
  EXPECT_EQ(report[0]["provider"], "lambda");
  EXPECT_EQ(report[0]["ok"], false);
  EXPECT_NE(report[0]["error"].get<std::string>().find("unavailable"), std::string::npos);
  EXPECT_EQ(report[1]["provider"], "sim");
  EXPECT_EQ(report[1]["ok"], true);
  EXPECT_GT(report[1]["offers_unchanged"].get<int>(), 1000);
}

TEST_F(RefreshE2eTest, UnknownProviderIsBadInput) {
  ExecResult r = Exec("refresh --providers sim,azure " + Db());
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("unknown provider 'azure'"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace sky::testing
