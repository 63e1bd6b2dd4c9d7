// End-to-end test of what watches the broker: GET /metrics, server-sent events of a running
// pipeline, grouped and cursor-paged offers, and HTTPS. `serve` runs with the sim on a clock
// 3600x faster than wall time, on an ephemeral 127.0.0.1 port, reached with curl.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "tests/support/e2e_fixture.h"

namespace sky::testing {
namespace {

using nlohmann::json;

// The `id:` values of a server-sent event stream, in order.
std::vector<int64_t> EventIds(const std::string& stream) {
  std::vector<int64_t> ids;
  const std::regex id_line("(^|\n)id: ([0-9]+)\n");
  for (std::sregex_iterator it(stream.begin(), stream.end(), id_line), end; it != end; ++it) {
    ids.push_back(std::stoll((*it)[2]));
  }
  return ids;
}

class ObservabilityE2eTest : public E2eTest {
 protected:
  // Starts serve on the fast sim clock with `extra` flags and --auth off.
  void StartSimServe(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--db", Path("sky.db"), "--auth", "off"};
    for (const std::string& a : FastSimArgs()) args.push_back(a);
    args.insert(args.end(), extra.begin(), extra.end());
    ASSERT_TRUE(StartServe(args)) << "server did not start:\n" << serve_.Errors();
  }

  // Submits the quickstart pipeline; its id ("" on failure).
  std::string SubmitQuickstart() {
    const Reply r = Send({"/v1/pipelines", "-X POST --data @" + kExamples + "/quickstart.json"});
    EXPECT_EQ(r.code, 202) << r.text;
    return r.code == 202 ? r.body.value("id", "") : "";
  }
  json CurlJson(const std::string& path, int want = 200) {
    const Reply r = Get(path);
    EXPECT_EQ(r.code, want) << path << "\n" << r.text;
    return json::parse(r.text, nullptr, false);
  }

