#include "sky/types/base64.h"

#include <cstdint>

namespace sky {
namespace {

constexpr char kStandard[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrlSafe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int DecodeChar(char c, Base64Alphabet alphabet) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  const bool url = alphabet == Base64Alphabet::kUrlSafe;
  if (c == (url ? '-' : '+')) return 62;
  if (c == (url ? '_' : '/')) return 63;
  return -1;
}

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

}  // namespace

std::string Base64Encode(std::string_view bytes, const Base64Options& options) {
  const char* alphabet = options.alphabet == Base64Alphabet::kUrlSafe ? kUrlSafe : kStandard;
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t n = static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << 16 |
                       static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out.push_back(alphabet[(n >> shift) & 63]);
  }
  const size_t rest = bytes.size() - i;
  if (rest == 0) return out;
  uint32_t n = static_cast<uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
  if (rest == 2) n |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
  out.push_back(alphabet[(n >> 18) & 63]);
  out.push_back(alphabet[(n >> 12) & 63]);
  if (rest == 2) out.push_back(alphabet[(n >> 6) & 63]);
  if (options.pad) out.append(rest == 2 ? "=" : "==");
  return out;
}

Result<std::string> Base64Decode(std::string_view text, const Base64Options& options) {
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t buffer = 0;
  int bits = 0;
  size_t padding = 0;
  for (const char c : text) {
    if (options.skip_whitespace && IsSpace(c)) continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    const int value = DecodeChar(c, options.alphabet);
    if (value < 0)
      return Status::InvalidArgument("base64 text has a character outside its alphabet");
    if (padding > 0) return Status::InvalidArgument("base64 text has data after its padding");
    buffer = (buffer << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  // Six bits left over: one character of a group, which no encoding ends with.
  if (padding > 2 || bits >= 6)
    return Status::InvalidArgument("base64 text has an impossible length");
  return out;
}

std::string Base64UrlEncode(std::string_view bytes) {
  return Base64Encode(bytes, {Base64Alphabet::kUrlSafe, /*pad=*/false});
}

Result<std::string> Base64UrlDecode(std::string_view text) {
  return Base64Decode(text, {Base64Alphabet::kUrlSafe, /*pad=*/false});
}

}  // namespace sky
