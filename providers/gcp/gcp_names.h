#pragma once
// GCE naming and wire-format rules the adapter must obey: resource names, label keys and
// values, request ids, accelerator type names, URL encoding and RFC 3339 timestamps.
// Pure functions; thread-safe.

#include <map>
#include <string>
#include <string_view>

#include "sky/types/percent_encoding.h"  // PercentEncode, for URLs and form bodies
#include "sky/types/result.h"

namespace sky::providers::gcp {

// The last '/'-separated segment of a GCE URL or partial URL ("zones/us-central1-a" ->
// "us-central1-a"); the whole text when it has no '/'.
std::string LastPathSegment(std::string_view url);

// GCE resource names: [a-z]([-a-z0-9]{0,61}[a-z0-9])?
bool IsValidResourceName(std::string_view name);
// Label keys: 1-63 of [a-z0-9_-], starting with a lowercase letter.
bool IsValidLabelKey(std::string_view key);
// Label values: 0-63 of [a-z0-9_-].
bool IsValidLabelValue(std::string_view value);

// Lower-cases, replaces every other character with '-', truncates to 63 and (for keys)
// prefixes "k-" when the first character is not a letter, so that the result is valid.
// The same input always gives the same output, so a tag filter can be sanitised the same way.
std::string SanitizeLabelKey(std::string_view key);
std::string SanitizeLabelValue(std::string_view value);
// Every tag as a sanitised label.
std::map<std::string, std::string> LabelsFromTags(const std::map<std::string, std::string>& tags);

// The instance name for an idempotency key: "sky-<readable part of the key>-<8 hex digits of
// its SHA-256>", a valid resource name of at most 63 characters, always the same for a key.
// Internal only when OpenSSL fails.
Result<std::string> InstanceNameForKey(std::string_view idempotency_key);

// A UUID (version-5 layout, lower-case hex, 8-4-4-4-12) derived from the key's SHA-256, for
// instances.insert's requestId: GCE ignores a second insert with a requestId it has seen.
Result<std::string> RequestIdForKey(std::string_view idempotency_key);

// SkyPilot's canonical accelerator name -> GCE accelerator type ("T4" -> "nvidia-tesla-t4"),
// case-insensitively; empty when GCE has no such GPU.
std::string GceAcceleratorName(std::string_view canonical_name);
// GCE accelerator type -> canonical name ("nvidia-l4" -> "L4"); empty when unknown.
std::string CanonicalAcceleratorName(std::string_view gce_type);

// True for machine types whose GPUs are attached as guestAccelerators (n1-*), as opposed to
// machine types with built-in GPUs (a2, a3, g2, ...).
bool TakesAttachedAccelerators(std::string_view machine_type);

// Parses an RFC 3339 timestamp ("2013-12-13T10:45:23.351-08:00", "...Z") into Unix seconds.
// InvalidArgument when it does not match.
Result<double> ParseRfc3339(std::string_view text);

}  // namespace sky::providers::gcp
