// End-to-end test of `skybroker serve` on an ephemeral 127.0.0.1 port, reached with curl.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "tests/cli/cli_test_util.h"

namespace sky::testing {
namespace {

// `serve` on an ephemeral port, reached with curl over 127.0.0.1.
class ServeE2eTest : public BinaryTest {
 protected:
  void SetUp() override {
    BinaryTest::SetUp();
    const std::string log = (dir_ / "serve.log").string();
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setpgid(0, 0);
      const std::string db = (dir_ / "sky.db").string();
      std::freopen(log.c_str(), "w", stdout);
      ::execl(kBin.c_str(), kBin.c_str(), "serve", "--port", "0", "--db", db.c_str(),
              static_cast<char*>(nullptr));
      std::_Exit(127);
    }
    for (int i = 0; i < 300 && port_.empty(); ++i) {  // up to 30 s for the first catalog load
      ::usleep(100 * 1000);
      std::ifstream in(log);
      std::string line;
      if (std::getline(in, line) && line.find("serving http://127.0.0.1:") != std::string::npos) {
        const size_t at = line.find("127.0.0.1:") + 10;
        port_ = line.substr(at, line.find(' ', at) - at);
      }
    }
    ASSERT_FALSE(port_.empty()) << "server did not start";
  }
  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "server did not stop cleanly";
    }
    BinaryTest::TearDown();
  }
  // Returns "<http code>\n<body>".
  std::string Curl(const std::string& args) {
    FILE* pipe = ::popen(("curl -s -w '\\n%{http_code}' " + args + " 2>&1").c_str(), "r");
    std::string out;
    std::array<char, 4096> buf{};
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
    ::pclose(pipe);
    const size_t nl = out.rfind('\n');
    return out.substr(nl + 1) + "\n" + out.substr(0, nl);
  }
  std::string Url(const std::string& path) { return "'http://127.0.0.1:" + port_ + path + "'"; }

  pid_t pid_ = -1;
  std::string port_;
};

TEST_F(ServeE2eTest, ServesOffersPlansErrorsAndTheDashboard) {
  std::string r = Curl(Url("/healthz"));
  EXPECT_EQ(r.substr(0, 4), "200\n") << r;
  r = Curl(Url("/v1/offers?gpu=H100:8&limit=3"));
  ASSERT_EQ(r.substr(0, 4), "200\n") << r;
  auto offers = nlohmann::json::parse(r.substr(4));
  EXPECT_EQ(offers["offers"].size(), 3u);
  EXPECT_GE(offers["total"].get<int>(), 3);
  r = Curl(Url("/v1/offers?gpu=H100:0"));
  EXPECT_EQ(r.substr(0, 4), "400\n") << r;
  EXPECT_EQ(nlohmann::json::parse(r.substr(4))["error"]["code"], "invalid_argument");
  r = Curl("-X POST --data @" + kExamples + "/quickstart.json " + Url("/v1/plans"));
  ASSERT_EQ(r.substr(0, 4), "200\n") << r;
  EXPECT_EQ(nlohmann::json::parse(r.substr(4))["status"], "optimal");
  r = Curl("-X POST --data '{\"name\":\"x\",\"stages\":[]}' " + Url("/v1/plans"));
  ASSERT_EQ(r.substr(0, 4), "400\n") << r;
  EXPECT_FALSE(nlohmann::json::parse(r.substr(4))["error"]["details"].empty()) << r;
  r = Curl("-X POST --data 'not json' " + Url("/v1/plans"));
  EXPECT_EQ(r.substr(0, 4), "400\n") << r;
  r = Curl(Url("/"));
  EXPECT_EQ(r.substr(0, 4), "200\n");
  EXPECT_NE(r.find("<title>skybroker</title>"), std::string::npos);
  r = Curl("--path-as-is " + Url("/web/../../etc/passwd"));
  EXPECT_EQ(r.substr(0, 4), "404\n") << r;
  r = Curl(Url("/v2/nothing"));
  EXPECT_EQ(r.substr(0, 4), "404\n") << r;
}

}  // namespace
}  // namespace sky::testing
