#include "providers/aws/ec2_shape_codec.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

namespace sky::providers::aws {
namespace {

// A member reference ({"shape": "X", "locationName": ...}) resolved against the model. A trait
// on the reference wins over the same trait on the target shape.
struct Ref {
  const OrderedJson* member;  // the reference object
  const OrderedJson* shape;   // the target shape

  std::string Trait(const char* key) const {
    if (member->contains(key) && (*member)[key].is_string()) return (*member)[key];
    if (shape->contains(key) && (*shape)[key].is_string()) return (*shape)[key];
    return "";
  }
  bool Flag(const char* key) const { return member->value(key, false) || shape->value(key, false); }
  std::string type() const { return shape->value("type", ""); }
};

Result<Ref> Resolve(const OrderedJson& shapes, const OrderedJson& member) {
  std::string name = member.value("shape", "");
  auto it = shapes.find(name);
  if (it == shapes.end()) return Status::InvalidArgument("unknown shape '" + name + "'");
  return Ref{&member, &*it};
}

std::string Capitalised(std::string name) {
  if (!name.empty() && name[0] >= 'a' && name[0] <= 'z') name[0] = static_cast<char>(name[0] - 32);
  return name;
}

std::string QueryName(const Ref& ref, const std::string& member_name) {
  if (ref.member->contains("queryName")) return (*ref.member)["queryName"];
  std::string location = ref.member->value("locationName", "");
  return Capitalised(location.empty() ? member_name : location);
}

std::string TypeError(const std::string& prefix, const char* expected) {
  return "'" + prefix + "': expected " + expected;
}

class Serializer {
 public:
  Serializer(const OrderedJson& shapes, const ShapeSerializeOptions& options)
      : shapes_(shapes), options_(options) {}

  Status Value(const Ref& ref, const OrderedJson& value, const std::string& prefix) {
    std::string type = ref.type();
    if (type == "structure") return Structure(ref, value, prefix);
    if (type == "list") return List(ref, value, prefix);
    if (type == "map") return Status::InvalidArgument("'" + prefix + "': maps are not EC2 input");
    SKY_ASSIGN_OR_RETURN(std::string text, Scalar(ref, value, prefix));
    out_.emplace_back(prefix, std::move(text));
    return Status::Ok();
  }

  QueryParams Take() { return std::move(out_); }

 private:
  Status Structure(const Ref& ref, const OrderedJson& value, const std::string& prefix) {
    if (!value.is_object()) return Status::InvalidArgument(TypeError(prefix, "an object"));
    const OrderedJson& members = (*ref.shape)["members"];
    for (const auto& [name, member_value] : value.items()) {
      if (!members.contains(name)) {
        return Status::InvalidArgument("'" + prefix + "': no member '" + name + "'");
      }
      SKY_RETURN_IF_ERROR(Member(members[name], name, member_value, prefix));
    }
    for (const auto& [name, member] : members.items()) {
      if (!member.value("idempotencyToken", false) || value.contains(name)) continue;
      if (!options_.idempotency_token) continue;
      SKY_RETURN_IF_ERROR(Member(member, name, options_.idempotency_token(), prefix));
    }
    return Status::Ok();
  }

  Status Member(const OrderedJson& member, const std::string& name, const OrderedJson& value,
                const std::string& prefix) {
    SKY_ASSIGN_OR_RETURN(Ref child, Resolve(shapes_, member));
    std::string key = QueryName(child, name);
    return Value(child, value, prefix.empty() ? key : prefix + "." + key);
  }

  Status List(const Ref& ref, const OrderedJson& value, const std::string& prefix) {
    if (!value.is_array()) return Status::InvalidArgument(TypeError(prefix, "an array"));
    SKY_ASSIGN_OR_RETURN(Ref element, Resolve(shapes_, (*ref.shape)["member"]));
    for (size_t i = 0; i < value.size(); ++i) {
      SKY_RETURN_IF_ERROR(Value(element, value[i], prefix + "." + std::to_string(i + 1)));
    }
    return Status::Ok();
  }

