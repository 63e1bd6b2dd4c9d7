#pragma once
// Model-driven EC2 protocol codec: serialises a request and parses a response by walking
// the shapes of a botocore service model (e.g. ec2-2016-11-15 service-2.json, or the shapes of
// the official protocol test cases). The adapter's own operations use the hand-written
// builders and parsers in ec2_requests.h / ec2_xml.h; this codec is the general form they are
// checked against, and it reads any EC2 operation. Pure functions; thread-safe.

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "providers/aws/ec2_query.h"
#include "providers/aws/xml_reader.h"
#include "sky/types/result.h"

namespace sky::providers::aws {

// Shapes keep member order, because the wire keeps parameter order.
using OrderedJson = nlohmann::ordered_json;

struct ShapeSerializeOptions {
  // Makes the value of an idempotency-token member the caller left out (a random UUID in
  // the SDKs). Default (empty): such members are left out.
  std::function<std::string()> idempotency_token;
};

// Flattens `params` (a JSON object shaped like `shapes[shape_name]`) into EC2 query
// parameters, in the order of `params`' members. Timestamps are epoch seconds, blobs raw
// strings (sent base64), floats numbers or "NaN"/"Infinity"/"-Infinity". Errors:
// InvalidArgument for a member the shape does not have, a value of the wrong JSON type,
// an unknown shape, or a map (EC2 input has none).
Result<QueryParams> SerializeEc2Shape(const OrderedJson& shapes, const std::string& shape_name,
                                      const OrderedJson& params,
                                      const ShapeSerializeOptions& options = {});

struct ShapeParseOptions {
  // Keep timestamps as the text the server sent (botocore's response-parsing fixtures) rather
  // than converting them to epoch seconds. Default: false.
  bool timestamps_as_text = false;
  // Add {"ResponseMetadata": {"RequestId": ...}} from the <requestId> child, as botocore
  // does. Default: false.
  bool add_response_metadata = false;
};

// Reads the members of structure `shape_name` from the children of `element` (for a response,
// the root <XxxResponse> element: EC2 ignores the output shape's own name). Absent elements
// are absent members; an empty list element is []. Integers, booleans, floats, timestamps and
// blobs are converted. Errors: InvalidArgument for a value that does not convert or an
// unknown shape.
Result<OrderedJson> ParseEc2Shape(const OrderedJson& shapes, const std::string& shape_name,
                                  const XmlElement& element, const ShapeParseOptions& options = {});

}  // namespace sky::providers::aws
