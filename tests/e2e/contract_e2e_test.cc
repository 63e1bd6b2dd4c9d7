// Contract test (issue #6): every route of `skybroker serve` and every error status it sends,
// through `prism proxy --errors` with api/http/openapi.json, so that any request or response that
// differs from the document fails. Two servers with auth on and the sim provider on a clock
// 3600x faster than wall time: "main" (tokens of two tenants, small body limits) and "limited"
// (--rate-limit, --plan-wait-ms 0 for 202 plans, --public-catalog), each behind its own proxy.
// Requests are sent with curl. The suite ends by checking that every documented operation was
// called through a proxy and every error status seen.
#include <gtest/gtest.h>
#include <openssl/hmac.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "sky/types/ascii.h"
#include "tests/support/e2e_fixture.h"
#include "tests/support/prism_server.h"

namespace sky::testing {
namespace {

using nlohmann::json;
using providers::prism::PrismServer;

const std::string kDocument = SKY_SOURCE_DIR "/api/http/openapi.json";
const std::string kQuickstart = kExamples + "/quickstart.json";

// The replay of replay_e2e_test: 4 h of V100 work over a 2 h spot window in us-east-1a.
constexpr char kReplay[] =
    R"({"pipeline":{"name":"hand","deadline_hours":6,"restart_minutes":15,"stages":[{"name":)"
    R"("train","resources":{"accelerators":{"V100":1}},"runtime_hours":4,)"
    R"("checkpoint_minutes":7.5}]},"traces":{"aws:us-east-1:us-east-1a":{"metadata":)"
    R"({"gap_seconds":3600},"data":[1,1,0,0,0,0,0,0]}},"policy":["greedy_spot"]})";

// A request as the contract sends it: Make() below fills in the method (and Post the body's
// Content-Type); replies are the fixture's Reply (Header() reads the last response's headers).
using Call = Request;

// "skst_" + hex(HMAC-SHA256(secret, key)), as api/token_minter.cc mints stage tokens.
std::string StageToken(const std::string& secret, const std::string& key) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(key.data()), key.size(), mac, &size);
  std::string hex = "skst_";
  char byte[3];
  for (unsigned int i = 0; i < size; ++i) {
    std::snprintf(byte, sizeof byte, "%02x", mac[i]);
    hex += byte;
  }
  return hex;
}

class ContractE2eTest : public ::testing::Test {
 protected:
  struct Side {  // one server behind its proxy
    ServeProcess serve;
    std::unique_ptr<PrismServer> prism;
    std::string db;
  };

  // What the whole suite shares: starting two servers and two proxies takes a while.
  struct Shared {
    fs::path dir;
    Side main, limited;
    std::map<std::string, std::string> tokens;  // "tenant:role" -> token
    std::set<std::string> coverage;             // "METHOD /template" answered as documented
    std::set<int> statuses;                     // statuses answered as documented
  };

