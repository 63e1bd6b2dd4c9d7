// The dashboard's static files (paths confined to `web_dir`: no ".."), and the API's OpenAPI
// document.
#include <fstream>
#include <sstream>

#include "api/handlers/handlers.h"

namespace sky::api {
namespace {

std::string ContentType(const std::string& path) {
  auto ends = [&](const char* ext) {
    const std::string e(ext);
    return path.size() >= e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".json")) return "application/json";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  return "application/octet-stream";
}

// The file at `path` as the body; NotFound naming `shown` when it cannot be read.
HttpResponse FileReply(const std::string& path, const std::string& shown) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return JsonReply(Status::NotFound("no file " + shown));
  std::stringstream buf;
  buf << in.rdbuf();
  HttpResponse r;
  r.content_type = ContentType(path);
  r.body = buf.str();
  r.headers["Cache-Control"] = "no-cache";
  return r;
}

HttpResponse ServeFile(const std::string& web_dir, std::string rel) {
  if (rel.empty()) rel = "index.html";
  if (rel.find("..") != std::string::npos) return JsonReply(Status::NotFound("no file " + rel));
  return FileReply(web_dir + "/" + rel, rel);
}

}  // namespace

void AddStaticRoutes(Router& router, const std::string& web_dir, const std::string& examples_dir) {
  router.Add("GET", "/", [web_dir](const HttpRequest&, const auto&) {
    return ServeFile(web_dir, "index.html");
  });
  router.Add("GET", "/web/*", [web_dir](const HttpRequest&, const auto& params) {
    return ServeFile(web_dir, params[0]);
  });
  router.Add("GET", "/examples/*", [examples_dir](const HttpRequest&, const auto& params) {
    return ServeFile(examples_dir, params[0]);
  });
}

void AddOpenApiRoute(Router& router, const std::string& document_path) {
  // Read per request, like the dashboard's files: an edited document is served at once.
  router.Add("GET", "/openapi.json", [document_path](const HttpRequest&, const auto&) {
    return FileReply(document_path, "openapi.json");
  });
}

}  // namespace sky::api
