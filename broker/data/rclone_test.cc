// The broker's rclone calls, with the real rclone on local folders (file:// URIs).
#include "broker/data/rclone.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace sky::broker {
namespace {

namespace fs = std::filesystem;

void Write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

class RcloneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("command -v rclone >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "rclone is not installed (./test.sh installs it)";
    }
    src_ = fs::path(dir_.path()) / "src";
    Write(src_ / "a.txt", "hello");
    Write(src_ / "nested/b.bin", std::string(1000, 'x'));
  }
  std::string Uri(const fs::path& path) const { return "file://" + path.string(); }

  testing::TempDir dir_;
  fs::path src_;
  Rclone rclone_{"rclone", {}};
};

TEST_F(RcloneTest, CopiesChecksSizesAndPurges) {
  const fs::path dst = fs::path(dir_.path()) / "dst";
  ASSERT_OK(rclone_.Copy(Uri(src_), Uri(dst)));
  EXPECT_TRUE(fs::exists(dst / "nested/b.bin"));
  EXPECT_OK(rclone_.Check(Uri(src_), Uri(dst)));
  auto size = rclone_.Size(Uri(dst));
  ASSERT_OK(size);
  EXPECT_EQ(*size, 1005);
  ASSERT_OK(rclone_.Purge(Uri(dst)));
  EXPECT_FALSE(fs::exists(dst));
  EXPECT_OK(rclone_.Purge(Uri(dst)));  // gone already: still OK
}

TEST_F(RcloneTest, CheckNamesADifference) {
  const fs::path dst = fs::path(dir_.path()) / "dst";
  ASSERT_OK(rclone_.Copy(Uri(src_), Uri(dst)));
  Write(dst / "a.txt", "HELLO");
  Status checked = rclone_.Check(Uri(src_), Uri(dst));
  EXPECT_TRUE(checked.IsInternal()) << checked.ToString();
}

TEST_F(RcloneTest, AMissingSourceIsAnErrorWithRclonesMessage) {
  Status copied = rclone_.Copy(Uri(fs::path(dir_.path()) / "nope"), Uri(src_ / "x"));
  EXPECT_TRUE(copied.IsUnavailable()) << copied.ToString();
  EXPECT_NE(copied.message().find("nope"), std::string::npos) << copied.message();
}

TEST_F(RcloneTest, AMissingProgramIsAFailedPreconditionSayingHowToInstall) {
  Rclone missing("/nonexistent/rclone", {});
  Status copied = missing.Copy(Uri(src_), Uri(src_ / "x"));
  EXPECT_TRUE(copied.IsFailedPrecondition()) << copied.ToString();
  EXPECT_NE(copied.message().find("apt-get install rclone"), std::string::npos);
}

TEST_F(RcloneTest, BadUrisAreInvalidArguments) {
  EXPECT_TRUE(rclone_.Copy("ftp://x/y", Uri(src_)).IsInvalidArgument());
}

}  // namespace
}  // namespace sky::broker
