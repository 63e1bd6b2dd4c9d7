#pragma once
// REST resources, one file each, registered on a Router. Handlers are thread-safe: they only
// read the App's thread-safe services.

#include <string>

#include "api/app.h"
#include "api/router.h"

namespace sky::api {

// GET /healthz, /readyz.
void AddHealthRoutes(Router& router, App& app);
// GET /v1/offers, /v1/offers/{id}/history, /v1/accelerators.
void AddCatalogRoutes(Router& router, App& app);
// POST /v1/plans.
void AddPlanRoutes(Router& router, App& app);
// GET / and the dashboard's files under `web_dir`; GET /examples/* from `examples_dir`.
void AddStaticRoutes(Router& router, const std::string& web_dir, const std::string& examples_dir);

}  // namespace sky::api
