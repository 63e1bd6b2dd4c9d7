// Checks of api/http/openapi.json, the API's contract (issue #6), that need no server: it is
// OpenAPI 3.0.3, every $ref resolves, every path parameter is declared, and each operation's
// security, x-required-role and documented 401/403/429 agree with auth.cc's policy table. The
// contract e2e test (tests/e2e/contract_e2e_test.cc) checks real traffic against it.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <regex>
#include <set>
#include <sstream>

#include "api/auth/auth.h"
#include "api/handlers/handlers.h"
#include "sky/types/ascii.h"

namespace sky::api {
namespace {

using nlohmann::json;

const std::string kDocument = SKY_SOURCE_DIR "/api/http/openapi.json";
const std::set<std::string> kMethods = {"get", "put", "post", "delete", "patch", "head"};

json LoadDocument() {
  std::ifstream in(kDocument);
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str(), nullptr, false);
}

class OpenApiDocumentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    doc_ = LoadDocument();
    ASSERT_FALSE(doc_.is_discarded()) << kDocument << " is not JSON";
    ASSERT_TRUE(doc_.contains("paths") && doc_["paths"].is_object());
  }

  // Calls `visit(path, method, operation)` for every operation.
  void ForEachOperation(
      const std::function<void(const std::string&, const std::string&, const json&)>& visit) {
    for (const auto& [path, item] : doc_["paths"].items()) {
      for (const auto& [method, operation] : item.items()) {
        if (kMethods.count(method)) visit(path, method, operation);
      }
    }
  }

  json doc_;
};

// The role name the document uses for an access rule of the policy table.
std::string RoleOf(Access access) {
  switch (access) {
    case Access::kPublic:
      return "public";
    case Access::kExempt:
      return "stage-token";
    case Access::kCatalog:
      return "catalog";
    case Access::kViewer:
      return "viewer";
    case Access::kUser:
      return "user";
    case Access::kAdmin:
      return "admin";
  }
  return "?";
}

// "/v1/pipelines/{id}" -> "/v1/pipelines/x": a concrete path for the policy table.
std::string Concrete(const std::string& templated) {
  return std::regex_replace(templated, std::regex("\\{[^}]+\\}"), "x");
}

void CollectRefs(const json& node, std::vector<std::string>& refs) {
  if (node.is_object()) {
    if (auto it = node.find("$ref"); it != node.end() && it->is_string()) refs.push_back(*it);
    for (const auto& [key, child] : node.items()) CollectRefs(child, refs);
  } else if (node.is_array()) {
    for (const auto& child : node) CollectRefs(child, refs);
  }
}

TEST_F(OpenApiDocumentTest, IsOpenApi303WithTheContractSchemas) {
  EXPECT_EQ(doc_.value("openapi", ""), "3.0.3");
  EXPECT_FALSE(doc_["info"].value("title", "").empty());
  EXPECT_FALSE(doc_["info"].value("version", "").empty());
  const json& schemas = doc_["components"]["schemas"];
  for (const char* name : {"Offer", "OffersPage", "Plan", "PipelineSpec", "PipelineView", "Stage",
                           "Attempt", "Event", "Operation", "ErrorBody"}) {
    EXPECT_TRUE(schemas.contains(name)) << "components.schemas." << name;
  }
  const json& bearer = doc_["components"]["securitySchemes"]["bearer"];
  EXPECT_EQ(bearer.value("type", ""), "http");
  EXPECT_EQ(bearer.value("scheme", ""), "bearer");
}

TEST_F(OpenApiDocumentTest, EveryRefResolves) {
  std::vector<std::string> refs;
  CollectRefs(doc_, refs);
  EXPECT_GT(refs.size(), 50u);
  for (const std::string& ref : refs) {
    ASSERT_EQ(ref.rfind("#/", 0), 0u) << "only local refs: " << ref;
    EXPECT_TRUE(doc_.contains(json::json_pointer(ref.substr(1)))) << "dangling " << ref;
  }
}

TEST_F(OpenApiDocumentTest, OperationIdsAreUniqueAndPathParametersDeclared) {
  std::set<std::string> ids;
  ForEachOperation([&](const std::string& path, const std::string& method, const json& op) {
    const std::string where = method + " " + path;
    EXPECT_TRUE(ids.insert(op.value("operationId", "")).second) << where << ": operationId";
    std::set<std::string> templated;
    const std::regex param("\\{([^}]+)\\}");
    for (std::sregex_iterator it(path.begin(), path.end(), param), end; it != end; ++it) {
      templated.insert((*it)[1]);
    }
    std::set<std::string> declared;
    for (const json& p : op.value("parameters", json::array())) {
      if (p.value("in", "") != "path") continue;
      declared.insert(p.value("name", ""));
      EXPECT_TRUE(p.value("required", false)) << where << ": path parameters are required";
    }
    EXPECT_EQ(declared, templated) << where;
    EXPECT_FALSE(op["responses"].empty()) << where;
  });
}

// The document's security for each role, as the auth layer enforces it.
json SecurityFor(const std::string& role) {
  if (role == "public") return json::array();
  if (role == "catalog") return json::parse(R"([{"bearer": []}, {}])");
  if (role == "stage-token") return json::parse(R"([{"stageToken": []}])");
  return json::parse(R"([{"bearer": []}])");
}

TEST_F(OpenApiDocumentTest, SecurityMatchesTheAuthPolicyTable) {
  ForEachOperation([&](const std::string& path, const std::string& method, const json& op) {
    const std::string where = method + " " + path;
    const std::string role = RoleOf(AccessFor(AsciiUpper(method), Concrete(path)));
    EXPECT_EQ(op.value("x-required-role", ""), role) << where;
    EXPECT_EQ(op.value("security", json()), SecurityFor(role)) << where;
    const json& responses = op["responses"];
    EXPECT_EQ(responses.contains("401"), role != "public") << where << ": 401";
    EXPECT_EQ(responses.contains("403"), role == "user" || role == "admin") << where << ": 403";
    // Heartbeats are exempt from the rate limit; everything else may be limited.
    EXPECT_EQ(responses.contains("429"), role != "stage-token") << where << ": 429";
  });
}

TEST_F(OpenApiDocumentTest, ErrorResponsesHaveTheErrorBody) {
  ForEachOperation([&](const std::string& path, const std::string& method, const json& op) {
    for (const auto& [code, response] : op["responses"].items()) {
      if (code[0] != '4' && code[0] != '5') continue;
      const json* resolved = &response;
      if (response.contains("$ref")) {
        resolved = &doc_[json::json_pointer(response["$ref"].get<std::string>().substr(1))];
      }
      EXPECT_EQ((*resolved)["content"]["application/json"]["schema"].value("$ref", ""),
                "#/components/schemas/ErrorBody")
          << method << " " << path << " " << code;
    }
  });
}

HttpRequest GetRequest(const std::string& path) {
  HttpRequest r;
  r.method = "GET";
  r.path = path;
  return r;
}

TEST(OpenApiRouteTest, ServesTheDocumentAsJson) {
  Router router;
  AddOpenApiRoute(router, kDocument);
  const HttpResponse r = router.Dispatch(GetRequest("/openapi.json"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(json::parse(r.body), LoadDocument());
}

TEST(OpenApiRouteTest, MissingDocumentIs404) {
  Router router;
  AddOpenApiRoute(router, SKY_SOURCE_DIR "/api/no-such-openapi.json");
  const HttpResponse r = router.Dispatch(GetRequest("/openapi.json"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "not_found");
}

}  // namespace
}  // namespace sky::api
