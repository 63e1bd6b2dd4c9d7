#include "sky/types/object_uri.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace sky {
namespace {

using ::testing::HasSubstr;

struct ValidCase {
  std::string text;
  UriScheme scheme;
  std::string bucket;
  std::string path;
  std::string normalised;
  std::string rclone;
};

TEST(ObjectUriTest, ParsesEveryScheme) {
  const std::vector<ValidCase> cases = {
      {"s3://team-use1/skybroker/p", UriScheme::kS3, "team-use1", "skybroker/p",
       "s3://team-use1/skybroker/p", "s3:team-use1/skybroker/p"},
      {"s3://bucket", UriScheme::kS3, "bucket", "", "s3://bucket", "s3:bucket"},
      {"s3://bucket/", UriScheme::kS3, "bucket", "", "s3://bucket", "s3:bucket"},
      {"S3://b.x_y/k/", UriScheme::kS3, "b.x_y", "k", "s3://b.x_y/k", "s3:b.x_y/k"},
      {"gs://team/skybroker/", UriScheme::kGs, "team", "skybroker", "gs://team/skybroker",
       "gs:team/skybroker"},
      {"az://container/a/b.bin", UriScheme::kAz, "container", "a/b.bin", "az://container/a/b.bin",
       "az:container/a/b.bin"},
      {"https://data.example.com/corpus/v1", UriScheme::kHttps, "data.example.com", "corpus/v1",
       "https://data.example.com/corpus/v1", ":http,url='https://data.example.com':corpus/v1"},
      {"https://127.0.0.1:8443/a%20b/c", UriScheme::kHttps, "127.0.0.1:8443", "a b/c",
       "https://127.0.0.1:8443/a%20b/c", ":http,url='https://127.0.0.1:8443':a b/c"},
      {"https://host", UriScheme::kHttps, "host", "", "https://host", ":http,url='https://host':"},
      {"file:///var/lib/skybroker/objects/", UriScheme::kFile, "", "/var/lib/skybroker/objects",
       "file:///var/lib/skybroker/objects", "/var/lib/skybroker/objects"},
      {"file:///", UriScheme::kFile, "", "/", "file:///", "/"},
  };
  for (const ValidCase& c : cases) {
    Result<ObjectUri> uri = ParseObjectUri(c.text);
    ASSERT_OK(uri) << c.text;
    EXPECT_EQ(uri->scheme, c.scheme) << c.text;
    EXPECT_EQ(uri->bucket, c.bucket) << c.text;
    EXPECT_EQ(uri->path, c.path) << c.text;
    EXPECT_EQ(uri->text, c.normalised) << c.text;
    EXPECT_EQ(RcloneRemotePath(*uri), c.rclone) << c.text;
  }
}

TEST(ObjectUriTest, RejectsBadUrisWithAClearMessage) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "empty object URI"},
      {"bucket/key",
       "no scheme; expected s3://bucket/key, gs://bucket/key, az://container/key, "
       "https://host/path or file:///abs/path"},
      {"http://host/x", "unknown scheme \"http\"; expected s3://"},
      {"ftp://host/x", "unknown scheme \"ftp\""},
      {"s3:///key", "empty bucket"},
      {"az://", "empty container"},
      {"https:///x", "empty host"},
      {"s3://bu:ck/x", "bad bucket \"bu:ck\""},
      {"https://user:pw@host/x", "credentials (user@) do not belong in a URI"},
      {"https://host:0/x", "bad host \"host:0\""},
      {"https://host:99999/x", "bad host"},
      {"https://ho_st/x", "bad host"},
      {"https://host/x?sig=1", "no query or fragment"},
      {"https://host/x#top", "no query or fragment"},
      {"https://host/a%2Fb", "decodes to '/'"},
      {"https://host/%2E%2E/x", "path segment \"..\" is not allowed"},
      {"file://host/x", "file:///abs/path"},
      {"file://relative/x", "needs an absolute path"},
      {"file://", "needs an absolute path"},
      {"file:///a//b", "empty path segment"},
      {"file:///a/../b", "path segment \"..\" is not allowed"},
      {"s3://b/./k", "path segment \".\" is not allowed"},
      {"s3://b/a//k", "empty path segment"},
      {"s3://b/a b", "whitespace or control character at byte 8"},
      {" s3://b/k", "whitespace or control character at byte 0"},
      {"s3://b/k\n", "whitespace or control character"},
      {std::string("s3://b/k\0x", 10), "control character at byte 8"},
      {"s3://b/k\x7f", "control character"},
  };
  for (const auto& [text, message] : cases) {
    Result<ObjectUri> uri = ParseObjectUri(text);
    ASSERT_FALSE(uri.ok()) << text;
    EXPECT_TRUE(uri.status().IsInvalidArgument()) << text;
    EXPECT_THAT(uri.status().message(), HasSubstr(message)) << text;
  }
}

