// `skybroker replay --pipeline SPEC.json --trace FILE|DIR... [--policy P|all] [--json]`:
// replays a pipeline against recorded spot traces with each policy (DESIGN.md "Replay").
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <sstream>

#include "api/app.h"
#include "api/cli/commands.h"
#include "api/cli/replay_plot.h"
#include "api/cli/table_printer.h"
#include "sky/broker/replay.h"

namespace sky::api {
namespace {

constexpr char kSynopsis[] =
    "usage: skybroker replay --pipeline SPEC.json --trace FILE|DIR|LOCATION=FILE... [FLAGS]\n"
    "Runs the pipeline through the broker's executor on the sim cloud, on a virtual clock,\n"
    "from N start points evenly spread through the traces (spot-traces JSON, one per zone;\n"
    "a directory means every *.json in it; zone and provider come from the file name and its\n"
    "folder, or LOCATION=FILE as aws:us-east-1:us-east-1a=FILE), once per policy:\n"
    "  on_demand         never spot\n"
    "  greedy_spot       spot whenever available, on-demand once the slack is gone\n"
    "  uniform_progress  Can't Be Late (NSDI'24): on-demand while behind uniform progress\n"
    "  broker            skybroker's planner-driven failover across zones and clouds\n"
    "Prices: a trace's own `prices`, else --spot-price / --on-demand-price, else the catalog\n"
    "(--spot-prices adds an AWS spot price history TSV to it). The restart overhead is paid\n"
    "at every launch. greedy_spot and uniform_progress use spot in one zone (the cheapest),\n"
    "as in the paper, unless --any-zone.\n";

constexpr char kAllPolicies[] = "all";

FlagSpec ReplayFlags() {
  const broker::ReplayOptions defaults;
  FlagSpec spec;
  spec.Single("pipeline", "SPEC.json", "the pipeline spec to replay (required)")
      .Multi("trace", "FILE|DIR|LOCATION=FILE", "spot traces, one per zone (required)")
      .Single("policy", "all|LIST",
              "comma-separated policies: on_demand, greedy_spot, uniform_progress, broker",
              kAllPolicies)
      .Single("start-offsets", "N", "start points evenly spread through the traces",
              std::to_string(defaults.start_offsets))
      .Single("restart-minutes", "M", "restart overhead paid at every launch",
              "the spec's restart_minutes")
      .Single("checkpoint-minutes", "M", "checkpoint interval of stages without their own",
              "the trace gap")
      .Single("poll-seconds", "S", "the executor's poll interval", "the trace gap")
      .Single("spot-price", "USD", "spot $ per hour for traces without prices")
      .Single("on-demand-price", "USD", "on-demand $ per hour for traces without prices")
      .Single("spot-prices", "FILE.tsv", "an AWS spot price history added to the catalog")
      .Boolean("any-zone", "greedy_spot and uniform_progress use every traced zone, cheapest first")
      .Single("threads", "N", "worker threads (0: the hardware's)",
              std::to_string(defaults.threads))
      .Boolean("json", "print the report as JSON")
      .Single("plot", "OUT.svg", "write a plot of the runs to OUT.svg");
  return spec;
}

Result<std::vector<broker::ReplayPolicy>> Policies(const CliArgs& args) {
  const std::string text = args.Get("policy").value_or(kAllPolicies);
  if (text == kAllPolicies) return broker::AllReplayPolicies();
  std::vector<broker::ReplayPolicy> out;
  std::stringstream list(text);
  for (std::string name; std::getline(list, name, ',');) {
    SKY_ASSIGN_OR_RETURN(broker::ReplayPolicy policy, broker::ParseReplayPolicy(name));
    if (std::find(out.begin(), out.end(), policy) == out.end()) out.push_back(policy);
  }
  return out;
}

Result<broker::ReplayOptions> OptionsFrom(const CliArgs& args) {
  broker::ReplayOptions options;
  SKY_ASSIGN_OR_RETURN(options.policies, Policies(args));
  SKY_ASSIGN_OR_RETURN(auto offsets, args.GetInt("start-offsets"));
  if (offsets) options.start_offsets = static_cast<int>(*offsets);
  SKY_ASSIGN_OR_RETURN(options.restart_minutes, args.GetDouble("restart-minutes"));
  SKY_ASSIGN_OR_RETURN(options.checkpoint_minutes, args.GetDouble("checkpoint-minutes"));
  SKY_ASSIGN_OR_RETURN(options.poll_seconds, args.GetDouble("poll-seconds"));
  options.any_zone = args.Has("any-zone");
  SKY_ASSIGN_OR_RETURN(auto threads, args.GetInt("threads"));
  if (threads) options.threads = static_cast<int>(*threads);
  for (const auto& [flag, value] : {std::pair{"restart-minutes", options.restart_minutes},
                                    std::pair{"checkpoint-minutes", options.checkpoint_minutes}}) {
    if (value && !(*value >= 0)) {
      return Status::InvalidArgument(std::string("flag --") + flag + ": must not be negative");
    }
  }
  if (options.start_offsets < 1) {
    return Status::InvalidArgument("flag --start-offsets: must be at least 1");
  }
  return options;
}

Result<broker::ReplayPrices> PricesFrom(const CliArgs& args, App& app, std::ostream& err) {
  broker::ReplayPrices prices;
  SKY_ASSIGN_OR_RETURN(prices.spot_usd_per_hour, args.GetDouble("spot-price"));
  SKY_ASSIGN_OR_RETURN(prices.on_demand_usd_per_hour, args.GetDouble("on-demand-price"));
  if (auto tsv = args.Get("spot-prices")) {
    SKY_RETURN_IF_ERROR(IngestWithProgress(app.catalog(), {"aws=" + *tsv}, false, err).status());
  }
  prices.catalog = app.catalog().Snapshot()->offers();
  return prices;
}

// A progress bar on stderr, only on a terminal, rewritten in place.
std::function<void(int, int)> ProgressBar(std::ostream& err) {
  if (!::isatty(STDERR_FILENO)) return nullptr;
  return [&err](int done, int total) {
    constexpr int kWidth = 30;
    const int filled = total > 0 ? done * kWidth / total : kWidth;
    err << "\r  replay [" << std::string(filled, '#') << std::string(kWidth - filled, '.') << "] "
        << done << "/" << total << " runs" << (done == total ? "\n" : "") << std::flush;
  };
}

std::string Usd(double usd) { return "$" + FormatFixed(usd, 2); }

void PrintReport(const broker::ReplayReport& report, std::ostream& out) {
  out << "pipeline " << report.pipeline << ": " << FormatFixed(report.work_hours, 1)
      << " h of work, deadline " << FormatFixed(report.deadline_hours, 1) << " h, restart "
      << FormatFixed(report.restart_minutes, 1) << " min, checkpoints every "
      << FormatFixed(report.checkpoint_minutes, 2) << " min\n"
      << report.traces.size() << " trace(s), " << report.offsets_hours.size()
      << " start offset(s) from " << FormatFixed(report.offsets_hours.front(), 1) << " to "
      << FormatFixed(report.offsets_hours.back(), 1) << " h, " << report.runs.size() << " runs in "
      << FormatFixed(report.wall_seconds, 1) << " s\n\n";
  TablePrinter table({"POLICY", "RUNS", "MEAN COST", "P95 COST", "VS ON-DEMAND", "DEADLINES MET",
                      "PREEMPTIONS", "SPOT HOURS", "ON-DEMAND HOURS"},
                     {false, true, true, true, true, true, true, true, true});
  for (const broker::ReplaySummary& s : report.summary) {
    table.AddRow(
        {std::string(broker::Name(s.policy)), std::to_string(s.runs), Usd(s.mean_cost_usd),
         Usd(s.p95_cost_usd), s.cost_vs_on_demand ? FormatFixed(*s.cost_vs_on_demand, 3) : "-",
         std::to_string(s.deadlines_met) + " (" + FormatFixed(s.deadlines_met_percent, 1) + "%)",
         FormatFixed(s.mean_preemptions, 2), FormatFixed(s.mean_spot_hours, 1),
         FormatFixed(s.mean_on_demand_hours, 1)});
  }
  table.Print(out);
}

Status WritePlot(const std::string& path, const broker::ReplayReport& report) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) return Status::InvalidArgument("flag --plot: cannot write " + path);
  file << ReplayPlotSvg(report);
  return file.good() ? Status::Ok() : Status::Unavailable("writing " + path + " failed");
}

