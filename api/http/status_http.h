#pragma once
// The only place that maps Status to HTTP (STYLE.md section 5): status codes and the error
// body {"error": {"code", "message", "details"}}.

#include <nlohmann/json.hpp>

#include "sky/types/status.h"

namespace sky::api {

int HttpStatusFor(const Status& status);

// {"error": {"code": "invalid_argument", "message": ..., "details": [...]}}.
nlohmann::json ErrorBody(const Status& status,
                         const nlohmann::json& details = nlohmann::json::array());

}  // namespace sky::api
