// The official EC2 ("ec2" query protocol) serializer and parser test cases from botocore
// (../shared/specs/aws-ec2/protocol-tests), each driven through our codec.
#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <set>
#include <string>

#include "providers/aws/ec2_query.h"
#include "providers/aws/ec2_shape_codec.h"
#include "providers/aws/ec2_test_util.h"
#include "providers/aws/ec2_xml.h"
#include "providers/aws/xml_reader.h"
#include "sky/providers/aws/ec2_provider.h"

namespace sky::providers::aws {
namespace {

using testing::ExpectJsonMatches;
using testing::ReadJsonOrDie;
using testing::SpecPath;

// Cases skipped, with the reason: they expect no body, only a header of a feature we do not
// have.
const std::map<std::string, std::string> kSkipped = {
    {"SDKAppliedContentEncoding_ec2Query",
     "gzip request compression (Content-Encoding); we send bodies uncompressed"},
    {"SDKAppendsGzipAndIgnoresHttpProvidedEncoding_ec2Query", "gzip request compression"},
};
// Compared on the body only: the host prefix of the endpoint trait is not implemented (no
// operation the adapter calls has one).
const std::set<std::string> kHostNotChecked = {"Ec2QueryEndpointTrait",
                                               "Ec2QueryEndpointTraitWithHostLabel"};

TEST(Ec2ProtocolTest, SerializesEveryInputCaseByteForByte) {
  OrderedJson suites = ReadJsonOrDie(SpecPath("aws-ec2/protocol-tests/input-ec2.json"));
  ASSERT_EQ(suites.size(), 11u);
  int cases = 0, skipped = 0;
  for (const OrderedJson& suite : suites) {
    const OrderedJson& shapes = suite["shapes"];
    std::string version = suite["metadata"]["apiVersion"];
    for (const OrderedJson& test : suite["cases"]) {
      std::string id = test["id"];
      SCOPED_TRACE(id);
      if (kSkipped.count(id) > 0) {
        EXPECT_FALSE(test["serialized"].contains("body"));
        ++skipped;
        continue;
      }
      if (kHostNotChecked.count(id) > 0) {
        EXPECT_TRUE(test["serialized"].contains("host"));
      }
      const OrderedJson& given = test["given"];
      QueryParams params;
      if (given.contains("input")) {
        ShapeSerializeOptions options;
        options.idempotency_token = [] { return "00000000-0000-4000-8000-000000000000"; };
        auto serialized =
            SerializeEc2Shape(shapes, given["input"]["shape"], test["params"], options);
        ASSERT_TRUE(serialized.ok()) << serialized.status().ToString();
        params = *serialized;
      }
      const OrderedJson& expected = test["serialized"];
      EXPECT_EQ(EncodeQueryBody(given["name"].get<std::string>(), version, params),
                expected["body"].get<std::string>());
      EXPECT_EQ(expected["method"], "POST");
      if (test["id"] == "Ec2QueryHostWithPath") {
        // The endpoint's path is kept and the request goes to "<path>/".
        Ec2Config config;
        config.endpoint = suite["clientEndpoint"];
        EXPECT_EQ(ResolveEc2Endpoint(config) + "/", "https://example.com/custom/");
        EXPECT_EQ(expected["uri"], "/custom/");
      }
      ++cases;
    }
  }
  EXPECT_EQ(cases, 27);
  EXPECT_EQ(skipped, 2);
  std::cout << "EC2 input protocol cases: " << cases << " bodies compared byte for byte, "
            << skipped << " skipped (request compression)\n";
}

void CheckErrorCase(const OrderedJson& shapes, const OrderedJson& test) {
  const OrderedJson& response = test["response"];
  std::string body = response["body"];
  auto error = ParseEc2Error(body);
  ASSERT_TRUE(error.ok()) << error.status().ToString();
  EXPECT_EQ(error->code, test["errorCode"].get<std::string>());
  EXPECT_EQ(error->request_id, "foo-id");
  auto root = ParseXml(body);
  ASSERT_TRUE(root.ok());
  const XmlElement* element = root->Child("Errors")->Child("Error");
  auto parsed = ParseEc2Shape(shapes, error->code, *element);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ExpectJsonMatches(test["error"], *parsed);
}

TEST(Ec2ProtocolTest, ParsesEveryOutputCase) {
  OrderedJson suites = ReadJsonOrDie(SpecPath("aws-ec2/protocol-tests/output-ec2.json"));
  ASSERT_EQ(suites.size(), 18u);
  int cases = 0;
  for (const OrderedJson& suite : suites) {
    for (const OrderedJson& test : suite["cases"]) {
      SCOPED_TRACE(test["id"].get<std::string>());
      ++cases;
      if (test.contains("errorCode")) {
        CheckErrorCase(suite["shapes"], test);
        continue;
      }
      EXPECT_EQ(test["response"]["status_code"], 200);
      auto root = ParseXml(test["response"]["body"].get<std::string>());
      ASSERT_TRUE(root.ok()) << root.status().ToString();
      auto parsed = ParseEc2Shape(suite["shapes"], test["given"]["output"]["shape"], *root);
      ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
      ExpectJsonMatches(test["result"], *parsed);
    }
  }
  EXPECT_EQ(cases, 29);
  std::cout << "EC2 output protocol cases parsed: " << cases << "\n";
}

TEST(Ec2ProtocolTest, RejectsValuesOfTheWrongType) {
  OrderedJson suites = ReadJsonOrDie(SpecPath("aws-ec2/protocol-tests/input-ec2.json"));
  const OrderedJson* simple = nullptr;
  for (const OrderedJson& suite : suites) {
    if (suite["shapes"].contains("SimpleInputParamsInput")) simple = &suite;
  }
  ASSERT_NE(simple, nullptr);
  const OrderedJson& shapes = (*simple)["shapes"];
  for (const char* bad : {R"({"Foo": 1})", R"({"Baz": "yes"})", R"({"Bam": 1.5})",
                          R"({"Boo": "many"})", R"({"Nope": "x"})"}) {
    auto result = SerializeEc2Shape(shapes, "SimpleInputParamsInput", OrderedJson::parse(bad));
    EXPECT_TRUE(result.status().IsInvalidArgument()) << bad;
  }
  auto unknown = SerializeEc2Shape(shapes, "NoSuchShape", OrderedJson::object());
  EXPECT_TRUE(unknown.status().IsInvalidArgument());
}

TEST(Ec2ProtocolTest, ParserRejectsValuesThatDoNotConvert) {
  OrderedJson shapes = OrderedJson::parse(R"({
    "Out": {"type": "structure", "members": {"n": {"shape": "I"}, "b": {"shape": "B"},
            "t": {"shape": "T"}, "d": {"shape": "D"}, "x": {"shape": "X"}}},
    "I": {"type": "integer"}, "B": {"type": "boolean"}, "T": {"type": "timestamp"},
    "D": {"type": "double"}, "X": {"type": "blob"}})");
  for (const char* body :
       {"<R><n>1x</n></R>", "<R><n>99999999999999999999</n></R>", "<R><b>yes</b></R>",
        "<R><t>yesterday</t></R>", "<R><d>1.2.3</d></R>", "<R><x>!!!</x></R>"}) {
    auto root = ParseXml(body);
    ASSERT_TRUE(root.ok());
    EXPECT_TRUE(ParseEc2Shape(shapes, "Out", *root).status().IsInvalidArgument()) << body;
  }
}

}  // namespace
}  // namespace sky::providers::aws
