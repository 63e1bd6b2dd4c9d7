#include "api/cli/replay_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace sky::api {
namespace {

using broker::ReplayPolicy;
using broker::ReplayReport;
using broker::ReplayRun;

constexpr double kWidth = 960;
constexpr double kLeft = 190;  // room for the timeline's row labels
constexpr double kRight = 930;
constexpr double kScatterTop = 60, kScatterBottom = 330;
constexpr double kTimelineTop = 430, kRowHeight = 22;

const char* PolicyColor(ReplayPolicy policy) {
  switch (policy) {
    case ReplayPolicy::kOnDemand:
      return "#d62728";
    case ReplayPolicy::kGreedySpot:
      return "#ff7f0e";
    case ReplayPolicy::kUniformProgress:
      return "#1f77b4";
    case ReplayPolicy::kBroker:
      return "#2ca02c";
  }
  return "#777777";
}

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// Maps [lo, hi] onto [from, to] (to < from flips the axis, as for y).
struct Scale {
  double lo, hi, from, to;
  double operator()(double v) const {
    return hi > lo ? from + (v - lo) / (hi - lo) * (to - from) : from;
  }
};

// About `count` round tick values covering [lo, hi].
std::vector<double> Ticks(double lo, double hi, int count) {
  const double raw = (hi - lo) / std::max(1, count);
  if (!(raw > 0)) return {lo};
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  double step = power;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * power >= raw) {
      step = m * power;
      break;
    }
  }
  std::vector<double> ticks;
  for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push_back(t);
  return ticks;
}

void Text(std::ostream& svg, double x, double y, const std::string& text,
          const char* anchor = "start", int size = 12) {
  svg << "<text x=\"" << Num(x) << "\" y=\"" << Num(y) << "\" font-size=\"" << size
      << "\" text-anchor=\"" << anchor << "\">" << Escape(text) << "</text>\n";
}

void Line(std::ostream& svg, double x1, double y1, double x2, double y2, const char* style) {
  svg << "<line x1=\"" << Num(x1) << "\" y1=\"" << Num(y1) << "\" x2=\"" << Num(x2) << "\" y2=\""
      << Num(y2) << "\" style=\"" << style << "\"/>\n";
}

void Rect(std::ostream& svg, double x, double y, double w, double h, const char* fill,
          const std::string& title = "") {
  svg << "<rect x=\"" << Num(x) << "\" y=\"" << Num(y) << "\" width=\"" << Num(std::max(w, 0.5))
      << "\" height=\"" << Num(h) << "\" fill=\"" << fill << "\">";
  if (!title.empty()) svg << "<title>" << Escape(title) << "</title>";
  svg << "</rect>\n";
}

void Axes(std::ostream& svg, const Scale& x, const Scale& y, const std::string& x_label,
          const std::string& y_label) {
  Line(svg, kLeft, kScatterBottom, kRight, kScatterBottom, "stroke:#333");
  Line(svg, kLeft, kScatterTop, kLeft, kScatterBottom, "stroke:#333");
  for (double t : Ticks(x.lo, x.hi, 8)) {
    Line(svg, x(t), kScatterBottom, x(t), kScatterBottom + 5, "stroke:#333");
    Text(svg, x(t), kScatterBottom + 18, Num(t), "middle", 11);
  }
  for (double t : Ticks(y.lo, y.hi, 6)) {
    Line(svg, kLeft - 5, y(t), kRight, y(t), "stroke:#ddd");
    Text(svg, kLeft - 8, y(t) + 4, "$" + Num(t), "end", 11);
  }
  Text(svg, (kLeft + kRight) / 2, kScatterBottom + 36, x_label, "middle");
  svg << "<text transform=\"translate(" << Num(kLeft - 60) << "," << Num(kScatterTop + 130)
      << ") rotate(-90)\" font-size=\"12\" text-anchor=\"middle\">" << Escape(y_label)
      << "</text>\n";
}

void Scatter(std::ostream& svg, const ReplayReport& report) {
  double lo = 0, hi = 1, top = 1;
  for (const ReplayRun& r : report.runs) {
    const double slack = report.deadline_hours - r.finish_hours;
    lo = std::min(lo, slack);
    hi = std::max(hi, slack);
    top = std::max(top, r.cost_usd);
  }
  const Scale x{lo, hi, kLeft + 10, kRight - 10};
  const Scale y{0, top * 1.05, kScatterBottom, kScatterTop};
  Text(svg, kLeft, kScatterTop - 16,
       "Cost against deadline slack at the end (one dot per run; left of 0: deadline missed)",
       "start", 14);
  Axes(svg, x, y, "slack at the end (hours before the deadline)", "cost (USD)");
  Line(svg, x(0), kScatterTop, x(0), kScatterBottom, "stroke:#999;stroke-dasharray:4 3");
  for (const ReplayRun& r : report.runs) {
    const double slack = report.deadline_hours - r.finish_hours;
    svg << "<circle cx=\"" << Num(x(slack)) << "\" cy=\"" << Num(y(r.cost_usd))
        << "\" r=\"3.5\" fill=\"" << PolicyColor(r.policy) << "\" fill-opacity=\"0.7\"><title>"
        << Escape(std::string(broker::Name(r.policy)) + " from " + Num(r.offset_hours) + " h: $" +
                  Num(r.cost_usd) + ", ended " + Num(r.finish_hours) + " h")
        << "</title></circle>\n";
  }
  double ly = kScatterTop + 6;
  for (const broker::ReplaySummary& s : report.summary) {
    Rect(svg, kRight - 150, ly - 9, 10, 10, PolicyColor(s.policy));
    Text(svg, kRight - 135, ly, std::string(broker::Name(s.policy)), "start", 11);
    ly += 16;
  }
}

