// End-to-end test of API tokens, tenants, roles, rate limiting and the access log (issue #6):
// `skybroker serve` with auth on and --rate-limit 5 on an ephemeral 127.0.0.1 port, tokens
// made with `skybroker token`, requests sent with curl and the skybroker CLI.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <array>
#include <chrono>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "tests/support/e2e_fixture.h"

namespace sky::testing {
namespace {

using nlohmann::json;

class AuthE2eTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    fs::create_directories(dir_ / "home");
    ASSERT_TRUE(StartAuthServe({})) << "server did not start:\n" << serve_.Errors();
  }

  std::string DbPath() const { return Path("sky.db"); }

  // Serve with auth on, --rate-limit 5 and the fast sim, plus `extra`; the access log goes to
  // access.log unless `extra` starts with "--default-log".
  bool StartAuthServe(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"--db", DbPath(), "--rate-limit", "5"};
    for (const std::string& a : FastSimArgs()) args.push_back(a);
    if (extra.empty() || extra[0] != "--default-log") {
      args.insert(args.end(), {"--access-log", Path("access.log")});
    }
    for (const auto& a : extra) {
      if (a != "--default-log") args.push_back(a);
    }
    return StartServe(args, "serve-" + std::to_string(starts_++) + ".log");
  }

  // Runs skybroker with a clean environment: no $SKYBROKER_TOKEN/$SKYBROKER_DB, and a HOME
  // without an admin-token file, so that only what the test passes is used.
  ExecResult Cli(const std::string& args, const std::string& env = "") {
    return Shell("env -u SKYBROKER_TOKEN -u SKYBROKER_DB HOME=" + (dir_ / "home").string() + " " +
                 env + " " + kBin + " " + args);
  }

  // `skybroker token create`: the token printed on stdout (stderr kept in token.err).
  std::string CreateToken(const std::string& tenant, const std::string& role) {
    const std::string err = (dir_ / "token.err").string();
    std::string token = RunShell("(" + kBin + " token create --tenant " + tenant + " --role " +
                                 role + " --db " + DbPath() + " 2>" + err + ")");
    EXPECT_EQ(token.rfind("sky_", 0), 0u) << token;
    EXPECT_EQ(token.size(), 68u) << token;
    const std::string warning = ReadFile(err);
    EXPECT_NE(warning.find("only time the token is shown"), std::string::npos) << warning;
    EXPECT_EQ(warning.find(token), std::string::npos) << "the token goes to stdout only";
    tokens_.push_back(token);
    return token;
  }

  // Send({path, args, token}) (no token when empty), a 429 retried after a pause unless
  // `retry_429` is false: tests share the server's --rate-limit 5.
  Reply Call(const std::string& args, const std::string& path, const std::string& token = "",
             bool retry_429 = true) {
    Reply reply;
    for (int attempt = 0; attempt < 40; ++attempt) {
      reply = Send({path, args, token});
      if (reply.code != 429 || !retry_429) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    return reply;
  }

  static void ExpectJsonError(const Reply& r, int code, const std::string& name) {
    EXPECT_EQ(r.code, code) << r.body;
    ASSERT_TRUE(r.body.is_object()) << "status " << r.code << ": not a JSON body";
    EXPECT_EQ(r.body["error"]["code"], name) << r.body;
    EXPECT_TRUE(r.body["error"]["message"].is_string()) << r.body;
    EXPECT_TRUE(r.body["error"]["details"].is_array()) << r.body;
  }

  std::string Submit(const std::string& spec_path, const std::string& token) {
    Reply r = Call("-X POST --data-binary @" + spec_path, "/v1/pipelines", token);
    EXPECT_EQ(r.code, 202) << r.body;
    return r.code == 202 ? r.body["id"].get<std::string>() : "";
  }

  static bool Listed(const Reply& list, const std::string& id) {
    for (const json& p : list.body["pipelines"]) {
      if (p["id"] == id) return true;
    }
    return false;
  }

  int starts_ = 0;
  std::vector<std::string> tokens_;
};

