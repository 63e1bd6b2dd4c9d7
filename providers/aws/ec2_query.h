#pragma once
// EC2 Query-protocol serialisation: the flat `Name.1.Member=value` parameters of an EC2 API
// request, their form encoding, and the scalar formats the protocol uses (base64 blobs,
// ISO 8601 timestamps, shortest round-trip floats). EC2 flattens every list (`Name.N`, list
// member names ignored); structure members nest with dots; a member's wire name is its
// queryName, else its locationName with the first letter upper-cased, else its member name
// upper-cased likewise (see ec2_shape_codec.h for the model-driven form). Pure functions;
// thread-safe.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sky/types/result.h"

namespace sky::providers::aws {

// Ordered request parameters (name, value); order is kept on the wire.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// The API version this adapter speaks.
inline constexpr std::string_view kEc2ApiVersion = "2016-11-15";

// Percent-encodes every byte but the RFC 3986 unreserved characters (A-Z a-z 0-9 - _ . ~),
// with uppercase hex, as AWS SDKs and SigV4 do (a space is %20).
std::string AwsPercentEncode(std::string_view text);

// "Action=<action>&Version=<version>&k1=v1&..." with names and values percent-encoded.
std::string EncodeQueryBody(std::string_view action, std::string_view version,
                            const QueryParams& params);

// Standard base64 (RFC 4648, with padding).
std::string Base64Encode(std::string_view bytes);
// Decodes standard base64; whitespace is ignored. InvalidArgument for anything else.
Result<std::string> Base64Decode(std::string_view text);

// "2015-01-25T08:00:00Z" for whole seconds since the Unix epoch (UTC).
std::string FormatIso8601(int64_t epoch_seconds);

// Seconds since the Unix epoch of an ISO 8601 date-time ("2014-04-29T18:30:38Z",
// "2000-01-02T20:34:56.123Z", "2019-12-16T22:48:18-01:00"), an RFC 822/1123 date
// ("Tue, 29 Apr 2014 18:30:38 GMT") or a plain number of epoch seconds.
// InvalidArgument for anything else.
Result<double> ParseAwsTimestamp(std::string_view text);

// The shortest decimal text that reads back as `value` ("10.8"); "NaN", "Infinity",
// "-Infinity" for the non-finite values.
std::string FormatAwsDouble(double value);

// Appends `prefix.1=v1`, `prefix.2=v2`, ... (nothing for an empty list).
void AddQueryList(QueryParams& params, std::string_view prefix,
                  const std::vector<std::string>& values);

// Appends filter number `index` (1-based): `Filter.<i>.Name` and `Filter.<i>.Value.<n>`.
void AddQueryFilter(QueryParams& params, int index, std::string_view name,
                    const std::vector<std::string>& values);

// Appends `prefix.<n>.Key` / `prefix.<n>.Value` for each tag, in key order.
void AddQueryTags(QueryParams& params, std::string_view prefix,
                  const std::map<std::string, std::string>& tags);

}  // namespace sky::providers::aws
