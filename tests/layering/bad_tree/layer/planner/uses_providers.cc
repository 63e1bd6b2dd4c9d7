// Fixture: the planner and providers are peers above sky_types; neither includes the other.
#include "sky/providers/provider.h"