void AvailabilityRow(std::ostream& svg, const broker::ReplayTrace& t, double offset_hours,
                     const Scale& x, double y) {
  Text(svg, kLeft - 8, y + 14, t.location, "end", 11);
  const auto& data = t.trace.available;
  if (data.empty()) return;
  const int peak = std::max(1, *std::max_element(data.begin(), data.end()));
  const double gap_h = t.trace.gap_seconds / 3600;
  for (size_t i = 0; i < data.size(); ++i) {
    const double start = i * gap_h - offset_hours, end = start + gap_h;
    if (end <= x.lo || start >= x.hi || data[i] == 0) continue;
    const double h = (kRowHeight - 6) * data[i] / peak;
    Rect(svg, x(std::max(start, x.lo)), y + kRowHeight - 3 - h,
         x(std::min(end, x.hi)) - x(std::max(start, x.lo)), h, "#9ecae1");
  }
}

void MarketRow(std::ostream& svg, const ReplayRun& run, const Scale& x, double y) {
  Text(svg, kLeft - 8, y + 14, std::string(broker::Name(run.policy)), "end", 11);
  for (const broker::ReplaySegment& seg : run.timeline) {
    const char* fill = seg.market == Market::kSpot ? "#31a354" : "#de2d26";
    const double from = std::clamp(seg.start_hours, x.lo, x.hi);
    const double to = std::clamp(seg.end_hours, x.lo, x.hi);
    Rect(svg, x(from), y + 3, x(to) - x(from), kRowHeight - 6, fill,
         std::string(MarketName(seg.market)) + " " + seg.location + " " + Num(seg.start_hours) +
             "-" + Num(seg.end_hours) + " h: " + seg.outcome);
    if (seg.outcome == "preempted") Line(svg, x(to), y, x(to), y + kRowHeight, "stroke:#000");
  }
}

void Timeline(std::ostream& svg, const ReplayReport& report, double& bottom) {
  if (report.offsets_hours.empty()) return;
  const double offset = report.offsets_hours.front();
  double end = report.deadline_hours;
  for (const ReplayRun& r : report.runs) {
    if (r.offset_hours == offset) end = std::max(end, r.finish_hours);
  }
  const Scale x{0, end, kLeft, kRight};
  Text(svg, kLeft, kTimelineTop - 44,
       "Timeline of the run from " + Num(offset) + " h into the traces", "start", 14);
  Text(svg, kLeft, kTimelineTop - 26,
       "blue: spot available in the zone; green: on spot; red: on on-demand; |: preemption",
       "start", 11);
  double y = kTimelineTop;
  for (const broker::ReplayTrace& t : report.traces) {
    AvailabilityRow(svg, t, offset, x, y);
    y += kRowHeight;
  }
  for (const ReplayRun& r : report.runs) {
    if (r.offset_hours != offset) continue;
    MarketRow(svg, r, x, y);
    y += kRowHeight;
  }
  Line(svg, x(report.deadline_hours), kTimelineTop - 8, x(report.deadline_hours), y,
       "stroke:#000;stroke-dasharray:5 3");
  Text(svg, x(report.deadline_hours), kTimelineTop - 10, "deadline", "middle", 11);
  for (double t : Ticks(0, end, 10)) {
    Line(svg, x(t), y, x(t), y + 5, "stroke:#333");
    Text(svg, x(t), y + 18, Num(t), "middle", 11);
  }
  Text(svg, (kLeft + kRight) / 2, y + 36, "hours since the start", "middle");
  bottom = y + 50;
}

}  // namespace

std::string ReplayPlotSvg(const ReplayReport& report) {
  std::ostringstream body;
  Text(body, kLeft, 24,
       "Replay of " + report.pipeline + ": " + Num(report.work_hours) + " h of work, deadline " +
           Num(report.deadline_hours) + " h, " + std::to_string(report.offsets_hours.size()) +
           " start offsets",
       "start", 16);
  Scatter(body, report);
  double bottom = kTimelineTop;
  Timeline(body, report, bottom);
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth << "\" height=\""
      << Num(bottom) << "\" viewBox=\"0 0 " << kWidth << " " << Num(bottom)
      << "\" font-family=\"sans-serif\">\n<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n"
      << body.str() << "</svg>\n";
  return svg.str();
}

}  // namespace sky::api
