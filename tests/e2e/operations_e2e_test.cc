// End-to-end test of operations on `skybroker serve`: catalog ingest by upload and refresh
// (202 + an operation to poll), the upload size limit, and plans past the wait bound.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/e2e_fixture.h"

namespace sky::testing {
namespace {

const std::string kCatalog = SKY_SOURCE_DIR "/data/catalog";

// `serve` with only the bundled GCP catalog (in memory), so that an upload of another
// provider's offers adds them. With --auth off when this build has auth.
class OperationsE2eTest : public E2eTest {
 protected:
  void StartCatalogServe(std::vector<std::string> extra) {
    std::vector<std::string> args = {"--catalog", kCatalog + "/gcp", "--auth", "off"};
    args.insert(args.end(), extra.begin(), extra.end());
    ASSERT_TRUE(StartServe(args)) << "server did not start:\n" << serve_.Errors();
  }

  // curl `args` to `path`, without "Expect: 100-continue" (an upload goes in one request).
  Reply Call(const std::string& path, const std::string& args) {
    return Send({path, "-H 'Expect:' " + args});
  }
  Reply PostFile(const std::string& path, const std::string& file) {
    return Call(path, "-X POST --data-binary @" + file);
  }
  // Polls the operation at `location` until it has finished (at most 60 s).
  nlohmann::json Finished(const std::string& location) {
    Reply r;
    const bool finished = WaitFor(
        [&] {
          r = Get(location);
          const std::string state = r.code == 200 ? r.body.value("state", "") : "";
          return r.code != 200 || state == "succeeded" || state == "failed";
        },
        std::chrono::seconds(60), std::chrono::milliseconds(50));
    if (finished && r.code == 200) return r.body;
    ADD_FAILURE() << "operation " << location << " did not finish: " << r.code << " " << r.text;
    return nullptr;
  }
};

TEST_F(OperationsE2eTest, IngestRefreshAndPlansRunAsOperations) {
  StartCatalogServe({});
  // An upload of Lambda's catalog: 202, then the operation succeeds with the counts.
  Reply r =
      PostFile("/v1/catalog/ingest?name=vms.csv&provider=lambda", kCatalog + "/lambda/vms.csv");
  ASSERT_EQ(r.code, 202) << r.text;
  const std::string location = r.Header("Location");
  ASSERT_EQ(location, "/v1/operations/" + r.body["id"].get<std::string>()) << r.headers;
  EXPECT_EQ(r.body["kind"], "ingest");
  nlohmann::json op = Finished(location);
  ASSERT_EQ(op["state"], "succeeded") << op.dump();
  EXPECT_GT(op["result"]["offers_added"].get<int>(), 0) << op.dump();
  EXPECT_EQ(op["result"]["file"], "vms.csv");
  EXPECT_TRUE(op["error"].is_null());
  EXPECT_FALSE(op["finished_at"].is_null());
  r = Get("/v1/offers?provider=lambda&limit=5");
  ASSERT_EQ(r.code, 200) << r.text;
  EXPECT_EQ(r.body["offers"].size(), 5u) << r.text;
  EXPECT_EQ(r.body["offers"][0]["provider"], "lambda");

  // Refresh from the sim: one entry per provider, recorded in the result.
  r = Call("/v1/catalog/refresh?providers=sim", "-X POST");
  ASSERT_EQ(r.code, 202) << r.text;
  op = Finished(r.Header("Location"));
  ASSERT_EQ(op["state"], "succeeded") << op.dump();
  ASSERT_EQ(op["result"]["providers"].size(), 1u) << op.dump();
  EXPECT_EQ(op["result"]["providers"][0]["provider"], "sim");
  EXPECT_EQ(op["result"]["providers"][0]["ok"], true) << op.dump();
  r = Call("/v1/catalog/refresh?providers=nowhere", "-X POST");
  EXPECT_EQ(r.code, 400) << r.text;

  // A plan solved within the default wait bound is answered at once.
  r = PostFile("/v1/plans", kExamples + "/quickstart.json");
  ASSERT_EQ(r.code, 200) << r.text;
  EXPECT_EQ(r.body["status"], "optimal");

  r = Get("/v1/operations/op_000000000000");
  EXPECT_EQ(r.code, 404) << r.text;
}

TEST_F(OperationsE2eTest, BadUploadsAreRejectedOrFailTheOperation) {
  StartCatalogServe({});
  // Line 3 (the second row) has a price that is not a number.
  std::ifstream in(kCatalog + "/lambda/vms.csv");
  std::string header, first, second;
  std::getline(in, header);
  std::getline(in, first);
  std::getline(in, second);
  second.replace(second.find(",0.2,"), 5, ",abc,");
  const std::string bad = Write("bad.csv", header + "\n" + first + "\n" + second + "\n");
  Reply r = PostFile("/v1/catalog/ingest?name=vms.csv&provider=lambda", bad);
  ASSERT_EQ(r.code, 202) << r.text;
  nlohmann::json op = Finished(r.Header("Location"));
  ASSERT_EQ(op["state"], "failed") << op.dump();
  const std::string message = op["error"]["message"];
  EXPECT_EQ(op["error"]["code"], "invalid_argument");
  EXPECT_NE(message.find("vms.csv:3"), std::string::npos) << message;
  EXPECT_NE(message.find("Price"), std::string::npos) << message;
  EXPECT_EQ(message.find("skybroker-upload"), std::string::npos) << message;

  // With skip_bad_rows the good row goes in and the bad one is listed by its uploaded name.
  r = PostFile("/v1/catalog/ingest?name=vms.csv&provider=lambda&skip_bad_rows=true", bad);
  ASSERT_EQ(r.code, 202) << r.text;
  op = Finished(r.Header("Location"));
  ASSERT_EQ(op["state"], "succeeded") << op.dump();
  ASSERT_EQ(op["result"]["rejected"].size(), 1u) << op.dump();
  EXPECT_EQ(op["result"]["rejected"][0]["file"], "vms.csv");
  EXPECT_EQ(op["result"]["rejected"][0]["line"], 3);

  // Parameters are checked at once, each named.
  r = PostFile("/v1/catalog/ingest?name=vms.csv&provider=lambda&color=red", bad);
  ASSERT_EQ(r.code, 400) << r.text;
  EXPECT_NE(r.body["error"]["message"].get<std::string>().find("color"), std::string::npos);
  r = PostFile("/v1/catalog/ingest?provider=lambda", bad);
  ASSERT_EQ(r.code, 400) << r.text;
  EXPECT_EQ(r.body["error"]["details"][0]["parameter"], "name") << r.text;
  r = PostFile("/v1/catalog/ingest?name=../vms.csv&provider=lambda", bad);
  EXPECT_EQ(r.code, 400) << r.text;
  r = PostFile("/v1/catalog/ingest?name=vms.csv", bad);  // a vms.csv does not name its provider
  ASSERT_EQ(r.code, 400) << r.text;
  EXPECT_NE(r.body["error"]["message"].get<std::string>().find("provider"), std::string::npos);
}

TEST_F(OperationsE2eTest, UploadLimitAndPlansPastTheWaitBound) {
  StartCatalogServe({"--max-upload-bytes", "1000", "--plan-wait-ms", "0"});
  Reply r =
      PostFile("/v1/catalog/ingest?name=vms.csv&provider=lambda", kCatalog + "/lambda/vms.csv");
  ASSERT_EQ(r.code, 413) << r.text;
  EXPECT_EQ(r.body["error"]["code"], "payload_too_large");
  // The upload limit is the ingest route's own: a plan body is still under the general one.
  r = PostFile("/v1/plans", kExamples + "/quickstart.json");
  ASSERT_EQ(r.code, 202) << r.text;
  EXPECT_EQ(r.body["kind"], "plan");
  nlohmann::json op = Finished(r.Header("Location"));
  ASSERT_EQ(op["state"], "succeeded") << op.dump();
  EXPECT_EQ(op["result"]["status"], "optimal") << op.dump();
  // Invalid specs are still answered at once.
  r = Call("/v1/plans", "-X POST --data '{\"name\":\"x\",\"stages\":[]}'");
  EXPECT_EQ(r.code, 400) << r.text;
}

}  // namespace
}  // namespace sky::testing
