#include "planner/glpk_problem.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace sky::planner {
namespace {

// max 5a + 4b + 3c s.t. 2a + 3b + c <= 5, 4a + b + 2c <= 11, binaries -> a = b = 1, value 9.
MilpModel Knapsack() {
  MilpModel m;
  const int a = m.AddColumn({"a", ColumnKind::kBinary, 0, 1, -5});
  const int b = m.AddColumn({"b", ColumnKind::kBinary, 0, 1, -4});
  const int c = m.AddColumn({"c", ColumnKind::kBinary, 0, 1, -3});
  MilpRow r1{"r1", -kInfinity, 5, {a, b, c}, {2, 3, 1}};
  MilpRow r2{"r2", -kInfinity, 11, {a, b, c}, {4, 1, 2}};
  m.AddRow(r1);
  m.AddRow(r2);
  return m;
}

TEST(GlpkProblemTest, SolvesASmallIntegerProgramToOptimality) {
  auto sol = GlpkProblem::Solve(Knapsack(), {});
  ASSERT_TRUE(sol.ok()) << sol.status().ToString();
  EXPECT_EQ(sol->status, MilpStatus::kOptimal);
  EXPECT_NEAR(sol->objective, -9, 1e-9);
  EXPECT_NEAR(sol->values[0], 1, 1e-9);
  EXPECT_NEAR(sol->values[1], 1, 1e-9);
  EXPECT_NEAR(sol->values[2], 0, 1e-9);
  EXPECT_DOUBLE_EQ(sol->gap, 0);
}

TEST(GlpkProblemTest, ReportsInfeasibility) {
  MilpModel m = Knapsack();
  m.AddRow({"need_all", 3, kInfinity, {0, 1, 2}, {1, 1, 1}});
  auto sol = GlpkProblem::Solve(m, {});
  ASSERT_TRUE(sol.ok());
  EXPECT_EQ(sol->status, MilpStatus::kInfeasible);
  EXPECT_TRUE(sol->values.empty());
}

TEST(GlpkProblemTest, RejectsBadInputInsteadOfLettingGlpkAbort) {
  MilpModel m = Knapsack();
  m.rows[0].cols[1] = 7;
  EXPECT_TRUE(GlpkProblem::Solve(m, {}).status().IsInvalidArgument());
  m = Knapsack();
  m.rows[0].cols[1] = 0;  // column named twice
  EXPECT_TRUE(GlpkProblem::Validate(m).IsInvalidArgument());
  m = Knapsack();
  m.columns[0].lower = 2;
  EXPECT_TRUE(GlpkProblem::Validate(m).IsInvalidArgument());
  m = Knapsack();
  m.rows[1].coefs[0] = std::nan("");
  EXPECT_TRUE(GlpkProblem::Validate(m).IsInvalidArgument());
  EXPECT_TRUE(GlpkProblem::Solve(MilpModel{}, {}).status().IsInvalidArgument());
}

TEST(GlpkProblemTest, ModelWithoutRowsAndMpsExport) {
  MilpModel m;
  m.AddColumn({"x", ColumnKind::kContinuous, 1.5, 4, 2});
  const std::string path = ::testing::TempDir() + "/glpk_problem_test.mps";
  MilpSolveOptions options;
  options.mps_path = path;
  auto sol = GlpkProblem::Solve(m, options);
  ASSERT_TRUE(sol.ok());
  EXPECT_NEAR(sol->objective, 3, 1e-12);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("COLUMNS"), std::string::npos);
  std::remove(path.c_str());
  options.mps_path = "/nonexistent-dir/x.mps";
  EXPECT_TRUE(GlpkProblem::Solve(m, options).status().IsInternal());
}

}  // namespace
}  // namespace sky::planner