  Result<std::string> Scalar(const Ref& ref, const OrderedJson& value, const std::string& prefix) {
    std::string type = ref.type();
    if (type == "string") {
      if (!value.is_string()) return Status::InvalidArgument(TypeError(prefix, "a string"));
      return value.get<std::string>();
    }
    if (type == "boolean") {
      if (!value.is_boolean()) return Status::InvalidArgument(TypeError(prefix, "a boolean"));
      return std::string(value.get<bool>() ? "true" : "false");
    }
    if (type == "integer" || type == "long") {
      if (!value.is_number_integer())
        return Status::InvalidArgument(TypeError(prefix, "an integer"));
      return std::to_string(value.get<int64_t>());
    }
    if (type == "float" || type == "double") return Float(value, prefix);
    if (type == "blob") {
      if (!value.is_string()) return Status::InvalidArgument(TypeError(prefix, "a string"));
      return Base64Encode(value.get<std::string>());
    }
    if (type == "timestamp") return Timestamp(ref, value, prefix);
    return Status::InvalidArgument("'" + prefix + "': unsupported shape type '" + type + "'");
  }

  static Result<std::string> Float(const OrderedJson& value, const std::string& prefix) {
    if (value.is_number()) return FormatAwsDouble(value.get<double>());
    if (value.is_string()) {
      std::string text = value;
      if (text == "NaN" || text == "Infinity" || text == "-Infinity") return text;
    }
    return Status::InvalidArgument(TypeError(prefix, "a number"));
  }

  static Result<std::string> Timestamp(const Ref& ref, const OrderedJson& value,
                                       const std::string& prefix) {
    if (!value.is_number()) return Status::InvalidArgument(TypeError(prefix, "epoch seconds"));
    std::string format = ref.Trait("timestampFormat");
    if (format == "unixTimestamp") return FormatAwsDouble(value.get<double>());
    if (format.empty() || format == "iso8601") {
      return FormatIsoUtc(static_cast<int64_t>(std::floor(value.get<double>())));
    }
    return Status::InvalidArgument("'" + prefix + "': unsupported timestamp format " + format);
  }

  const OrderedJson& shapes_;
  const ShapeSerializeOptions& options_;
  QueryParams out_;
};

class XmlShapeParser {
 public:
  XmlShapeParser(const OrderedJson& shapes, const ShapeParseOptions& options)
      : shapes_(shapes), options_(options) {}

  Result<OrderedJson> Structure(const Ref& ref, const XmlElement& element) {
    OrderedJson out = OrderedJson::object();
    const OrderedJson& members = (*ref.shape)["members"];
    for (const auto& [name, member] : members.items()) {
      SKY_ASSIGN_OR_RETURN(Ref child, Resolve(shapes_, member));
      std::string wire = child.member->value("locationName", name);
      if (child.Flag("flattened") && (child.type() == "list" || child.type() == "map")) {
        std::vector<const XmlElement*> items = element.ChildrenNamed(wire);
        if (items.empty()) continue;
        SKY_ASSIGN_OR_RETURN(out[name], Items(child, items));
        continue;
      }
      const XmlElement* node = element.Child(wire);
      if (node == nullptr) continue;
      SKY_ASSIGN_OR_RETURN(out[name], Value(child, *node));
    }
    return out;
  }

 private:
  Result<OrderedJson> Value(const Ref& ref, const XmlElement& node) {
    std::string type = ref.type();
    if (type == "structure") return Structure(ref, node);
    if (type == "list" || type == "map") {
      std::vector<const XmlElement*> items;
      for (const XmlElement& child : node.children) items.push_back(&child);
      return Items(ref, items);
    }
    return Scalar(ref, node.text);
  }

  // The elements of a list, or the entries of a map.
  Result<OrderedJson> Items(const Ref& ref, const std::vector<const XmlElement*>& items) {
    if (ref.type() == "map") return MapEntries(ref, items);
    OrderedJson out = OrderedJson::array();
    SKY_ASSIGN_OR_RETURN(Ref element, Resolve(shapes_, (*ref.shape)["member"]));
    for (const XmlElement* item : items) {
      SKY_ASSIGN_OR_RETURN(OrderedJson value, Value(element, *item));
      out.push_back(std::move(value));
    }
    return out;
  }

