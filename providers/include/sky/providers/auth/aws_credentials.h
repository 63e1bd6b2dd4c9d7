#pragma once
// AWS credentials from the standard places, in the AWS CLI's order: the environment
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), then the shared credentials
// file (AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials) under profile AWS_PROFILE (else
// "default"). Credentials are never logged: nothing here prints a key, and ToString() shows
// only where they came from. Pure functions over an injectable environment; thread-safe.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "sky/types/result.h"

namespace sky::providers::auth {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  // Set for temporary (STS) credentials; sent as X-Amz-Security-Token. Default: empty.
  std::string session_token;
  // Where they were found ("environment", "profile default in /home/u/.aws/credentials").
  std::string source;

  // "AWS credentials from <source>" plus "(temporary)" for a session; no key material.
  std::string ToString() const;
};

// Reads an environment variable; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// The process environment (std::getenv).
std::optional<std::string> ProcessEnv(const std::string& name);

// Resolves credentials as described above. Errors:
//   InvalidArgument   only one of AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY is set, or the
//                     profile has a key id without a secret (or the reverse)
//   Unauthenticated   no credentials anywhere (the message says where it looked)
Result<AwsCredentials> LoadAwsCredentials(const EnvLookup& env = ProcessEnv);

// Reads profile `profile` from the text of a credentials (INI) file. `[name]` and
// `[profile name]` sections both count; keys are aws_access_key_id, aws_secret_access_key,
// aws_session_token (or the older aws_security_token). Errors: NotFound (no such profile, or
// it has no keys), InvalidArgument (a key id without a secret, or the reverse).
Result<AwsCredentials> ParseAwsCredentialsFile(std::string_view text, std::string_view profile,
                                               std::string_view source);

}  // namespace sky::providers::auth