TEST(ObjectUriTest, MessageQuotesTheUriAndListsAcceptedSchemes) {
  Result<ObjectUri> uri = ParseObjectUri("gcs://b/k");
  ASSERT_FALSE(uri.ok());
  EXPECT_EQ(uri.status().message(),
            "object URI \"gcs://b/k\": unknown scheme \"gcs\"; expected s3://bucket/key, "
            "gs://bucket/key, az://container/key, https://host/path or file:///abs/path");
}

TEST(ObjectUriTest, JoinUriPutsExactlyOneSlashBetween) {
  const std::vector<std::vector<std::string>> cases = {
      {"s3://b/prefix", "p/train", "s3://b/prefix/p/train"},
      {"s3://b/prefix/", "/p", "s3://b/prefix/p"},
      {"s3://b/prefix//", "//p/", "s3://b/prefix/p/"},
      {"s3://b", "attempt-1/output", "s3://b/attempt-1/output"},
      {"file:///", "x", "file:///x"},
      {"file:///tmp", "x", "file:///tmp/x"},
      {"/", "x", "/x"},
      {"", "x", "x"},
      {"s3://b/k", "", "s3://b/k"},
      {"s3://b/k/", "/", "s3://b/k"},
  };
  for (const auto& c : cases) EXPECT_EQ(JoinUri(c[0], c[1]), c[2]) << c[0] << " + " << c[1];
}

TEST(ObjectUriTest, SchemeNames) {
  EXPECT_EQ(UriSchemeName(UriScheme::kS3), "s3");
  EXPECT_EQ(UriSchemeName(UriScheme::kGs), "gs");
  EXPECT_EQ(UriSchemeName(UriScheme::kAz), "az");
  EXPECT_EQ(UriSchemeName(UriScheme::kHttps), "https");
  EXPECT_EQ(UriSchemeName(UriScheme::kFile), "file");
}

// --- rclone against real local storage -------------------------------------------------------

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs `argv` (PATH lookup, no shell) with `env` added to this process's environment.
CommandResult Run(const std::vector<std::string>& argv,
                  const std::vector<std::pair<std::string, std::string>>& env = {}) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    for (const auto& [name, value] : env) setenv(name.c_str(), value.c_str(), 1);
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  CommandResult result;
  char buffer[4096];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;) result.output.append(buffer, n);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// rclone with no config file (the flag the header names) and remotes from `env` only.
CommandResult Rclone(const std::vector<std::string>& args,
                     const std::vector<std::pair<std::string, std::string>>& env = {}) {
  std::vector<std::string> argv = {"rclone", "--config", ""};
  argv.insert(argv.end(), args.begin(), args.end());
  return Run(argv, env);
}

std::string RclonePathOf(const std::string& text) {
  Result<ObjectUri> uri = ParseObjectUri(text);
  EXPECT_OK(uri) << text;
  return uri.ok() ? RcloneRemotePath(*uri) : "";
}

constexpr const char* kHttpsServer = R"(import functools, http.server, ssl, sys
root, cert, key = sys.argv[1:4]
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=root)
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
)";

