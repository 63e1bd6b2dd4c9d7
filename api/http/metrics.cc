#include "api/http/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace sky::api {
namespace {

bool ValidName(const std::string& name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!alpha && (i == 0 || c < '0' || c > '9')) return false;
  }
  return true;
}

// HELP text escapes only backslash and newline (format 0.0.4).
std::string EscapeHelp(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string_view TypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

// `{a="x",b="y"}`, with `extra` (the histogram's le) last; empty when there are no labels.
std::string LabelText(const MetricLabels& labels, const std::string& extra = "") {
  std::string out;
  for (const auto& [name, value] : labels) {
    out += (out.empty() ? "" : ",") + name + "=\"" + EscapeLabelValue(value) + "\"";
  }
  if (!extra.empty()) out += (out.empty() ? "" : ",") + extra;
  return out.empty() ? "" : "{" + out + "}";
}

void RenderHistogram(const std::string& name, const std::vector<double>& buckets,
                     const MetricLabels& labels, const std::vector<uint64_t>& counts, double sum,
                     std::string& out) {
  uint64_t cumulative = 0;
  for (size_t b = 0; b <= buckets.size(); ++b) {
    cumulative += counts[b];
    const std::string le = b < buckets.size() ? FormatMetricValue(buckets[b]) : "+Inf";
    out += name + "_bucket" + LabelText(labels, "le=\"" + le + "\"") + " " +
           std::to_string(cumulative) + "\n";
  }
  out += name + "_sum" + LabelText(labels) + " " + FormatMetricValue(sum) + "\n";
  out += name + "_count" + LabelText(labels) + " " + std::to_string(cumulative) + "\n";
}

}  // namespace

std::vector<double> DurationBuckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

std::string EscapeLabelValue(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatMetricValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char text[32];
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    std::snprintf(text, sizeof text, "%.0f", value);
    return text;
  }
  std::snprintf(text, sizeof text, "%.15g", value);
  if (std::strtod(text, nullptr) != value) std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

Status MetricsRegistry::Declare(const std::string& name, MetricType type, const std::string& help,
                                std::vector<double> buckets) {
  if (!ValidName(name)) return Status::InvalidArgument("metric name '" + name + "' is invalid");
  if (type == MetricType::kHistogram &&
      (buckets.empty() || !std::is_sorted(buckets.begin(), buckets.end()) ||
       std::adjacent_find(buckets.begin(), buckets.end()) != buckets.end())) {
    return Status::InvalidArgument("histogram " + name + " needs ascending, distinct buckets");
  }
  MutexLock lock(mu_);
  for (const Family& f : families_) {
    if (f.name == name) return Status::InvalidArgument("metric " + name + " is already declared");
  }
  families_.push_back({name, type, help, std::move(buckets), {}});
  return Status::Ok();
}

MetricsRegistry::Family* MetricsRegistry::Find(const std::string& name, MetricType type) {
  for (Family& f : families_) {
    if (f.name == name) return f.type == type ? &f : nullptr;
  }
  return nullptr;
}

void MetricsRegistry::Add(const std::string& name, const MetricLabels& labels, double delta) {
  if (!(delta >= 0)) return;
  MutexLock lock(mu_);
  if (Family* f = Find(name, MetricType::kCounter)) f->series[labels].value += delta;
}

void MetricsRegistry::Set(const std::string& name, const MetricLabels& labels, double value) {
  MutexLock lock(mu_);
  if (Family* f = Find(name, MetricType::kGauge)) f->series[labels].value = value;
}

void MetricsRegistry::SetAll(const std::string& name,
                             const std::vector<std::pair<MetricLabels, double>>& series) {
  MutexLock lock(mu_);
  Family* f = Find(name, MetricType::kGauge);
  if (f == nullptr) return;
  f->series.clear();
  for (const auto& [labels, value] : series) f->series[labels].value = value;
}

void MetricsRegistry::Observe(const std::string& name, const MetricLabels& labels, double value) {
  MutexLock lock(mu_);
  Family* f = Find(name, MetricType::kHistogram);
  if (f == nullptr || std::isnan(value)) return;
  Series& s = f->series[labels];
  if (s.counts.empty()) s.counts.assign(f->buckets.size() + 1, 0);
  // The first bucket whose bound is >= value (le means "less than or equal").
  const size_t b =
      std::lower_bound(f->buckets.begin(), f->buckets.end(), value) - f->buckets.begin();
  ++s.counts[b];
  s.value += value;
}

void MetricsRegistry::AddCollector(std::function<void(MetricsRegistry&)> collector) {
  MutexLock lock(mu_);
  collectors_.push_back(std::move(collector));
}

std::string MetricsRegistry::Scrape() {
  std::vector<std::function<void(MetricsRegistry&)>> collectors;
  {
    MutexLock lock(mu_);
    collectors = collectors_;
  }
  for (const auto& collect : collectors) collect(*this);  // never under mu_: they call back in
  return Render();
}

void MetricsRegistry::RenderFamily(const Family& f, std::string& out) {
  out += "# HELP " + f.name + " " + EscapeHelp(f.help) + "\n";
  out += "# TYPE " + f.name + " " + std::string(TypeName(f.type)) + "\n";
  for (const auto& [labels, s] : f.series) {
    if (f.type == MetricType::kHistogram) {
      RenderHistogram(f.name, f.buckets, labels, s.counts, s.value, out);
    } else {
      out += f.name + LabelText(labels) + " " + FormatMetricValue(s.value) + "\n";
    }
  }
}

std::string MetricsRegistry::Render() const {
  std::string out;
  MutexLock lock(mu_);
  for (const Family& f : families_) RenderFamily(f, out);
  return out;
}

double MetricsRegistry::TEST_Value(const std::string& name, const MetricLabels& labels) const {
  MutexLock lock(mu_);
  for (const Family& f : families_) {
    if (f.name != name) continue;
    auto it = f.series.find(labels);
    return it == f.series.end() ? 0 : it->second.value;
  }
  return 0;
}

}  // namespace sky::api