  static void SetUpTestSuite() {
    shared_ = std::make_unique<Shared>();
    shared_->dir = fs::temp_directory_path() / ("sky_contract_" + std::to_string(::getpid()));
    fs::remove_all(shared_->dir);
    fs::create_directories(shared_->dir);
    Main().db = (shared_->dir / "main.db").string();
    Limited().db = (shared_->dir / "limited.db").string();
    for (const char* who : {"acme:admin", "acme:user", "acme:viewer", "globex:viewer"}) {
      const std::string name(who);
      const std::string tenant = name.substr(0, name.find(':'));
      const std::string role = name.substr(name.find(':') + 1);
      shared_->tokens[name] = CreateToken(Main().db, tenant, role);
    }
    shared_->tokens["limited:user"] = CreateToken(Limited().db, "acme", "user");
    // The clock starts at the wall clock's now: from a fixed origin in the past, 3600x time
    // would be centuries ahead, and a 5-digit year is not an RFC 3339 date-time.
    const std::string origin = std::to_string(std::time(nullptr));
    const std::vector<std::string> common = {"--providers",        "sim",  "--clock-speed",  "3600",
                                             "--clock-origin",     origin, "--poll-seconds", "5",
                                             "--sim-boot-seconds", "30"};
    std::vector<std::string> main_args = {"--db",
                                          Main().db,
                                          "--http-threads",
                                          "4",
                                          "--max-body-bytes",
                                          "16384",
                                          "--max-upload-bytes",
                                          "4096",
                                          "--access-log",
                                          (shared_->dir / "main-access.log").string()};
    std::vector<std::string> limited_args = {"--db",
                                             Limited().db,
                                             "--rate-limit",
                                             "5",
                                             "--plan-wait-ms",
                                             "0",
                                             "--public-catalog",
                                             "--access-log",
                                             (shared_->dir / "limited-access.log").string()};
    main_args.insert(main_args.end(), common.begin(), common.end());
    limited_args.insert(limited_args.end(), common.begin(), common.end());
    ASSERT_TRUE(Main().serve.Start(main_args, (shared_->dir / "main.log").string()))
        << Main().serve.Errors();
    ASSERT_TRUE(Limited().serve.Start(limited_args, (shared_->dir / "limited.log").string()))
        << Limited().serve.Errors();
    for (Side* side : {&Main(), &Limited()}) {
      auto prism = PrismServer::StartProxy(kDocument, side->serve.base());
      ASSERT_TRUE(prism.ok()) << prism.status().ToString();
      side->prism = std::move(prism).value();
    }
  }

  static void TearDownTestSuite() {
    const auto* suite = ::testing::UnitTest::GetInstance()->current_test_suite();
    if (suite != nullptr && suite->test_to_run_count() == suite->total_test_count() &&
        Main().prism) {
      CheckCoverage();
    }
    for (Side* side : {&Main(), &Limited()}) {
      if (side->serve.running()) {
        EXPECT_TRUE(side->serve.Stop()) << "serve did not stop";
      }
      side->prism.reset();
    }
    fs::remove_all(shared_->dir);
    shared_.reset();
  }

  static Side& Main() { return shared_->main; }
  static Side& Limited() { return shared_->limited; }

  void SetUp() override {
    ASSERT_TRUE(Main().prism && Limited().prism) << "the servers or proxies did not start";
  }

  void TearDown() override {
    if (!HasFailure()) return;
    for (Side* side : {&Main(), &Limited()}) {
      std::cerr << "serve stderr (tail):\n"
                << side->serve.Errors(2000) << "\nprism log (tail):\n"
                << side->prism->LogTail(3000) << "\n";
    }
  }

  static std::string CreateToken(const std::string& db, const std::string& tenant,
                                 const std::string& role) {
    std::string token = RunShell("(env -u SKYBROKER_TOKEN " + kBin + " token create --tenant " +
                                 tenant + " --role " + role + " --db " + db + " 2>/dev/null)");
    EXPECT_EQ(token.rfind("sky_", 0), 0u) << token;
    return token;
  }

  static std::string Token(const std::string& who) { return shared_->tokens[who]; }

  // Sends `call` to `base` with curl (at most 120 s).
  static Reply Send(const std::string& base, const Call& call) {
    Call timed = call;
    timed.max_time_s = 120;
    return ::sky::testing::Send(base, timed, shared_->dir);
  }

