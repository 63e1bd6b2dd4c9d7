// Allowed: the internals of the one module fuzzed.
#include "catalog/csv_reader.h"
#include "catalog/python_literal.h"
#include "tests/support/temp_dir.h"
