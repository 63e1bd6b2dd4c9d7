// Fixture: a cross-module test includes public headers, tests/support/ and its own folder.
#include "api/http/router.h"
#include "sky/api/app.h"
#include "tests/broker/fault_providers.h"
#include "tests/e2e/serve_process.h"
#include "tests/support/temp_dir.h"
