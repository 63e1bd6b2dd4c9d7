// The security checklist of issue #9, each item verified against a real `skybroker serve` on
// an ephemeral 127.0.0.1 port (sim cloud, clock 3600x), requests sent with curl:
//   - API tokens are stored only as SHA-256 hashes (every table, and the file bytes);
//   - no secret in any log line after a full flow (API tokens, stage tokens, the stage-token
//     secret; access log, stdout, stderr, CLI output, /metrics);
//   - tenant isolation (pipelines: auth_e2e_test TenantsSeeAndCancelOnlyTheirOwnPipelines;
//     here operations, replays and stage tokens);
//   - 401 without a token and 403 with a lower role, 404 for another tenant's ids, on every
//     operation api/http/openapi.json declares security for (so a new route cannot be forgotten);
//   - HTTPS with --tls-cert/--tls-key against curl --cacert, plain HTTP and TLS 1.1 refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <thread>

#include "sky/types/ascii.h"
#include "tests/support/e2e_fixture.h"

namespace sky::testing {
namespace {

using nlohmann::json;

// A replay over an inline trace (as in contract_e2e_test).
constexpr char kReplay[] =
    R"({"pipeline":{"name":"hand","deadline_hours":6,"restart_minutes":15,"stages":[{"name":)"
    R"("train","resources":{"accelerators":{"V100":1}},"runtime_hours":4,)"
    R"("checkpoint_minutes":7.5}]},"traces":{"aws:us-east-1:us-east-1a":{"metadata":)"
    R"({"gap_seconds":3600},"data":[1,1,0,0,0,0,0,0]}},"policy":["greedy_spot"]})";
const std::string kBogusToken = "sky_" + std::string(64, '0');
// How often a test polls a pipeline (for at most 90 s).
constexpr std::chrono::milliseconds kPoll(200);

std::string Trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

int Rank(const std::string& role) {
  static const std::map<std::string, int> kRanks = {
      {"viewer", 0}, {"catalog", 0}, {"user", 1}, {"admin", 2}};
  const auto it = kRanks.find(role);
  return it == kRanks.end() ? -1 : it->second;
}

class SecurityE2eTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    ASSERT_TRUE(StartSecureServe({})) << serve_.Errors();
    admin_ = Trimmed(ReadFile(dir_ / "admin-token"));
    ASSERT_EQ(admin_.size(), 68u);
    secrets_.push_back(admin_);
  }

  std::string DbPath() const { return Path("sky.db"); }
  std::string Log(int start) const { return Path("serve-" + std::to_string(start) + ".log"); }

  bool StartSecureServe(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"--db", DbPath(),       "--plan-wait-ms",
                                     "0",    "--access-log", Path("access.log")};
    for (const std::string& a : FastSimArgs()) args.push_back(a);
    args.insert(args.end(), extra.begin(), extra.end());
    return StartServe(args, "serve-" + std::to_string(starts_++) + ".log");
  }

  // `skybroker token create`: the token (stdout); stderr goes to token.err, a log.
  std::string CreateToken(const std::string& tenant, const std::string& role) {
    std::string token =
        RunShell("(" + kBin + " token create --tenant " + tenant + " --role " + role + " --db " +
                 DbPath() + " 2>>" + (dir_ / "token.err").string() + ")");
    EXPECT_EQ(token.size(), 68u) << token;
    secrets_.push_back(token);
    return token;
  }

  // POSTs `body` to `path` as `token`, expecting status `expect`; the id of what it made.
  std::string PostId(const std::string& path, const std::string& body, const std::string& token,
                     int expect) {
    const Reply r = Post(path, body, token);
    EXPECT_EQ(r.code, expect) << path << " " << r.text;
    return r.body.is_object() ? r.body.value("id", "") : "";
  }

  // The heartbeat token of an attempt: "skst_" + HMAC-SHA256(the server's secret, its key).
  std::string StageToken(const std::string& key) {
    return StageTokenFor(DbPath() + ".token-secret", key);
  }

  // The long pipeline of `token`'s tenant with its one stage running; its id and the stage's
  // token (a secret, remembered).
  std::pair<std::string, std::string> RunningLongPipeline(const std::string& token) {
    const std::string id = PostId("/v1/pipelines", kLongSpec, token, 202);
    const json view = WaitForPipeline(
        id,
        [](const json& v) {
          return v["stages"][0]["state"] == "running" || v["state"] == "failed";
        },
        token, 90, kPoll);
    EXPECT_EQ(view["stages"][0]["state"], "running") << view.dump(2);
    if (!view.contains("attempts") || view["attempts"].empty()) return {id, ""};
    const std::string stage_token = StageToken(view["attempts"].back()["idempotency_key"]);
    secrets_.push_back(stage_token);
    return {id, stage_token};
  }

  Reply Heartbeat(const std::string& id, const std::string& stage, const std::string& token) {
    return Send({"/v1/pipelines/" + id + "/stages/" + stage + "/heartbeat",
                 "-X POST --data '{\"progress\":0.01}'", token});
  }

  int starts_ = 0;
  std::string admin_;
  std::vector<std::string> secrets_;  // every token the test saw
};

