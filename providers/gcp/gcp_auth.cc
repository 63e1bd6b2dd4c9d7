#include "providers/gcp/gcp_auth.h"

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>

#include "providers/gcp/gcp_names.h"
#include "providers/gcp/jwt.h"
#include "providers/http/redact.h"

namespace sky::providers::gcp {
namespace {

using nlohmann::json;

constexpr std::string_view kDefaultTokenUri = "https://oauth2.googleapis.com/token";
constexpr std::string_view kJwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";

std::string StringField(const json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Maps a token endpoint error (RFC 6749 section 5.2 body) to a Status.
Status TokenError(const HttpResponse& response) {
  const json body = json::parse(response.body, nullptr, false);
  std::string detail;
  if (body.is_object()) {
    detail = StringField(body, "error");
    const std::string description = StringField(body, "error_description");
    if (!description.empty()) detail += ": " + description;
  }
  const std::string message = "GCP token endpoint answered HTTP " +
                              std::to_string(response.status) +
                              (detail.empty() ? "" : " (" + RedactText(detail) + ")");
  if (response.status == 400 || response.status == 401) return Status::Unauthenticated(message);
  if (response.status == 429) return Status::Unavailable(message).WithReason("throttled");
  return StatusForHttpError(response.status, message);
}

}  // namespace

Result<ServiceAccountKey> ParseServiceAccountKey(std::string_view json_text) {
  const json doc = json::parse(json_text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::InvalidArgument("service-account key file is not a JSON object");
  }
  const std::string type = StringField(doc, "type");
  if (type != "service_account") {
    return Status::InvalidArgument("key file type is \"" + type +
                                   "\", expected \"service_account\"");
  }
  ServiceAccountKey key;
  key.project_id = StringField(doc, "project_id");
  key.private_key_id = StringField(doc, "private_key_id");
  key.private_key = StringField(doc, "private_key");
  key.client_email = StringField(doc, "client_email");
  key.token_uri = StringField(doc, "token_uri");
  if (key.token_uri.empty()) key.token_uri = std::string(kDefaultTokenUri);
  if (key.client_email.empty()) return Status::InvalidArgument("key file has no client_email");
  if (key.private_key.empty()) return Status::InvalidArgument("key file has no private_key");
  return key;
}

Result<ServiceAccountKey> LoadServiceAccountKey(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read service-account key file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  auto key = ParseServiceAccountKey(text.str());
  if (!key.ok()) return key.status().WithPrefix(path);
  return key;
}

Result<ServiceAccountKey> LoadDefaultServiceAccountKey(const auth::EnvLookup& env) {
  const std::optional<std::string> path = env("GOOGLE_APPLICATION_CREDENTIALS");
  if (!path || path->empty()) {
    return Status::Unauthenticated("no GCP credentials: GOOGLE_APPLICATION_CREDENTIALS is not set");
  }
  return LoadServiceAccountKey(*path);
}

GcpAuth::GcpAuth(ServiceAccountKey key, const std::string& token_uri, HttpClient& http,
                 const Clock& clock, double refresh_margin_seconds)
    : key_(std::move(key)),
      token_uri_(token_uri.empty() ? key_.token_uri : token_uri),
      http_(http),
      clock_(clock),
      refresh_margin_seconds_(refresh_margin_seconds) {}

Result<std::string> GcpAuth::AccessToken() {
  {
    MutexLock lock(mu_);
    if (cached_ && clock_.NowSeconds() < cached_->expires_at - refresh_margin_seconds_) {
      return cached_->token;
    }
  }
  SKY_ASSIGN_OR_RETURN(Cached fresh, Fetch());
  MutexLock lock(mu_);
  ++fetch_count_;
  cached_ = fresh;
  return fresh.token;
}

Result<std::string> GcpAuth::AuthorizationHeader() {
  SKY_ASSIGN_OR_RETURN(std::string token, AccessToken());
  return "Bearer " + token;
}

void GcpAuth::Invalidate() {
  MutexLock lock(mu_);
  cached_.reset();
}

int GcpAuth::fetch_count() const {
  MutexLock lock(mu_);
  return fetch_count_;
}

Result<GcpAuth::Cached> GcpAuth::Fetch() {
  const JwtClaims claims = ComputeScopeClaims(key_.client_email, token_uri_, clock_);
  SKY_ASSIGN_OR_RETURN(std::string assertion,
                       MakeSignedJwt(claims, key_.private_key_id, key_.private_key));
  HttpRequest request;
  request.method = "POST";
  request.url = token_uri_;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  request.body =
      "grant_type=" + PercentEncode(kJwtBearerGrant) + "&assertion=" + PercentEncode(assertion);
  request.idempotent = true;  // a token request has no side effect
  SKY_ASSIGN_OR_RETURN(HttpResponse response, http_.Send(request));
  if (response.status != 200) return TokenError(response);
  const json body = json::parse(response.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || StringField(body, "access_token").empty()) {
    return Status::Internal("GCP token response has no access_token");
  }
  Cached cached;
  cached.token = StringField(body, "access_token");
  const auto expires_in = body.find("expires_in");
  const double lifetime = expires_in != body.end() && expires_in->is_number()
                              ? expires_in->get<double>()
                              : static_cast<double>(kJwtLifetimeSeconds);
  cached.expires_at = clock_.NowSeconds() + lifetime;
  return cached;
}

}  // namespace sky::providers::gcp
