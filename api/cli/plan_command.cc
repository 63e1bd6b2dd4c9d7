// `skybroker plan spec.json [--json] [--frontier] [--export-mps PATH] [--time-limit S]`.

#include "api/app.h"
#include "api/cli/commands.h"
#include "api/cli/table_printer.h"

namespace sky::api {
namespace {

constexpr char kSynopsis[] =
    "usage: skybroker plan SPEC.json [FLAGS]\n"
    "Places the pipeline's stages on the catalog's offers at the least cost.\n";

FlagSpec PlanFlags() {
  const planner::PlannerOptions defaults;
  FlagSpec spec;
  spec.Boolean("json", "print the plan as JSON")
      .Boolean("frontier", "print the cost-deadline curve: the cheapest plan per makespan")
      .Single("export-mps", "PATH", "write the MILP to PATH (MPS format)")
      .Single("time-limit", "SECONDS", "solver wall-clock limit",
              FormatDefault(std::chrono::duration<double>(defaults.time_limit).count()))
      .Single("mip-gap", "G", "relative MIP gap at which the search stops (0: proven optimal)",
              FormatDefault(defaults.mip_gap));
  return spec;
}

std::string Hours(double h) { return FormatFixed(h, 2) + " h"; }
std::string Usd(double usd) { return "$" + FormatFixed(usd, 2); }

void PrintPlan(const planner::Plan& plan, std::ostream& out) {
  out << "status: " << planner::PlanStatusName(plan.status);
  if (plan.status == planner::PlanStatus::kInfeasible) {
    out << "\n";
    for (const auto& reason : plan.infeasible_reasons) out << "  - " << reason << "\n";
    return;
  }
  out << "   total " << Usd(plan.total_cost_usd) << " (compute " << Usd(plan.compute_cost_usd)
      << ", egress " << Usd(plan.egress_cost_usd) << ")   makespan " << Hours(plan.makespan_hours);
  if (plan.deadline_hours) out << " of " << Hours(*plan.deadline_hours);
  out << "\n\n";
  TablePrinter stages({"STAGE", "PROVIDER", "REGION/ZONE", "INSTANCE", "GPU", "MARKET", "$/h",
                       "START", "END", "COST"},
                      {false, false, false, false, false, false, true, true, true, true});
  for (const auto& s : plan.stages) {
    std::string gpu =
        s.accelerator.empty() ? "-" : s.accelerator + ":" + std::to_string(s.accelerator_count);
    stages.AddRow({s.name, s.provider, s.zone.empty() ? s.region : s.region + "/" + s.zone,
                   s.instance_type, gpu,
                   s.reserved ? "reserved" : std::string(MarketName(s.market)),
                   FormatFixed(s.price_per_hour, 3), Hours(s.start_hours), Hours(s.end_hours),
                   Usd(s.cost_usd)});
  }
  stages.Print(out);
  if (plan.transfers.empty()) return;
  out << "\n";
  TablePrinter transfers({"FROM", "TO", "SRC", "DST", "GB", "$/GB", "Gbps", "HOURS", "COST"},
                         {false, false, false, false, true, true, true, true, true});
  for (const auto& t : plan.transfers) {
    transfers.AddRow({t.from, t.to, t.src, t.dst, FormatFixed(t.gb, 1),
                      FormatFixed(t.usd_per_gb, 4), FormatFixed(t.gbps, 2), FormatFixed(t.hours, 3),
                      Usd(t.cost_usd)});
  }
  transfers.Print(out);
}

void PrintFrontier(const std::vector<planner::Plan>& plans, std::ostream& out) {
  TablePrinter table({"MAKESPAN", "TOTAL COST", "COMPUTE", "EGRESS", "PLACEMENT"},
                     {true, true, true, true, false});
  for (const auto& p : plans) {
    std::string placement;
    for (const auto& s : p.stages) {
      placement += (placement.empty() ? "" : ", ") + s.name + "@" + s.provider + ":" + s.region +
                   "/" + std::string(MarketName(s.market));
    }
    table.AddRow({Hours(p.makespan_hours), Usd(p.total_cost_usd), Usd(p.compute_cost_usd),
                  Usd(p.egress_cost_usd), placement});
  }
  table.Print(out);
}

Result<planner::PlannerOptions> OptionsFrom(const CliArgs& args) {
  planner::PlannerOptions options;
  SKY_ASSIGN_OR_RETURN(auto limit, args.GetDouble("time-limit"));
  if (limit) options.time_limit = std::chrono::milliseconds(static_cast<long>(*limit * 1000));
  SKY_ASSIGN_OR_RETURN(auto gap, args.GetDouble("mip-gap"));
  if (gap) options.mip_gap = *gap;
  if (auto mps = args.Get("export-mps")) options.export_mps_path = *mps;
  return options;
}

}  // namespace

int RunPlan(const Words& words, std::ostream& out, std::ostream& err) {
  ParsedCommand command = ParseCommand(words, PlanFlags(), kSynopsis, 1, 1, out, err);
  if (!command.args) return command.exit_code;
  const CliArgs* args = &*command.args;
  auto options = OptionsFrom(*args);
  if (!options.ok()) return ReportError(options.status(), err);
  auto text = ReadFile(args->positional()[0]);
  if (!text.ok()) return ReportError(text.status(), err);
  auto app = App::Open(*args, err);
  if (!app.ok()) return ReportError(app.status(), err);
  std::vector<planner::SpecIssue> issues;
  auto parsed = (*app)->plans().ParseSpec(*text, &issues);
  if (!parsed.ok()) {
    err << args->positional()[0] << ": invalid pipeline spec\n";
    for (const auto& issue : issues) err << "  " << issue.path << ": " << issue.message << "\n";
    if (issues.empty()) err << "  " << parsed.status().message() << "\n";
    return 2;
  }
  if (args->Has("frontier")) {
    auto plans = (*app)->plans().Frontier(*parsed, *options);
    if (!plans.ok()) return ReportError(plans.status(), err);
    if (args->Has("json")) {
      out << planner::PlansToJson(*plans) << "\n";
    } else {
      PrintFrontier(*plans, out);
    }
    return plans->empty() ? 3 : 0;
  }
  auto plan = (*app)->plans().Plan(*parsed, *options);
  if (!plan.ok()) return ReportError(plan.status(), err);
  if (args->Has("json")) {
    out << planner::PlanToJson(*plan) << "\n";
  } else {
    PrintPlan(*plan, out);
  }
  return plan->status == planner::PlanStatus::kInfeasible ? 3 : 0;
}

}  // namespace sky::api