TEST_F(SecurityE2eTest, TokensAreStoredOnlyAsHashes) {
  for (const char* tenant : {"a", "b"}) {
    EXPECT_EQ(Get("/v1/pipelines", CreateToken(tenant, "user")).code, 200);
  }
  CreateToken("a", "viewer");
  const auto [id, stage_token] = RunningLongPipeline(secrets_[1]);
  ASSERT_FALSE(stage_token.empty());
  ASSERT_TRUE(serve_.Stop());  // the WAL is checkpointed into the file
  const std::string dump = RunShell("sqlite3 " + DbPath() + " .dump");
  ASSERT_NE(dump.find("CREATE TABLE"), std::string::npos) << dump.substr(0, 500);
  const std::string tables =
      RunShell("sqlite3 " + DbPath() + " \"SELECT name FROM sqlite_master WHERE type='table'\"");
  EXPECT_NE(tables.find("api_tokens"), std::string::npos) << tables;
  std::string files;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) files += ReadFile(DbPath() + suffix);
  for (const std::string& token : secrets_) {
    const std::string body = token.substr(token.find('_') + 1);  // the 64 secret hex digits
    EXPECT_EQ(dump.find(body), std::string::npos) << token.substr(0, 9) << "... in a table";
    EXPECT_EQ(files.find(body), std::string::npos) << token.substr(0, 9) << "... in the file";
    // What is kept instead is the token's SHA-256.
    const std::string hash = RunShell("printf %s '" + token + "' | sha256sum | cut -c1-64");
    EXPECT_NE(dump.find(hash), std::string::npos) << token.substr(0, 9) << "...: no hash stored";
  }
}

TEST_F(SecurityE2eTest, NoSecretInAnyLogLineAfterAFullRun) {
  const std::string a = CreateToken("a", "user");
  const std::string b = CreateToken("b", "viewer");
  const std::string quick =
      PostId("/v1/pipelines", ReadFile(kExamples + "/quickstart.json"), a, 202);
  const auto [long_id, stage_token] = RunningLongPipeline(a);
  ASSERT_FALSE(stage_token.empty());
  EXPECT_EQ(Heartbeat(long_id, "work", stage_token).code, 204);
  EXPECT_EQ(Heartbeat(long_id, "work", "skst_" + std::string(64, 'f')).code, 401);
  EXPECT_EQ(Get("/v1/pipelines", kBogusToken).code, 401);
  EXPECT_EQ(Send({"/v1/pipelines", "-H 'Authorization: Basic " + a + "'"}).code, 401);
  EXPECT_EQ(Get("/v1/pipelines", b).code, 200);
  const json done = WaitForPipeline(
      quick, [](const json& v) { return v["state"] == "succeeded"; }, a, 90, kPoll);
  ASSERT_EQ(done["state"], "succeeded") << done.dump(2);
  EXPECT_GT(done["cost"]["actual_usd"].get<double>(), 0) << done.dump(2);
  std::string outputs = Get("/metrics", admin_).text;
  const std::string cli = " --server " + serve_.base();
  outputs += Exec("status" + cli + " --token " + a).out;
  outputs += Exec("status" + cli + " --token " + kBogusToken).out;
  outputs += Exec("cancel " + long_id + cli + " --token " + a).out;
  ASSERT_TRUE(serve_.Stop());

  const std::string secret = Trimmed(ReadFile(DbPath() + ".token-secret"));
  ASSERT_GE(secret.size(), 32u);
  std::map<std::string, std::string> logs = {{"cli output and /metrics", outputs}};
  for (const std::string& name :
       {std::string("access.log"), std::string("token.err"), Log(0), Log(0) + ".err"}) {
    logs[name] = ReadFile(name.front() == '/' ? fs::path(name) : dir_ / name);
  }
  EXPECT_GE(std::count(logs["access.log"].begin(), logs["access.log"].end(), '\n'), 10)
      << "the flow should have logged every request";
  EXPECT_NE(logs["access.log"].find("\"status\":401"), std::string::npos);
  EXPECT_NE(logs["access.log"].find("/heartbeat"), std::string::npos);
  for (const auto& [name, text] : logs) {
    EXPECT_EQ(text.find(secret), std::string::npos) << "the stage-token secret in " << name;
    for (const std::string& token : secrets_) {
      const std::string body = token.substr(token.find('_') + 1);
      EXPECT_EQ(text.find(body), std::string::npos) << token.substr(0, 9) << "... in " << name;
    }
  }
}

