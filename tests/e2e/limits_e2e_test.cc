// End-to-end test of the input limits (issue #9, api/api_limits.h): `skybroker serve` with
// small limits on an ephemeral 127.0.0.1 port (auth off: the limits apply to everyone),
// requests sent with curl. Each limit answers its status with an error naming the limit, its
// value and its flag.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/e2e_fixture.h"

namespace sky::testing {
namespace {

using nlohmann::json;

// A spec of `stages` CPU stages in a chain, nested 5 deep like the examples.
json ChainSpec(int stages) {
  json list = json::array();
  for (int i = 0; i < stages; ++i) {
    json stage = {{"name", "s" + std::to_string(i)},
                  {"resources", {{"cpus", 2}, {"memory_gb", 4}}},
                  {"runtime_hours", 0.1}};
    if (i > 0) stage["after"] = {"s" + std::to_string(i - 1)};
    list.push_back(stage);
  }
  return {{"name", "chain"}, {"objective", "cost"}, {"stages", list}};
}

class LimitsE2eTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    const std::vector<std::string> args = {"--db",
                                           Path("sky.db"),
                                           "--providers",
                                           "sim",
                                           "--auth",
                                           "off",
                                           "--access-log",
                                           Path("access.log"),
                                           "--max-body-bytes",
                                           "4096",
                                           "--max-upload-bytes",
                                           "2048",
                                           "--max-query-bytes",
                                           "200",
                                           "--max-json-depth",
                                           "6",
                                           "--max-stages",
                                           "3",
                                           "--max-offers-per-page",
                                           "5"};
    ASSERT_TRUE(StartServe(args)) << serve_.Errors();
  }

  static void ExpectError(const Reply& r, int code, const std::string& name,
                          const std::string& message) {
    EXPECT_EQ(r.code, code) << r.body;
    ASSERT_TRUE(r.body.is_object()) << "status " << r.code << ": not a JSON body";
    EXPECT_EQ(r.body["error"]["code"], name) << r.body;
    EXPECT_NE(r.body["error"]["message"].get<std::string>().find(message), std::string::npos)
        << r.body;
  }

  // The access log's lines as (status, path). The server writes a line before it replies.
  std::vector<std::pair<int, std::string>> AccessLines() const {
    std::vector<std::pair<int, std::string>> lines;
    std::ifstream in(dir_ / "access.log");
    for (std::string line; std::getline(in, line);) {
      const json entry = json::parse(line, nullptr, false);
      if (entry.is_object()) lines.emplace_back(entry.value("status", 0), entry.value("path", ""));
    }
    return lines;
  }
};

TEST_F(LimitsE2eTest, HelpListsEveryLimitWithItsDefault) {
  const ExecResult help = Exec("serve --help");
  EXPECT_EQ(help.code, 0) << help.out;
  for (const char* line :
       {"--max-body-bytes N       largest request body; more gets 413 (default 4194304)",
        "--max-upload-bytes N", "(default 67108864)",
        "--max-query-bytes N      longest query string; more gets 414 (default 8192)",
        "--max-json-depth N", "more gets 400 (default 32)", "--max-stages N", "(default 100)",
        "--max-offers-per-page N", "(default 1000)"}) {
    EXPECT_NE(help.out.find(line), std::string::npos) << line << "\n" << help.out;
  }
}

TEST_F(LimitsE2eTest, BadLimitFlagsStopServeBeforeItStarts) {
  const std::string serve = "serve --port 0 --db " + (dir_ / "other.db").string();
  const ExecResult depth = Exec(serve + " --max-json-depth 0");
  EXPECT_EQ(depth.code, 2) << depth.out;
  EXPECT_NE(depth.out.find("flag --max-json-depth: must be a whole number between 1 and 1000"),
            std::string::npos)
      << depth.out;
  const ExecResult body = Exec(serve + " --max-body-bytes -5");
  EXPECT_EQ(body.code, 2) << body.out;
  EXPECT_NE(body.out.find("flag --max-body-bytes"), std::string::npos) << body.out;
}

TEST_F(LimitsE2eTest, OffersPerPageOverTheCapIs400) {
  const Reply page = Get("/v1/offers?limit=5");
  ASSERT_EQ(page.code, 200) << page.body;
  EXPECT_EQ(page.body["offers"].size(), 5u);
  // Without a limit the page is the default 100, capped at the server's maximum.
  EXPECT_EQ(Get("/v1/offers").body["offers"].size(), 5u);
  ExpectError(Get("/v1/offers?limit=6"), 400, "invalid_argument",
              "limit: 6 is over the limit of 5 offers per page (--max-offers-per-page)");
  ExpectError(Get("/v1/offers?limit=1e300"), 400, "invalid_argument", "limit: at most");
}

