// Fixture: a module's tests include tests/support/ and tests/<module>/ only.
#include "planner/model_builder.h"
#include "tests/broker/executor_fixture.h"
#include "tests/planner/plan_checker.h"
#include "tests/support/status_matchers.h"
