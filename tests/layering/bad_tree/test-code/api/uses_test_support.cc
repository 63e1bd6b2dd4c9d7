// Fixture: production code includes nothing from tests/.
#include "tests/support/temp_dir.h"
