#include "providers/aws/ec2_errors.h"

#include <gtest/gtest.h>

#include <string>

namespace sky::providers::aws {
namespace {

HttpResponse Envelope(int status, const std::string& code) {
  return {status,
          {{"Content-Type", "text/xml;charset=UTF-8"}},
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" + code +
              "</Code><Message>m</Message></Error></Errors><RequestID>r-1</RequestID></Response>"};
}

TEST(Ec2ErrorsTest, CapacityErrorsAreResourceExhaustedCapacity) {
  for (const char* code : {"InsufficientInstanceCapacity", "InsufficientHostCapacity",
                           "SpotMaxPriceTooLow", "Unsupported"}) {
    Status status = StatusForEc2Response(Envelope(500, code));
    EXPECT_TRUE(status.IsResourceExhausted()) << code;
    EXPECT_EQ(status.reason(), "capacity") << code;
    EXPECT_NE(status.message().find(code), std::string::npos);
  }
}

TEST(Ec2ErrorsTest, LimitErrorsAreResourceExhaustedQuota) {
  for (const char* code :
       {"InstanceLimitExceeded", "VcpuLimitExceeded", "MaxSpotInstanceCountExceeded"}) {
    Status status = StatusForEc2Response(Envelope(400, code));
    EXPECT_TRUE(status.IsResourceExhausted()) << code;
    EXPECT_EQ(status.reason(), "quota") << code;
  }
}

TEST(Ec2ErrorsTest, ThrottlingIsUnavailableThrottled) {
  for (const char* code : {"RequestLimitExceeded", "Throttling"}) {
    Status status = StatusForEc2Response(Envelope(503, code));
    EXPECT_TRUE(status.IsUnavailable()) << code;
    EXPECT_EQ(status.reason(), "throttled") << code;
  }
  Status bare = StatusForEc2Response({429, {}, ""});
  EXPECT_TRUE(bare.IsUnavailable());
  EXPECT_EQ(bare.reason(), "throttled");
}

TEST(Ec2ErrorsTest, AuthInvalidNotFoundAndServerErrors) {
  EXPECT_TRUE(StatusForEc2Response(Envelope(401, "AuthFailure")).IsUnauthenticated());
  EXPECT_TRUE(StatusForEc2Response(Envelope(403, "UnauthorizedOperation")).IsPermissionDenied());
  EXPECT_TRUE(StatusForEc2Response(Envelope(400, "InvalidParameterValue")).IsInvalidArgument());
  EXPECT_TRUE(StatusForEc2Response(Envelope(400, "InvalidAMIID.Malformed")).IsInvalidArgument());
  EXPECT_TRUE(StatusForEc2Response(Envelope(400, "InvalidInstanceID.NotFound")).IsNotFound());
  EXPECT_TRUE(StatusForEc2Response(Envelope(500, "InternalError")).IsUnavailable());
  EXPECT_TRUE(StatusForEc2Response(Envelope(503, "Unavailable")).IsUnavailable());
  EXPECT_TRUE(StatusForEc2Response({502, {}, "<html>bad gateway</html>"}).IsUnavailable());
  // An unknown code falls back to its HTTP status.
  EXPECT_TRUE(StatusForEc2Response(Envelope(400, "SomethingNew")).IsInvalidArgument());
  EXPECT_TRUE(StatusForEc2Response(Envelope(503, "SomethingNew")).IsUnavailable());
  EXPECT_EQ(StatusForEc2Response(Envelope(400, "InvalidParameterValue")).reason(), "");
}

TEST(Ec2ErrorsTest, MessagesAreRedacted) {
  HttpResponse response = Envelope(400, "AuthFailure");
  response.body.replace(response.body.find("<Message>m"), 10,
                        "<Message>key AKIAIOSFODNN7EXAMPLE is bad");
  Status status = StatusForEc2Response(response);
  EXPECT_EQ(status.message().find("AKIAIOSFODNN7EXAMPLE"), std::string::npos) << status.message();
}

TEST(Ec2ErrorsTest, RetriesThrottlingAndServerErrorsButNotCapacityIn500s) {
  EXPECT_FALSE(IsRetryableEc2Response(Envelope(500, "InsufficientInstanceCapacity")));
  EXPECT_FALSE(IsRetryableEc2Response(Envelope(500, "InsufficientHostCapacity")));
  EXPECT_FALSE(IsRetryableEc2Response(Envelope(500, "VcpuLimitExceeded")));
  EXPECT_TRUE(IsRetryableEc2Response(Envelope(503, "RequestLimitExceeded")));
  EXPECT_TRUE(IsRetryableEc2Response(Envelope(500, "InternalError")));
  EXPECT_TRUE(IsRetryableEc2Response(Envelope(503, "Unavailable")));
  EXPECT_TRUE(IsRetryableEc2Response({502, {}, "gateway"}));
  EXPECT_TRUE(IsRetryableEc2Response(Envelope(400, "RequestLimitExceeded")));
  EXPECT_FALSE(IsRetryableEc2Response(Envelope(400, "InvalidParameterValue")));
  EXPECT_FALSE(IsRetryableEc2Response({200, {}, ""}));
}

}  // namespace
}  // namespace sky::providers::aws
