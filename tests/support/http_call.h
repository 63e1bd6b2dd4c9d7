#pragma once
// Shell and HTTP helpers of the end-to-end tests: commands through /bin/sh, and HTTP requests
// sent with curl, answered as a Reply (status, headers, body text and JSON).
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace sky::testing {

struct ExecResult {
  int code = -1;    // exit code; -1 when it did not exit normally
  std::string out;  // what the command wrote to the pipe
};

// Runs `command` with /bin/sh: its exit code and stdout (stderr goes where `command` sends it).
ExecResult RunCommand(const std::string& command);
// Runs `command` in a subshell: its exit code and its stdout and stderr together.
ExecResult Shell(const std::string& command);
// Runs `command`; its stdout and stderr, trailing newlines removed.
std::string RunShell(const std::string& command);
// Runs `skybroker <args>`: its exit code and its stdout and stderr together.
ExecResult Exec(const std::string& args);
// The whole file, "" when it cannot be read.
std::string ReadFile(const std::filesystem::path& path);

// One HTTP request for curl: Request{path}, Request{path, curl_args, token}, then any field.
struct Request {
  Request() = default;
  explicit Request(std::string path_) : path(std::move(path_)) {}
  Request(std::string path_, std::string curl_args_, std::string token_ = "")
      : path(std::move(path_)), curl_args(std::move(curl_args_)), token(std::move(token_)) {}

  std::string path;                  // appended to the base URL, query string and all
  std::string curl_args;             // more curl arguments, verbatim ("-X DELETE", "-H 'A: b'")
  std::string token;                 // sent as "Authorization: Bearer" when not empty
  std::string method;                // -X when not empty
  std::string body;                  // sent from a file (--data-binary) when not empty
  std::string content_type;          // its Content-Type header, when not empty
  std::vector<std::string> headers;  // "Name: value"
  int max_time_s = 0;                // curl --max-time when > 0
};

struct Reply {
  int code = 0;         // the HTTP status; 0 when no answer came
  std::string headers;  // as curl saved them: every response's (a 100 Continue first), raw
  std::string text;     // the body
  nlohmann::json body;  // the body parsed; null when empty or not JSON

  // The value of header `name` (any case) of the last response; "" when absent.
  std::string Header(const std::string& name) const;
  // `headers` in lower case, for substring checks.
  std::string LowerHeaders() const;
};

// Sends `request` to `base` (e.g. "http://127.0.0.1:8080") with curl. The request body, the
// response headers and body pass through files in `scratch` (an existing directory).
Reply Send(const std::string& base, const Request& request, const std::filesystem::path& scratch);

// "skst_" + hex HMAC-SHA256 of `key` under the secret in `secret_file` (the server's
// <db>.token-secret): the heartbeat token serve mints for the attempt whose key is `key`.
std::string StageTokenFor(const std::filesystem::path& secret_file, const std::string& key);

}  // namespace sky::testing
