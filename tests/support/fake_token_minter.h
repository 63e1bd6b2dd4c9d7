#pragma once
// FakeTokenMinter: the tests' broker::TokenMinter, without OpenSSL: the token of key K is
// "tok-K" (so a test can forge the right and a wrong one) and a hash is "h" + std::hash.
// Deterministic per key, as the executor needs. Thread-safe. Links sky_broker.
#include <string>
#include <string_view>

#include "sky/broker/executor_world.h"

namespace sky::testing {

class FakeTokenMinter final : public broker::DeterministicTokenMinter {
 public:
  static constexpr char kPrefix[] = "tok-";
  FakeTokenMinter() : DeterministicTokenMinter(kPrefix, "h") {}
};

}  // namespace sky::testing