// python3's http.server over TLS (self-signed certificate made with openssl) on 127.0.0.1.
class HttpsServer {
 public:
  // Serves `root`; port() is 0 when python3 or openssl failed (the reason in error()).
  HttpsServer(const testing::TempDir& dir, const std::string& root) {
    CommandResult cert = Run({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                              dir.Path("key.pem"), "-out", dir.Path("cert.pem"), "-days", "1",
                              "-subj", "/CN=127.0.0.1"});
    if (cert.exit_code != 0) {
      error_ = "openssl failed: " + cert.output;
      return;
    }
    std::string script = dir.Write("server.py", kHttpsServer);
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], 1);
      close(fds[0]);
      int null_fd = open("/dev/null", O_WRONLY);  // the request log
      dup2(null_fd, 2);
      execlp("python3", "python3", script.c_str(), root.c_str(), dir.Path("cert.pem").c_str(),
             dir.Path("key.pem").c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[1]);
    ReadPort(fds[0]);
  }
  ~HttpsServer() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  int port() const { return port_; }
  const std::string& error() const { return error_; }

 private:
  void ReadPort(int fd) {
    std::string line;
    char c;
    while (read(fd, &c, 1) == 1 && c != '\n') line += c;
    close(fd);
    port_ = line.empty() ? 0 : std::stoi(line);
    if (port_ == 0) error_ = "python3 https server did not start";
  }

  pid_t pid_ = -1;
  int port_ = 0;
  std::string error_;
};

bool HaveRclone() { return Run({"rclone", "--config", "", "version"}).exit_code == 0; }

TEST(ObjectUriTest, RclonePathsOfFileAndNamedRemotesListRealFiles) {
  if (!HaveRclone()) GTEST_SKIP() << "rclone is not installed (Debian package rclone)";
  testing::TempDir dir("sky_object_uri_");
  dir.Write("objects/p/train/attempt-1/output/model.bin", "weights");
  dir.Write("buckets/team/skybroker/p/shard-0", "tokens");
  CommandResult file = Rclone({"lsf", "-R", RclonePathOf("file://" + dir.Path("objects/p/"))});
  EXPECT_EQ(file.exit_code, 0) << file.output;
  EXPECT_EQ(file.output,
            "train/\ntrain/attempt-1/\ntrain/attempt-1/output/\n"
            "train/attempt-1/output/model.bin\n");
  // s3, gs and az remotes are aliases of a local directory here, configured the way the data
  // plane configures them: through RCLONE_CONFIG_<REMOTE>_* variables only.
  for (const char* scheme : {"s3", "gs", "az"}) {
    std::string upper = scheme[0] == 's' ? "S3" : scheme[0] == 'g' ? "GS" : "AZ";
    std::vector<std::pair<std::string, std::string>> env = {
        {"RCLONE_CONFIG_" + upper + "_TYPE", "alias"},
        {"RCLONE_CONFIG_" + upper + "_REMOTE", dir.Path("buckets")}};
    std::string path = RclonePathOf(std::string(scheme) + "://team/skybroker/p/shard-0");
    EXPECT_EQ(path, std::string(scheme) + ":team/skybroker/p/shard-0");
    CommandResult cat = Rclone({"cat", path}, env);
    EXPECT_EQ(cat.exit_code, 0) << scheme << ": " << cat.output;
    EXPECT_EQ(cat.output, "tokens") << scheme;  // and no "config file not found" notice
  }
}

TEST(ObjectUriTest, RclonePathOfHttpsReadsFromARealServer) {
  if (!HaveRclone()) GTEST_SKIP() << "rclone is not installed (Debian package rclone)";
  testing::TempDir dir("sky_object_uri_");
  dir.Write("www/corpus/v1/part one.txt", "hello corpus");
  dir.Write("www/corpus/v1/part-2.txt", "more");
  HttpsServer server(dir, dir.Path("www"));
  if (server.port() == 0) GTEST_SKIP() << server.error();
  std::string base = "https://127.0.0.1:" + std::to_string(server.port());
  CommandResult list =
      Rclone({"--no-check-certificate", "lsf", RclonePathOf(base + "/corpus/v1/")});
  EXPECT_EQ(list.exit_code, 0) << list.output;
  EXPECT_EQ(list.output, "part one.txt\npart-2.txt\n");
  CommandResult cat =
      Rclone({"--no-check-certificate", "cat", RclonePathOf(base + "/corpus/v1/part%20one.txt")});
  EXPECT_EQ(cat.exit_code, 0) << cat.output;
  EXPECT_EQ(cat.output, "hello corpus");
  CommandResult missing =
      Rclone({"--no-check-certificate", "cat", RclonePathOf(base + "/corpus/v1/none.txt")});
  EXPECT_NE(missing.exit_code, 0) << missing.output;
}

}  // namespace
}  // namespace sky
