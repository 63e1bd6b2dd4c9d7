#include "providers/rest/bearer_json_client.h"

#include <utility>

namespace sky::providers::rest {

BearerJsonClient::BearerJsonClient(std::unique_ptr<HttpClient> http, std::string api_key,
                                   std::string accept, ErrorMapper map_error)
    : http_(std::move(http)),
      api_key_(std::move(api_key)),
      accept_(std::move(accept)),
      map_error_(map_error) {}

Result<HttpResponse> BearerJsonClient::Call(const std::string& method, const std::string& url,
                                            std::string body) const {
  HttpRequest request;
  request.method = method;
  request.url = url;
  request.headers = {{"Authorization", "Bearer " + api_key_}, {"Accept", accept_}};
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  request.body = std::move(body);
  // Reads and deletes by id are safe to repeat; creations are not (see the header).
  request.idempotent = method == "GET" || method == "DELETE";
  SKY_ASSIGN_OR_RETURN(HttpResponse response, http_->Send(request));
  if (response.status >= 300) return map_error_(response.status, response.body);
  return response;
}

}  // namespace sky::providers::rest
