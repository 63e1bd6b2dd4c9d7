// POST /v1/admin/local/instances/{id}/preempt on a router with a real local provider, whose
// instance is a real bash process group.
#include "api/handlers/local_admin_handlers.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <thread>

#include "sky/providers/local_provider.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace sky::api {
namespace {

using nlohmann::json;

HttpRequest PreemptRequest(const std::string& id, Role role = Role::kAdmin) {
  HttpRequest r;
  r.method = "POST";
  r.path = "/v1/admin/local/instances/" + id + "/preempt";
  r.principal.role = role;
  return r;
}

std::string ErrorMessage(const HttpResponse& r) {
  return json::parse(r.body)["error"].value("message", "");
}

TEST(LocalAdminHandlersTest, NotEnabledIsNotFoundSayingHowToEnableIt) {
  Router router;
  AddLocalAdminRoutes(router, nullptr);
  const HttpResponse r = router.Dispatch(PreemptRequest("local-00000001"));
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(ErrorMessage(r).find("--providers sim,local"), std::string::npos) << r.body;
}

TEST(LocalAdminHandlersTest, PreemptsARunningInstance) {
  sky::testing::TempDir dir("sky_local_admin_");
  providers::LocalOptions options;
  options.root_dir = dir.Path("instances");
  auto local = providers::NewLocalProvider(options);
  ASSERT_OK(local);
  Router router;
  AddLocalAdminRoutes(router, local->get());
  providers::LaunchRequest request;
  request.offer = (*local)->ListOffers()->at(0);
  request.startup_script = "echo $$ > pid.tmp && mv pid.tmp pid\nsleep 300\n";
  auto instance = (*local)->Launch(request);
  ASSERT_OK(instance);
  const std::string pid_file = (*local)->root_dir() + "/" + instance->id + "/pid";
  pid_t pgid = 0;
  for (int i = 0; i < 1000 && !(std::ifstream(pid_file) >> pgid); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_GT(pgid, 0);

  EXPECT_EQ(router.Dispatch(PreemptRequest(instance->id, Role::kUser)).status, 403);
  EXPECT_EQ(router.Dispatch(PreemptRequest("local-99999999")).status, 404);
  const HttpResponse r = router.Dispatch(PreemptRequest(instance->id));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body),
            json({{"id", instance->id}, {"state", "terminated"}, {"reason", "preempted"}}));
  EXPECT_EQ(::kill(pgid, 0), -1);  // the script's bash is gone (reaped)
  EXPECT_EQ(errno, ESRCH);
  const HttpResponse again = router.Dispatch(PreemptRequest(instance->id));
  EXPECT_EQ(again.status, 409) << again.body;
}

}  // namespace
}  // namespace sky::api
