#include "api/http/http_server.h"

#include <arpa/inet.h>
#include <cpprest/http_listener.h>
#include <cpprest/producerconsumerstream.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <pplx/threadpool.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iterator>
#include <list>
#include <optional>
#include <system_error>
#include <thread>

#include "api/http/request_reader.h"
#include "sky/types/ascii.h"
#include "sky/types/mutex.h"

namespace sky::api {
namespace {

namespace http = web::http;
namespace ssl = boost::asio::ssl;
using web::http::experimental::listener::http_listener;
using web::http::experimental::listener::http_listener_config;
using ByteBuffer = concurrency::streams::producer_consumer_buffer<uint8_t>;
using SteadyClock = std::chrono::steady_clock;

// Asks the kernel for a free loopback port (cpprestsdk cannot report the port it bound).
Result<int> FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return Status::Unavailable("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  if (port <= 0) return Status::Unavailable("no free port");
  return port;
}

// The request without its body, which is read asynchronously.
HttpRequest Convert(const http::http_request& req) {
  HttpRequest out;
  out.method = req.method();
  out.path = req.request_uri().path();
  for (const auto& [k, v] : web::uri::split_query(req.request_uri().query())) {
    out.query[PercentDecode(k, true)] = PercentDecode(v, true);
  }
  for (const auto& [k, v] : req.headers()) {
    out.headers[AsciiLower(k)] = v;
  }
  out.remote_address = req.remote_address();
  return out;
}

double SecondsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// Moves the body out of `r` (a copy per request shows in profiles).
http::http_response ToCpprest(HttpResponse& r) {
  http::http_response resp(static_cast<http::status_code>(r.status));
  resp.set_body(std::move(r.body), r.content_type);
  for (const auto& [k, v] : r.headers) resp.headers().add(k, v);
  return resp;
}

// The PEM text of a TLS file; InvalidArgument naming the flag and file when unreadable.
Result<std::string> ReadPem(const std::string& flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text;
  if (in) text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (text.empty()) return Status::InvalidArgument(flag + ": cannot read " + path);
  return text;
}

// TLS 1.2 or later with the given chain and key. Throws boost::system::system_error.
void ConfigureTls(ssl::context& ctx, const std::string& cert_pem, const std::string& key_pem) {
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                  ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                  ssl::context::single_dh_use);
  ctx.use_certificate_chain(boost::asio::buffer(cert_pem));
  ctx.use_private_key(boost::asio::buffer(key_pem), ssl::context::pem);
}

// Loads both files once and tries them in a context, so that a bad file fails `serve` at
// start rather than every handshake later.
Status CheckTls(const ServerOptions& options, std::string& cert_pem, std::string& key_pem) {
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return Status::InvalidArgument("--tls-cert and --tls-key go together");
  }
  SKY_ASSIGN_OR_RETURN(cert_pem, ReadPem("--tls-cert", options.tls_cert_file));
  SKY_ASSIGN_OR_RETURN(key_pem, ReadPem("--tls-key", options.tls_key_file));
  ssl::context ctx(ssl::context::tls_server);
  try {
    ctx.use_certificate_chain(boost::asio::buffer(cert_pem));
  } catch (const std::exception& e) {
    return Status::InvalidArgument("--tls-cert: " + options.tls_cert_file +
                                   " is not a PEM certificate chain (" + e.what() + ")");
  }
  try {
    ctx.use_private_key(boost::asio::buffer(key_pem), ssl::context::pem);
  } catch (const std::exception& e) {
    return Status::InvalidArgument("--tls-key: " + options.tls_key_file +
                                   " is not a PEM private key (" + e.what() + ")");
  }
  if (SSL_CTX_check_private_key(ctx.native_handle()) != 1) {
    return Status::InvalidArgument("--tls-key: " + options.tls_key_file +
                                   " does not match the certificate in " + options.tls_cert_file);
  }
  return Status::Ok();
}

// `sent` with its failure (the client went away) observed, which pplx would otherwise report
// as an unobserved exception.
pplx::task<void> Observed(const pplx::task<void>& sent) {
  return sent.then([](const pplx::task<void>& t) {
    try {
      t.wait();
    } catch (const std::exception&) {
    }
  });
}

// Sizes cpprestsdk's process-wide pool, unless something in this process already started it
// (a server started earlier): then it keeps its size. Its default of 40 threads makes p99
// latency several times worse on a small machine, as they all contend for the cores.
void SizeThreadPool(int threads) {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const size_t size = threads > 0 ? static_cast<size_t>(threads) : std::max(4u, 2 * cores);
  try {
    crossplat::threadpool::initialize_with_threads(size);
  } catch (const std::exception&) {
    // Already initialized.
  }
}

