#pragma once
// ApiLimits: the REST server's input limits (issue #9), each a named `serve` flag with a
// documented default, and the checks that enforce them with an error naming the limit, its
// value and its flag. Where each one applies:
//   body size     HttpServer, before any handler: 413 payload_too_large
//   query length  HttpServer, before any handler: 414 uri_too_long
//   JSON depth    HttpServer, before any handler and authentication (any body that starts
//                 with '{' or '['): 400 invalid_argument with the path of the first
//                 too-deep value
//   stages        POST /v1/plans and /v1/pipelines, before the spec is parsed: 400
//   offers/page   GET /v1/offers `limit`: 400 (over the cap is refused, not clamped, so a
//                 client never mistakes a short page for the end)
// The checks are pure functions: thread-safe.

#include <cstddef>
#include <string>
#include <string_view>

#include "api/cli/args.h"
#include "api/http/router.h"
#include "sky/types/result.h"

namespace sky::api {

struct ApiLimits {
  // Largest request body, in bytes (--max-body-bytes). Default: 4 MiB.
  size_t max_body_bytes = size_t{4} << 20;
  // Largest body of an upload route, POST /v1/catalog/ingest (--max-upload-bytes).
  // Default: 64 MiB.
  size_t max_upload_bytes = size_t{64} << 20;
  // Longest query string, in bytes as sent (percent-encoded) (--max-query-bytes).
  // Default: 8 KiB.
  size_t max_query_bytes = 8192;
  // Deepest nesting of objects and arrays in a JSON body; `{"a": [1]}` is 2 deep
  // (--max-json-depth). Default: 32 (pipeline specs nest 5 deep).
  int max_json_depth = 32;
  // Most stages in a pipeline spec (--max-stages). Default: 100.
  size_t max_stages = 100;
  // Largest `limit` of GET /v1/offers (--max-offers-per-page); the default page size stays
  // 100. Default: 1000.
  size_t max_offers_per_page = 1000;
};

// Adds the flags above to `spec`.
void AddLimitFlags(FlagSpec& spec);
// The limits the flags set, defaults for the others. InvalidArgument naming the flag and
// its allowed range when a value is not a whole number in range.
Result<ApiLimits> LimitsFrom(const CliArgs& args);

// "request body exceeds the limit of 4194304 bytes (--max-body-bytes)"; `upload` names
// --max-upload-bytes instead.
std::string BodyTooLargeMessage(size_t limit, bool upload);
// "query string of 9000 bytes exceeds the limit of 8192 bytes (--max-query-bytes)".
std::string QueryTooLongMessage(size_t length, size_t limit);

// What a JSON limit check found over its limit; `ok` when nothing.
struct LimitViolation {
  bool ok = true;
  std::string path;     // where, as a spec issue path: "stages[3].resources"
  std::string message;  // names the limit, its value and its flag
};

// The first value of `body` nested deeper than `max_depth`. One linear scan of the brackets
// outside strings: no tree, no recursion, no validation (a malformed body is judged by its
// brackets; the handler's parser reports what else is wrong). A body that does not start
// with '{' or '[' (after blanks) passes: it is not JSON (a CSV upload).
LimitViolation CheckJsonDepth(std::string_view body, int max_depth);

// Over the limit when the top-level "stages" array of the pipeline spec `spec_json` has
// more than `max_stages` elements; the path is "stages". Other shapes pass (the spec parser
// reports them). The same kind of scan, in bounded memory at any depth.
LimitViolation CheckStageCount(std::string_view spec_json, size_t max_stages);

// The 400 of a violation: {"error": {"code": "invalid_argument", "message",
// "details": [{"path", "message"}]}}.
HttpResponse ViolationReply(const LimitViolation& violation);

}  // namespace sky::api
