#include "sky/providers/http/curl_http_client.h"

#include <curl/curl.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "providers/http/redact.h"

namespace sky::providers {
namespace {

struct CurlEasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

struct CurlListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlList = std::unique_ptr<curl_slist, CurlListDeleter>;

// What the write and header callbacks fill in.
struct Transfer {
  HttpResponse response;
  size_t max_bytes = 0;
  bool too_large = false;
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  if (transfer->response.body.size() + bytes > transfer->max_bytes) {
    transfer->too_large = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  transfer->response.body.append(data, bytes);
  return bytes;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  std::string_view line = Trim(std::string_view(data, bytes));
  // A status line starts a new header block (after a 100 Continue, for instance).
  if (line.rfind("HTTP/", 0) == 0) {
    transfer->response.headers.clear();
    return bytes;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return bytes;
  transfer->response.headers.emplace_back(std::string(Trim(line.substr(0, colon))),
                                          std::string(Trim(line.substr(colon + 1))));
  return bytes;
}

Status MapCurlError(CURLcode code, const char* error_buffer, const std::string& what) {
  std::string message =
      RedactText(what + ": " + (error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code)));
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return Status::DeadlineExceeded(std::move(message));
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return Status::Unavailable(std::move(message));
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return Status::InvalidArgument(std::move(message));
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
      return Status::FailedPrecondition(std::move(message));
    default:
      return Status::Internal(std::move(message));
  }
}

// Builds the header list; rejects CR/LF in names or values (header injection).
Result<CurlList> BuildHeaderList(const HttpHeaders& headers) {
  CurlList list;
  auto append = [&list](const std::string& line) {
    curl_slist* grown = curl_slist_append(list.get(), line.c_str());
    if (grown == nullptr) return false;
    static_cast<void>(list.release());
    list.reset(grown);
    return true;
  };
  for (const auto& [name, value] : headers) {
    if (name.empty() || name.find_first_of("\r\n:") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos) {
      return Status::InvalidArgument("header " + RedactText(name) + " holds CR, LF or ':'");
    }
    // "Name;" is how curl sends a header with an empty value.
    if (!append(value.empty() ? name + ";" : name + ": " + value)) {
      return Status::Internal("out of memory building headers");
    }
  }
  // curl would otherwise wait for "100 Continue" before sending larger bodies.
  if (FindHeader(headers, "Expect") == nullptr && !append("Expect:")) {
    return Status::Internal("out of memory building headers");
  }
  return list;
}

void SetMethodAndBody(CURL* curl, const HttpRequest& request) {
  if (request.method == "GET" && request.body.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    return;
  }
  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    return;
  }
  const bool has_body = !request.body.empty() || request.method == "POST" ||
                        request.method == "PUT" || request.method == "PATCH";
  if (has_body) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
  }
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
}

void SetTransportOptions(CURL* curl, const CurlHttpClientOptions& options) {
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options.total_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options.ca_file.c_str());
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
}

// Sets every option of one transfer; `headers`, `transfer` and `error_buffer` must outlive
// curl_easy_perform. Returns false when curl rejects the URL.
bool Configure(CURL* handle, const HttpRequest& request, const CurlHttpClientOptions& options,
               curl_slist* headers, Transfer* transfer, char* error_buffer) {
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
  if (curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str()) != CURLE_OK) return false;
  SetTransportOptions(handle, options);
  SetMethodAndBody(handle, request);
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
  if (FindHeader(request.headers, "User-Agent") == nullptr) {
    curl_easy_setopt(handle, CURLOPT_USERAGENT, options.user_agent.c_str());
  }
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, transfer);
  curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(handle, CURLOPT_HEADERDATA, transfer);
  return true;
}

}  // namespace

CurlHttpClient::CurlHttpClient(CurlHttpClientOptions options) : options_(std::move(options)) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Result<HttpResponse> CurlHttpClient::Send(const HttpRequest& request) {
  const std::string what = request.method + " " + RedactUrl(request.url);
  CurlEasy curl(curl_easy_init());
  if (!curl) return Status::Internal(what + ": curl_easy_init failed");
  SKY_ASSIGN_OR_RETURN(CurlList header_list, BuildHeaderList(request.headers));
  char error_buffer[CURL_ERROR_SIZE] = {};
  Transfer transfer;
  transfer.max_bytes = options_.max_response_bytes;
  if (!Configure(curl.get(), request, options_, header_list.get(), &transfer, error_buffer)) {
    return Status::InvalidArgument(what + ": URL rejected");
  }

  const auto started = std::chrono::steady_clock::now();
  const CURLcode code = curl_easy_perform(curl.get());
  const std::string took = std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                              std::chrono::steady_clock::now() - started)
                                              .count()) +
                           " ms";
  if (transfer.too_large) {
    return Status::Internal(what + ": response body larger than " +
                            std::to_string(options_.max_response_bytes) + " bytes");
  }
  if (code != CURLE_OK) {
    Status status = MapCurlError(code, error_buffer, what);
    if (options_.log) options_.log(what + " failed after " + took + ": " + status.ToString());
    return status;
  }
  long http_status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &http_status);
  transfer.response.status = static_cast<int>(http_status);
  if (options_.log) options_.log(what + " -> " + std::to_string(http_status) + " (" + took + ")");
  return std::move(transfer.response);
}

}  // namespace sky::providers
