#include "sky/providers/auth/aws_credentials.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace sky::providers::auth {
namespace {

namespace fs = std::filesystem;

constexpr char kFile[] = R"(# a comment
[default]
aws_access_key_id = AKIADEFAULT000000000
aws_secret_access_key = defaultSecret/with+chars=

[profile work]
aws_access_key_id=ASIAWORK000000000000
aws_secret_access_key=workSecret
aws_session_token = workSessionToken==
region = us-west-2

[broken]
aws_access_key_id = AKIABROKEN0000000000

[empty]
region = eu-west-1
)";

// A temporary HOME with ~/.aws/credentials, removed afterwards.
class AwsCredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "sky-home-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    home_ = pattern;
    fs::create_directories(home_ / ".aws");
    std::ofstream(home_ / ".aws" / "credentials") << kFile;
    env_["HOME"] = home_.string();
  }
  void TearDown() override { fs::remove_all(home_); }

  EnvLookup Env() const {
    return [this](const std::string& name) -> std::optional<std::string> {
      auto it = env_.find(name);
      if (it == env_.end()) return std::nullopt;
      return it->second;
    };
  }

  fs::path home_;
  std::map<std::string, std::string> env_;
};

TEST_F(AwsCredentialsTest, DefaultProfileFromHome) {
  Result<AwsCredentials> creds = LoadAwsCredentials(Env());
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id, "AKIADEFAULT000000000");
  EXPECT_EQ(creds->secret_access_key, "defaultSecret/with+chars=");
  EXPECT_EQ(creds->session_token, "");
  EXPECT_NE(creds->source.find("profile default in " + home_.string()), std::string::npos);
}

TEST_F(AwsCredentialsTest, AwsProfileSelectsSectionWithSessionToken) {
  env_["AWS_PROFILE"] = "work";
  Result<AwsCredentials> creds = LoadAwsCredentials(Env());
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id, "ASIAWORK000000000000");
  EXPECT_EQ(creds->session_token, "workSessionToken==");
}

TEST_F(AwsCredentialsTest, EnvironmentWinsOverFile) {
  env_["AWS_PROFILE"] = "work";
  env_["AWS_ACCESS_KEY_ID"] = "AKIAENV0000000000000";
  env_["AWS_SECRET_ACCESS_KEY"] = "envSecret";
  env_["AWS_SESSION_TOKEN"] = "envToken";
  Result<AwsCredentials> creds = LoadAwsCredentials(Env());
  ASSERT_TRUE(creds.ok());
  EXPECT_EQ(creds->access_key_id, "AKIAENV0000000000000");
  EXPECT_EQ(creds->session_token, "envToken");
  EXPECT_EQ(creds->source, "environment");
}

TEST_F(AwsCredentialsTest, SharedCredentialsFileOverridesHome) {
  const fs::path other = home_ / "elsewhere.ini";
  std::ofstream(other) << "[default]\naws_access_key_id=AKIAOTHER\naws_secret_access_key=o\n";
  env_["AWS_SHARED_CREDENTIALS_FILE"] = "~/elsewhere.ini";
  Result<AwsCredentials> creds = LoadAwsCredentials(Env());
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id, "AKIAOTHER");
}

TEST_F(AwsCredentialsTest, PartialEnvironmentIsInvalid) {
  env_["AWS_ACCESS_KEY_ID"] = "AKIAENV0000000000000";
  EXPECT_TRUE(LoadAwsCredentials(Env()).status().IsInvalidArgument());
}

TEST_F(AwsCredentialsTest, ProfileWithoutSecretIsInvalid) {
  env_["AWS_PROFILE"] = "broken";
  EXPECT_TRUE(LoadAwsCredentials(Env()).status().IsInvalidArgument());
}

TEST_F(AwsCredentialsTest, NothingFoundIsUnauthenticated) {
  env_["AWS_PROFILE"] = "nosuch";
  EXPECT_TRUE(LoadAwsCredentials(Env()).status().IsUnauthenticated());
  env_["AWS_PROFILE"] = "empty";
  EXPECT_TRUE(LoadAwsCredentials(Env()).status().IsUnauthenticated());
  env_.erase("AWS_PROFILE");
  fs::remove(home_ / ".aws" / "credentials");
  Status missing = LoadAwsCredentials(Env()).status();
  EXPECT_TRUE(missing.IsUnauthenticated());
  EXPECT_NE(missing.message().find(".aws/credentials"), std::string::npos);
  env_.clear();
  EXPECT_TRUE(LoadAwsCredentials(Env()).status().IsUnauthenticated());
}

TEST_F(AwsCredentialsTest, ParseReportsMissingProfileAsNotFound) {
  EXPECT_TRUE(ParseAwsCredentialsFile(kFile, "nosuch", "f").status().IsNotFound());
  EXPECT_TRUE(ParseAwsCredentialsFile("", "default", "f").status().IsNotFound());
}

TEST_F(AwsCredentialsTest, RealProcessEnvironmentWithTempHome) {
  // The default lookup reads the process environment.
  const char* saved_home = getenv("HOME");
  const std::string restore = saved_home ? saved_home : "";
  setenv("HOME", home_.c_str(), 1);
  unsetenv("AWS_ACCESS_KEY_ID");
  unsetenv("AWS_SECRET_ACCESS_KEY");
  unsetenv("AWS_PROFILE");
  unsetenv("AWS_SHARED_CREDENTIALS_FILE");
  Result<AwsCredentials> creds = LoadAwsCredentials();
  if (saved_home) setenv("HOME", restore.c_str(), 1);
  ASSERT_TRUE(creds.ok()) << creds.status().ToString();
  EXPECT_EQ(creds->access_key_id, "AKIADEFAULT000000000");
}

TEST_F(AwsCredentialsTest, ToStringHasNoKeyMaterial) {
  env_["AWS_PROFILE"] = "work";
  Result<AwsCredentials> creds = LoadAwsCredentials(Env());
  ASSERT_TRUE(creds.ok());
  const std::string text = creds->ToString();
  EXPECT_EQ(text.find("ASIAWORK"), std::string::npos);
  EXPECT_EQ(text.find("workSecret"), std::string::npos);
  EXPECT_EQ(text.find("workSessionToken"), std::string::npos);
  EXPECT_NE(text.find("(temporary)"), std::string::npos);
}

}  // namespace
}  // namespace sky::providers::auth