  Result<OrderedJson> MapEntries(const Ref& ref, const std::vector<const XmlElement*>& entries) {
    OrderedJson out = OrderedJson::object();
    const OrderedJson& key_ref = (*ref.shape)["key"];
    SKY_ASSIGN_OR_RETURN(Ref value_ref, Resolve(shapes_, (*ref.shape)["value"]));
    std::string key_name = key_ref.value("locationName", "key");
    std::string value_name = value_ref.member->value("locationName", "value");
    for (const XmlElement* entry : entries) {
      const XmlElement* value = entry->Child(value_name);
      if (value == nullptr) return Status::InvalidArgument("map entry without a value");
      SKY_ASSIGN_OR_RETURN(out[entry->ChildText(key_name)], Value(value_ref, *value));
    }
    return out;
  }

  Result<OrderedJson> Scalar(const Ref& ref, const std::string& text) {
    std::string type = ref.type();
    if (type == "string") return OrderedJson(text);
    if (type == "boolean") {
      if (text == "true" || text == "false") return OrderedJson(text == "true");
      return Status::InvalidArgument("not a boolean: '" + text + "'");
    }
    if (type == "integer" || type == "long") return Integer(text);
    if (type == "float" || type == "double") return Float(text);
    if (type == "blob") {
      SKY_ASSIGN_OR_RETURN(std::string bytes, Base64Decode(text, kEc2BlobBase64));
      return OrderedJson(bytes);
    }
    if (type == "timestamp") {
      if (options_.timestamps_as_text) return OrderedJson(text);
      SKY_ASSIGN_OR_RETURN(double seconds, ParseAwsTimestamp(text));
      return OrderedJson(seconds);
    }
    return Status::InvalidArgument("unsupported shape type '" + type + "'");
  }

  static Result<OrderedJson> Integer(const std::string& text) {
    errno = 0;
    char* end = nullptr;
    long long value = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE) {
      return Status::InvalidArgument("not an integer: '" + text + "'");
    }
    return OrderedJson(static_cast<int64_t>(value));
  }

  static Result<OrderedJson> Float(const std::string& text) {
    if (text == "NaN") return OrderedJson(std::numeric_limits<double>::quiet_NaN());
    if (text == "Infinity") return OrderedJson(std::numeric_limits<double>::infinity());
    if (text == "-Infinity") return OrderedJson(-std::numeric_limits<double>::infinity());
    char* end = nullptr;
    double value = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value)) {
      return Status::InvalidArgument("not a number: '" + text + "'");
    }
    return OrderedJson(value);
  }

  const OrderedJson& shapes_;
  const ShapeParseOptions& options_;
};

}  // namespace

Result<QueryParams> SerializeEc2Shape(const OrderedJson& shapes, const std::string& shape_name,
                                      const OrderedJson& params,
                                      const ShapeSerializeOptions& options) {
  OrderedJson top = {{"shape", shape_name}};
  SKY_ASSIGN_OR_RETURN(Ref ref, Resolve(shapes, top));
  if (ref.type() != "structure") return Status::InvalidArgument(shape_name + " is no structure");
  Serializer serializer(shapes, options);
  SKY_RETURN_IF_ERROR(serializer.Value(ref, params, ""));
  return serializer.Take();
}

Result<OrderedJson> ParseEc2Shape(const OrderedJson& shapes, const std::string& shape_name,
                                  const XmlElement& element, const ShapeParseOptions& options) {
  OrderedJson top = {{"shape", shape_name}};
  SKY_ASSIGN_OR_RETURN(Ref ref, Resolve(shapes, top));
  if (ref.type() != "structure") return Status::InvalidArgument(shape_name + " is no structure");
  SKY_ASSIGN_OR_RETURN(OrderedJson out, XmlShapeParser(shapes, options).Structure(ref, element));
  const XmlElement* request_id = element.Child("requestId");
  if (options.add_response_metadata && request_id != nullptr) {
    out["ResponseMetadata"] = {{"RequestId", request_id->text}};
  }
  return out;
}

}  // namespace sky::providers::aws