// Sends `chunk` to the client at once (sync releases the reader's pending getn). False when
// the buffer refused it.
bool WriteChunk(ByteBuffer& buffer, const std::string& chunk) {
  try {
    buffer.putn_nocopy(reinterpret_cast<const uint8_t*>(chunk.data()), chunk.size()).wait();
    buffer.sync().wait();
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

// The producer's next chunk; a throwing producer ends its stream.
bool Produce(const std::function<bool(std::string&)>& stream, std::string& chunk) {
  try {
    return stream(chunk);
  } catch (const std::exception&) {
    chunk.clear();
    return false;
  }
}

class CpprestServer final : public HttpServer {
 public:
  CpprestServer(const ServerOptions& options, const Router& router, int port,
                const http_listener_config& config)
      : options_(options),
        router_(router),
        port_(port),
        listener_((options.tls_cert_file.empty() ? "http://" : "https://") + options.host + ":" +
                      std::to_string(port),
                  config) {}

  Status Open() {
    listener_.support([this](const http::http_request& req) { Handle(req); });
    try {
      listener_.open().wait();
    } catch (const std::exception& e) {
      return Status::Unavailable("cannot listen on " + options_.host + ":" + std::to_string(port_) +
                                 ": " + e.what());
    }
    return Status::Ok();
  }

  int port() const override { return port_; }
  void Stop() override {
    EndStreams();
    try {
      listener_.close().wait();
    } catch (const std::exception&) {
      // Already closed.
    }
    // Requests still being handled run continuations that use `this`: wait for them.
    MutexLock lock(idle_mu_);
    idle_.WaitFor(lock, std::chrono::seconds(30), [this] {
      idle_mu_.AssertHeld();  // the wait calls this with idle_mu_ held
      return in_flight_ == 0;
    });
  }

 private:
  // Reads the body asynchronously, then dispatches in the read's continuation. Blocking on
  // the read instead (.get()) deadlocks under load: the read completes on the same thread
  // pool, and with as many requests as pool threads every thread waits for good. The input
  // limits (api/api_limits.h) are checked here, before any handler or the auth layer runs.
  void Handle(http::http_request req) {
    const auto start = SteadyClock::now();
    {
      MutexLock lock(idle_mu_);
      ++in_flight_;
    }
    auto request = std::make_shared<HttpRequest>();
    bool upload = false;
    std::optional<HttpResponse> long_query;
    pplx::task<BodyRead> body;
    try {
      *request = Convert(req);
      long_query = RefuseLongQuery(req, options_.limits);
      upload = options_.upload_paths.count(request->path) > 0;
      // Read (or drain) even a refused request's body: what is left unread, cpprestsdk buffers.
      body = ReadBoundedBody(req, long_query ? 0
                                  : upload   ? options_.limits.max_upload_bytes
                                             : options_.limits.max_body_bytes);
    } catch (const std::exception& e) {
      return Finish(req, *request, ErrorResponse(400, "bad_request", e.what()), start, true);
    }
    body.then(
        [this, req, request, upload, long_query, start](const pplx::task<BodyRead>& read) mutable {
          std::optional<HttpResponse> refused = std::move(long_query);
          HttpResponse response;
          try {
            BodyRead got = read.get();  // ready: this runs once the read is done
            if (!refused) refused = RefuseBody(got, upload, options_.limits);
            if (!refused) {
              request->body = std::move(got.text);
              response = router_.Dispatch(*request);
            }
          } catch (const std::exception& e) {
            refused = ErrorResponse(400, "bad_request", e.what());
          }
          if (refused) return Finish(req, *request, std::move(*refused), start, true);
          Finish(req, *request, std::move(response), start);
        });
  }

  // Sends `response` (or starts its stream) without waiting for the send, reports it, and
  // ends the request's in-flight count. `refused`: answered by the server, not the router.
  void Finish(http::http_request& req, const HttpRequest& request, HttpResponse response,
              SteadyClock::time_point start, bool refused = false) {
    // The access log of routed requests is written by the auth layer (api/auth.h), which
    // knows the tenant, before the reply goes out; of the others, by on_refused, likewise.
    if (refused && options_.on_refused) options_.on_refused(request, response, SecondsSince(start));
    if (response.stream && !StartStream(req, response)) response = TooManyStreams();
    if (!response.stream) {
      try {
        Observed(req.reply(ToCpprest(response)));
      } catch (const std::exception&) {
        // The client went away; nothing to answer.
      }
    }
    if (options_.on_response) options_.on_response(request, response.status, SecondsSince(start));
    MutexLock lock(idle_mu_);
    if (--in_flight_ == 0) idle_.NotifyAll();
  }

  HttpResponse TooManyStreams() const {
    return JsonReply(Status::Unavailable("the server already serves its limit of " +
                                         std::to_string(options_.max_streams) +
                                         " event streams (--max-streams); try again later"));
  }

  // Replies with the stream's headers and hands its body to a pump thread; false (nothing
  // sent) at the --max-streams limit or while stopping.
  bool StartStream(http::http_request& req, HttpResponse& response) {
    MutexLock lock(streams_mu_);
    ReapStreams();
    if (stopping_ || streams_.size() >= static_cast<size_t>(std::max(0, options_.max_streams))) {
      return false;
    }
    ByteBuffer buffer;
    http::http_response head(static_cast<http::status_code>(response.status));
    for (const auto& [k, v] : response.headers) head.headers().add(k, v);
    head.set_body(buffer.create_istream(), response.content_type);  // no length: chunked
    // Its completion tells the pump to stop.
    pplx::task<void> sent = Observed(req.reply(head));
    Stream& stream = streams_.emplace_back();
    try {
      stream.thread = std::thread([this, &stream, buffer, sent, first = std::move(response.body),
                                   produce = response.stream]() mutable {
        Pump(buffer, sent, std::move(first), produce);
        stream.done = true;
      });
    } catch (const std::system_error&) {  // no thread to spare: end the body at once
      streams_.pop_back();
      buffer.close(std::ios_base::out).wait();
    }
    return true;
  }

  // Sends `first`, then the producer's chunks, until it ends, the client leaves or the
  // server stops; then closes the body, which ends the chunked response.
  void Pump(ByteBuffer buffer, const pplx::task<void>& sent, std::string first,
            const std::function<bool(std::string&)>& produce) {
    std::string chunk = std::move(first);
    bool more = true;
    while ((chunk.empty() || WriteChunk(buffer, chunk)) && more && !stopping_ && !sent.is_done()) {
      more = Produce(produce, chunk);
    }
    try {
      buffer.close(std::ios_base::out).wait();
    } catch (const std::exception&) {
      // Already closed.
    }
  }

  // Joins the pumps that finished.
  void ReapStreams() SKY_REQUIRES(streams_mu_) {
    for (auto it = streams_.begin(); it != streams_.end();) {
      if (!it->done) {
        ++it;
        continue;
      }
      it->thread.join();
      it = streams_.erase(it);
    }
  }

  // Stops new streams and joins the running ones (each ends within one producer call), so
  // that the listener's close, which waits for every connection, does not wait for them.
  void EndStreams() {
    std::list<Stream> running;
    {
      MutexLock lock(streams_mu_);
      stopping_ = true;
      running.swap(streams_);
    }
    for (Stream& s : running) s.thread.join();
  }

  ServerOptions options_;
  const Router& router_;
  int port_;
  http_listener listener_;
  // One streaming response: its pump thread, and whether the pump has returned.
  struct Stream {
    std::thread thread;
    std::atomic<bool> done{false};
  };
  Mutex streams_mu_;
  std::list<Stream> streams_ SKY_GUARDED_BY(streams_mu_);  // list: pumps hold their node
  std::atomic<bool> stopping_{false};
  Mutex idle_mu_;
  CondVar idle_;                                // in_flight_ dropped to 0
  int in_flight_ SKY_GUARDED_BY(idle_mu_) = 0;  // requests between Handle and Finish
};

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const ServerOptions& options,
                                                      const Router& router) {
  int port = options.port;
  if (port == 0) {
    SKY_ASSIGN_OR_RETURN(port, FreePort());
  }
  http_listener_config config;
  if (!options.tls_cert_file.empty() || !options.tls_key_file.empty()) {
    std::string cert_pem, key_pem;
    SKY_RETURN_IF_ERROR(CheckTls(options, cert_pem, key_pem));
    config.set_ssl_context_callback([cert_pem, key_pem](ssl::context& ctx) {
      try {
        ConfigureTls(ctx, cert_pem, key_pem);
      } catch (const std::exception&) {
        // Checked at start; should it fail now, the handshake fails, not the server.
      }
    });
  }
  SizeThreadPool(options.threads);
  auto server = std::make_unique<CpprestServer>(options, router, port, config);
  SKY_RETURN_IF_ERROR(server->Open());
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace sky::api
