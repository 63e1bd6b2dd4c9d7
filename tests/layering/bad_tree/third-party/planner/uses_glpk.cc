// Fixture: GLPK belongs to planner/glpk_problem.*.
#include <glpk.h>
