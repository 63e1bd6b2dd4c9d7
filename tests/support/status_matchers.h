#pragma once
// ASSERT_OK / EXPECT_OK for sky::Status and sky::Result<T>: on failure the message names the
// expression and the status (code and text). The expression is evaluated once; more context
// can be streamed: EXPECT_OK(store.Put(x)) << "while putting " << x;
#include <gtest/gtest.h>

#include "sky/types/result.h"
#include "sky/types/status.h"

namespace sky::testing {

inline ::testing::AssertionResult IsOk(const char* text, const Status& status) {
  if (status.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << text << " is not OK: " << status.ToString();
}

template <typename T>
::testing::AssertionResult IsOk(const char* text, const Result<T>& result) {
  return IsOk(text, result.status());
}

}  // namespace sky::testing

#define EXPECT_OK(expr) EXPECT_PRED_FORMAT1(::sky::testing::IsOk, expr)
#define ASSERT_OK(expr) ASSERT_PRED_FORMAT1(::sky::testing::IsOk, expr)
