// End-to-end test of `skybroker serve` on an ephemeral 127.0.0.1 port, reached with curl.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "tests/e2e/cli_test_util.h"
#include "tests/e2e/serve_process.h"

namespace sky::testing {
namespace {

// `serve` on an ephemeral port, reached with curl over 127.0.0.1.
class ServeE2eTest : public BinaryTest {
 protected:
  void SetUp() override {
    BinaryTest::SetUp();
    // --auth off: tokens are auth_e2e_test's subject.
    ASSERT_TRUE(serve_.Start({"--db", (dir_ / "sky.db").string(), "--auth", "off"},
                             (dir_ / "serve.log").string()))
        << "server did not start:\n" << serve_.Errors();
  }
  void TearDown() override {
    if (serve_.running()) {
      EXPECT_TRUE(serve_.Stop()) << "server did not stop cleanly";
    }
    BinaryTest::TearDown();
  }
  // Returns "<http code>\n<body>".
  std::string Curl(const std::string& args) {
    const std::string out = RunShell("curl -s -w '\\n%{http_code}' " + args);
    const size_t nl = out.rfind('\n');
    return out.substr(nl + 1) + "\n" + out.substr(0, nl);
  }
  std::string Url(const std::string& path) { return "'" + serve_.base() + path + "'"; }

  ServeProcess serve_;
};

TEST_F(ServeE2eTest, ServesOffersPlansErrorsAndTheDashboard) {
  std::string r = Curl(Url("/healthz"));
  EXPECT_EQ(r.substr(0, 4), "200\n") << r;
  r = Curl(Url("/v1/offers?gpu=H100:8&limit=3"));
  ASSERT_EQ(r.substr(0, 4), "200\n") << r;
  auto offers = nlohmann::json::parse(r.substr(4));
  EXPECT_EQ(offers["offers"].size(), 3u);
  EXPECT_GE(offers["total"].get<int>(), 3);
  r = Curl(Url("/v1/offers?gpu=H100:0"));
  EXPECT_EQ(r.substr(0, 4), "400\n") << r;
  EXPECT_EQ(nlohmann::json::parse(r.substr(4))["error"]["code"], "invalid_argument");
  r = Curl("-X POST --data @" + kExamples + "/quickstart.json " + Url("/v1/plans"));
  ASSERT_EQ(r.substr(0, 4), "200\n") << r;
  EXPECT_EQ(nlohmann::json::parse(r.substr(4))["status"], "optimal");
  r = Curl("-X POST --data '{\"name\":\"x\",\"stages\":[]}' " + Url("/v1/plans"));
  ASSERT_EQ(r.substr(0, 4), "400\n") << r;
  EXPECT_FALSE(nlohmann::json::parse(r.substr(4))["error"]["details"].empty()) << r;
  r = Curl("-X POST --data 'not json' " + Url("/v1/plans"));
  EXPECT_EQ(r.substr(0, 4), "400\n") << r;
  r = Curl(Url("/"));
  EXPECT_EQ(r.substr(0, 4), "200\n");
  EXPECT_NE(r.find("<title>skybroker</title>"), std::string::npos);
  r = Curl("--path-as-is " + Url("/web/../../etc/passwd"));
  EXPECT_EQ(r.substr(0, 4), "404\n") << r;
  r = Curl(Url("/v2/nothing"));
  EXPECT_EQ(r.substr(0, 4), "404\n") << r;
}

}  // namespace
}  // namespace sky::testing