// The broker's storage credentials (README "Data"): serve's RCLONE_CONFIG_* variables reach
// only the instance of a stage attempt, with that attempt's token; no log line, database byte
// or other API answer holds them. The server starts with them in its environment.
class SecurityStorageE2eTest : public SecurityE2eTest {
 protected:
  static constexpr char kKeyId[] = "SKYTESTKEYID7Q4ZP2W8";
  static constexpr char kSecret[] = "sky-storage-secret-3b7e0c51d9a24f68";
  void SetUp() override {
    setenv("RCLONE_CONFIG_S3_TYPE", "s3", 1);
    setenv("RCLONE_CONFIG_S3_ACCESS_KEY_ID", kKeyId, 1);
    setenv("RCLONE_CONFIG_S3_SECRET_ACCESS_KEY", kSecret, 1);
    SecurityE2eTest::SetUp();
  }
  void TearDown() override {
    SecurityE2eTest::TearDown();
    for (const char* name : {"RCLONE_CONFIG_S3_TYPE", "RCLONE_CONFIG_S3_ACCESS_KEY_ID",
                             "RCLONE_CONFIG_S3_SECRET_ACCESS_KEY"}) {
      unsetenv(name);
    }
  }
};

TEST_F(SecurityStorageE2eTest, CredentialsReachOnlyTheirStageAndAreNeverLoggedStoredOrShown) {
  const std::string key_id = kKeyId, secret = kSecret;
  const std::string a = CreateToken("a", "user");
  const auto [id, stage_token] = RunningLongPipeline(a);
  ASSERT_FALSE(stage_token.empty());
  const std::string path = "/v1/pipelines/" + id + "/stages/work/storage-credentials";
  const Reply handed = Send({path, "", stage_token});
  EXPECT_EQ(handed.code, 200) << handed.text;
  EXPECT_NE(handed.text.find("export RCLONE_CONFIG_S3_SECRET_ACCESS_KEY='" + secret + "'"),
            std::string::npos)
      << handed.text;
  EXPECT_NE(handed.LowerHeaders().find("cache-control: no-store"), std::string::npos);
  for (const std::string& other : {std::string(), a, admin_, std::string(kBogusToken)}) {
    const Reply refused = Send({path, "", other});
    EXPECT_EQ(refused.code, 401) << "a non-stage token got the credentials";
    EXPECT_EQ(refused.text.find(secret), std::string::npos);
  }
  std::string shown = Get("/v1/pipelines/" + id, a).text + Get("/v1/pipelines", a).text +
                      Get("/v1/pipelines/" + id + "/events", a).text +
                      Get("/metrics", admin_).text + Get("/openapi.json").text;
  shown += Exec("status " + id + " --server " + serve_.base() + " --token " + a).out;
  ASSERT_TRUE(serve_.Stop());  // the WAL is checkpointed into the file
  std::map<std::string, std::string> places = {{"API answers and CLI output", shown}};
  for (const std::string& name :
       {std::string("access.log"), std::string("token.err"), Log(0), Log(0) + ".err"}) {
    places[name] = ReadFile(name.front() == '/' ? fs::path(name) : dir_ / name);
  }
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    places["database" + std::string(suffix)] = ReadFile(DbPath() + suffix);
  }
  EXPECT_NE(places["access.log"].find("/storage-credentials"), std::string::npos);
  for (const auto& [where, text] : places) {
    EXPECT_EQ(text.find(secret), std::string::npos) << "the storage secret in " << where;
    EXPECT_EQ(text.find(key_id), std::string::npos) << "the storage key id in " << where;
  }
}

