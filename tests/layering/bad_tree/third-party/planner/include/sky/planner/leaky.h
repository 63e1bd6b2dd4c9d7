// Fixture for the layering self-test: public headers may not include third-party JSON or GLPK.
#include <glpk.h>

#include <nlohmann/json.hpp>
