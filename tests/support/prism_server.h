#pragma once
// Test-only helpers for adapter tests against Stoplight Prism (npm @stoplight/prism-cli,
// installed in tests/node_modules): PrismServer runs `prism mock` on an OpenAPI document on
// 127.0.0.1 (or `prism proxy` in front of a real server), and PrismCheckingClient forces error
// codes (`Prefer: code=N`) and records every request or response Prism found invalid. Used by
// the lambda and runpod *_prism_test.cc, tests/e2e/refresh_e2e_test.cc and (proxy mode, our
// own api/http/openapi.json) tests/e2e/contract_e2e_test.cc.

#include <sys/types.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sky/providers/http_client.h"
#include "sky/types/mutex.h"
#include "sky/types/result.h"

namespace sky::providers::prism {

class PrismServer {
 public:
  // tests/node_modules/.bin/prism under the source tree.
  static std::string BinaryPath();

  // Starts `prism mock -h 127.0.0.1 -p <free port> --errors [extra...] <spec>` in its own
  // process group and waits (up to 90 s) until it accepts connections. Unavailable when
  // Prism exits or does not come up; the message holds the end of its log.
  static Result<std::unique_ptr<PrismServer>> Start(const std::string& spec_path,
                                                    const std::vector<std::string>& extra = {});

  // Starts `prism proxy -h 127.0.0.1 -p <free port> --errors [extra...] <spec> <upstream>`
  // likewise: each request is checked against `spec` and forwarded to `upstream`
  // ("http://127.0.0.1:8080"), and each response checked on its way back. A response that
  // breaks the spec becomes Prism's 500 (type .../prism/errors#VIOLATIONS); a request that
  // does is answered by Prism (422, or 401 without the declared credentials) and never
  // forwarded; either way the `sl-violations` header says what was wrong.
  static Result<std::unique_ptr<PrismServer>> StartProxy(
      const std::string& spec_path, const std::string& upstream,
      const std::vector<std::string>& extra = {});

  // Stops the whole process group (SIGTERM, then SIGKILL) and reaps it.
  ~PrismServer();
  PrismServer(const PrismServer&) = delete;
  PrismServer& operator=(const PrismServer&) = delete;

  int port() const { return port_; }
  // "http://127.0.0.1:<port>".
  std::string BaseUrl() const;
  // The last `bytes` of Prism's combined output.
  std::string LogTail(size_t bytes = 2000) const;

 private:
  PrismServer(pid_t pid, int port, std::string log_path)
      : pid_(pid), port_(port), log_path_(std::move(log_path)) {}
  // Runs prism with `args` (after the binary; "{port}" replaced by a free port) and waits
  // until it listens.
  static Result<std::unique_ptr<PrismServer>> Launch(std::vector<std::string> args);

  const pid_t pid_;
  const int port_;
  const std::string log_path_;
};

// Copies the OpenAPI document `in` to `out` without the schema `example` values that
// contradict their own schema's type (a null for a non-nullable string, "0.74" for a
// number). `prism mock --errors` serves such examples and then rejects its own response, so
// a spec with them cannot be mocked with response validation on. Schemas and request
// validation are untouched. Returns the JSON pointers of the dropped examples.
Result<std::vector<std::string>> WriteSpecWithoutContradictoryExamples(const std::string& in,
                                                                       const std::string& out);

// Forwards to an inner client. Adds `Prefer: code=<N>` while a code is forced, and records
// each `sl-violations` header and each Prism-generated error (a problem body whose type is
// https://stoplight.io/prism/errors#...): a request or response that breaks the spec.
// Thread-safe when the inner client is.
class PrismCheckingClient final : public HttpClient {
 public:
  explicit PrismCheckingClient(std::unique_ptr<HttpClient> inner) : inner_(std::move(inner)) {}

  Result<HttpResponse> Send(const HttpRequest& request) override;

  // Every later request with this `method` ("" for any) asks Prism for status `code`;
  // code 0 stops forcing.
  void ForceCode(int code, std::string method = "");
  // "METHOD URL: what Prism said", one per offending exchange; Take also forgets them.
  std::vector<std::string> violations() const;
  std::vector<std::string> TakeViolations();
  int requests() const;

 private:
  const std::unique_ptr<HttpClient> inner_;
  mutable Mutex mu_;
  int forced_code_ SKY_GUARDED_BY(mu_) = 0;
  std::string forced_method_ SKY_GUARDED_BY(mu_);
  int requests_ SKY_GUARDED_BY(mu_) = 0;
  std::vector<std::string> violations_ SKY_GUARDED_BY(mu_);
};

}  // namespace sky::providers::prism
