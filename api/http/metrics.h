#pragma once
// MetricsRegistry: counters, gauges and fixed-bucket histograms, rendered in the Prometheus text
// exposition format 0.0.4 (`# HELP`, `# TYPE`, one line per series, label values escaped).
// Families are declared once, then updated by name with label values; a series appears on its
// first update. Collectors run at scrape time for values that are cheaper to read than to track
// (offers per provider, pipelines per state). Thread-safe: every method may be called from any
// thread; collectors run without the registry's lock held.

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sky/types/mutex.h"
#include "sky/types/status.h"

namespace sky::api {

enum class MetricType { kCounter, kGauge, kHistogram };

// Label name -> value. Ordered, so that a series has one identity whatever the call order.
using MetricLabels = std::map<std::string, std::string>;

// Upper bounds (seconds) for request and solver durations: 5 ms .. 60 s.
std::vector<double> DurationBuckets();

class MetricsRegistry {
 public:
  // Declares a family. `buckets` are the histogram's upper bounds (ascending; +Inf is implied).
  // InvalidArgument for a name that is not [a-zA-Z_:][a-zA-Z0-9_:]*, for unsorted or missing
  // buckets of a histogram, and for a name already declared.
  Status Declare(const std::string& name, MetricType type, const std::string& help,
                 std::vector<double> buckets = {}) SKY_EXCLUDES(mu_);

  // Adds `delta` (negative values are ignored: counters only go up) to a counter's series.
  // Updates of undeclared names or of another type are ignored (a programming error that
  // must not take a server down); the tests check every name.
  void Add(const std::string& name, const MetricLabels& labels, double delta = 1) SKY_EXCLUDES(mu_);
  // Sets a gauge's series.
  void Set(const std::string& name, const MetricLabels& labels, double value) SKY_EXCLUDES(mu_);
  // Replaces every series of a gauge, so that a label value that vanished (a provider with no
  // offers left) disappears.
  void SetAll(const std::string& name, const std::vector<std::pair<MetricLabels, double>>& series)
      SKY_EXCLUDES(mu_);
  // Counts one observation into a histogram's series.
  void Observe(const std::string& name, const MetricLabels& labels, double value) SKY_EXCLUDES(mu_);

  // Runs at every Scrape, before rendering, typically calling SetAll.
  void AddCollector(std::function<void(MetricsRegistry&)> collector) SKY_EXCLUDES(mu_);

  // Runs the collectors, then renders every family (declaration order) and series (label
  // order).
  std::string Scrape() SKY_EXCLUDES(mu_);
  // Renders without running collectors.
  std::string Render() const SKY_EXCLUDES(mu_);

  // The value of a counter's or gauge's series; 0 when absent (tests).
  double TEST_Value(const std::string& name, const MetricLabels& labels) const SKY_EXCLUDES(mu_);

 private:
  struct Series {
    double value = 0;              // counter, gauge; histogram: sum
    std::vector<uint64_t> counts;  // histogram: per bucket (not cumulative), then +Inf
  };
  struct Family {
    std::string name;
    MetricType type = MetricType::kCounter;
    std::string help;
    std::vector<double> buckets;
    std::map<MetricLabels, Series> series;
  };
  // nullptr when `name` is not a family of `type`.
  Family* Find(const std::string& name, MetricType type) SKY_REQUIRES(mu_);
  static void RenderFamily(const Family& family, std::string& out);

  mutable Mutex mu_;
  std::vector<Family> families_ SKY_GUARDED_BY(mu_);
  std::vector<std::function<void(MetricsRegistry&)>> collectors_ SKY_GUARDED_BY(mu_);
};

// Prometheus label-value escaping: backslash, double quote and newline.
std::string EscapeLabelValue(const std::string& value);
// A sample value: integers without a fraction, others shortest round-trip, and +Inf/-Inf/NaN.
std::string FormatMetricValue(double value);

}  // namespace sky::api