TEST_F(AuthE2eTest, EveryErrorIsJsonWithItsStatus) {
  const std::string viewer = CreateToken("a", "viewer");
  Reply none = Call("", "/v1/pipelines");
  ExpectJsonError(none, 401, "unauthenticated");
  EXPECT_NE(none.LowerHeaders().find("www-authenticate: bearer"), std::string::npos)
      << none.headers;
  Reply bad = Call("", "/v1/pipelines", "sky_" + std::string(64, '0'));
  ExpectJsonError(bad, 401, "unauthenticated");
  EXPECT_NE(bad.LowerHeaders().find("invalid_token"), std::string::npos) << bad.headers;
  Reply basic = Call("-H 'Authorization: Basic dXNlcjpwdw=='", "/v1/pipelines");
  ExpectJsonError(basic, 401, "unauthenticated");

  Reply forbidden =
      Call("-X POST --data-binary @" + kExamples + "/quickstart.json", "/v1/pipelines", viewer);
  ExpectJsonError(forbidden, 403, "permission_denied");
  EXPECT_NE(forbidden.body.dump().find("user role"), std::string::npos) << forbidden.body;

  EXPECT_EQ(Call("", "/healthz").code, 200);
  EXPECT_EQ(Call("", "/").code, 200);
  ExpectJsonError(Call("", "/v1/offers?limit=1"), 401, "unauthenticated");
  EXPECT_EQ(Call("", "/v1/offers?limit=1", viewer).code, 200);
  // Unknown API routes authenticate first, then 404/405.
  ExpectJsonError(Call("", "/v1/nothing"), 401, "unauthenticated");
  ExpectJsonError(Call("", "/v1/nothing", viewer), 404, "not_found");
  EXPECT_EQ(Call("-X PUT", "/v1/pipelines", viewer).code, 405);
  ExpectJsonError(Call("-X POST --data 'not json'", "/v1/plans", CreateToken("a", "user")), 400,
                  "invalid_argument");
}

TEST_F(AuthE2eTest, TenantsSeeAndCancelOnlyTheirOwnPipelines) {
  const std::string a = CreateToken("a", "user");
  const std::string b = CreateToken("b", "user");
  const std::string a_viewer = CreateToken("a", "viewer");
  const std::string quick = Submit(kExamples + "/quickstart.json", a);
  const std::string long_id = Submit(Write("long.json", kLongSpec), a);
  ASSERT_FALSE(quick.empty());
  ASSERT_FALSE(long_id.empty());

  for (const std::string& id : {quick, long_id}) {
    ExpectJsonError(Call("", "/v1/pipelines/" + id, b), 404, "not_found");
    ExpectJsonError(Call("", "/v1/pipelines/" + id + "/events", b), 404, "not_found");
    ExpectJsonError(Call("-X DELETE", "/v1/pipelines/" + id, b), 404, "not_found");
  }
  Reply b_list = Call("", "/v1/pipelines", b);
  ASSERT_EQ(b_list.code, 200) << b_list.body;
  EXPECT_TRUE(b_list.body["pipelines"].empty()) << b_list.body;

  Reply view = Call("", "/v1/pipelines/" + quick, a);
  ASSERT_EQ(view.code, 200) << view.body;
  EXPECT_EQ(view.body["tenant"], "a");
  Reply a_list = Call("", "/v1/pipelines", a_viewer);
  ASSERT_EQ(a_list.code, 200) << a_list.body;
  EXPECT_TRUE(Listed(a_list, quick) && Listed(a_list, long_id)) << a_list.body;
  ExpectJsonError(Call("-X DELETE", "/v1/pipelines/" + long_id, a_viewer), 403,
                  "permission_denied");
  Reply cancelled = Call("-X DELETE", "/v1/pipelines/" + long_id, a);
  ASSERT_EQ(cancelled.code, 200) << cancelled.body;
  EXPECT_EQ(cancelled.body["state"], "cancelled");
  // The CLI as tenant b cannot see a's pipeline either.
  ExecResult status = Cli("status " + quick + " --server " + serve_.base() + " --token " + b);
  EXPECT_NE(status.code, 0) << status.out;
  EXPECT_NE(status.out.find("no pipeline"), std::string::npos) << status.out;
}

