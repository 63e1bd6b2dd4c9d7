#include "providers/aws/xml_reader.h"

#include <cstdint>
#include <string>
#include <utility>

namespace sky::providers::aws {
namespace {

bool IsXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// A C0 control character other than tab, CR and LF: never allowed in XML 1.0.
bool IsControl(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return u < 0x20 && !IsXmlSpace(c);
}

bool IsNameStart(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' || u >= 0x80;
}

bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }

// XML 1.0 "Char": no C0 controls but tab, CR, LF; no surrogates; no U+FFFE/U+FFFF.
bool IsXmlChar(uint32_t cp) {
  if (cp == 0x9 || cp == 0xA || cp == 0xD) return true;
  if (cp < 0x20) return false;
  if (cp >= 0xD800 && cp <= 0xDFFF) return false;
  if (cp == 0xFFFE || cp == 0xFFFF) return false;
  return cp <= 0x10FFFF;
}

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class Parser {
 public:
  Parser(std::string_view text, const XmlOptions& options) : in_(text), options_(options) {}

  Result<XmlElement> Document() {
    if (in_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    SKY_RETURN_IF_ERROR(Misc());
    if (AtEnd() || Peek() != '<') return Error("expected the root element");
    XmlElement root;
    SKY_RETURN_IF_ERROR(Element(1, root));
    SKY_RETURN_IF_ERROR(Misc());
    if (!AtEnd()) return Error("content after the root element");
    return root;
  }

 private:
  bool AtEnd() const { return pos_ >= in_.size(); }
  char Peek() const { return in_[pos_]; }
  bool StartsWith(std::string_view s) const { return in_.substr(pos_, s.size()) == s; }

  Status Error(std::string_view what) const {
    int line = 1;
    for (size_t i = 0; i < pos_ && i < in_.size(); ++i) line += in_[i] == '\n' ? 1 : 0;
    return Status::InvalidArgument("malformed XML at line " + std::to_string(line) + ": " +
                                   std::string(what));
  }

  void SkipSpace() {
    while (!AtEnd() && IsXmlSpace(Peek())) ++pos_;
  }

  // Whitespace, comments and processing instructions outside the root element.
  Status Misc() {
    for (;;) {
      SkipSpace();
      if (StartsWith("<!--")) {
        SKY_RETURN_IF_ERROR(Comment());
      } else if (StartsWith("<?")) {
        SKY_RETURN_IF_ERROR(ProcessingInstruction());
      } else if (StartsWith("<!DOCTYPE")) {
        return Error("DOCTYPE declarations are not accepted");
      } else {
        return Status::Ok();
      }
    }
  }

  Status Comment() {
    size_t end = in_.find("--", pos_ + 4);
    if (end == std::string_view::npos) return Error("unterminated comment");
    if (end + 2 >= in_.size() || in_[end + 2] != '>') return Error("'--' inside a comment");
    pos_ = end + 3;
    return Status::Ok();
  }

  Status ProcessingInstruction() {
    pos_ += 2;
    if (AtEnd() || !IsNameStart(Peek())) return Error("processing instruction without a target");
    size_t end = in_.find("?>", pos_);
    if (end == std::string_view::npos) return Error("unterminated processing instruction");
    pos_ = end + 2;
    return Status::Ok();
  }

  Result<std::string> Name() {
    if (AtEnd() || !IsNameStart(Peek())) return Error("expected a name");
    size_t start = pos_;
    while (!AtEnd() && IsNameChar(Peek())) ++pos_;
    return std::string(in_.substr(start, pos_ - start));
  }

  // After '&': a predefined entity or a character reference, appended to `out`.
  Status Reference(std::string& out) {
    size_t end = in_.find(';', pos_);
    if (end == std::string_view::npos || end - pos_ > 12) return Error("unterminated reference");
    std::string_view ref = in_.substr(pos_, end - pos_);
    pos_ = end + 1;
    static constexpr std::pair<std::string_view, char> kPredefined[] = {
        {"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"apos", '\''}, {"quot", '"'}};
    for (const auto& [entity, character] : kPredefined) {
      if (ref == entity) {
        out += character;
        return Status::Ok();
      }
    }
    if (ref.size() > 1 && ref[0] == '#') return CharReference(ref.substr(1), out);
    return Error("unknown entity '&" + std::string(ref) + ";'");
  }

  Status CharReference(std::string_view digits, std::string& out) {
    int base = 10;
    if (digits[0] == 'x') {
      base = 16;
      digits.remove_prefix(1);
    }
    if (digits.empty()) return Error("empty character reference");
    uint32_t cp = 0;
    for (char c : digits) {
      int v = -1;
      if (c >= '0' && c <= '9') {
        v = c - '0';
      } else if (base == 16 && c >= 'a' && c <= 'f') {
        v = c - 'a' + 10;
      } else if (base == 16 && c >= 'A' && c <= 'F') {
        v = c - 'A' + 10;
      }
      if (v < 0) return Error("bad character reference");
      cp = cp * base + v;
      if (cp > 0x10FFFF) return Error("character reference out of range");
    }
    if (!IsXmlChar(cp)) return Error("character reference to a non-XML character");
    AppendUtf8(cp, out);
    return Status::Ok();
  }

  Status AttributeValue(std::string& out) {
    if (AtEnd() || (Peek() != '"' && Peek() != '\'')) return Error("expected a quoted value");
    char quote = in_[pos_++];
    while (!AtEnd() && Peek() != quote) {
      char c = in_[pos_++];
      if (c == '<') return Error("'<' in an attribute value");
      if (IsControl(c)) return Error("control character in an attribute value");
      if (c == '&') {
        SKY_RETURN_IF_ERROR(Reference(out));
      } else {
        out += c;
      }
    }
    if (AtEnd()) return Error("unterminated attribute value");
    ++pos_;
    return Status::Ok();
  }

  // Attributes up to '>' or '/>'; sets `empty` for a self-closing tag.
  Status Attributes(XmlElement& element, bool& empty) {
    for (;;) {
      bool spaced = !AtEnd() && IsXmlSpace(Peek());
      SkipSpace();
      if (AtEnd()) return Error("unterminated start tag");
      if (StartsWith("/>")) {
        pos_ += 2;
        empty = true;
        return Status::Ok();
      }
      if (Peek() == '>') {
        ++pos_;
        return Status::Ok();
      }
      if (!spaced) return Error("expected whitespace before an attribute");
      XmlAttribute attribute;
      SKY_ASSIGN_OR_RETURN(attribute.name, Name());
      if (element.Attribute(attribute.name) != nullptr) return Error("duplicate attribute");
      SkipSpace();
      if (AtEnd() || Peek() != '=') return Error("expected '=' after an attribute name");
      ++pos_;
      SkipSpace();
      SKY_RETURN_IF_ERROR(AttributeValue(attribute.value));
      element.attributes.push_back(std::move(attribute));
    }
  }

  Status Element(int depth, XmlElement& element) {
    if (depth > options_.max_depth) return Error("elements nested too deeply");
    ++pos_;  // '<'
    SKY_ASSIGN_OR_RETURN(element.name, Name());
    bool empty = false;
    SKY_RETURN_IF_ERROR(Attributes(element, empty));
    if (empty) return Status::Ok();
    SKY_RETURN_IF_ERROR(Content(depth, element));
    // At "</".
    pos_ += 2;
    SKY_ASSIGN_OR_RETURN(std::string closing, Name());
    if (closing != element.name) {
      return Error("end tag </" + closing + "> does not match <" + element.name + ">");
    }
    SkipSpace();
    if (AtEnd() || Peek() != '>') return Error("expected '>' to close an end tag");
    ++pos_;
    return Status::Ok();
  }

  // Character data, children, comments, PIs and CDATA until the matching "</".
  Status Content(int depth, XmlElement& element) {
    for (;;) {
      if (AtEnd()) return Error("unterminated element <" + element.name + ">");
      char c = Peek();
      if (c == '&') {
        ++pos_;
        SKY_RETURN_IF_ERROR(Reference(element.text));
      } else if (c != '<') {
        if (c == ']' && StartsWith("]]>")) return Error("']]>' in character data");
        if (IsControl(c)) return Error("control character in character data");
        element.text += c;
        ++pos_;
      } else if (StartsWith("</")) {
        return Status::Ok();
      } else if (StartsWith("<!--")) {
        SKY_RETURN_IF_ERROR(Comment());
      } else if (StartsWith("<![CDATA[")) {
        size_t end = in_.find("]]>", pos_ + 9);
        if (end == std::string_view::npos) return Error("unterminated CDATA section");
        element.text.append(in_.substr(pos_ + 9, end - pos_ - 9));
        pos_ = end + 3;
      } else if (StartsWith("<?")) {
        SKY_RETURN_IF_ERROR(ProcessingInstruction());
      } else if (StartsWith("<!")) {
        return Error("declarations are not accepted inside elements");
      } else {
        element.children.emplace_back();
        SKY_RETURN_IF_ERROR(Element(depth + 1, element.children.back()));
      }
    }
  }

  std::string_view in_;
  const XmlOptions& options_;
  size_t pos_ = 0;
};

bool NameMatches(const XmlElement& element, std::string_view name) {
  return element.name == name || element.local_name() == name;
}

}  // namespace

std::string_view XmlElement::local_name() const {
  std::string_view view(name);
  size_t colon = view.find(':');
  return colon == std::string_view::npos ? view : view.substr(colon + 1);
}

const XmlElement* XmlElement::Child(std::string_view child_name) const {
  for (const XmlElement& child : children) {
    if (NameMatches(child, child_name)) return &child;
  }
  return nullptr;
}

std::vector<const XmlElement*> XmlElement::ChildrenNamed(std::string_view child_name) const {
  std::vector<const XmlElement*> found;
  for (const XmlElement& child : children) {
    if (NameMatches(child, child_name)) found.push_back(&child);
  }
  return found;
}

std::string XmlElement::ChildText(std::string_view child_name) const {
  const XmlElement* child = Child(child_name);
  return child == nullptr ? std::string() : child->text;
}

const std::string* XmlElement::Attribute(std::string_view attribute_name) const {
  for (const XmlAttribute& attribute : attributes) {
    if (attribute.name == attribute_name) return &attribute.value;
  }
  return nullptr;
}

Result<XmlElement> ParseXml(std::string_view text, const XmlOptions& options) {
  if (text.size() > options.max_bytes) {
    return Status::InvalidArgument("XML document of " + std::to_string(text.size()) +
                                   " bytes is larger than the limit");
  }
  return Parser(text, options).Document();
}

}  // namespace sky::providers::aws
