// Fixture: a public header includes only public headers.
#include "planner/model_builder.h"
#include "sky/planner/plan.h"
