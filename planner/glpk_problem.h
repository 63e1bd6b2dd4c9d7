#pragma once
// A solver-neutral MILP (MilpModel) and GlpkProblem, which solves it with GLPK's
// branch-and-cut (glp_intopt with presolve). glpk_problem.cc is the only file that includes
// <glpk.h>. Thread-safe: every GLPK call runs under one process-wide mutex.

#include <chrono>
#include <limits>
#include <string>
#include <vector>

#include "sky/types/result.h"

namespace sky::planner {

inline constexpr double kInfinity = std::numeric_limits<double>::infinity();

enum class ColumnKind { kContinuous, kBinary };

struct MilpColumn {
  std::string name;
  ColumnKind kind = ColumnKind::kContinuous;
  double lower = 0;
  double upper = kInfinity;
  double objective = 0;
};

// lower <= sum(coefs[k] * x[cols[k]]) <= upper; an infinite side is absent.
struct MilpRow {
  std::string name;
  double lower = -kInfinity;
  double upper = kInfinity;
  std::vector<int> cols;
  std::vector<double> coefs;

  void Add(int col, double coef) {
    cols.push_back(col);
    coefs.push_back(coef);
  }
};

// Minimises sum(objective * x) over columns subject to rows. Value type.
struct MilpModel {
  std::vector<MilpColumn> columns;
  std::vector<MilpRow> rows;

  int AddColumn(MilpColumn column) {
    columns.push_back(std::move(column));
    return static_cast<int>(columns.size()) - 1;
  }
  int AddRow(MilpRow row) {
    rows.push_back(std::move(row));
    return static_cast<int>(rows.size()) - 1;
  }
};

enum class MilpStatus {
  kOptimal,           // proven within the requested gap
  kFeasible,          // time limit hit with a solution; `gap` says how far from proven
  kInfeasible,        // no integer solution exists
  kNoSolutionInTime,  // time limit hit before any integer solution
};

struct MilpSolution {
  MilpStatus status = MilpStatus::kInfeasible;
  std::vector<double> values;  // per column; empty without a solution
  double objective = 0;
  double gap = 0;  // relative gap of the returned solution (0 when optimal)
  double seconds = 0;
};

struct MilpSolveOptions {
  // Wall-clock limit of this solve. Default: 10 s.
  std::chrono::milliseconds time_limit{10'000};
  // Relative gap at which the search stops. Default: 0.
  double mip_gap = 0.0;
  // When not empty, the model is written here in free MPS format before solving.
  std::string mps_path;
  // GLPK's MIP presolver (fast; its bound tolerances can accept a solution that violates a
  // row by ~1e-5 of its size). Off: simplex on the full model, then branch-and-cut.
  // Default: on.
  bool presolve = true;
};

class GlpkProblem {
 public:
  // Returns InvalidArgument when a row names a column out of range or twice, a bound or
  // coefficient is NaN, a lower bound exceeds its upper bound, or a binary column has bounds
  // outside [0, 1]. GLPK aborts the process on such input, so Solve checks this first.
  static Status Validate(const MilpModel& model);

  // Solves `model`. Returns the Validate errors, Internal when GLPK fails for another reason
  // (or the MPS file cannot be written); infeasibility and time limits are statuses of the
  // returned solution, not errors.
  static Result<MilpSolution> Solve(const MilpModel& model, const MilpSolveOptions& options);
};

}  // namespace sky::planner