TEST_F(AuthE2eTest, RunWithTokenAndTheCliTokenHints) {
  const std::string a = CreateToken("a", "user");
  // --poll-ms 500: two requests a poll stays under the rate limit of 5 per second.
  ExecResult run = Cli("run " + kExamples + "/quickstart.json --poll-ms 500 --server " +
                       serve_.base() + " --token " + a);
  EXPECT_EQ(run.code, 0) << run.out;
  EXPECT_NE(run.out.find(" succeeded: actual $"), std::string::npos) << run.out;

  ExecResult anonymous = Cli("status --server " + serve_.base());
  EXPECT_EQ(anonymous.code, 1) << anonymous.out;
  EXPECT_NE(anonymous.out.find("the server needs a token: pass --token or set SKYBROKER_TOKEN"),
            std::string::npos)
      << anonymous.out;
  ExecResult wrong = Cli("status --server " + serve_.base() + " --token sky_wrong");
  EXPECT_EQ(wrong.code, 1) << wrong.out;
  EXPECT_NE(wrong.out.find("refused the token from --token"), std::string::npos) << wrong.out;
  ExecResult flag = Cli("status --server " + serve_.base() + " --token " + a);
  EXPECT_EQ(flag.code, 0) << flag.out;
  EXPECT_NE(flag.out.find("quickstart"), std::string::npos) << flag.out;
  ExecResult from_env = Cli("status --server " + serve_.base(), "SKYBROKER_TOKEN=" + a);
  EXPECT_EQ(from_env.code, 0) << from_env.out;
  EXPECT_NE(from_env.out.find("quickstart"), std::string::npos) << from_env.out;
  // The bootstrap admin token beside the database is found through --db.
  ExecResult admin = Cli("status --json --server " + serve_.base() + " --db " + DbPath());
  EXPECT_EQ(admin.code, 0) << admin.out;
}

