// PlanToJson / PlansToJson / PlanFromJson: the plan as the JSON of DESIGN.md ("Plan").
#include <nlohmann/json.hpp>
#include <string>

#include "sky/planner/plan.h"

namespace sky::planner {
namespace {

using Json = nlohmann::ordered_json;

Json OptionalNumber(const std::optional<double>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json StageJson(const StagePlacement& s) {
  return {{"name", s.name},
          {"offer_id", s.offer_id},
          {"provider", s.provider},
          {"region", s.region},
          {"zone", s.zone},
          {"instance_type", s.instance_type},
          {"accelerator", s.accelerator},
          {"accelerator_count", s.accelerator_count},
          {"market", std::string(MarketName(s.market))},
          {"price_per_hour", s.price_per_hour},
          {"start_hours", s.start_hours},
          {"end_hours", s.end_hours},
          {"runtime_hours", s.runtime_hours},
          {"cost_usd", s.cost_usd},
          {"reserved", s.reserved}};
}

Json TransferJson(const Transfer& t) {
  return {{"from", t.from}, {"to", t.to},       {"src", t.src},
          {"dst", t.dst},   {"gb", t.gb},       {"usd_per_gb", t.usd_per_gb},
          {"gbps", t.gbps}, {"hours", t.hours}, {"cost_usd", t.cost_usd}};
}

Json SolverJson(const SolverInfo& s) {
  Json passes = Json::array();
  for (const PassTiming& pass : s.passes) {
    passes.push_back({{"name", pass.name}, {"seconds", pass.seconds}});
  }
  return {{"name", s.name},
          {"seconds", s.seconds},
          {"variables", s.variables},
          {"constraints", s.constraints},
          {"mip_gap", s.mip_gap},
          {"candidates", s.candidates},
          {"candidates_pruned", s.candidates_pruned},
          {"passes", passes}};
}

Json PlanJson(const Plan& plan) {
  Json out = {{"status", std::string(PlanStatusName(plan.status))},
              {"objective", plan.objective == Objective::kTime ? "time" : "cost"},
              {"total_cost_usd", plan.total_cost_usd},
              {"compute_cost_usd", plan.compute_cost_usd},
              {"egress_cost_usd", plan.egress_cost_usd},
              {"makespan_hours", plan.makespan_hours},
              {"deadline_hours", OptionalNumber(plan.deadline_hours)},
              {"budget_usd", OptionalNumber(plan.budget_usd)}};
  Json stages = Json::array();
  for (const StagePlacement& stage : plan.stages) stages.push_back(StageJson(stage));
  Json transfers = Json::array();
  for (const Transfer& transfer : plan.transfers) transfers.push_back(TransferJson(transfer));
  out["stages"] = stages;
  out["transfers"] = transfers;
  out["solver"] = SolverJson(plan.solver);
  if (plan.status == PlanStatus::kInfeasible) out["infeasible_reasons"] = plan.infeasible_reasons;
  return out;
}

// Reads fields of one JSON object; remembers the first problem, naming the field.
class FieldReader {
 public:
  FieldReader(const Json& object, std::string path, Status& status)
      : object_(object), path_(std::move(path)), status_(status) {
    if (!object.is_object()) Fail(path_, "expected an object");
  }
  template <typename T>
  void Number(const char* key, T& out) {
    const Json* value = Find(key);
    if (value == nullptr) return;
    if (!value->is_number()) return Fail(Path(key), "expected a number");
    out = value->get<T>();
  }
  void Optional(const char* key, std::optional<double>& out) {
    const Json* value = Find(key);
    if (value != nullptr && !value->is_null()) Number(key, out.emplace());
  }
  void Text(const char* key, std::string& out) {
    const Json* value = Find(key);
    if (value == nullptr || value->is_null()) return;
    if (!value->is_string()) return Fail(Path(key), "expected a string");
    out = value->get<std::string>();
  }
  void Flag(const char* key, bool& out) {
    const Json* value = Find(key);
    if (value == nullptr) return;
    if (!value->is_boolean()) return Fail(Path(key), "expected a boolean");
    out = value->get<bool>();
  }
  // The array under `key` (empty when absent; an error when not an array).
  const Json& Array(const char* key) {
    static const Json kEmpty = Json::array();
    const Json* value = Find(key);
    if (value == nullptr) return kEmpty;
    if (!value->is_array()) Fail(Path(key), "expected an array");
    return value->is_array() ? *value : kEmpty;
  }
  std::string Path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  void Fail(const std::string& path, const std::string& message) {
    if (status_.ok()) status_ = Status::InvalidArgument("plan JSON: " + path + ": " + message);
  }

 private:
  const Json* Find(const char* key) const {
    if (!object_.is_object()) return nullptr;
    auto it = object_.find(key);
    return it == object_.end() ? nullptr : &*it;
  }
  const Json& object_;
  std::string path_;
  Status& status_;
};

StagePlacement StageFromJson(const Json& json, const std::string& path, Status& status) {
  StagePlacement s;
  FieldReader r(json, path, status);
  for (auto [key, field] : {std::pair<const char*, std::string*>{"name", &s.name},
                            {"offer_id", &s.offer_id},
                            {"provider", &s.provider},
                            {"region", &s.region},
                            {"zone", &s.zone},
                            {"instance_type", &s.instance_type},
                            {"accelerator", &s.accelerator}}) {
    r.Text(key, *field);
  }
  r.Number("accelerator_count", s.accelerator_count);
  std::string market = "on_demand";
  r.Text("market", market);
  std::optional<Market> parsed = ParseMarket(market);
  if (!parsed) r.Fail(r.Path("market"), "unknown market \"" + market + "\"");
  s.market = parsed.value_or(Market::kOnDemand);
  r.Number("price_per_hour", s.price_per_hour);
  r.Number("start_hours", s.start_hours);
  r.Number("end_hours", s.end_hours);
  r.Number("runtime_hours", s.runtime_hours);
  r.Number("cost_usd", s.cost_usd);
  r.Flag("reserved", s.reserved);
  return s;
}

Transfer TransferFromJson(const Json& json, const std::string& path, Status& status) {
  Transfer t;
  FieldReader r(json, path, status);
  r.Text("from", t.from);
  r.Text("to", t.to);
  r.Text("src", t.src);
  r.Text("dst", t.dst);
  r.Number("gb", t.gb);
  r.Number("usd_per_gb", t.usd_per_gb);
  r.Number("gbps", t.gbps);
  r.Number("hours", t.hours);
  r.Number("cost_usd", t.cost_usd);
  return t;
}

SolverInfo SolverFromJson(const Json& json, Status& status) {
  SolverInfo s;
  FieldReader r(json, "solver", status);
  r.Text("name", s.name);
  r.Number("seconds", s.seconds);
  r.Number("variables", s.variables);
  r.Number("constraints", s.constraints);
  r.Number("mip_gap", s.mip_gap);
  r.Number("candidates", s.candidates);
  r.Number("candidates_pruned", s.candidates_pruned);
  const Json& passes = r.Array("passes");
  for (size_t i = 0; i < passes.size(); ++i) {
    PassTiming pass;
    FieldReader p(passes[i], "solver.passes[" + std::to_string(i) + "]", status);
    p.Text("name", pass.name);
    p.Number("seconds", pass.seconds);
    s.passes.push_back(std::move(pass));
  }
  return s;
}

void ReadHeader(FieldReader& r, Plan& plan) {
  std::string status, objective;
  r.Text("status", status);
  std::optional<PlanStatus> parsed = ParsePlanStatus(status);
  if (!parsed) r.Fail("status", "expected \"optimal\", \"feasible\" or \"infeasible\"");
  plan.status = parsed.value_or(PlanStatus::kInfeasible);
  r.Text("objective", objective);
  if (objective != "cost" && objective != "time") {
    r.Fail("objective", "expected \"cost\" or \"time\"");
  }
  plan.objective = objective == "time" ? Objective::kTime : Objective::kCost;
  r.Number("total_cost_usd", plan.total_cost_usd);
  r.Number("compute_cost_usd", plan.compute_cost_usd);
  r.Number("egress_cost_usd", plan.egress_cost_usd);
  r.Number("makespan_hours", plan.makespan_hours);
  r.Optional("deadline_hours", plan.deadline_hours);
  r.Optional("budget_usd", plan.budget_usd);
}

}  // namespace

std::optional<PlanStatus> ParsePlanStatus(std::string_view text) {
  for (PlanStatus s : {PlanStatus::kOptimal, PlanStatus::kFeasible, PlanStatus::kInfeasible}) {
    if (PlanStatusName(s) == text) return s;
  }
  return std::nullopt;
}

std::string PlanToJson(const Plan& plan) { return PlanJson(plan).dump(); }

std::string PlansToJson(const std::vector<Plan>& plans) {
  Json out = Json::array();
  for (const Plan& plan : plans) out.push_back(PlanJson(plan));
  return out.dump();
}

Result<Plan> PlanFromJson(std::string_view json_text) {
  Json json = Json::parse(json_text.begin(), json_text.end(), nullptr, false);
  if (json.is_discarded()) return Status::InvalidArgument("plan JSON: malformed JSON");
  Status status;
  Plan plan;
  FieldReader r(json, "", status);
  ReadHeader(r, plan);
  const Json& stages = r.Array("stages");
  for (size_t i = 0; i < stages.size(); ++i) {
    plan.stages.push_back(StageFromJson(stages[i], "stages[" + std::to_string(i) + "]", status));
  }
  const Json& transfers = r.Array("transfers");
  for (size_t i = 0; i < transfers.size(); ++i) {
    plan.transfers.push_back(
        TransferFromJson(transfers[i], "transfers[" + std::to_string(i) + "]", status));
  }
  auto solver = json.is_object() ? json.find("solver") : json.end();
  if (solver != json.end()) plan.solver = SolverFromJson(*solver, status);
  const Json& reasons = r.Array("infeasible_reasons");
  for (size_t i = 0; i < reasons.size(); ++i) {
    if (!reasons[i].is_string()) r.Fail("infeasible_reasons", "expected strings");
    if (reasons[i].is_string()) plan.infeasible_reasons.push_back(reasons[i].get<std::string>());
  }
  if (!status.ok()) return status;
  return plan;
}

}  // namespace sky::planner
