#include "catalog/python_literal.h"

#include <cctype>
#include <charconv>
#include <cmath>

namespace sky::catalog {
namespace {

// Deep enough for any catalog field, shallow enough that hostile input cannot exhaust the
// stack.
constexpr int kMaxDepth = 32;

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<PyValue> ParseAll() {
    PyValue value;
    if (!ParseValue(value, 0)) return Error();
    SkipBlanks();
    if (pos_ != text_.size()) {
      Fail("end of literal");
      return Error();
    }
    return value;
  }

 private:
  Status Error() const {
    return Status::InvalidArgument("expected " + expected_ + " at offset " +
                                   std::to_string(error_pos_));
  }
  bool Fail(const char* expected) {
    expected_ = expected;
    error_pos_ = pos_;
    return false;
  }
  void SkipBlanks() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool Consume(char c) {
    SkipBlanks();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  bool ParseValue(PyValue& out, int depth) {
    if (depth > kMaxDepth) return Fail("less nesting");
    SkipBlanks();
    if (pos_ >= text_.size()) return Fail("a value");
    const char c = text_[pos_];
    if (c == '{') return ParseDict(out, depth);
    if (c == '[') return ParseSequence(out, ']', depth);
    if (c == '(') return ParseSequence(out, ')', depth);
    if (c == '\'' || c == '"') {
      out.kind = PyValue::Kind::kString;
      return ParseString(out.text);
    }
    if (c == '-' || c == '+' || c == '.' || std::isdigit(static_cast<unsigned char>(c))) {
      return ParseNumber(out);
    }
    return ParseKeyword(out);
  }

  bool ParseKeyword(PyValue& out) {
    static constexpr struct {
      std::string_view word;
      PyValue::Kind kind;
      bool value;
    } kWords[] = {{"True", PyValue::Kind::kBool, true},
                  {"False", PyValue::Kind::kBool, false},
                  {"None", PyValue::Kind::kNone, false}};
    for (const auto& w : kWords) {
      if (text_.substr(pos_, w.word.size()) == w.word) {
        pos_ += w.word.size();
        out.kind = w.kind;
        out.boolean = w.value;
        return true;
      }
    }
    return Fail("a value");
  }

  bool ParseNumber(PyValue& out) {
    size_t end = pos_;
    if (text_[end] == '+' || text_[end] == '-') ++end;
    while (end < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[end])) || text_[end] == '.' ||
            ((text_[end] == '-' || text_[end] == '+') &&
             (text_[end - 1] == 'e' || text_[end - 1] == 'E')))) {
      ++end;
    }
    std::string_view digits = text_.substr(pos_, end - pos_);
    if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
    double value = 0;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || ptr != digits.data() + digits.size() || !std::isfinite(value)) {
      return Fail("a number");
    }
    out.kind = PyValue::Kind::kNumber;
    out.number = value;
    pos_ = end;
    return true;
  }

  bool ParseString(std::string& out) {
    const char quote = text_[pos_++];
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == quote) return true;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= text_.size()) break;
      const char e = text_[pos_++];
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case '0':
          out += '\0';
          break;
        case '\\':
        case '\'':
        case '"':
          out += e;
          break;
        default:
          out += '\\';
          out += e;
          break;
      }
    }
    return Fail("a closing quote");
  }

  bool ParseSequence(PyValue& out, char close, int depth) {
    ++pos_;
    out.kind = PyValue::Kind::kList;
    while (!Consume(close)) {
      out.items.emplace_back();
      if (!ParseValue(out.items.back(), depth + 1)) return false;
      if (Consume(',')) continue;
      if (Consume(close)) return true;
      return Fail(close == ']' ? "',' or ']'" : "',' or ')'");
    }
    return true;
  }

  bool ParseDict(PyValue& out, int depth) {
    ++pos_;
    out.kind = PyValue::Kind::kDict;
    while (!Consume('}')) {
      PyValue key;
      if (!ParseValue(key, depth + 1)) return false;
      if (key.kind == PyValue::Kind::kString) {
        out.keys.push_back(std::move(key.text));
      } else if (key.kind == PyValue::Kind::kNumber) {
        out.keys.push_back(std::to_string(key.number));
      } else {
        return Fail("a string or number key");
      }
      if (!Consume(':')) return Fail("':'");
      out.items.emplace_back();
      if (!ParseValue(out.items.back(), depth + 1)) return false;
      if (Consume(',')) continue;
      if (Consume('}')) return true;
      return Fail("',' or '}'");
    }
    return true;
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::string expected_;
  size_t error_pos_ = 0;
};

}  // namespace

const PyValue* PyValue::Get(std::string_view key) const {
  if (kind != Kind::kDict) return nullptr;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == key) return &items[i];
  }
  return nullptr;
}

Result<PyValue> ParsePythonLiteral(std::string_view text) { return Parser(text).ParseAll(); }

}  // namespace sky::catalog
