#pragma once
// A small, strict XML reader for AWS Query-API responses (there is no XML library among the
// project's dependencies). It builds a tree of elements with their attributes and character
// data. Supported: elements, attributes, the five predefined entities, numeric character
// references, CDATA sections; comments, processing instructions and the XML declaration are
// skipped. Namespaces are not resolved: names keep their prefix ("euca:item"), and xmlns
// declarations stay ordinary attributes. DOCTYPE declarations are refused (no entity
// expansion). Malformed input is InvalidArgument with a line number, never a crash. Pure
// functions; thread-safe.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "sky/types/result.h"

namespace sky::providers::aws {

struct XmlAttribute {
  std::string name;   // as written, prefix included
  std::string value;  // entities decoded
};

struct XmlElement {
  std::string name;  // as written, prefix included: "item", "euca:item"
  std::vector<XmlAttribute> attributes;
  // The character data directly inside this element (CDATA included, entities decoded), in
  // document order, concatenated; children's text is not included.
  std::string text;
  std::vector<XmlElement> children;

  // The name without its prefix: "item" for "euca:item".
  std::string_view local_name() const;
  // The first child whose name, or local name, is `name`; nullptr when there is none.
  const XmlElement* Child(std::string_view name) const;
  // Every child whose name, or local name, is `name`, in order.
  std::vector<const XmlElement*> ChildrenNamed(std::string_view name) const;
  // The text of Child(name), or "" when there is no such child.
  std::string ChildText(std::string_view name) const;
  // The value of the attribute called `name`; nullptr when absent.
  const std::string* Attribute(std::string_view name) const;
};

struct XmlOptions {
  // Deepest element nesting accepted (the root is depth 1). Default: 64.
  int max_depth = 64;
  // Largest document accepted, in bytes. Default: 64 MiB.
  size_t max_bytes = size_t{64} << 20;
};

// Parses one XML document and returns its root element. Errors: InvalidArgument for anything
// that is not well-formed XML 1.0 (as far as this subset goes), a DOCTYPE, a document deeper
// than `max_depth` or larger than `max_bytes`.
Result<XmlElement> ParseXml(std::string_view text, const XmlOptions& options = {});

}  // namespace sky::providers::aws