  // The whole event stream of a pipeline (curl must see it end: no --max-time cut).
  ExecResult Stream(const std::string& id, const std::string& extra = "") {
    return RunCommand("curl -s -N --max-time 90 -H 'Accept: text/event-stream' " + extra + " '" +
                      serve_.base() + "/v1/pipelines/" + id + "/events'");
  }
};

TEST_F(ObservabilityE2eTest, MetricsCountRoutePatternsAndOffersPerProvider) {
  StartSimServe();
  json page = CurlJson("/v1/offers?gpu=H100&limit=2");
  ASSERT_EQ(page["offers"].size(), 2u) << page;
  for (const json& offer : page["offers"]) {
    const std::string id = offer["id"];
    std::string escaped;  // ids carry '/': one %2F-encoded path segment
    for (char c : id) escaped += c == '/' ? std::string("%2F") : std::string(1, c);
    CurlJson("/v1/offers/" + escaped + "/history");
  }
  Get("/v2/nothing");
  const Reply metrics = Get("/metrics");
  const std::string& text = metrics.text;
  ASSERT_EQ(metrics.code, 200) << text;
  EXPECT_NE(metrics.Header("Content-Type").find("text/plain; version=0.0.4"), std::string::npos)
      << metrics.headers;
  EXPECT_NE(text.find("# TYPE skybroker_http_requests_total counter"), std::string::npos);
  EXPECT_NE(text.find("skybroker_http_requests_total{method=\"GET\",route=\"/v1/offers/{id}/"
                      "history\",status=\"200\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("route=\"unmatched\",status=\"404\"} 1\n"), std::string::npos) << text;
  EXPECT_EQ(text.find(page["offers"][0]["id"].get<std::string>()), std::string::npos)
      << "a raw id leaked into a label";
  EXPECT_NE(text.find("skybroker_http_request_duration_seconds_bucket{method=\"GET\","
                      "route=\"/v1/offers\",le=\"+Inf\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_TRUE(std::regex_search(text, std::regex("\nskybroker_offers\\{provider=\"aws\"\\} [1-9]")))
      << text;
  EXPECT_NE(text.find("skybroker_pipelines{state=\"running\"} 0\n"), std::string::npos) << text;
}

TEST_F(ObservabilityE2eTest, EventStreamFollowsAPipelineToSuccessAndResumes) {
  StartSimServe();
  const std::string id = SubmitQuickstart();
  ASSERT_FALSE(id.empty());

  ExecResult all = Stream(id);  // returns only because the server ends the stream
  ASSERT_EQ(all.code, 0) << "curl exit " << all.code << "\n" << all.out;
  EXPECT_NE(all.out.find("event: state\ndata: {"), std::string::npos) << all.out;
  const size_t done = all.out.find("running -> succeeded");
  ASSERT_NE(done, std::string::npos) << all.out;
  const std::vector<int64_t> ids = EventIds(all.out);
  ASSERT_GE(ids.size(), 4u) << all.out;
  for (size_t i = 1; i < ids.size(); ++i) EXPECT_LT(ids[i - 1], ids[i]);
  json list = CurlJson("/v1/pipelines/" + id + "/events");  // without the Accept header: JSON
  EXPECT_EQ(list["events"].size(), ids.size());
  EXPECT_EQ(list["last_seq"], ids.back());

  const int64_t middle = ids[ids.size() / 2];
  ExecResult resumed = Stream(id, "-H 'Last-Event-ID: " + std::to_string(middle) + "'");
  ASSERT_EQ(resumed.code, 0) << resumed.out;
  EXPECT_EQ(EventIds(resumed.out),
            std::vector<int64_t>(ids.begin() + ids.size() / 2 + 1, ids.end()));
  ExecResult after =
      RunCommand("curl -s -N --max-time 30 -H 'Accept: text/event-stream' '" + serve_.base() +
                 "/v1/pipelines/" + id + "/events?after=" + std::to_string(ids.back()) + "'");
  EXPECT_EQ(after.code, 0);
  EXPECT_TRUE(EventIds(after.out).empty()) << after.out;
  EXPECT_EQ(Send({"/v1/pipelines/nope/events", "-H 'Accept: text/event-stream'"}).code, 404);

  const Reply metrics_reply = Get("/metrics");
  const std::string& metrics = metrics_reply.text;
  ASSERT_EQ(metrics_reply.code, 200);
  EXPECT_NE(metrics.find("skybroker_pipelines{state=\"succeeded\"} 1\n"), std::string::npos)
      << metrics;
  EXPECT_TRUE(
      std::regex_search(metrics, std::regex("\nskybroker_planner_solve_seconds_count [1-9]")))
      << metrics;
  EXPECT_NE(metrics.find("route=\"/v1/pipelines/{id}/events\",status=\"200\"} 4\n"),
            std::string::npos)
      << metrics;
}

TEST_F(ObservabilityE2eTest, StreamsBeyondMaxStreamsGet503NamingTheLimit) {
  StartSimServe({"--max-streams", "0"});
  const std::string id = SubmitQuickstart();
  ASSERT_FALSE(id.empty());
  const Reply stream = Send({"/v1/pipelines/" + id + "/events", "-H 'Accept: text/event-stream'"});
  const std::string& sbody = stream.text;
  EXPECT_EQ(stream.code, 503) << sbody;
  EXPECT_NE(sbody.find("--max-streams"), std::string::npos) << sbody;
  EXPECT_EQ(json::parse(sbody, nullptr, false)["error"]["code"], "unavailable") << sbody;
}

TEST_F(ObservabilityE2eTest, OffersGroupByAndCursorPagesWalkEveryOfferOnce) {
  StartSimServe();
  json grouped = CurlJson("/v1/offers?gpu=A100&group_by=provider");
  ASSERT_FALSE(grouped["groups"].empty()) << grouped;
  const json plain = CurlJson("/v1/offers?gpu=A100&limit=1");
  size_t counted = 0;
  std::set<std::string> providers;
  for (const json& g : grouped["groups"]) {
    counted += g["count"].get<size_t>();
    EXPECT_EQ(g["offer"]["provider"], g["group"]) << g;
    EXPECT_TRUE(providers.insert(g["group"]).second) << "one row per group";
  }
  EXPECT_EQ(counted, plain["total"].get<size_t>());
  EXPECT_EQ(grouped["total"].get<size_t>(), providers.size());

  const std::string query = "/v1/offers?gpu=A100&sort=gpu_price&limit=9";
  std::vector<std::string> walked;
  std::set<std::string> seen;
  json page = CurlJson(query);
  for (int pages = 0; pages < 500; ++pages) {
    for (const json& o : page["offers"]) {
      walked.push_back(o["id"]);
      EXPECT_TRUE(seen.insert(o["id"].get<std::string>()).second) << "duplicate " << o["id"];
    }
    if (page["next_cursor"].is_null()) break;
    page = CurlJson(query + "&cursor=" + page["next_cursor"].get<std::string>());
  }
  EXPECT_EQ(walked.size(), plain["total"].get<size_t>()) << "a gap or an extra page";
  const json whole = CurlJson("/v1/offers?gpu=A100&sort=gpu_price&limit=1000");
  ASSERT_EQ(whole["offers"].size(), walked.size());
  for (size_t i = 0; i < walked.size(); ++i) EXPECT_EQ(whole["offers"][i]["id"], walked[i]);

  const std::string cursor = CurlJson(query)["next_cursor"];
  json other = CurlJson("/v1/offers?gpu=H100&limit=9&cursor=" + cursor, 400);
  EXPECT_NE(other["error"]["message"].get<std::string>().find("cursor"), std::string::npos);
  CurlJson("/v1/offers?cursor=garbage!", 400);
  const std::string id = whole["offers"][0]["id"];
  std::string escaped;
  for (char c : id) escaped += c == '/' ? std::string("%2F") : std::string(1, c);
  json bad = CurlJson("/v1/offers/" + escaped + "/history?from=yesterday", 400);
  EXPECT_EQ(bad["error"]["message"].get<std::string>().rfind("from:", 0), 0u) << bad;
  CurlJson("/v1/offers/" + escaped + "/history?from=2020-01-01&to=2030-01-01T00:00:00Z");
  json reversed = CurlJson("/v1/offers/" + escaped + "/history?from=2030-01-01&to=2020-01-01", 400);
  EXPECT_NE(reversed.dump().find("after"), std::string::npos) << reversed;
}

TEST_F(ObservabilityE2eTest, ServesHttpsWithTheGivenCertificate) {
  const std::string cert = (dir_ / "cert.pem").string(), key = (dir_ / "key.pem").string();
  ExecResult made = RunCommand(
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
      "-addext subjectAltName=IP:127.0.0.1 -keyout " +
      key + " -out " + cert + " 2>&1");
  ASSERT_EQ(made.code, 0) << made.out;
  // Bad flags fail before the catalog loads (the timeout only guards against a server that
  // would start anyway).
  const std::string serve =
      "timeout 60 " + kBin + " serve --port 0 --db " + (dir_ / "x.db").string();
  ExecResult lone = RunCommand(serve + " --tls-cert " + cert + " 2>&1");
  EXPECT_EQ(lone.code, 2) << lone.out;
  EXPECT_NE(lone.out.find("--tls-key"), std::string::npos) << lone.out;
  ExecResult missing = RunCommand(serve + " --tls-cert " + cert + " --tls-key " +
                                  (dir_ / "nope.pem").string() + " 2>&1");
  EXPECT_EQ(missing.code, 2) << missing.out;
  EXPECT_NE(missing.out.find("nope.pem"), std::string::npos) << missing.out;

  StartSimServe({"--tls-cert", cert, "--tls-key", key});
  EXPECT_NE(RunCommand("cat " + (dir_ / "serve.log").string()).out.find("serving https://"),
            std::string::npos);
  const std::string https = "https://127.0.0.1:" + serve_.port() + "/healthz";
  ExecResult ok =
      RunCommand("curl -s -o /dev/null -w '%{http_code}' --cacert " + cert + " '" + https + "'");
  EXPECT_EQ(ok.out, "200") << "curl exit " << ok.code;
  ExecResult plain = RunCommand("curl -s -o /dev/null -w '%{http_code}' --max-time 10 '" +
                                serve_.base() + "/healthz'");
  EXPECT_NE(plain.code, 0) << "plain HTTP must not be answered: " << plain.out;
  EXPECT_NE(plain.out, "200");
  ExecResult unknown_ca = RunCommand("curl -s -o /dev/null --max-time 10 '" + https + "'");
  EXPECT_NE(unknown_ca.code, 0) << "a self-signed certificate is not trusted by default";
}

}  // namespace
}  // namespace sky::testing
