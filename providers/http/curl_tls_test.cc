// TLS verification is always on: a local `openssl s_server` with a throwaway self-signed
// certificate is rejected (FailedPrecondition) unless that certificate is the trusted CA and
// the host name matches it. Skips only when the openssl command is not installed.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "sky/providers/http/curl_http_client.h"

extern char** environ;

namespace sky::providers {
namespace {

namespace fs = std::filesystem;

// A free port on 127.0.0.1 (bound, read, released).
int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  (void)::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

bool CanConnect(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  ::close(fd);
  return ok;
}

class CurlTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("command -v openssl >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "the openssl command is not installed";
    }
    std::string pattern = (fs::temp_directory_path() / "sky-tls-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    const std::string make_cert =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
        "-subj /CN=localhost -addext subjectAltName=DNS:localhost -keyout '" +
        (dir_ / "key.pem").string() + "' -out '" + (dir_ / "cert.pem").string() +
        "' >/dev/null 2>&1";
    ASSERT_EQ(std::system(make_cert.c_str()), 0);
    port_ = FreePort();
    StartServer();
  }

  void StartServer() {
    std::vector<std::string> args = {"openssl", "s_server",
                                     "-quiet",  "-www",
                                     "-accept", std::to_string(port_),
                                     "-cert",   (dir_ / "cert.pem").string(),
                                     "-key",    (dir_ / "key.pem").string()};
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    ASSERT_EQ(posix_spawnp(&server_pid_, "openssl", &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    for (int i = 0; i < 150 && !CanConnect(port_); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_TRUE(CanConnect(port_)) << "openssl s_server did not start";
  }

  void TearDown() override {
    if (server_pid_ > 0) {
      ::kill(server_pid_, SIGTERM);
      ::waitpid(server_pid_, nullptr, 0);
    }
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  Result<HttpResponse> Get(const std::string& host, bool trust_cert) {
    CurlHttpClientOptions options;
    options.connect_timeout = std::chrono::milliseconds(3000);
    options.total_timeout = std::chrono::milliseconds(5000);
    if (trust_cert) options.ca_file = (dir_ / "cert.pem").string();
    CurlHttpClient client(options);
    return client.Send(
        {"GET", "https://" + host + ":" + std::to_string(port_) + "/", {}, "", true, {}});
  }

  fs::path dir_;
  int port_ = 0;
  pid_t server_pid_ = -1;
};

TEST_F(CurlTlsTest, UntrustedSelfSignedCertificateIsRejected) {
  Status status = Get("localhost", /*trust_cert=*/false).status();
  EXPECT_TRUE(status.IsFailedPrecondition()) << status.ToString();
}

TEST_F(CurlTlsTest, HostNameMismatchIsRejectedEvenWhenTrusted) {
  Status status = Get("127.0.0.1", /*trust_cert=*/true).status();
  EXPECT_TRUE(status.IsFailedPrecondition()) << status.ToString();
}

TEST_F(CurlTlsTest, TrustedCertificateForTheHostIsAccepted) {
  Result<HttpResponse> response = Get("localhost", /*trust_cert=*/true);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
}

}  // namespace
}  // namespace sky::providers