// Pipelines: auth_e2e_test TenantsSeeAndCancelOnlyTheirOwnPipelines (get, events, cancel,
// list, CLI). Here what it does not cover: operations, replays and stage tokens.
TEST_F(SecurityE2eTest, TenantsCannotReachEachOthersOperationsReplaysOrStages) {
  const std::string a = CreateToken("a", "user");
  const std::string b = CreateToken("b", "user");
  const std::string plan = PostId("/v1/plans", ReadFile(kExamples + "/quickstart.json"), a, 202);
  const std::string replay = PostId("/v1/replays", kReplay, a, 202);
  EXPECT_EQ(Get("/v1/operations/" + plan, a).code, 200);
  EXPECT_EQ(Get("/v1/operations/" + plan, b).code, 404);
  EXPECT_EQ(Get("/v1/replays/" + replay, b).code, 404);
  EXPECT_EQ(Get("/v1/operations/" + replay, b).code, 404);
  const Reply own = Get("/v1/replays/" + replay, a);
  EXPECT_TRUE(own.code == 200 || own.code == 202) << own.text;
  // A stage token opens only its own stage: not the same stage name in another pipeline.
  const auto [mine, token] = RunningLongPipeline(a);
  const auto [theirs, their_token] = RunningLongPipeline(b);
  ASSERT_FALSE(token.empty());
  ASSERT_FALSE(their_token.empty());
  EXPECT_EQ(Heartbeat(theirs, "work", token).code, 401);
  EXPECT_EQ(Heartbeat(mine, "work", their_token).code, 401);
  EXPECT_EQ(Heartbeat(mine, "work", a).code, 401) << "an API token is not a stage token";
  EXPECT_EQ(Heartbeat(mine, "work", token).code, 204);
}

// One operation of api/http/openapi.json that declares security, made concrete.
struct ProtectedRoute {
  std::string where;   // "GET /v1/pipelines/{id}"
  std::string path;    // with tenant a's ids in place of the parameters
  std::string curl;    // "-X GET", "-X POST --data '{}'"
  std::string role;    // x-required-role
  bool owned = false;  // names a resource of a tenant
};

// Every operation with security, its {id} replaced by the id for its path prefix in `ids`
// and {stage} by "work". Fails the test for a parameter it has no id for.
std::vector<ProtectedRoute> ProtectedRoutes(const std::map<std::string, std::string>& ids) {
  std::vector<ProtectedRoute> routes;
  const json doc = json::parse(ReadFile(SKY_SOURCE_DIR "/api/http/openapi.json"));
  for (const auto& [templated, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      if (!op.is_object() || !op.contains("security") || op["security"].empty()) continue;
      ProtectedRoute route;
      route.path = std::regex_replace(templated, std::regex("\\{stage\\}"), "work");
      for (const auto& [prefix, id] : ids) {
        if (route.path.rfind(prefix + "{id}", 0) == 0) route.path.replace(prefix.size(), 4, id);
      }
      EXPECT_EQ(route.path.find('{'), std::string::npos) << "no test id for " << templated;
      const std::string verb = AsciiUpper(method);
      route.where = verb + " " + templated;
      route.curl = "-X " + verb + (verb == "POST" ? " --data '{}'" : "");
      route.role = op.value("x-required-role", "");
      route.owned = templated.find("{id}") != std::string::npos &&
                    templated.rfind("/v1/offers/", 0) != 0;  // offers are not a tenant's
      routes.push_back(route);
    }
  }
  return routes;
}

