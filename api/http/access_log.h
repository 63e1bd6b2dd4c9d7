#pragma once
// AccessLog: one JSON line per request (`serve --access-log PATH|-|off`):
//   {"time","method","route","path","status","duration_ms","tenant","token_id","bytes"}
// `route` is the matched pattern ("/v1/pipelines/{id}"; null when no route matched), `path`
// the raw path without its query string, `tenant` and `token_id` null for anonymous requests.
// It never holds a header, a query string or a body, so never a token. Thread-safe: lines
// never interleave, and each is flushed as written.

#include <cstddef>
#include <fstream>
#include <memory>
#include <ostream>
#include <string>

#include "sky/types/mutex.h"
#include "sky/types/result.h"

namespace sky::api {

struct AccessEntry {
  double time = 0;  // unix seconds when the request arrived
  std::string method;
  std::string route;  // empty: no route matched
  std::string path;
  int status = 0;
  double duration_ms = 0;
  std::string tenant;    // empty: anonymous
  std::string token_id;  // empty: no token
  size_t bytes = 0;      // response body size
};

class AccessLog {
 public:
  // Lines go to `out`, which must outlive the log.
  explicit AccessLog(std::ostream& out) : out_(&out) {}

  // "-": `std_err`; "off": nullptr (no log); anything else: that file, appended to (created
  // with mode 0600). Unavailable when the file cannot be opened.
  static Result<std::unique_ptr<AccessLog>> Open(const std::string& where, std::ostream& std_err);

  void Write(const AccessEntry& entry) SKY_EXCLUDES(mu_);

  // The line Write prints for `entry`, without the newline.
  static std::string Format(const AccessEntry& entry);

 private:
  Mutex mu_;
  std::unique_ptr<std::ofstream> file_;             // set when the log owns its stream
  std::ostream* const out_ SKY_PT_GUARDED_BY(mu_);  // the stream is written only under mu_
};

}  // namespace sky::api
