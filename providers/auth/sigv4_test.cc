// Runs every case of AWS's SigV4 test suite (botocore's copy, in ../shared/specs) and compares
// our canonical request, string to sign and Authorization header with the suite's files byte
// for byte. Also unit tests of the pieces and of signing an HttpRequest.
#include "providers/auth/sigv4.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace sky::providers::auth {
namespace {

namespace fs = std::filesystem;

const fs::path kSuiteDir = fs::path(SKY_SHARED_DIR) / "specs" / "aws-sigv4-test-suite";
constexpr int64_t kSuiteTime = 1440938160;  // 20150830T123600Z
// The token botocore's runner uses for the *session-token* cases.
constexpr char kSuiteSessionToken[] =
    "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";

AwsCredentials SuiteCredentials() {
  return {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", "test suite"};
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every folder holding <folder>.req, relative to the suite root ("normalize-path/get-space").
std::vector<std::string> SuiteCases() {
  std::vector<std::string> cases;
  if (!fs::is_directory(kSuiteDir)) return cases;
  for (const auto& entry : fs::recursive_directory_iterator(kSuiteDir)) {
    if (!entry.is_directory()) continue;
    const fs::path req = entry.path() / (entry.path().filename().string() + ".req");
    if (fs::exists(req)) cases.push_back(fs::relative(entry.path(), kSuiteDir).string());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

// A .req file: request line, header lines (an indented line continues the previous value),
// a blank line, the body.
struct RawRequest {
  SigV4Input input;
  HttpHeaders headers;  // as written, for comparing with the .sreq
};

RawRequest ParseReq(const std::string& text) {
  RawRequest raw;
  const size_t blank = text.find("\n\n");
  const std::string head = text.substr(0, blank);
  if (blank != std::string::npos) raw.input.payload = text.substr(blank + 2);
  std::istringstream lines(head);
  std::string line;
  std::getline(lines, line);
  const size_t space = line.find(' ');
  const size_t version = line.rfind(" HTTP/");
  raw.input.method = line.substr(0, space);
  const std::string target = line.substr(space + 1, version - space - 1);
  const size_t question = target.find('?');
  raw.input.path = target.substr(0, question);
  if (question != std::string::npos) raw.input.query = target.substr(question + 1);
  while (std::getline(lines, line)) {
    if ((line[0] == ' ' || line[0] == '\t') && !raw.input.headers.empty()) {
      raw.input.headers.back().second += "\n" + line;
      continue;
    }
    const size_t colon = line.find(':');
    raw.input.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  raw.headers = raw.input.headers;
  return raw;
}

// Headers of the .sreq that the .req does not have (what signing must add).
HttpHeaders AddedBySigning(const std::string& sreq, const HttpHeaders& before) {
  HttpHeaders added;
  RawRequest signed_request = ParseReq(sreq);
  for (const auto& [name, value] : signed_request.headers) {
    // C++17 lambdas cannot capture structured bindings (clang refuses): capture references.
    const bool had = std::any_of(before.begin(), before.end(),
                                 [&name = name, &value = value](const auto& header) {
                                   return header.first == name && header.second == value;
                                 });
    if (!had) added.emplace_back(name, value.substr(value.find_first_not_of(' ')));
  }
  return added;
}

class SigV4SuiteTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SigV4SuiteTest, MatchesSuiteByteForByte) {
  const fs::path dir = kSuiteDir / GetParam();
  const std::string name = dir.filename().string();
  RawRequest raw = ParseReq(ReadFile(dir / (name + ".req")));
  const std::string sreq = ReadFile(dir / (name + ".sreq"));
  const HttpHeaders added = AddedBySigning(sreq, raw.headers);

  AwsCredentials credentials = SuiteCredentials();
  SigV4Options options;
  if (name.find("session-token") != std::string::npos) {
    credentials.session_token = kSuiteSessionToken;
  }
  if (name == "post-sts-header-after") {
    const std::string* token = FindHeader(added, "X-Amz-Security-Token");
    ASSERT_NE(token, nullptr) << "the .sreq carries the token added after signing";
    credentials.session_token = *token;
    options.session_token = SessionTokenPlacement::kAfterSignature;
  }
  Result<SigV4Signature> signature =
      SignV4(raw.input, credentials, {"us-east-1", "service"}, kSuiteTime, options);
  ASSERT_TRUE(signature.ok()) << signature.status().ToString();
  EXPECT_EQ(signature->canonical_request, ReadFile(dir / (name + ".creq")));
  EXPECT_EQ(signature->string_to_sign, ReadFile(dir / (name + ".sts")));
  EXPECT_EQ(signature->authorization, ReadFile(dir / (name + ".authz")));
  // Every header the signed request (.sreq) gained is one we set, with the same value. The
  // Authorization line is checked against .authz above: that file is authoritative (botocore's
  // runner checks it), and the .sreq of get-vanilla-with-session-token carries get-vanilla's
  // signature, not the one its own .authz and .sts lead to.
  for (const auto& [header, value] : added) {
    if (header == "Authorization") continue;
    const std::string* ours = FindHeader(signature->headers_to_set, header);
    ASSERT_NE(ours, nullptr) << header;
    EXPECT_EQ(*ours, value) << header;
  }
}

std::string CaseName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  std::replace_if(
      name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); },
      '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(AwsSuite, SigV4SuiteTest, ::testing::ValuesIn(SuiteCases()), CaseName);

TEST(SigV4Test, SuiteHasEveryCaseIncludingSubfolders) {
  const std::vector<std::string> cases = SuiteCases();
  EXPECT_EQ(cases.size(), 34u);  // 24 top-level, 8 normalize-path/, 2 post-sts-token/
  auto in = [&](const char* c) { return std::find(cases.begin(), cases.end(), c) != cases.end(); };
  EXPECT_TRUE(in("normalize-path/get-space"));
  EXPECT_TRUE(in("post-sts-token/post-sts-header-after"));
  EXPECT_TRUE(in("post-sts-token/post-sts-header-before"));
}

TEST(SigV4Test, AmzDateIsUtcBasicFormat) {
  EXPECT_EQ(AmzDate(kSuiteTime), "20150830T123600Z");
  EXPECT_EQ(AmzDate(0), "19700101T000000Z");
}

TEST(SigV4Test, CanonicalUriEncodesOnceAndNormalizes) {
  EXPECT_EQ(CanonicalUri("", true), "/");
  EXPECT_EQ(CanonicalUri("/a/./b/../c//d/", true), "/a/c/d/");
  EXPECT_EQ(CanonicalUri("/a b/%41", true), "/a%20b/%2541");  // already-encoded is encoded again
  EXPECT_EQ(CanonicalUri("/a//b/../c", false), "/a//b/../c");
}

TEST(SigV4Test, CanonicalQuerySortsAndReencodes) {
  EXPECT_EQ(CanonicalQuery("b=2&a=1&a=0&c"), "a=0&a=1&b=2&c=");
  EXPECT_EQ(CanonicalQuery("x=a%20b&y=a+b&z=%7e"), "x=a%20b&y=a%2Bb&z=~");
  EXPECT_EQ(CanonicalQuery(""), "");
}

TEST(SigV4Test, SignHttpRequestSetsHeadersFromUrl) {
  HttpRequest request;
  request.method = "POST";
  request.url = "https://ec2.us-east-1.amazonaws.com:443/?Action=DescribeRegions";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  AwsCredentials credentials = SuiteCredentials();
  credentials.session_token = "SESSIONTOKEN";
  ASSERT_TRUE(SignHttpRequest(request, credentials, {"us-east-1", "ec2"}, kSuiteTime).ok());
  ASSERT_NE(FindHeader(request.headers, "Authorization"), nullptr);
  EXPECT_EQ(*FindHeader(request.headers, "X-Amz-Date"), "20150830T123600Z");
  EXPECT_EQ(*FindHeader(request.headers, "X-Amz-Security-Token"), "SESSIONTOKEN");
  EXPECT_EQ(FindHeader(request.headers, "Host"), nullptr) << "curl sends Host from the URL";
  EXPECT_NE(FindHeader(request.headers, "Authorization")
                ->find("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,"),
            std::string::npos);

  // Same request signed through SignV4 with the Host curl will send: same signature.
  SigV4Input input{"POST",
                   "/",
                   "Action=DescribeRegions",
                   {{"Host", "ec2.us-east-1.amazonaws.com"},
                    {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}},
                   ""};
  Result<SigV4Signature> direct = SignV4(input, credentials, {"us-east-1", "ec2"}, kSuiteTime);
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(*FindHeader(request.headers, "Authorization"), direct->authorization);
}

TEST(SigV4Test, NonDefaultPortIsPartOfHost) {
  HttpRequest request;
  request.url = "http://127.0.0.1:8123/path?x=1";
  ASSERT_TRUE(SignHttpRequest(request, SuiteCredentials(), {"us-east-1", "ec2"}, kSuiteTime).ok());
  SigV4Input input{"GET", "/path", "x=1", {{"Host", "127.0.0.1:8123"}}, ""};
  Result<SigV4Signature> direct =
      SignV4(input, SuiteCredentials(), {"us-east-1", "ec2"}, kSuiteTime);
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(*FindHeader(request.headers, "Authorization"), direct->authorization);
}

TEST(SigV4Test, ContentSha256HeaderWhenAsked) {
  SigV4Input input{"PUT", "/key", "", {{"Host", "bucket.s3.amazonaws.com"}}, "hello"};
  SigV4Options options;
  options.add_content_sha256 = true;
  options.normalize_path = false;
  Result<SigV4Signature> signature =
      SignV4(input, SuiteCredentials(), {"us-east-1", "s3"}, kSuiteTime, options);
  ASSERT_TRUE(signature.ok());
  const std::string hash = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
  EXPECT_EQ(*FindHeader(signature->headers_to_set, "X-Amz-Content-Sha256"), hash);
  EXPECT_NE(signature->canonical_request.find("x-amz-content-sha256:" + hash), std::string::npos);
}

TEST(SigV4Test, UnsignableHeadersAreLeftOut) {
  SigV4Input input{"GET", "/", "", {{"Host", "h"}, {"User-Agent", "x"}, {"Expect", "y"}}, ""};
  Result<SigV4Signature> signature =
      SignV4(input, SuiteCredentials(), {"us-east-1", "ec2"}, kSuiteTime);
  ASSERT_TRUE(signature.ok());
  EXPECT_EQ(signature->signed_headers, "host;x-amz-date");
}

TEST(SigV4Test, RejectsMissingPieces) {
  SigV4Input input{"GET", "/", "", {{"Host", "h"}}, ""};
  AwsCredentials no_secret{"AKID", "", "", ""};
  EXPECT_TRUE(SignV4(input, no_secret, {"us-east-1", "ec2"}, 0).status().IsInvalidArgument());
  EXPECT_TRUE(SignV4(input, SuiteCredentials(), {"", "ec2"}, 0).status().IsInvalidArgument());
  SigV4Input no_host{"GET", "/", "", {}, ""};
  EXPECT_TRUE(
      SignV4(no_host, SuiteCredentials(), {"us-east-1", "ec2"}, 0).status().IsInvalidArgument());
  HttpRequest relative;
  relative.url = "/just/a/path";
  EXPECT_TRUE(
      SignHttpRequest(relative, SuiteCredentials(), {"us-east-1", "ec2"}, 0).IsInvalidArgument());
}

}  // namespace
}  // namespace sky::providers::auth
