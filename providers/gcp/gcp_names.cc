#include "providers/gcp/gcp_names.h"

#include <array>
#include <cstdio>
#include <cstdlib>

#include "sky/providers/auth/crypto.h"
#include "sky/types/civil_time.h"
#include "sky/types/offer.h"

namespace sky::providers::gcp {
namespace {

constexpr size_t kMaxNameLength = 63;
constexpr size_t kHashDigits = 8;

struct AcceleratorNames {
  std::string_view canonical;
  std::string_view gce;
};
constexpr std::array<AcceleratorNames, 12> kAccelerators = {{
    {"T4", "nvidia-tesla-t4"},
    {"P4", "nvidia-tesla-p4"},
    {"P100", "nvidia-tesla-p100"},
    {"V100", "nvidia-tesla-v100"},
    {"K80", "nvidia-tesla-k80"},
    {"A100", "nvidia-tesla-a100"},
    {"A100-80GB", "nvidia-a100-80gb"},
    {"L4", "nvidia-l4"},
    {"H100", "nvidia-h100-80gb"},
    {"H100-MEGA", "nvidia-h100-mega-80gb"},
    {"H200", "nvidia-h200-141gb"},
    {"B200", "nvidia-b200"},
}};

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLabelChar(char c) { return IsLower(c) || IsDigit(c) || c == '_' || c == '-'; }

std::string SanitizeLabelChars(std::string_view text) {
  std::string out = AsciiLower(text);
  for (char& c : out) {
    if (!IsLabelChar(c)) c = '-';
  }
  return out;
}

// Lower-case letters and digits of `key`, other runs collapsed into one '-'.
std::string ReadablePart(std::string_view key, size_t max_length) {
  std::string out;
  for (char c : AsciiLower(key)) {
    if (out.size() >= max_length) break;
    if (IsLower(c) || IsDigit(c)) {
      out.push_back(c);
    } else if (!out.empty() && out.back() != '-') {
      out.push_back('-');
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

}  // namespace

std::string LastPathSegment(std::string_view url) {
  const size_t slash = url.rfind('/');
  return std::string(slash == std::string_view::npos ? url : url.substr(slash + 1));
}

bool IsValidResourceName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength || !IsLower(name.front())) return false;
  if (name.back() == '-') return false;
  for (char c : name) {
    if (!IsLower(c) && !IsDigit(c) && c != '-') return false;
  }
  return true;
}

bool IsValidLabelKey(std::string_view key) {
  return !key.empty() && IsLower(key.front()) && IsValidLabelValue(key);
}

bool IsValidLabelValue(std::string_view value) {
  if (value.size() > kMaxNameLength) return false;
  for (char c : value) {
    if (!IsLabelChar(c)) return false;
  }
  return true;
}

std::string SanitizeLabelKey(std::string_view key) {
  std::string out = SanitizeLabelChars(key);
  if (out.empty() || !IsLower(out.front())) out = "k-" + out;
  return out.substr(0, kMaxNameLength);
}

std::string SanitizeLabelValue(std::string_view value) {
  return SanitizeLabelChars(value).substr(0, kMaxNameLength);
}

std::map<std::string, std::string> LabelsFromTags(const std::map<std::string, std::string>& tags) {
  std::map<std::string, std::string> labels;
  for (const auto& [key, value] : tags) labels[SanitizeLabelKey(key)] = SanitizeLabelValue(value);
  return labels;
}

Result<std::string> InstanceNameForKey(std::string_view idempotency_key) {
  SKY_ASSIGN_OR_RETURN(std::string digest, auth::Sha256Hex(idempotency_key));
  const std::string prefix = "sky-";
  const std::string readable =
      ReadablePart(idempotency_key, kMaxNameLength - prefix.size() - kHashDigits - 1);
  return prefix + (readable.empty() ? "" : readable + "-") + digest.substr(0, kHashDigits);
}

Result<std::string> RequestIdForKey(std::string_view idempotency_key) {
  SKY_ASSIGN_OR_RETURN(std::string digest,
                       auth::Sha256("skybroker-request-id:" + std::string(idempotency_key)));
  digest[6] = static_cast<char>((digest[6] & 0x0f) | 0x50);  // version 5 layout
  digest[8] = static_cast<char>((digest[8] & 0x3f) | 0x80);  // RFC 4122 variant
  const std::string hex = auth::HexEncode(digest.substr(0, 16));
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

std::string GceAcceleratorName(std::string_view canonical_name) {
  const std::string lower = AsciiLower(canonical_name);
  for (const auto& names : kAccelerators) {
    if (AsciiLower(names.canonical) == lower) return std::string(names.gce);
  }
  return "";
}

std::string CanonicalAcceleratorName(std::string_view gce_type) {
  for (const auto& names : kAccelerators) {
    if (names.gce == gce_type) return std::string(names.canonical);
  }
  return "";
}

bool TakesAttachedAccelerators(std::string_view machine_type) {
  return machine_type.substr(0, 3) == "n1-";
}

Result<double> ParseRfc3339(std::string_view text) {
  const std::optional<ParsedIsoTime> time = ParseIsoTime(text);  // RFC 3339 is the default syntax
  if (!time) return Status::InvalidArgument("not an RFC 3339 timestamp: " + std::string(text));
  return time->seconds();
}

}  // namespace sky::providers::gcp
