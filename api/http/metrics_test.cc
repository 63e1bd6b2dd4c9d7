#include "api/http/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include "api/http/server_metrics.h"

namespace sky::api {
namespace {

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(MetricsRegistryTest, RendersCountersWithHelpTypeAndSortedLabels) {
  MetricsRegistry r;
  ASSERT_TRUE(r.Declare("req_total", MetricType::kCounter, "Requests.\nBy route \\ status.").ok());
  r.Add("req_total", {{"status", "200"}, {"route", "/v1/offers"}});
  r.Add("req_total", {{"route", "/v1/offers"}, {"status", "200"}}, 2);
  r.Add("req_total", {{"route", "/v1/offers"}, {"status", "200"}}, -5);  // counters only go up
  EXPECT_EQ(r.Render(),
            "# HELP req_total Requests.\\nBy route \\\\ status.\n"
            "# TYPE req_total counter\n"
            "req_total{route=\"/v1/offers\",status=\"200\"} 3\n");
}

TEST(MetricsRegistryTest, EscapesLabelValues) {
  EXPECT_EQ(EscapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  MetricsRegistry r;
  ASSERT_TRUE(r.Declare("g", MetricType::kGauge, "G.").ok());
  r.Set("g", {{"provider", "we\"ird\n"}}, 1.5);
  EXPECT_TRUE(Contains(r.Render(), "g{provider=\"we\\\"ird\\n\"} 1.5\n")) << r.Render();
}

TEST(MetricsRegistryTest, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  MetricsRegistry r;
  ASSERT_TRUE(r.Declare("lat_seconds", MetricType::kHistogram, "Latency.", {0.25, 1}).ok());
  for (double v : {0.125, 0.25, 0.5, 3.0}) r.Observe("lat_seconds", {{"route", "/x"}}, v);
  EXPECT_EQ(r.Render(),
            "# HELP lat_seconds Latency.\n"
            "# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{route=\"/x\",le=\"0.25\"} 2\n"  // le is inclusive
            "lat_seconds_bucket{route=\"/x\",le=\"1\"} 3\n"
            "lat_seconds_bucket{route=\"/x\",le=\"+Inf\"} 4\n"
            "lat_seconds_sum{route=\"/x\"} 3.875\n"
            "lat_seconds_count{route=\"/x\"} 4\n");
}

TEST(MetricsRegistryTest, DeclareRejectsBadNamesBucketsAndDuplicates) {
  MetricsRegistry r;
  EXPECT_TRUE(r.Declare("9lives", MetricType::kCounter, "").IsInvalidArgument());
  EXPECT_TRUE(r.Declare("a-b", MetricType::kCounter, "").IsInvalidArgument());
  EXPECT_TRUE(r.Declare("h", MetricType::kHistogram, "", {}).IsInvalidArgument());
  EXPECT_TRUE(r.Declare("h", MetricType::kHistogram, "", {1, 0.5}).IsInvalidArgument());
  ASSERT_TRUE(r.Declare("ok:name_1", MetricType::kGauge, "").ok());
  EXPECT_TRUE(r.Declare("ok:name_1", MetricType::kCounter, "").IsInvalidArgument());
  r.Add("ok:name_1", {}, 1);  // the wrong type: ignored
  r.Add("undeclared", {}, 1);
  EXPECT_EQ(r.Render(), "# HELP ok:name_1 \n# TYPE ok:name_1 gauge\n");
}

TEST(MetricsRegistryTest, CollectorsRunAtScrapeAndSetAllDropsVanishedSeries) {
  MetricsRegistry r;
  ASSERT_TRUE(r.Declare("offers", MetricType::kGauge, "Offers.").ok());
  int scrapes = 0;
  r.AddCollector([&scrapes](MetricsRegistry& reg) {
    ++scrapes;
    if (scrapes == 1) {
      reg.SetAll("offers", {{{{"provider", "aws"}}, 3}, {{{"provider", "gcp"}}, 2}});
    }
    if (scrapes == 2) reg.SetAll("offers", {{{{"provider", "gcp"}}, 5}});
  });
  EXPECT_TRUE(Contains(r.Scrape(), "offers{provider=\"aws\"} 3\n"));
  const std::string second = r.Scrape();
  EXPECT_FALSE(Contains(second, "aws")) << second;
  EXPECT_TRUE(Contains(second, "offers{provider=\"gcp\"} 5\n"));
}

TEST(MetricsRegistryTest, FormatsValues) {
  EXPECT_EQ(FormatMetricValue(3), "3");
  EXPECT_EQ(FormatMetricValue(0.1), "0.1");
  EXPECT_EQ(FormatMetricValue(-2.5), "-2.5");
  EXPECT_EQ(FormatMetricValue(INFINITY), "+Inf");
  EXPECT_EQ(FormatMetricValue(-INFINITY), "-Inf");
  EXPECT_EQ(FormatMetricValue(NAN), "NaN");
  EXPECT_EQ(std::stod(FormatMetricValue(1.0 / 3)), 1.0 / 3);  // round-trips
}

TEST(MetricsRegistryTest, ConcurrentUpdatesAreAllCounted) {
  MetricsRegistry r;
  ASSERT_TRUE(r.Declare("n_total", MetricType::kCounter, "N.").ok());
  ASSERT_TRUE(r.Declare("d", MetricType::kHistogram, "D.", DurationBuckets()).ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&r] {
      for (int i = 0; i < 1000; ++i) {
        r.Add("n_total", {{"k", "v"}});
        r.Observe("d", {}, 0.01);
        if (i % 100 == 0) (void)r.Render();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(r.TEST_Value("n_total", {{"k", "v"}}), 4000);
  EXPECT_TRUE(Contains(r.Render(), "d_count 4000\n"));
}

TEST(ServerMetricsTest, DeclaresEveryFamilyAndCountsByRoutePattern) {
  ServerMetrics m;
  m.ObserveRequest("GET", "/v1/pipelines/{id}", 200, 0.003);
  m.ObserveRequest("GET", "", 404, 0.001);
  m.ObserveSolve(0.2);
  m.CountProviderError("sim", "launch", Status::ResourceExhausted("no capacity"));
  const std::string text = m.Scrape();
  for (const char* family :
       {"skybroker_http_requests_total", "skybroker_http_request_duration_seconds",
        "skybroker_offers", "skybroker_pipelines", "skybroker_provider_call_errors_total",
        "skybroker_planner_solve_seconds"}) {
    EXPECT_TRUE(Contains(text, std::string("# TYPE ") + family + " ")) << family;
  }
  EXPECT_TRUE(Contains(text,
                       "skybroker_http_requests_total{method=\"GET\","
                       "route=\"/v1/pipelines/{id}\",status=\"200\"} 1\n"));
  EXPECT_TRUE(Contains(text, "route=\"unmatched\",status=\"404\"} 1\n"));
  EXPECT_TRUE(Contains(text, "skybroker_planner_solve_seconds_count 1\n"));
  EXPECT_TRUE(Contains(text,
                       "skybroker_provider_call_errors_total{code=\"resource_exhausted\","
                       "operation=\"launch\",provider=\"sim\"} 1\n"))
      << text;
}

}  // namespace
}  // namespace sky::api