  // Sends `call` through the side's proxy and checks the reply (Check). A 429 from the
  // limited server is retried after a pause unless 429 is what the call expects.
  static Reply Expect(Side& side, const Call& call, int status) {
    Reply reply;
    for (int attempt = 0; attempt < 40; ++attempt) {
      reply = Send(side.prism->BaseUrl(), call);
      if (reply.code != 429 || status == 429) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    Check(call, reply, status);
    return reply;
  }

  // Checks a reply through a proxy against the contract: the expected status, no violation
  // Prism found, and the error body for errors; records what was covered.
  static void Check(const Call& call, const Reply& reply, int status) {
    const std::string what = call.method + " " + call.path;
    EXPECT_EQ(reply.code, status) << what << ": " << reply.text.substr(0, 3000);
    EXPECT_EQ(reply.Header("sl-violations"), "") << what;
    EXPECT_EQ(reply.text.find("stoplight.io/prism/errors#"), std::string::npos)
        << what << ": " << reply.text.substr(0, 3000);
    if (status >= 400) {
      const json& error = reply.body.is_object() ? reply.body["error"] : json();
      EXPECT_TRUE(error.is_object() && error["code"].is_string() && error["message"].is_string() &&
                  error["details"].is_array())
          << what << ": not an error body: " << reply.text;
    }
    if (reply.code == status && reply.Header("sl-violations").empty()) {
      shared_->coverage.insert(call.method + " " + Template(call.path));
      shared_->statuses.insert(status);
    }
  }

  // The document's path template that `path` (query and all) is an instance of.
  static std::string Template(const std::string& path) {
    std::string bare = path.substr(0, path.find('?'));
    static const json doc = json::parse(ReadFile(kDocument));
    for (const auto& [templated, item] : doc["paths"].items()) {
      const std::string pattern = std::regex_replace(templated, std::regex("\\{[^}]+\\}"), "[^/]+");
      if (std::regex_match(bare, std::regex(pattern))) return templated;
    }
    return bare;
  }

  static void CheckCoverage() {
    const json doc = json::parse(ReadFile(kDocument));
    for (const auto& [path, item] : doc["paths"].items()) {
      for (const auto& [method, op] : item.items()) {
        const std::string upper = AsciiUpper(method);
        EXPECT_EQ(shared_->coverage.count(upper + " " + path), 1u)
            << upper << " " << path << " was never called through the proxy";
      }
    }
    for (int status : {200, 202, 204, 400, 401, 403, 404, 409, 413, 429}) {
      EXPECT_EQ(shared_->statuses.count(status), 1u)
          << status << " was never seen through the proxy";
    }
  }

  // Polls GET `path` (which answers 200 or, while running, 202) until `done(body)`.
  static Reply PollUntil(Side& side, const Call& call,
                         const std::function<bool(const json&)>& done) {
    Reply reply;
    for (int i = 0; i < 300; ++i) {
      reply = Send(side.prism->BaseUrl(), call);
      if (reply.code == 200 && done(reply.body)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return reply;
  }

  static Call Make(const std::string& method, const std::string& path, const std::string& token) {
    Call call;
    call.method = method;
    call.path = path;
    call.token = token;
    return call;
  }
  static Call Get(const std::string& path, const std::string& token = "") {
    return Make("GET", path, token);
  }
  static Call Post(const std::string& path, const std::string& token, const std::string& body,
                   const std::string& content_type = "application/json") {
    Call call = Make("POST", path, token);
    call.body = body;
    call.content_type = content_type;
    return call;
  }

  static std::unique_ptr<Shared> shared_;
};

std::unique_ptr<ContractE2eTest::Shared> ContractE2eTest::shared_;

// The offer id `id` as one path segment: '/' percent-encoded.
std::string Segment(const std::string& id) {
  std::string out;
  for (char c : id) out += c == '/' ? std::string("%2F") : std::string(1, c);
  return out;
}

std::vector<std::string> DetailPaths(const Reply& reply) {
  std::vector<std::string> paths;
  for (const json& d : reply.body["error"]["details"]) paths.push_back(d.value("path", ""));
  return paths;
}

bool Finished(const json& view) {
  const std::string state = view.value("state", "");
  return state == "succeeded" || state == "failed" || state == "cancelled";
}

TEST_F(ContractE2eTest, HealthMetricsDocumentAndDashboard) {
  Expect(Main(), Get("/healthz"), 200);
  EXPECT_GT(Expect(Main(), Get("/readyz"), 200).body.value("offers", 0), 0);
  const Reply metrics = Expect(Main(), Get("/metrics", Token("acme:viewer")), 200);
  EXPECT_NE(metrics.text.find("skybroker_http_requests_total"), std::string::npos);
  const Reply unknown = Expect(Main(), Get("/metrics", "sky_not_a_token"), 401);
  EXPECT_NE(unknown.Header("www-authenticate").find("invalid_token"), std::string::npos);
  EXPECT_EQ(Expect(Main(), Get("/openapi.json"), 200).body, json::parse(ReadFile(kDocument)));
  EXPECT_NE(Expect(Main(), Get("/"), 200).text.find("<html"), std::string::npos);
  Expect(Main(), Get("/web/app.css"), 200);
  Expect(Main(), Get("/web/no-such-file.js"), 404);
  EXPECT_EQ(Expect(Main(), Get("/examples/quickstart.json"), 200).body["name"], "quickstart");
}

TEST_F(ContractE2eTest, OffersPagesGroupsHistoryAndAccelerators) {
  const std::string viewer = Token("acme:viewer");
  const Reply page = Expect(Main(), Get("/v1/offers?gpu=A100:8&limit=2", viewer), 200);
  ASSERT_EQ(page.body["offers"].size(), 2u) << page.text;
  ASSERT_TRUE(page.body["next_cursor"].is_string()) << page.text;
  const std::string cursor = page.body["next_cursor"];
  Expect(Main(), Get("/v1/offers?gpu=A100:8&limit=2&cursor=" + cursor, viewer), 200);
  const Reply groups =
      Expect(Main(), Get("/v1/offers?group_by=provider&market=spot&sort=gpu_price", viewer), 200);
  EXPECT_FALSE(groups.body["groups"].empty()) << groups.text;
  Expect(Main(), Get("/v1/offers?cpu_only=true&max_price=1&region=us-*&provider=aws,gcp", viewer),
         200);
  // Well-formed for the document, wrong for the server: 400.
  for (const char* bad : {"gpu=H100:abc", "colour=red", "cursor=not-a-cursor"}) {
    Expect(Main(), Get(std::string("/v1/offers?") + bad, viewer), 400);
  }
  Expect(Main(), Get("/v1/offers?limit=1"), 401);     // a token is needed...
  Expect(Limited(), Get("/v1/offers?limit=1"), 200);  // ...except with --public-catalog
  EXPECT_FALSE(Expect(Main(), Get("/v1/accelerators", viewer), 200).body["accelerators"].empty());
  const std::string id = page.body["offers"][0]["id"];
  const std::string history = "/v1/offers/" + Segment(id) + "/history";
  EXPECT_EQ(Expect(Main(), Get(history + "?from=2020-01-01", viewer), 200).body["offer_id"], id);
  Expect(Main(), Get(history + "?from=yesterday", viewer), 400);
  Expect(Main(), Get("/v1/offers/no-such-offer/history", viewer), 404);
}

TEST_F(ContractE2eTest, PlansAnswerAtOnceOrWithAnOperation) {
  const std::string user = Token("acme:user");
  const std::string spec = ReadFile(kQuickstart);
  EXPECT_EQ(Expect(Main(), Post("/v1/plans", user, spec), 200).body["status"], "optimal");
  const Reply frontier = Expect(Main(), Post("/v1/plans?frontier=true", user, spec), 200);
  EXPECT_FALSE(frontier.body["frontier"].empty()) << frontier.text;
  json tight = json::parse(spec);
  tight["deadline_hours"] = 0.1;  // an infeasible plan is an answer (200), not an error
  const Reply infeasible = Expect(Main(), Post("/v1/plans", user, tight.dump()), 200);
  EXPECT_EQ(infeasible.body["status"], "infeasible") << infeasible.text;
  EXPECT_FALSE(infeasible.body["infeasible_reasons"].empty()) << infeasible.text;
  Expect(Main(), Post("/v1/plans", Token("acme:viewer"), spec), 403);
  Expect(Main(), Post("/v1/plans", "sky_" + std::string(64, '0'), spec), 401);
  json bad = json::parse(spec);
  bad["stages"][1]["after"] = {"tokenise"};
  const Reply invalid = Expect(Main(), Post("/v1/plans", user, bad.dump()), 400);
  EXPECT_EQ(DetailPaths(invalid), std::vector<std::string>{"stages[1].after[0]"}) << invalid.text;
  json big = json::parse(spec);
  big["stages"][0]["command"] = std::string(20000, 'x');  // over --max-body-bytes 16384
  Expect(Main(), Post("/v1/plans", user, big.dump()), 413);
  // --plan-wait-ms 0: always an operation to poll.
  const std::string limited = Token("limited:user");
  const Reply accepted = Expect(Limited(), Post("/v1/plans", limited, spec), 202);
  const std::string location = "/v1/operations/" + accepted.body.value("id", "");
  EXPECT_EQ(accepted.Header("location"), location);
  PollUntil(Limited(), Get(location, limited), [](const json& op) {
    return op.value("state", "") == "succeeded" || op.value("state", "") == "failed";
  });
  const Reply done = Expect(Limited(), Get(location, limited), 200);
  EXPECT_EQ(done.body["result"]["status"], "optimal") << done.text;
  Expect(Main(), Get("/v1/operations/op_000000000000", Token("acme:viewer")), 404);
}

TEST_F(ContractE2eTest, CatalogIngestAndRefreshRunAsOperations) {
  const std::string admin = Token("acme:admin");
  std::istringstream lines(ReadFile(SKY_SOURCE_DIR "/data/catalog/lambda/vms.csv"));
  std::string csv, line;
  for (int i = 0; i < 4 && std::getline(lines, line); ++i) csv += line + "\n";
  const std::string ingest = "/v1/catalog/ingest?name=vms.csv&provider=lambda";
  const Reply accepted = Expect(Main(), Post(ingest, admin, csv, "text/csv"), 202);
  const std::string location = accepted.Header("location");
  ASSERT_EQ(location, "/v1/operations/" + accepted.body.value("id", "")) << accepted.text;
  PollUntil(Main(), Get(location, admin), [](const json& op) { return op["result"].is_object(); });
  EXPECT_EQ(Expect(Main(), Get(location, admin), 200).body["result"]["rows_read"], 3);
  Expect(Main(), Get(location, Token("globex:viewer")), 404);  // another tenant's operation
  const Reply bad =
      Expect(Main(), Post("/v1/catalog/ingest?name=vms.txt", admin, csv, "text/csv"), 400);
  EXPECT_EQ(bad.body["error"]["details"][0]["parameter"], "name") << bad.text;
  Expect(Main(), Post(ingest, Token("acme:user"), csv, "text/csv"), 403);
  std::string big = csv;
  while (big.size() <= 4096) big += line + "\n";  // over --max-upload-bytes 4096
  Expect(Main(), Post(ingest, admin, big, "text/csv"), 413);
  const Reply refresh = Expect(Main(), Make("POST", "/v1/catalog/refresh", admin), 202);
  const std::string refreshed = refresh.Header("location");
  PollUntil(Main(), Get(refreshed, admin), [](const json& op) { return op["result"].is_object(); });
  EXPECT_EQ(Expect(Main(), Get(refreshed, admin), 200).body["result"]["ok"], true);
  Expect(Main(), Make("POST", "/v1/catalog/refresh?providers=nope", admin), 400);
}

TEST_F(ContractE2eTest, PipelinesRunListCancelAndStreamEvents) {
  const std::string user = Token("acme:user");
  const std::string viewer = Token("acme:viewer");
  const Reply submitted = Expect(Main(), Post("/v1/pipelines", user, ReadFile(kQuickstart)), 202);
  const std::string location = submitted.Header("location");
  ASSERT_EQ(location, "/v1/pipelines/" + submitted.body.value("id", "")) << submitted.text;
  PollUntil(Main(), Get(location, viewer), Finished);
  const Reply view = Expect(Main(), Get(location, viewer), 200);
  EXPECT_EQ(view.body["state"], "succeeded") << view.text;
  EXPECT_FALSE(view.body["attempts"].empty());
  Expect(Main(), Get(location, Token("globex:viewer")), 404);  // another tenant's pipeline
  EXPECT_FALSE(Expect(Main(), Get("/v1/pipelines?state=succeeded&limit=5", viewer), 200)
                   .body["pipelines"]
                   .empty());
  EXPECT_FALSE(
      Expect(Main(), Get(location + "/events?after=0", viewer), 200).body["events"].empty());
  // A finished pipeline's stream ends, so the proxy (which reads whole bodies) can check it.
  Call stream = Get(location + "/events", viewer);
  stream.headers = {"Accept: text/event-stream"};
  const Reply events = Expect(Main(), stream, 200);
  EXPECT_EQ(events.Header("content-type").rfind("text/event-stream", 0), 0u);
  EXPECT_NE(events.text.find("event: state"), std::string::npos) << events.text;
  stream.headers.push_back("Last-Event-ID: not-a-number");
  Expect(Main(), stream, 400);
  Expect(Main(), Make("DELETE", location, user), 409);  // already finished
  const Reply running = Expect(Main(), Post("/v1/pipelines", user, kLongSpec), 202);
  const std::string long_location = running.Header("location");
  Expect(Main(), Make("DELETE", long_location, viewer), 403);
  EXPECT_EQ(Expect(Main(), Make("DELETE", long_location, user), 200).body["state"], "cancelled");
  json bad = json::parse(kLongSpec);
  bad["stages"][0]["after"] = {"nothing"};
  const Reply invalid = Expect(Main(), Post("/v1/pipelines", user, bad.dump()), 400);
  EXPECT_EQ(DetailPaths(invalid), std::vector<std::string>{"stages[0].after[0]"}) << invalid.text;
  Expect(Main(), Get("/v1/pipelines/p-000000000000", viewer), 404);
}

TEST_F(ContractE2eTest, HeartbeatsNeedTheStagesToken) {
  const std::string user = Token("acme:user");
  const Reply submitted = Expect(Main(), Post("/v1/pipelines", user, kLongSpec), 202);
  const std::string location = submitted.Header("location");
  const Reply view = PollUntil(Main(), Get(location, user), [](const json& v) {
    const std::string state = v["stages"][0].value("state", "");
    return !v["attempts"].empty() && (state == "running" || state == "provisioning");
  });
  ASSERT_FALSE(view.body["attempts"].empty()) << view.text;
  std::string secret = ReadFile(Main().db + ".token-secret");
  while (!secret.empty() && std::isspace(static_cast<unsigned char>(secret.back()))) {
    secret.pop_back();
  }
  const std::string key = view.body["attempts"].back()["idempotency_key"];
  const std::string token = StageToken(secret, key);
  const std::string heartbeat = location + "/stages/work/heartbeat";
  const std::string report = R"({"progress":0.5,"log_tail":"epoch 1"})";
  Expect(Main(), Post(heartbeat, token, report), 204);
  Expect(Main(), Post(heartbeat, "skst_" + std::string(64, '0'), report), 401);
  Expect(Main(), Post("/v1/pipelines/p-000000000000/stages/work/heartbeat", token, report), 404);
  // The storage credentials: text for the stage's token, refused to any other.
  const std::string credentials = location + "/stages/work/storage-credentials";
  Expect(Main(), Get(credentials, token), 200);
  Expect(Main(), Get(credentials, user), 401);
  Expect(Main(), Make("DELETE", location, user), 200);
  Expect(Main(), Post(heartbeat, token, report), 409);  // the stage no longer runs
  Expect(Main(), Get(credentials, token), 409);
}

TEST_F(ContractE2eTest, LocalPreemptionIsAnAdminCall) {
  const std::string path = "/v1/admin/local/instances/local-00000001/preempt";
  Expect(Main(), Post(path, Token("acme:user"), ""), 403);
  // This server runs the sim only: no local provider, so no such instance.
  Expect(Main(), Post(path, Token("acme:admin"), ""), 404);
}

TEST_F(ContractE2eTest, ReplaysRunAsOperations) {
  const std::string user = Token("acme:user");
  const Reply accepted = Expect(Main(), Post("/v1/replays", user, kReplay), 202);
  const std::string report = "/v1/replays/" + accepted.body.value("id", "");
  PollUntil(Main(), Get(report, user), [](const json& r) { return r.contains("summary"); });
  const Reply done = Expect(Main(), Get(report, user), 200);
  EXPECT_EQ(done.body["summary"][0]["policy"], "greedy_spot") << done.text;
  json outside = json::parse(kReplay);
  outside["trace_paths"] = {"/etc/passwd"};
  Expect(Main(), Post("/v1/replays", user, outside.dump()), 403);
  json unknown = json::parse(kReplay);
  unknown["policy"] = "no-such-policy";
  Expect(Main(), Post("/v1/replays", user, unknown.dump()), 400);
  Expect(Main(), Get("/v1/replays/op_000000000000", user), 404);
}

TEST_F(ContractE2eTest, RateLimitAnswers429WithRetryAfter) {
  // --rate-limit 5: bursts of 10 per client address (the proxy's), then 429.
  const Call health = Get("/healthz");
  Reply reply;
  for (int i = 0; i < 60 && reply.code != 429; ++i)
    reply = Send(Limited().prism->BaseUrl(), health);
  Check(health, reply, 429);
  EXPECT_GE(std::atoi(reply.Header("retry-after").c_str()), 1);
  std::this_thread::sleep_for(std::chrono::seconds(3));  // refill for whatever runs next
}

TEST_F(ContractE2eTest, UnknownRoutesAndMethodsAreAnsweredByTheServer) {
  // Prism answers requests outside the document itself, so these go to the server directly.
  const std::string base = Main().serve.base();
  const Reply method = Send(base, Make("PUT", "/v1/plans", Token("acme:user")));
  EXPECT_EQ(method.code, 405);
  EXPECT_EQ(method.Header("allow"), "POST");
  EXPECT_EQ(method.body["error"]["code"], "method_not_allowed") << method.text;
  const Reply path = Send(base, Get("/v1/nothing-here", Token("acme:viewer")));
  EXPECT_EQ(path.code, 404);
  EXPECT_EQ(path.body["error"]["code"], "not_found") << path.text;
  // Without a token, /v1 routes are 401 first: their existence is not told.
  const Reply anonymous = Send(base, Get("/v1/nothing-here"));
  EXPECT_EQ(anonymous.code, 401);
  EXPECT_EQ(anonymous.Header("www-authenticate"), "Bearer realm=\"skybroker\"");
  EXPECT_EQ(anonymous.body["error"]["code"], "unauthenticated") << anonymous.text;
}

TEST_F(ContractE2eTest, TheProxyRefusesRequestsOutsideTheDocument) {
  // Proof that the proxy checks requests: these never reach the server.
  const std::string proxy = Main().prism->BaseUrl();
  const Reply state = Send(proxy, Get("/v1/pipelines?state=bogus", Token("acme:viewer")));
  EXPECT_EQ(state.code, 422);
  EXPECT_NE(state.text.find("stoplight.io/prism/errors#"), std::string::npos) << state.text;
  const Reply anonymous = Send(proxy, Get("/v1/pipelines"));
  EXPECT_EQ(anonymous.code, 401);
  EXPECT_NE(anonymous.text.find("stoplight.io/prism/errors#"), std::string::npos) << anonymous.text;
}

// Not a contract case: the one serve flag this change adds, refused out of range (exit 2).
TEST(ServeFlagsTest, HttpThreadsOutOfRangeIsRefused) {
  const ExecResult run = Exec("serve --http-threads 0 --db :memory:");
  EXPECT_EQ(run.code, 2) << run.out;
  EXPECT_NE(run.out.find("--http-threads: must be between 1 and 1000"), std::string::npos)
      << run.out;
}

}  // namespace
}  // namespace sky::testing
