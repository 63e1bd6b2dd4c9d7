// Allowed: the owner.
#include <glpk.h>
