#pragma once
// ASCII case helpers: locale-independent, bytes >= 0x80 left as they are. For identifiers,
// header names, accelerator and provider names (never for user-visible text). Pure functions;
// thread-safe.

#include <string>
#include <string_view>

namespace sky {

// 'A'..'Z' -> 'a'..'z'; every other byte unchanged.
constexpr char AsciiToLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
// 'a'..'z' -> 'A'..'Z'; every other byte unchanged.
constexpr char AsciiToUpper(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

// `text` with ASCII letters lower-cased.
std::string AsciiLower(std::string_view text);
// `text` with ASCII letters upper-cased.
std::string AsciiUpper(std::string_view text);
// True when `a` and `b` are equal ignoring ASCII case.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace sky
