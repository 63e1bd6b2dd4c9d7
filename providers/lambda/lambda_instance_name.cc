#include "providers/lambda/lambda_instance_name.h"

#include <vector>

#include "providers/rest/named_instance.h"

namespace sky::providers::lambda {
namespace {

constexpr std::string_view kPrefix = "sky-";
constexpr size_t kDigestLength = 12;
constexpr char kSeparator = '~';

std::string Escape(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '%') {
      out += "%25";
    } else if (c == kSeparator) {
      out += "%7E";
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<std::string> Unescape(std::string_view value) {
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '%') {
      out += value[i];
      continue;
    }
    const std::string_view code = value.substr(i + 1, 2);
    if (code == "25") {
      out += '%';
    } else if (code == "7E") {
      out += kSeparator;
    } else {
      return std::nullopt;
    }
    i += 2;
  }
  return out;
}

std::vector<std::string_view> Split(std::string_view text) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == kSeparator) {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

bool IsLowerHex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string TagOrEmpty(const std::map<std::string, std::string>& tags, std::string_view key) {
  auto it = tags.find(std::string(key));
  return it == tags.end() ? std::string() : it->second;
}

}  // namespace

Result<std::string> IdempotencyDigest(std::string_view idempotency_key) {
  return rest::IdempotencyDigest(idempotency_key, kDigestLength, "Lambda Cloud");
}

Result<std::string> EncodeInstanceName(std::string_view idempotency_key,
                                       const std::map<std::string, std::string>& tags) {
  SKY_ASSIGN_OR_RETURN(std::string digest, IdempotencyDigest(idempotency_key));
  std::string name = std::string(kPrefix) + digest + kSeparator +
                     Escape(TagOrEmpty(tags, kPipelineTag)) + kSeparator +
                     Escape(TagOrEmpty(tags, kStageTag));
  if (name.size() > kMaxInstanceNameLength) {
    return Status::InvalidArgument("pipeline and stage tags make the Lambda instance name \"" +
                                   name + "\" longer than 64 characters");
  }
  return name;
}

std::optional<DecodedInstanceName> DecodeInstanceName(std::string_view name) {
  if (name.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  const std::vector<std::string_view> parts = Split(name.substr(kPrefix.size()));
  if (parts.size() != 3 || parts[0].size() != kDigestLength || !IsLowerHex(parts[0])) {
    return std::nullopt;
  }
  std::optional<std::string> pipeline = Unescape(parts[1]);
  std::optional<std::string> stage = Unescape(parts[2]);
  if (!pipeline || !stage) return std::nullopt;
  DecodedInstanceName decoded;
  decoded.digest = std::string(parts[0]);
  if (!pipeline->empty()) decoded.tags[std::string(kPipelineTag)] = *pipeline;
  if (!stage->empty()) decoded.tags[std::string(kStageTag)] = *stage;
  return decoded;
}

}  // namespace sky::providers::lambda
