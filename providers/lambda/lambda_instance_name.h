#pragma once
// Lambda Cloud instances have no tags and no idempotency token, only a name of at most 64
// characters. The adapter puts both into the name:
//
//   sky-<digest>~<pipeline>~<stage>
//
// <digest> is the first 12 hex digits of SHA-256(idempotency key): a retried launch with the
// same key finds the instance by digest and does not launch again. <pipeline> and <stage> are
// the values of the tags kPipelineTag and kStageTag ('%' and '~' percent-escaped); other tags
// are not kept. Pure functions; thread-safe.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "sky/types/result.h"

namespace sky::providers::lambda {

inline constexpr std::string_view kPipelineTag = "skybroker-pipeline";
inline constexpr std::string_view kStageTag = "skybroker-stage";
inline constexpr size_t kMaxInstanceNameLength = 64;

// The digest part of the name for `idempotency_key`. InvalidArgument for an empty key.
Result<std::string> IdempotencyDigest(std::string_view idempotency_key);

// The instance name for a launch. InvalidArgument for an empty key or when the tags make the
// name longer than kMaxInstanceNameLength.
Result<std::string> EncodeInstanceName(std::string_view idempotency_key,
                                       const std::map<std::string, std::string>& tags);

struct DecodedInstanceName {
  std::string digest;
  std::map<std::string, std::string> tags;  // only the non-empty pipeline and stage tags
};

// Reverses EncodeInstanceName; nullopt for a name the adapter did not make.
std::optional<DecodedInstanceName> DecodeInstanceName(std::string_view name);

}  // namespace sky::providers::lambda