TEST_F(SecurityE2eTest, EveryProtectedRouteRefusesMissingLowerAndForeignTokens) {
  std::map<std::string, std::string> tokens = {{"a:viewer", CreateToken("a", "viewer")},
                                               {"a:user", CreateToken("a", "user")},
                                               {"b:viewer", CreateToken("b", "viewer")},
                                               {"b:user", CreateToken("b", "user")}};
  // Tenant a's resources, for the {id} of each route.
  const auto [pipeline, stage_token] = RunningLongPipeline(tokens["a:user"]);
  const std::string plan =
      PostId("/v1/plans", ReadFile(kExamples + "/quickstart.json"), tokens["a:user"], 202);
  const std::string replay = PostId("/v1/replays", kReplay, tokens["a:user"], 202);
  std::string offer = Get("/v1/offers?limit=1", tokens["a:viewer"]).body["offers"][0]["id"];
  offer = std::regex_replace(offer, std::regex("/"), "%2F");
  const std::vector<ProtectedRoute> routes =
      ProtectedRoutes({{"/v1/pipelines/", pipeline},
                       {"/v1/operations/", plan},
                       {"/v1/replays/", replay},
                       {"/v1/offers/", offer},
                       {"/v1/admin/local/instances/", "local-00000001"}});
  EXPECT_GE(routes.size(), 16u)
      << "api/http/openapi.json lists fewer protected operations than expected";
  for (const ProtectedRoute& r : routes) {
    const Reply none = Send({r.path, r.curl});
    EXPECT_EQ(none.code, 401) << r.where << " without a token: " << none.text;
    EXPECT_EQ(Send({r.path, r.curl, kBogusToken}).code, 401) << r.where << " with an unknown token";
    if (r.role == "stage-token") {  // API tokens, even the admin's, do not open heartbeats
      EXPECT_EQ(Send({r.path, r.curl, tokens["a:user"]}).code, 401) << r.where;
      EXPECT_EQ(Send({r.path, r.curl, admin_}).code, 401) << r.where;
      continue;
    }
    ASSERT_GE(Rank(r.role), 0) << r.where << ": unknown x-required-role '" << r.role << "'";
    EXPECT_NE(none.LowerHeaders().find("www-authenticate: bearer"), std::string::npos) << r.where;
    for (const char* lower : {"viewer", "user"}) {
      if (Rank(lower) >= Rank(r.role)) continue;
      const Reply refused = Send({r.path, r.curl, tokens[std::string("a:") + lower]});
      EXPECT_EQ(refused.code, 403) << r.where << " as a " << lower << ": " << refused.text;
    }
    // Another tenant with the role never reaches a's resource (404: ids are not revealed).
    if (r.owned && Rank(r.role) <= Rank("user")) {
      const Reply foreign =
          Send({r.path, r.curl, tokens[r.role == "user" ? "b:user" : "b:viewer"]});
      EXPECT_EQ(foreign.code, 404) << r.where << " as tenant b: " << foreign.text;
    }
  }
}

TEST_F(SecurityE2eTest, TlsServesHttpsToCurlAndRefusesPlainHttp) {
  const std::string cert = (dir_ / "cert.pem").string(), key = (dir_ / "key.pem").string();
  const std::string made = RunShell(
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -addext "
      "subjectAltName=IP:127.0.0.1 -keyout " +
      key + " -out " + cert + " 2>/dev/null && echo made");
  ASSERT_NE(made.find("made"), std::string::npos) << made;
  ASSERT_TRUE(serve_.Stop());
  ASSERT_TRUE(StartSecureServe({"--tls-cert", cert, "--tls-key", key})) << serve_.Errors();
  EXPECT_NE(ReadFile(Log(1)).find("serving https://127.0.0.1:"), std::string::npos);
  const std::string https = "https://127.0.0.1:" + serve_.port();
  const std::string ca = "--cacert " + cert + " --max-time 20";
  EXPECT_EQ(Send({"/healthz", ca, ""}, https).code, 200);
  const Reply listed = Send({"/v1/pipelines", ca, admin_}, https);
  EXPECT_EQ(listed.code, 200) << listed.text;
  EXPECT_EQ(Send({"/v1/pipelines", ca, ""}, https).code, 401);
  const std::string plain = RunShell("curl -s -o /dev/null -w '%{http_code}' --max-time 10 " +
                                     serve_.base() + "/healthz; echo \" exit $?\"");
  EXPECT_EQ(plain.find("200"), std::string::npos) << "plain HTTP answered: " << plain;
  const std::string untrusted =
      RunShell("curl -s -o /dev/null --max-time 10 " + https + "/healthz; echo \"exit $?\"");
  EXPECT_EQ(untrusted, "exit 60") << "a self-signed certificate must not be trusted by default";
  const std::string old = RunShell("curl -s -o /dev/null " + ca + " --tlsv1.0 --tls-max 1.1 " +
                                   https + "/healthz; echo \"exit $?\"");
  EXPECT_NE(old, "exit 0") << "TLS 1.1 must be refused";
}

}  // namespace
}  // namespace sky::testing
