#include "planner/glpk_problem.h"

#include <glpk.h>

#include <cmath>
#include <memory>
#include <vector>

#include "sky/types/mutex.h"

namespace sky::planner {
namespace {

// GLPK keeps global state (terminal hooks, environment); serialise every use of it.
Mutex& GlpkMutex() {
  static Mutex mu;
  return mu;
}

struct ProbDeleter {
  void operator()(glp_prob* p) const { glp_delete_prob(p); }
};
using ProbPtr = std::unique_ptr<glp_prob, ProbDeleter>;

// GLPK's environment is per thread (Debian builds it with thread-local storage): the first
// call on a thread allocates it and only glp_free_env releases it, so every thread that ever
// solved leaked it when it exited (a replay creates a worker pool per call; LeakSanitizer
// found it). No GLPK object outlives Solve, so the environment is released after each solve;
// re-creating it costs a few small allocations, nothing next to a solve.
struct EnvReleaser {
  EnvReleaser() = default;
  EnvReleaser(const EnvReleaser&) = delete;
  EnvReleaser& operator=(const EnvReleaser&) = delete;
  ~EnvReleaser() { glp_free_env(); }
};

int BoundType(double lower, double upper) {
  const bool lo = std::isfinite(lower), up = std::isfinite(upper);
  if (lo && up) return lower == upper ? GLP_FX : GLP_DB;
  if (lo) return GLP_LO;
  if (up) return GLP_UP;
  return GLP_FR;
}

double Finite(double v) { return std::isfinite(v) ? v : 0.0; }

Status ValidateBounds(const std::string& what, double lower, double upper) {
  if (what.size() > 255) return Status::InvalidArgument("milp: name too long: " + what);
  if (std::isnan(lower) || std::isnan(upper) || lower > upper || lower == kInfinity ||
      upper == -kInfinity) {
    return Status::InvalidArgument("milp: " + what + " has invalid bounds");
  }
  return Status::Ok();
}

Status ValidateRow(const MilpRow& row, size_t num_cols, std::vector<int>& seen, int stamp) {
  SKY_RETURN_IF_ERROR(ValidateBounds("row " + row.name, row.lower, row.upper));
  if (row.cols.size() != row.coefs.size()) {
    return Status::InvalidArgument("milp: row " + row.name + " has mismatched coefficients");
  }
  for (size_t k = 0; k < row.cols.size(); ++k) {
    const int c = row.cols[k];
    if (c < 0 || static_cast<size_t>(c) >= num_cols || !std::isfinite(row.coefs[k])) {
      return Status::InvalidArgument("milp: row " + row.name + " has a bad column or coefficient");
    }
    if (seen[c] == stamp) {
      return Status::InvalidArgument("milp: row " + row.name + " names a column twice");
    }
    seen[c] = stamp;
  }
  return Status::Ok();
}

void LoadColumns(glp_prob* p, const MilpModel& model) {
  glp_add_cols(p, static_cast<int>(model.columns.size()));
  for (size_t j = 0; j < model.columns.size(); ++j) {
    const MilpColumn& c = model.columns[j];
    const int col = static_cast<int>(j) + 1;
    glp_set_col_name(p, col, c.name.c_str());
    glp_set_col_kind(p, col, c.kind == ColumnKind::kBinary ? GLP_IV : GLP_CV);
    glp_set_col_bnds(p, col, BoundType(c.lower, c.upper), Finite(c.lower), Finite(c.upper));
    glp_set_obj_coef(p, col, c.objective);
  }
}

void LoadRows(glp_prob* p, const MilpModel& model) {
  if (model.rows.empty()) return;  // glp_add_rows aborts on 0
  glp_add_rows(p, static_cast<int>(model.rows.size()));
  std::vector<int> ind;
  std::vector<double> val;
  for (size_t i = 0; i < model.rows.size(); ++i) {
    const MilpRow& r = model.rows[i];
    const int row = static_cast<int>(i) + 1;
    glp_set_row_name(p, row, r.name.c_str());
    glp_set_row_bnds(p, row, BoundType(r.lower, r.upper), Finite(r.lower), Finite(r.upper));
    // GLPK arrays are 1-based; element 0 is unused.
    ind.assign(1, 0);
    val.assign(1, 0.0);
    for (size_t k = 0; k < r.cols.size(); ++k) {
      if (r.coefs[k] == 0.0) continue;
      ind.push_back(r.cols[k] + 1);
      val.push_back(r.coefs[k]);
    }
    glp_set_mat_row(p, row, static_cast<int>(ind.size()) - 1, ind.data(), val.data());
  }
}

// Remembers the last relative gap the search reported (glp_ios_mip_gap is only callable
// from inside the callback).
void GapCallback(glp_tree* tree, void* info) {
  const int reason = glp_ios_reason(tree);
  if (reason == GLP_IBINGO || reason == GLP_ISELECT) {
    *static_cast<double*>(info) = glp_ios_mip_gap(tree);
  }
}

// Without the MIP presolver glp_intopt needs an optimal LP basis first. Returns false, with
// `sol.status` set, when the relaxation already ends the search.
bool SolveRelaxation(glp_prob* p, int tm_lim, MilpSolution& sol) {
  glp_smcp lp;
  glp_init_smcp(&lp);
  lp.msg_lev = GLP_MSG_OFF;
  lp.tm_lim = tm_lim;
  const int rc = glp_simplex(p, &lp);
  if (rc == GLP_ETMLIM) {
    sol.status = MilpStatus::kNoSolutionInTime;
    return false;
  }
  sol.status = MilpStatus::kInfeasible;
  return rc == 0 && glp_get_status(p) == GLP_OPT;
}

Result<MilpSolution> RunIntopt(glp_prob* p, const MilpSolveOptions& options) {
  glp_iocp parm;
  glp_init_iocp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.presolve = options.presolve ? GLP_ON : GLP_OFF;
  parm.mip_gap = options.mip_gap;
  // The default 1e-5 accepts x = 0.99999 as 1, which lets a plan miss a deadline or a budget
  // by 1e-5 of its value once the choice is read back exactly.
  parm.tol_int = 1e-9;
  const auto ms = options.time_limit.count();
  parm.tm_lim = static_cast<int>(std::max<long long>(1, std::min<long long>(ms, 1LL << 30)));
  double gap = 0;
  parm.cb_func = GapCallback;
  parm.cb_info = &gap;
  MilpSolution sol;
  if (!options.presolve && !SolveRelaxation(p, parm.tm_lim, sol)) return sol;
  const int rc = glp_intopt(p, &parm);
  const int status = glp_mip_status(p);
  if (rc == GLP_ENOPFS || rc == GLP_ENODFS || status == GLP_NOFEAS) {
    sol.status = MilpStatus::kInfeasible;
    return sol;
  }
  if (rc != 0 && rc != GLP_ETMLIM && rc != GLP_EMIPGAP) {
    return Status::Internal("glpk: glp_intopt failed with code " + std::to_string(rc));
  }
  if (status != GLP_OPT && status != GLP_FEAS) {
    sol.status = rc == GLP_ETMLIM ? MilpStatus::kNoSolutionInTime : MilpStatus::kInfeasible;
    return sol;
  }
  // Stopping at the requested gap counts as optimal (the gap is reported).
  const bool done = (rc == 0 && status == GLP_OPT) || rc == GLP_EMIPGAP;
  sol.status = done ? MilpStatus::kOptimal : MilpStatus::kFeasible;
  sol.gap = rc == 0 ? 0.0 : gap;
  sol.objective = glp_mip_obj_val(p);
  const int n = glp_get_num_cols(p);
  sol.values.resize(n);
  for (int j = 1; j <= n; ++j) sol.values[j - 1] = glp_mip_col_val(p, j);
  return sol;
}

}  // namespace

Status GlpkProblem::Validate(const MilpModel& model) {
  for (const MilpColumn& c : model.columns) {
    SKY_RETURN_IF_ERROR(ValidateBounds("column " + c.name, c.lower, c.upper));
    if (!std::isfinite(c.objective)) {
      return Status::InvalidArgument("milp: column " + c.name + " has a bad objective");
    }
    if (c.kind == ColumnKind::kBinary && (c.lower < 0 || c.upper > 1)) {
      return Status::InvalidArgument("milp: binary column " + c.name + " outside [0, 1]");
    }
  }
  std::vector<int> seen(model.columns.size(), -1);
  for (size_t i = 0; i < model.rows.size(); ++i) {
    SKY_RETURN_IF_ERROR(
        ValidateRow(model.rows[i], model.columns.size(), seen, static_cast<int>(i)));
  }
  return Status::Ok();
}

Result<MilpSolution> GlpkProblem::Solve(const MilpModel& model, const MilpSolveOptions& options) {
  SKY_RETURN_IF_ERROR(Validate(model));
  if (model.columns.empty()) return Status::InvalidArgument("milp: model has no columns");
  const auto started = std::chrono::steady_clock::now();
  MutexLock lock(GlpkMutex());
  const EnvReleaser release_env;  // destroyed after `p`, before the unlock
  glp_term_out(GLP_OFF);
  ProbPtr p(glp_create_prob());
  glp_set_obj_name(p.get(), "objective");
  glp_set_obj_dir(p.get(), GLP_MIN);
  LoadColumns(p.get(), model);
  LoadRows(p.get(), model);
  if (!options.mps_path.empty() &&
      glp_write_mps(p.get(), GLP_MPS_FILE, nullptr, options.mps_path.c_str()) != 0) {
    return Status::Internal("glpk: cannot write MPS file " + options.mps_path);
  }
  SKY_ASSIGN_OR_RETURN(MilpSolution sol, RunIntopt(p.get(), options));
  sol.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return sol;
}

}  // namespace sky::planner