TEST_F(AuthE2eTest, BootstrapTokenListAndRevoke) {
  // The first start found no token: it wrote an admin token beside the database, mode 0600.
  const fs::path admin_file = dir_ / "admin-token";
  ASSERT_TRUE(fs::exists(admin_file)) << serve_.Errors();
  struct stat st {};
  ASSERT_EQ(::stat(admin_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string admin = ReadFile(admin_file);
  while (!admin.empty() && admin.back() == '\n') admin.pop_back();
  EXPECT_EQ(serve_.Errors().find(admin), std::string::npos) << "the token went to stderr";
  EXPECT_NE(serve_.Errors().find(admin_file.string()), std::string::npos) << serve_.Errors();
  Reply as_admin = Call("", "/v1/pipelines", admin);
  EXPECT_EQ(as_admin.code, 200) << as_admin.body;

  const std::string user = CreateToken("acme", "user");
  ExecResult list = Cli("token list --db " + DbPath());
  ASSERT_EQ(list.code, 0) << list.out;
  for (const char* word : {"ID", "TENANT", "ROLE", "REVOKED", "acme", "user", "default", "admin"}) {
    EXPECT_NE(list.out.find(word), std::string::npos) << word << "\n" << list.out;
  }
  EXPECT_EQ(list.out.find("sky_"), std::string::npos) << "a listing never shows a token";
  ASSERT_EQ(Call("", "/v1/pipelines", user).code, 200);

  std::string id;
  std::istringstream rows(list.out);
  for (std::string line; std::getline(rows, line);) {
    if (line.find("acme") != std::string::npos) id = line.substr(0, line.find(' '));
  }
  ASSERT_EQ(id.rfind("tok_", 0), 0u) << list.out;
  ExecResult revoked = Cli("token revoke " + id + " --db " + DbPath());
  EXPECT_EQ(revoked.code, 0) << revoked.out;
  EXPECT_EQ(Cli("token revoke " + id + " --db " + DbPath()).code, 1);  // already revoked
  EXPECT_EQ(Cli("token revoke tok_00000000 --db " + DbPath()).code, 2);
  EXPECT_EQ(Cli("token create --tenant Bad! --role user --db " + DbPath()).code, 2);
  EXPECT_EQ(Cli("token create --tenant ok --role root --db " + DbPath()).code, 2);
  // Revocation takes effect within the server's 5 s lookup cache.
  int code = 200;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (code != 401 && std::chrono::steady_clock::now() < deadline) {
    code = Call("", "/v1/pipelines", user).code;
    if (code != 401) std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  EXPECT_EQ(code, 401);
  ExecResult after = Cli("token list --db " + DbPath());
  EXPECT_NE(after.out.find(id), std::string::npos) << after.out;
}

TEST_F(AuthE2eTest, BurstOverTheLimitIs429WithRetryAfter) {
  const std::string a = CreateToken("a", "viewer");
  Reply limited;
  for (int i = 0; i < 40 && limited.code != 429; ++i) {
    limited = Call("", "/v1/pipelines", a, /*retry_429=*/false);
    ASSERT_TRUE(limited.code == 200 || limited.code == 429) << limited.code << limited.body;
  }
  ExpectJsonError(limited, 429, "resource_exhausted");
  EXPECT_NE(limited.LowerHeaders().find("retry-after: 1"), std::string::npos) << limited.headers;
  // Anonymous clients are limited by address, apart from the token's bucket.
  EXPECT_EQ(Call("", "/healthz", "", /*retry_429=*/false).code, 200);
}

TEST_F(AuthE2eTest, AccessLogAndDatabaseHoldNoToken) {
  const std::string a = CreateToken("a", "user");
  const std::string b = CreateToken("b", "viewer");
  ASSERT_FALSE(Submit(kExamples + "/quickstart.json", a).empty());
  EXPECT_EQ(Call("", "/v1/pipelines", b).code, 200);
  EXPECT_EQ(Call("", "/v1/pipelines", "sky_" + std::string(64, 'f')).code, 401);
  EXPECT_EQ(Call("", "/healthz").code, 200);
  tokens_.push_back(ReadFile(dir_ / "admin-token").substr(0, 68));

  const std::string log = ReadFile(dir_ / "access.log");
  std::istringstream lines(log);
  int lines_seen = 0;
  bool saw_a = false;
  bool saw_route = false;
  for (std::string line; std::getline(lines, line); ++lines_seen) {
    json entry = json::parse(line, nullptr, false);
    ASSERT_TRUE(entry.is_object()) << line;
    for (const char* key :
         {"time", "method", "route", "path", "status", "duration_ms", "tenant", "bytes"}) {
      EXPECT_TRUE(entry.contains(key)) << key << " in " << line;
    }
    saw_a |= entry["tenant"] == "a" && entry["status"] == 202;
    saw_route |= entry["route"] == "/v1/pipelines";
  }
  EXPECT_GE(lines_seen, 4) << log;
  EXPECT_TRUE(saw_a && saw_route) << log;
  EXPECT_EQ(log.find("sky_"), std::string::npos) << log;
  for (const std::string& token : tokens_) {
    EXPECT_EQ(log.find(token), std::string::npos) << "token in the access log";
    EXPECT_EQ(log.find(token.substr(4)), std::string::npos) << "token body in the access log";
    for (const char* file : {"sky.db", "sky.db-wal"}) {
      EXPECT_EQ(ReadFile(dir_ / file).find(token.substr(4)), std::string::npos)
          << "plaintext token in " << file;
    }
    // What the database keeps is the token's SHA-256.
    const std::string hash = RunShell("printf %s '" + token + "' | sha256sum | cut -c1-64");
    const std::string found =
        RunShell("sqlite3 " + DbPath() + " \"SELECT COUNT(*) FROM api_tokens WHERE token_hash = '" +
                 hash + "'\"");
    EXPECT_EQ(found, "1") << token.substr(0, 8) << "...: " << found;
  }
}

TEST_F(AuthE2eTest, PublicCatalogServesCatalogReadsWithoutAToken) {
  ExpectJsonError(Call("", "/v1/accelerators"), 401, "unauthenticated");
  ASSERT_TRUE(serve_.Stop());
  ASSERT_TRUE(StartAuthServe({"--default-log", "--public-catalog"})) << serve_.Errors();
  Reply offers = Call("", "/v1/offers?limit=2");
  ASSERT_EQ(offers.code, 200) << offers.body;
  EXPECT_EQ(offers.body["offers"].size(), 2u);
  EXPECT_EQ(Call("", "/v1/accelerators").code, 200);
  ExpectJsonError(Call("", "/v1/pipelines"), 401, "unauthenticated");
  // The second start found the first start's admin token: no new one.
  EXPECT_EQ(serve_.Errors().find("created admin token"), std::string::npos) << serve_.Errors();
  // The default access log is stderr, one JSON line per request.
  const std::string err = serve_.Errors();
  EXPECT_NE(err.find("\"route\":\"/v1/offers\""), std::string::npos) << err;
}

}  // namespace
}  // namespace sky::testing
