#pragma once
// S3rverServer: a real S3 API server (npm s3rver 3.7.1, installed in tests/node_modules by
// install_node_deps of cmake/install_deps.sh) on 127.0.0.1, for tests that move data with the
// real rclone. Objects live as plain files under a directory the test owns, so a test can
// check the bytes that arrived (ObjectFile) and the keys stored (Keys) without going through
// S3. s3rver accepts any well-formed SigV4 signature with the key pair S3RVER / S3RVER.
//
// s3rver 3.7.1 limitations (found with rclone 1.60; see tests/support/s3rver_server_test.cc):
// - A listing with delimiter "/" loses every "directory" whose objects all sit two or more
//   levels below the prefix: listing "p/" of a bucket holding only "p/a/b/x" returns nothing.
//   rclone copy/sync/check list that way, directory by directory, and then miss such objects,
//   so RcloneEnv sets RCLONE_FAST_LIST=true (one recursive listing without delimiter, correct).
//   A non-recursive `rclone lsf <dir>` still misses such subdirectories; `lsf -R`, `size` and
//   `purge` list recursively and see everything.
// - The ETag of a multipart upload is the MD5 of the whole object (real S3: MD5 of the part
//   MD5s plus "-N"); rclone's own X-Amz-Meta-Md5chksum is stored too, so `rclone check`
//   compares MD5s either way. Multipart copy (UploadPartCopy, objects past rclone's 4.6 GiB
//   copy cutoff) is not supported; smaller server-side copies (CopyObject) are.
// - The MD5 reported for an object is cached in "<object file>.md5": a test that changes an
//   object's bytes on disk must delete that file too, or s3rver keeps reporting the old MD5.
// - Keys are stored as file paths, so keys with "." or ".." segments or a "//" do not
//   round-trip. Start does not check bucket names (s3rver's PUT Bucket does, as S3 does).
//
// Thread safety: the const methods may be called from any thread; Start and the destructor
// are not to run concurrently with other calls on the same server.

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sky/types/result.h"
#include "tests/support/status_matchers.h"

namespace sky::testing {

class S3rverServer {
 public:
  // tests/node_modules/.bin/s3rver under the source tree.
  static std::string BinaryPath();

  // Starts `s3rver -d <directory> -a 127.0.0.1 -p 0 --configure-bucket <b>...` (`binary` is the
  // s3rver to run) in its own process group, creating `directory` and each bucket, and waits
  // (normally ~0.3 s, at most 20 s) for its "listening" line, which names the port.
  // FailedPrecondition when `binary` is not an executable file (s3rver not installed);
  // InvalidArgument when `directory` or a bucket name is empty; Unavailable when s3rver exits
  // or does not come up (the message holds the end of its log).
  static Result<std::unique_ptr<S3rverServer>> Start(const std::string& directory,
                                                     const std::vector<std::string>& buckets,
                                                     const std::string& binary = BinaryPath());

  // rclone found on PATH (its path); FailedPrecondition when there is none.
  static Result<std::string> RclonePath();

  // True when a failed Start (or RclonePath) may skip the test rather than fail it: the tool
  // is missing (FailedPrecondition) and the environment has SKY_ALLOW_SKIP_S3=1. Under
  // ./test.sh both are installed, so a missing tool fails the test.
  static bool SkipAllowed(const Status& status);

  // Stops the whole process group (SIGTERM, then SIGKILL) and reaps it. The directory stays.
  ~S3rverServer();
  S3rverServer(const S3rverServer&) = delete;
  S3rverServer& operator=(const S3rverServer&) = delete;

  int port() const { return port_; }
  // "http://127.0.0.1:<port>".
  std::string endpoint() const;
  const std::string& directory() const { return directory_; }

  // The environment that makes `<remote>:bucket/key` reach this server in an rclone run with
  // no config file: RCLONE_CONFIG_<REMOTE>_{TYPE=s3, PROVIDER=Other, ENDPOINT, ACCESS_KEY_ID,
  // SECRET_ACCESS_KEY, REGION=us-east-1, FORCE_PATH_STYLE=true}, RCLONE_FAST_LIST=true (see the
  // listing limitation above) and AWS_CA_BUNDLE="" (rclone 1.60 fails every S3 call with
  // "LoadCustomCABundleError" while that variable names a file). `remote` is case-insensitive.
  std::map<std::string, std::string> RcloneEnv(const std::string& remote = "s3") const;

  // Where s3rver keeps the bytes of `key` in `bucket`: <directory>/<bucket>/<key>._S3rver_object
  // (with "<same>.md5" and "<key>._S3rver_metadata.json" beside it). The file may not exist.
  std::string ObjectFile(const std::string& bucket, const std::string& key) const;

  // The keys stored in `bucket`, sorted, read from the directory (in-progress multipart
  // uploads, kept under <bucket>/._S3rver_uploads/, are not keys). Empty for no such bucket.
  std::vector<std::string> Keys(const std::string& bucket) const;

  // The last `bytes` of s3rver's log (one line per request; "Stored part N of <upload id>" for
  // each part of a multipart upload).
  std::string LogTail(size_t bytes = 4000) const;

 private:
  S3rverServer(pid_t pid, int port, std::string directory, std::string log_path)
      : pid_(pid), port_(port), directory_(std::move(directory)), log_path_(std::move(log_path)) {}
  // Waits for the "listening" line of the s3rver `pid` logging to `log_path`: its port. On
  // failure the process has exited (and is reaped) or has been stopped.
  static Result<int> WaitForPort(pid_t pid, const std::string& log_path);

  const pid_t pid_;
  const int port_;
  const std::string directory_;
  const std::string log_path_;
};

}  // namespace sky::testing

// In a TEST body or a fixture's SetUp: starts s3rver on `directory` with `buckets` into `lhs`
// (a std::unique_ptr<S3rverServer>) and checks that rclone is installed, failing the test with
// the status otherwise; skips it instead when the tool is missing and SKY_ALLOW_SKIP_S3=1.
#define SKY_START_S3RVER(lhs, directory, buckets)                                      \
  do {                                                                                 \
    auto sky_s3rver_started = ::sky::testing::S3rverServer::Start(directory, buckets); \
    if (::sky::testing::S3rverServer::SkipAllowed(sky_s3rver_started.status())) {      \
      GTEST_SKIP() << sky_s3rver_started.status().ToString();                          \
    }                                                                                  \
    ASSERT_OK(sky_s3rver_started);                                                     \
    lhs = std::move(*sky_s3rver_started);                                              \
    auto sky_rclone_found = ::sky::testing::S3rverServer::RclonePath();                \
    if (::sky::testing::S3rverServer::SkipAllowed(sky_rclone_found.status())) {        \
      GTEST_SKIP() << sky_rclone_found.status().ToString();                            \
    }                                                                                  \
    ASSERT_OK(sky_rclone_found);                                                       \
  } while (false)
