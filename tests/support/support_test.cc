// The shared test helpers themselves: TempDir, ASSERT_OK / EXPECT_OK, OfferBuilder, Reply's
// header lookup and WaitFor.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "sky/types/offer.h"
#include "sky/types/result.h"
#include "sky/types/status.h"
#include "tests/support/e2e_fixture.h"
#include "tests/support/http_call.h"
#include "tests/support/offer_builder.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace sky::testing {
namespace {

TEST(TempDirTest, IsCreatedWritableAndRemovedWithEverythingInIt) {
  std::filesystem::path where;
  {
    TempDir dir("sky_support_test_");
    where = dir.path();
    ASSERT_TRUE(std::filesystem::is_directory(where));
    EXPECT_EQ(where.filename().string().rfind("sky_support_test_", 0), 0u);
    const std::string file = dir.Write("a/b.txt", "hello");
    EXPECT_EQ(file, dir.Path("a/b.txt"));
    EXPECT_EQ(ReadFile(file), "hello");
    TempDir other("sky_support_test_");
    EXPECT_NE(other.path(), where) << "each TempDir is fresh";
  }
  EXPECT_FALSE(std::filesystem::exists(where));
}

TEST(StatusMatchersTest, OkStatusAndResultPass) {
  EXPECT_OK(Status::Ok());
  ASSERT_OK(Result<int>(3));
}

TEST(StatusMatchersTest, FailureNamesTheExpressionAndTheStatus) {
  const ::testing::AssertionResult status = IsOk("Load()", Status::NotFound("no such file"));
  EXPECT_FALSE(status);
  EXPECT_NE(std::string(status.message()).find("Load() is not OK"), std::string::npos);
  EXPECT_NE(std::string(status.message()).find("no such file"), std::string::npos);
  const ::testing::AssertionResult result =
      IsOk("Parse()", Result<int>(Status::InvalidArgument("bad digit")));
  EXPECT_FALSE(result);
  EXPECT_NE(std::string(result.message()).find("bad digit"), std::string::npos);
}

TEST(OfferBuilderTest, BuildsTheFieldsAndDerivesTheId) {
  const Offer spot = OfferBuilder()
                         .Zone("us-central1-a")
                         .Type("a2-highgpu-1g")
                         .Gpu("A100", 1, 40)
                         .Spot()
                         .Price(1.1)
                         .Build();
  EXPECT_EQ(spot.provider, "gcp");
  EXPECT_EQ(spot.location_id(), "gcp:us-central1:us-central1-a");
  EXPECT_EQ(spot.accelerator, "A100");
  EXPECT_EQ(spot.accelerator_memory_gb, 40);
  EXPECT_EQ(spot.market, Market::kSpot);
  EXPECT_DOUBLE_EQ(spot.price_per_hour, 1.1);
  EXPECT_EQ(spot.id, MakeOfferId(spot));
  const Offer cpu = OfferBuilder().Build();
  EXPECT_EQ(cpu.market, Market::kOnDemand);
  EXPECT_EQ(cpu.accelerator_count, 0);
  EXPECT_NE(cpu.id, spot.id);
}

TEST(ReplyTest, HeaderReadsTheLastResponseInAnyCase) {
  Reply reply;
  reply.headers =
      "HTTP/1.1 100 Continue\r\nX-Seen: early\r\n\r\n"
      "HTTP/1.1 202 Accepted\r\nLocation: /v1/operations/Op1\r\nX-Empty:\r\n\r\n";
  EXPECT_EQ(reply.Header("location"), "/v1/operations/Op1");
  EXPECT_EQ(reply.Header("LOCATION"), "/v1/operations/Op1");
  EXPECT_EQ(reply.Header("x-seen"), "") << "a header of the 100 Continue only";
  EXPECT_EQ(reply.Header("x-empty"), "");
  EXPECT_EQ(reply.Header("missing"), "");
  EXPECT_NE(reply.LowerHeaders().find("location: /v1/operations/op1"), std::string::npos);
}

TEST(WaitForTest, ReturnsWhenTheConditionHoldsOrTheTimeIsUp) {
  int calls = 0;
  EXPECT_TRUE(
      WaitFor([&] { return ++calls == 3; }, std::chrono::seconds(5), std::chrono::milliseconds(1)));
  EXPECT_EQ(calls, 3);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(
      WaitFor([] { return false; }, std::chrono::milliseconds(50), std::chrono::milliseconds(10)));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(50));
}

}  // namespace
}  // namespace sky::testing
