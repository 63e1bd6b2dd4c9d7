// Fixture for the layering self-test: public headers may not include third-party JSON or GLPK.
#include <nlohmann/json.hpp>
#include <glpk.h>
