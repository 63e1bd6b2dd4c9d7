#pragma once
// The REST form of operations (broker/operations.h), shared by the handlers that start them:
//   {id, kind, state, progress {done, total, message}, result (the work's JSON, parsed; null
//    until succeeded), error ({code, message, details} as in error bodies; null unless failed),
//    created_at(_unix), finished_at(_unix) (null while unfinished)}.
// Operations live in memory: after a restart their ids answer 404. Pure functions; thread-safe.

#include <nlohmann/json.hpp>
#include <string>

#include "api/http/router.h"
#include "sky/broker/operations.h"

namespace sky::api {

nlohmann::json OperationToJson(const broker::OperationView& view);

// 202 Accepted with `Location: /v1/operations/{id}` and the operation's JSON, for work just
// submitted by `tenant`; the error reply when it cannot be read back.
HttpResponse AcceptedOperation(const broker::OperationRunner& runner, const std::string& id,
                               const std::string& tenant);

}  // namespace sky::api
