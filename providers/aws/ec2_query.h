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

#include "sky/types/base64.h"
#include "sky/types/civil_time.h"
#include "sky/types/percent_encoding.h"
#include "sky/types/result.h"

namespace sky::providers::aws {

// Ordered request parameters (name, value); order is kept on the wire.
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// The API version this adapter speaks.
inline constexpr std::string_view kEc2ApiVersion = "2016-11-15";

// "Action=<action>&Version=<version>&k1=v1&..." with names and values percent-encoded as AWS
// SDKs and SigV4 do (sky::PercentEncode: RFC 3986 unreserved kept, upper-case hex, %20).
std::string EncodeQueryBody(std::string_view action, std::string_view version,
                            const QueryParams& params);

// How EC2 blobs are decoded: standard base64 (RFC 4648, padded; sky::Base64Encode's default
// for encoding), whitespace ignored. Timestamps go out as sky::FormatIsoUtc.
inline constexpr Base64Options kEc2BlobBase64{Base64Alphabet::kStandard, /*pad=*/true,
                                              /*skip_whitespace=*/true};

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
