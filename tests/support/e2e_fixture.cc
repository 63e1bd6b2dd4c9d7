#include "tests/support/e2e_fixture.h"

#include <unistd.h>

#include <fstream>
#include <iostream>
#include <thread>

namespace sky::testing {

bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout,
             std::chrono::milliseconds every) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(every);
  }
}

void E2eTest::SetUp() {
  dir_ =
      fs::temp_directory_path() / ("sky_e2e_" + std::to_string(::getpid()) + "_" +
                                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::remove_all(dir_);
  fs::create_directories(dir_);
}

void E2eTest::TearDown() {
  if (serve_.running()) {
    EXPECT_TRUE(serve_.Stop()) << "server did not stop cleanly";
  }
  if (HasFailure()) std::cerr << "server stderr (tail):\n" << serve_.Errors();
  fs::remove_all(dir_);
}

std::string E2eTest::Write(const std::string& name, const std::string& text) {
  std::ofstream(dir_ / name) << text;
  return Path(name);
}

bool E2eTest::StartServe(const std::vector<std::string>& args, const std::string& log_name) {
  return serve_.Start(args, Path(log_name));
}

Reply E2eTest::Send(const Request& request, const std::string& base) const {
  return ::sky::testing::Send(base.empty() ? serve_.base() : base, request, dir_);
}

nlohmann::json E2eTest::WaitForPipeline(const std::string& id,
                                        const std::function<bool(const nlohmann::json&)>& done,
                                        const std::string& token, int seconds,
                                        std::chrono::milliseconds every) {
  nlohmann::json view;
  WaitFor(
      [&] {
        const Reply r = Get("/v1/pipelines/" + id, token);
        EXPECT_EQ(r.code, 200) << r.text;
        view = r.body;
        return r.code != 200 || done(view);
      },
      std::chrono::seconds(seconds), every);
  return view;
}

}  // namespace sky::testing
