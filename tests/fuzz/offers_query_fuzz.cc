// Fuzz target: the query string of GET /v1/offers and GET /v1/offers/{id}/history, through
// the real routes (AddCatalogRoutes) over a small in-memory catalog (the bundled Lambda and
// AWS files). An input starting with '/' is "PATH?QUERY" (the path is routed too); any other
// input is the query of /v1/offers, and also of the history of one AWS spot offer. The query
// is split as cpprestsdk's uri::split_query does (pairs on '&', pairs without '=' dropped, a
// later key wins) and decoded with the server's PercentDecode. A 5xx answer means a handler
// threw or failed on user input, and aborts; a next_cursor in the answer is followed once.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "api/app.h"
#include "api/handlers/handlers.h"
#include "api/http/router.h"

namespace {

using sky::api::HttpRequest;
using sky::api::HttpResponse;

struct Fixture {
  std::unique_ptr<sky::api::App> app;
  sky::api::Router router;
  std::string history_path;  // /v1/offers/<an AWS spot offer with price points>/history
};

// The id as one path segment ('/' in offer ids becomes %2F).
std::string Segment(const std::string& id) {
  std::string out;
  for (char c : id) out += c == '/' ? std::string("%2F") : std::string(1, c);
  return out;
}

Fixture& GetFixture() {
  static Fixture* fixture = [] {
    auto* f = new Fixture;
    const std::string source_dir = SKY_SOURCE_DIR;
    const std::string data = source_dir + "/data/catalog/";
    sky::api::FlagSpec spec;
    sky::api::AddCommonFlags(spec);
    auto args = sky::api::CliArgs::Parse(
        {"--db", ":memory:", "--data-dir", source_dir + "/data", "--catalog",
         data + "lambda/vms.csv", data + "aws/aws_gpu_prices_by_region.csv",
         data + "aws/prices_2022-05.tsv"},
        spec);
    std::ostringstream log;
    auto app = args.ok() ? sky::api::App::Open(*args, log) : args.status();
    if (!app.ok()) {
      std::fprintf(stderr, "cannot open the catalog: %s\n", app.status().ToString().c_str());
      std::abort();
    }
    f->app = std::move(app).value();
    sky::api::AddCatalogRoutes(f->router, *f->app);
    for (const auto& offer : f->app->catalog().Snapshot()->offers()) {
      if (offer.provider == "aws" && offer.market == sky::Market::kSpot) {
        f->history_path = "/v1/offers/" + Segment(offer.id) + "/history";
        break;
      }
    }
    return f;
  }();
  return *fixture;
}

std::map<std::string, std::string> SplitQuery(const std::string& query) {
  std::map<std::string, std::string> out;
  size_t begin = 0;
  while (begin <= query.size()) {
    size_t end = query.find('&', begin);
    if (end == std::string::npos) end = query.size();
    const std::string pair = query.substr(begin, end - begin);
    const size_t eq = pair.find('=');
    if (eq != std::string::npos) {
      out[sky::PercentDecode(pair.substr(0, eq), true)] =
          sky::PercentDecode(pair.substr(eq + 1), true);
    }
    begin = end + 1;
  }
  return out;
}

HttpResponse Get(const std::string& path, std::map<std::string, std::string> query) {
  HttpRequest request;
  request.method = "GET";
  request.path = path;
  request.query = std::move(query);
  HttpResponse response = GetFixture().router.Dispatch(request);
  if (response.status >= 500) {
    std::fprintf(stderr, "GET %s answered %d: %s\n", path.c_str(), response.status,
                 response.body.c_str());
    std::abort();
  }
  return response;
}

// Follows the next_cursor of a 200 answer once, with the same query.
void FollowCursor(const std::string& path, std::map<std::string, std::string> query,
                  const HttpResponse& response) {
  if (response.status != 200) return;
  const auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return;
  const auto cursor = body.find("next_cursor");
  if (cursor == body.end() || !cursor->is_string()) return;
  query["cursor"] = cursor->get<std::string>();
  Get(path, std::move(query));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  if (!input.empty() && input[0] == '/') {
    const size_t mark = input.find('?');
    const std::string path = input.substr(0, mark);
    const auto query = SplitQuery(mark == std::string::npos ? "" : input.substr(mark + 1));
    FollowCursor(path, query, Get(path, query));
    return 0;
  }
  const auto query = SplitQuery(input);
  FollowCursor("/v1/offers", query, Get("/v1/offers", query));
  if (!GetFixture().history_path.empty()) Get(GetFixture().history_path, query);
  return 0;
}
