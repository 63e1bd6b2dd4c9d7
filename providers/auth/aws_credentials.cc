#include "sky/providers/auth/aws_credentials.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <utility>

#include "sky/types/ascii.h"

namespace sky::providers::auth {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::optional<std::string> NonEmpty(const EnvLookup& env, const char* name) {
  std::optional<std::string> value = env(name);
  if (!value || value->empty()) return std::nullopt;
  return value;
}

// Checks that a key id and a secret come together; `where` names their origin.
Status CheckPair(const AwsCredentials& creds, const std::string& where) {
  if (creds.access_key_id.empty() != creds.secret_access_key.empty()) {
    return Status::InvalidArgument(where + " has " +
                                   (creds.access_key_id.empty() ? "a secret access key but no "
                                                                  "access key id"
                                                                : "an access key id but no "
                                                                  "secret access key"));
  }
  return Status::Ok();
}

Result<std::optional<AwsCredentials>> FromEnvironment(const EnvLookup& env) {
  AwsCredentials creds;
  creds.access_key_id = NonEmpty(env, "AWS_ACCESS_KEY_ID").value_or("");
  creds.secret_access_key = NonEmpty(env, "AWS_SECRET_ACCESS_KEY").value_or("");
  SKY_RETURN_IF_ERROR(CheckPair(creds, "the environment"));
  if (creds.access_key_id.empty()) return std::optional<AwsCredentials>();
  creds.session_token = NonEmpty(env, "AWS_SESSION_TOKEN").value_or("");
  creds.source = "environment";
  return std::optional<AwsCredentials>(std::move(creds));
}

// AWS_SHARED_CREDENTIALS_FILE (with ~ expanded) or $HOME/.aws/credentials; empty if neither.
std::string CredentialsPath(const EnvLookup& env) {
  const std::string home = NonEmpty(env, "HOME").value_or("");
  if (std::optional<std::string> path = NonEmpty(env, "AWS_SHARED_CREDENTIALS_FILE")) {
    if (path->rfind("~/", 0) == 0 && !home.empty()) return home + path->substr(1);
    return *path;
  }
  return home.empty() ? "" : home + "/.aws/credentials";
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Stores one `key = value` line of the selected profile.
void ApplyKey(AwsCredentials& creds, std::string_view key, std::string_view value) {
  const std::string name = AsciiLower(key);
  if (name == "aws_access_key_id") creds.access_key_id = std::string(value);
  if (name == "aws_secret_access_key") creds.secret_access_key = std::string(value);
  if (name == "aws_session_token" || name == "aws_security_token") {
    creds.session_token = std::string(value);
  }
}

}  // namespace

std::string AwsCredentials::ToString() const {
  return "AWS credentials from " + (source.empty() ? std::string("an unnamed source") : source) +
         (session_token.empty() ? "" : " (temporary)");
}

std::optional<std::string> ProcessEnv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

Result<AwsCredentials> ParseAwsCredentialsFile(std::string_view text, std::string_view profile,
                                               std::string_view source) {
  AwsCredentials creds;
  bool found = false, in_profile = false;
  std::istringstream lines{std::string(text)};
  for (std::string raw; std::getline(lines, raw);) {
    std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      std::string_view name = Trim(line.substr(1, line.size() - 2));
      if (name.rfind("profile ", 0) == 0) name = Trim(name.substr(8));
      in_profile = name == profile;
      found = found || in_profile;
      continue;
    }
    const size_t eq = line.find('=');
    if (!in_profile || eq == std::string_view::npos) continue;
    ApplyKey(creds, Trim(line.substr(0, eq)), Trim(line.substr(eq + 1)));
  }
  const std::string where = "profile " + std::string(profile) + " in " + std::string(source);
  if (!found) return Status::NotFound(where + " does not exist");
  SKY_RETURN_IF_ERROR(CheckPair(creds, where));
  if (creds.access_key_id.empty()) return Status::NotFound(where + " has no aws_access_key_id");
  creds.source = where;
  return creds;
}

Result<AwsCredentials> LoadAwsCredentials(const EnvLookup& env) {
  SKY_ASSIGN_OR_RETURN(std::optional<AwsCredentials> from_env, FromEnvironment(env));
  if (from_env) return std::move(*from_env);
  const std::string profile = NonEmpty(env, "AWS_PROFILE").value_or("default");
  const std::string path = CredentialsPath(env);
  const std::string looked = "AWS_ACCESS_KEY_ID is unset and ";
  if (path.empty()) {
    return Status::Unauthenticated(looked +
                                   "neither HOME nor "
                                   "AWS_SHARED_CREDENTIALS_FILE is set");
  }
  std::optional<std::string> text = ReadFile(path);
  if (!text) return Status::Unauthenticated(looked + path + " cannot be read");
  Result<AwsCredentials> parsed = ParseAwsCredentialsFile(*text, profile, path);
  if (parsed.status().IsNotFound()) {
    return Status::Unauthenticated(looked + parsed.status().message());
  }
  return parsed;
}

}  // namespace sky::providers::auth