// Everything after the flags are parsed; returns the exit code.
int Replay(const CliArgs& args, std::ostream& out, std::ostream& err) {
  auto options = OptionsFrom(args);
  if (!options.ok()) return ReportError(options.status(), err);
  options->on_progress = ProgressBar(err);
  const std::string spec_path = *args.Get("pipeline");
  auto text = ReadFile(spec_path);
  if (!text.ok()) return ReportError(text.status(), err);
  auto traces = broker::LoadReplayTraces(args.GetAll("trace"));
  if (!traces.ok()) return ReportError(traces.status(), err);
  auto app = App::Open(args, err);
  if (!app.ok()) return ReportError(app.status(), err);
  std::vector<planner::SpecIssue> issues;
  auto spec = (*app)->plans().ParseSpec(*text, &issues);
  if (!spec.ok()) {
    err << spec_path << ": invalid pipeline spec\n";
    for (const auto& issue : issues) err << "  " << issue.path << ": " << issue.message << "\n";
    if (issues.empty()) err << "  " << spec.status().message() << "\n";
    return 2;
  }
  auto prices = PricesFrom(args, **app, err);
  if (!prices.ok()) return ReportError(prices.status(), err);
  auto offers = broker::BuildReplayOffers(*spec, *traces, *prices);
  if (!offers.ok()) return ReportError(offers.status(), err);
  auto report = broker::RunReplay(*spec, *traces, *offers, (*app)->plans().network(), *options);
  if (!report.ok()) return ReportError(report.status(), err);
  for (const std::string& warning : report->warnings) err << "warning: " << warning << "\n";
  if (auto plot = args.Get("plot")) {
    if (Status s = WritePlot(*plot, *report); !s.ok()) return ReportError(s, err);
  }
  if (args.Has("json")) {
    out << broker::ReplayReportToJson(*report) << "\n";
  } else {
    PrintReport(*report, out);
  }
  return 0;
}

}  // namespace

int RunReplay(const Words& words, std::ostream& out, std::ostream& err) {
  ParsedCommand command = ParseCommand(words, ReplayFlags(), kSynopsis, 0, 0, out, err);
  if (!command.args) return command.exit_code;
  if (!command.args->Has("pipeline") || !command.args->Has("trace")) {
    err << command.usage;
    return ReportError(Status::InvalidArgument("replay needs --pipeline and --trace"), err);
  }
  return Replay(*command.args, out, err);
}

}  // namespace sky::api