TEST_F(LimitsE2eTest, QueryStringOverTheLimitIs414) {
  const std::string region(190, 'x');  // "region=" + 190 = 197 bytes: under 200
  EXPECT_EQ(Get("/v1/offers?region=" + region).code, 200);
  ExpectError(Get("/v1/offers?region=" + region + "yyyy"), 414, "uri_too_long",
              "query string of 201 bytes exceeds the limit of 200 bytes (--max-query-bytes)");
}

TEST_F(LimitsE2eTest, SpecsOverTheStageLimitAre400BeforeParsing) {
  const Reply three = Post("/v1/plans", ChainSpec(3).dump());
  EXPECT_TRUE(three.code == 200 || three.code == 202) << three.code << " " << three.body;
  for (const char* route : {"/v1/plans", "/v1/pipelines"}) {
    const Reply four = Post(route, ChainSpec(4).dump());
    ExpectError(four, 400, "invalid_argument",
                "stages: 4 stages exceed the limit of 3 (--max-stages)");
    EXPECT_EQ(four.body["error"]["details"][0]["path"], "stages") << route << four.body;
  }
  EXPECT_TRUE(Get("/v1/pipelines").body["pipelines"].empty()) << "nothing was submitted";
}

TEST_F(LimitsE2eTest, JsonDeeperThanTheLimitIs400WithItsPath) {
  json spec = ChainSpec(1);
  spec["stages"][0]["resources"]["accelerators"] = {{"H100", json::array({json::array({1})})}};
  // {stages: [{resources: {accelerators: {H100: [[1]]}}}]}: [1] is at depth 7.
  for (const char* route : {"/v1/plans", "/v1/pipelines", "/v1/replays"}) {
    const Reply deep = Post(route, spec.dump());
    ExpectError(deep, 400, "invalid_argument",
                "JSON nesting deeper than the limit of 6 levels (--max-json-depth) at "
                "stages[0].resources.accelerators.H100[0]");
    EXPECT_EQ(deep.body["error"]["details"][0]["path"], "stages[0].resources.accelerators.H100[0]")
        << route;
  }
  const Reply beat = Post("/v1/pipelines/p/stages/s/heartbeat", std::string(7, '[') + "]]]]]]]");
  ExpectError(beat, 400, "invalid_argument", "(--max-json-depth) at [0][0][0][0][0][0]");
}

TEST_F(LimitsE2eTest, BodiesOverTheirLimitAre413NamingTheFlag) {
  json spec = ChainSpec(1);
  spec["stages"][0]["command"] = std::string(5000, 'x');
  ExpectError(Post("/v1/pipelines", spec.dump()), 413, "payload_too_large",
              "request body exceeds the limit of 4096 bytes (--max-body-bytes)");
  // Ingest has the upload limit (smaller here, to show it is its own).
  const std::string csv = "provider,region\n" + std::string(3000, 'x') + "\n";
  ExpectError(Post("/v1/catalog/ingest", csv, "", "-H 'Content-Type: text/csv'"), 413,
              "payload_too_large",
              "request body exceeds the limit of 2048 bytes (--max-upload-bytes)");
  // A chunked upload (no Content-Length) of 64 MiB is refused the same way.
  const std::string out = RunShell(
      "head -c 67108864 /dev/zero | curl -s -o /dev/null -w '%{http_code}' "
      "-H 'Transfer-Encoding: chunked' -X POST -T - '" +
      serve_.base() + "/v1/plans'");
  EXPECT_EQ(out, "413");
  EXPECT_EQ(Get("/healthz").code, 200);
}

// Refused by the HTTP server before the router (and its auth layer, which writes the access
// log of everything else) saw them, these still get their line.
TEST_F(LimitsE2eTest, RefusalsBeforeTheRouterAreInTheAccessLog) {
  EXPECT_EQ(Get("/v1/accelerators?q=" + std::string(300, 'x')).code, 414);
  EXPECT_EQ(Post("/v1/plans", std::string(5000, ' ') + "{}").code, 413);
  EXPECT_EQ(Post("/v1/replays", std::string(8, '[') + std::string(8, ']')).code, 400);
  EXPECT_EQ(Get("/healthz").code, 200);
  const auto lines = AccessLines();
  const std::vector<std::pair<int, std::string>> wanted = {
      {414, "/v1/accelerators"}, {413, "/v1/plans"}, {400, "/v1/replays"}, {200, "/healthz"}};
  for (const auto& want : wanted) {
    EXPECT_EQ(std::count(lines.begin(), lines.end(), want), 1)
        << want.first << " " << want.second << " (" << lines.size() << " lines)";
  }
}

}  // namespace
}  // namespace sky::testing
