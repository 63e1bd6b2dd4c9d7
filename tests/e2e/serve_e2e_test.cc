// End-to-end test of `skybroker serve` on an ephemeral 127.0.0.1 port, reached with curl.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/e2e_fixture.h"

namespace sky::testing {
namespace {

// `serve` on an ephemeral port, reached with curl over 127.0.0.1.
class ServeE2eTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    // --auth off: tokens are auth_e2e_test's subject.
    ASSERT_TRUE(StartServe({"--db", Path("sky.db"), "--auth", "off"})) << "server did not start:\n"
                                                                       << serve_.Errors();
  }
};

TEST_F(ServeE2eTest, ServesOffersPlansErrorsAndTheDashboard) {
  Reply r = Get("/healthz");
  EXPECT_EQ(r.code, 200) << r.text;
  r = Get("/v1/offers?gpu=H100:8&limit=3");
  ASSERT_EQ(r.code, 200) << r.text;
  EXPECT_EQ(r.body["offers"].size(), 3u);
  EXPECT_GE(r.body["total"].get<int>(), 3);
  r = Get("/v1/offers?gpu=H100:0");
  EXPECT_EQ(r.code, 400) << r.text;
  EXPECT_EQ(r.body["error"]["code"], "invalid_argument");
  r = Send({"/v1/plans", "-X POST --data @" + kExamples + "/quickstart.json"});
  ASSERT_EQ(r.code, 200) << r.text;
  EXPECT_EQ(r.body["status"], "optimal");
  r = Send({"/v1/plans", "-X POST --data '{\"name\":\"x\",\"stages\":[]}'"});
  ASSERT_EQ(r.code, 400) << r.text;
  EXPECT_FALSE(r.body["error"]["details"].empty()) << r.text;
  r = Send({"/v1/plans", "-X POST --data 'not json'"});
  EXPECT_EQ(r.code, 400) << r.text;
  r = Get("/");
  EXPECT_EQ(r.code, 200);
  EXPECT_NE(r.text.find("<title>skybroker</title>"), std::string::npos);
  r = Send({"/web/../../etc/passwd", "--path-as-is"});
  EXPECT_EQ(r.code, 404) << r.text;
  r = Get("/v2/nothing");
  EXPECT_EQ(r.code, 404) << r.text;
}

}  // namespace
}  // namespace sky::testing
