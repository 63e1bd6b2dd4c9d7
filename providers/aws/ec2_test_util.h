#pragma once
// Test helpers for the EC2 adapter's tests: reading the shared spec files and comparing
// parsed values with botocore's expected JSON. Test-only.

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "providers/aws/ec2_shape_codec.h"

namespace sky::providers::aws::testing {

inline std::string SpecPath(const std::string& relative) {
  return std::string(SKY_SHARED_DIR) + "/specs/" + relative;
}

inline std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline OrderedJson ReadJsonOrDie(const std::string& path) {
  OrderedJson value = OrderedJson::parse(ReadFileOrDie(path), nullptr, false);
  EXPECT_FALSE(value.is_discarded()) << "bad JSON in " << path;
  return value;
}

// Compares like botocore's tests: same members and elements; numbers numerically; the strings
// "NaN", "Infinity", "-Infinity" match the floats they name. Reports every difference.
inline void ExpectJsonMatches(const OrderedJson& expected, const OrderedJson& actual,
                              const std::string& path = "$") {
  if (expected.is_string() && actual.is_number_float()) {
    double v = actual.get<double>();
    const std::string& name = expected.get_ref<const std::string&>();
    bool same = (name == "NaN" && std::isnan(v)) ||
                (name == "Infinity" && v > 0 && std::isinf(v)) ||
                (name == "-Infinity" && v < 0 && std::isinf(v));
    EXPECT_TRUE(same) << path << ": expected " << name << ", got " << v;
    return;
  }
  if (expected.is_number() && actual.is_number()) {
    double e = expected.get<double>(), a = actual.get<double>();
    EXPECT_NEAR(e, a, 1e-6 * std::max(1.0, std::fabs(e))) << path;
    return;
  }
  if (expected.type() != actual.type()) {
    ADD_FAILURE() << path << ": expected " << expected.dump() << ", got " << actual.dump();
    return;
  }
  if (expected.is_object()) {
    for (const auto& [key, value] : expected.items()) {
      if (!actual.contains(key)) {
        ADD_FAILURE() << path << "." << key << " missing";
        continue;
      }
      ExpectJsonMatches(value, actual[key], path + "." + key);
    }
    for (const auto& [key, value] : actual.items()) {
      if (!expected.contains(key)) ADD_FAILURE() << path << "." << key << " unexpected";
    }
  } else if (expected.is_array()) {
    ASSERT_EQ(expected.size(), actual.size()) << path;
    for (size_t i = 0; i < expected.size(); ++i) {
      ExpectJsonMatches(expected[i], actual[i], path + "[" + std::to_string(i) + "]");
    }
  } else {
    EXPECT_EQ(expected, actual) << path;
  }
}

}  // namespace sky::providers::aws::testing
