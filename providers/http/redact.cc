#include "providers/http/redact.h"

#include <array>
#include <regex>
#include <string>

#include "sky/types/ascii.h"

namespace sky::providers {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// One rule for header names and query parameter names, so a secret cannot slip through by
// moving from a header into the URL.
bool IsSensitiveName(std::string_view raw) {
  const std::string name = AsciiLower(raw);
  static constexpr std::array<std::string_view, 6> kExact = {
      "key", "sig", "token", "cookie", "set-cookie", "awsaccesskeyid"};
  for (std::string_view exact : kExact) {
    if (name == exact) return true;
  }
  static constexpr std::array<std::string_view, 14> kParts = {
      "auth",           "secret",  "password",     "passwd",      "signature",
      "credential",     "api-key", "api_key",      "apikey",      "security-token",
      "security_token", "session", "access_token", "access-token"};
  for (std::string_view part : kParts) {
    if (name.find(part) != std::string::npos) return true;
  }
  return EndsWith(name, "-token") || EndsWith(name, "_token");
}

struct Rule {
  std::regex pattern;
  const char* replacement;
};

const std::array<Rule, 4>& TextRules() {
  static const std::array<Rule, 4> rules{{
      // The whole value of an Authorization header: it holds the signature and key id.
      {std::regex(R"(((?:^|[^A-Za-z0-9_-])(?:proxy-)?authorization"?\s*[:=]\s*"?)[^\r\n"]*)",
                  std::regex::icase),
       "$1REDACTED"},
      {std::regex(R"(((?:^|[^A-Za-z0-9_])bearer\s+)[A-Za-z0-9._~+/=-]+)", std::regex::icase),
       "$1REDACTED"},
      // name=value, name: value and "name": "value" for secret-bearing names.
      {std::regex(R"re(((?:^|[^A-Za-z0-9_]))re"
                  R"re((?:(?:x-amz-)?(?:signature|credential|security-token))re"
                  R"re(|aws_(?:secret_access_key|session_token|security_token|access_key_id))re"
                  R"re(|secret_?access_?key|session_?token|security_?token|client_?secret)re"
                  R"re(|access_?token|refresh_?token|id_?token|auth_?token|x-auth-token)re"
                  R"re(|(?:x-)?api[-_]?key|password|passwd|secret))re"
                  R"re("?\s*[:=]\s*"?)[^\s&,;"'<>]+)re",
                  std::regex::icase),
       "$1REDACTED"},
      // AWS access key ids (long-term AKIA, temporary ASIA, role and user ids).
      {std::regex(R"(\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{16}\b)"), "REDACTED"},
  }};
  return rules;
}

// Redacts the values of sensitive parameters in a query string (no leading '?').
std::string RedactQuery(std::string_view query) {
  std::string out;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view pair = query.substr(start, end - start);
    size_t eq = pair.find('=');
    if (eq != std::string_view::npos && IsSensitiveName(pair.substr(0, eq))) {
      out.append(pair.substr(0, eq + 1)).append(kRedacted);
    } else {
      out.append(pair);
    }
    if (end == query.size()) break;
    out.push_back('&');
    start = end + 1;
  }
  return out;
}

}  // namespace

bool IsSensitiveHeader(std::string_view name) { return IsSensitiveName(name); }

std::string RedactHeaderValue(std::string_view name, std::string_view value) {
  return IsSensitiveHeader(name) ? std::string(kRedacted) : RedactText(value);
}

std::string FormatHeadersRedacted(const HttpHeaders& headers) {
  std::string out;
  for (const auto& [name, value] : headers) {
    if (!out.empty()) out += "; ";
    out += name + ": " + RedactHeaderValue(name, value);
  }
  return out;
}

std::string RedactUrl(std::string_view url) {
  std::string out;
  size_t scheme_end = url.find("://");
  size_t authority = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  size_t authority_end = url.find_first_of("/?#", authority);
  if (authority_end == std::string_view::npos) authority_end = url.size();
  size_t at = url.substr(0, authority_end).rfind('@');
  if (at != std::string_view::npos && at >= authority) {
    out.append(url.substr(0, authority)).append(kRedacted);
    url = url.substr(at);
    authority_end -= at;
    authority = 0;
  }
  size_t question = url.find('?', authority_end);
  if (question == std::string_view::npos) return out.append(url);
  size_t hash = url.find('#', question);
  if (hash == std::string_view::npos) hash = url.size();
  out.append(url.substr(0, question + 1));
  out.append(RedactQuery(url.substr(question + 1, hash - question - 1)));
  out.append(url.substr(hash));
  return out;
}

// Longest text RedactText scrubs. std::regex matches recursively, several stack frames per
// character: a 60 KB error body overflowed an 8 MB stack (found while fuzzing).
constexpr size_t kMaxRedactedText = 2048;

std::string RedactText(std::string_view text) {
  std::string out(text.substr(0, kMaxRedactedText));
  if (text.size() > kMaxRedactedText) {
    // Cut at a blank, so that no half of a key (which the rules below would match whole) stays.
    const size_t blank = out.find_last_of(" \t\r\n");
    out.resize(blank == std::string::npos ? 0 : blank);
  }
  const size_t cut = text.size() - out.size();
  for (const Rule& rule : TextRules()) {
    out = std::regex_replace(out, rule.pattern, rule.replacement);
  }
  if (cut > 0) out += " [" + std::to_string(cut) + " bytes cut]";
  return out;
}

}  // namespace sky::providers
