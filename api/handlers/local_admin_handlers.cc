#include "api/handlers/local_admin_handlers.h"

#include <string>

#include "sky/providers/local_provider.h"

namespace sky::api {
namespace {

Result<nlohmann::json> Preempt(providers::LocalProvider* local, const HttpRequest& req,
                               const std::string& id) {
  if (req.principal.role != Role::kAdmin) {
    return Status::PermissionDenied("preempting a local instance needs the admin role");
  }
  if (local == nullptr) {
    return Status::NotFound(
        "the local provider is not enabled: start serve with --providers sim,local");
  }
  SKY_RETURN_IF_ERROR(local->Preempt(id));
  SKY_ASSIGN_OR_RETURN(auto described, local->Describe({id}));
  const providers::Instance& instance = described.at(0);
  return nlohmann::json{{"id", instance.id},
                        {"state", std::string(providers::InstanceStateName(instance.state))},
                        {"reason", std::string(providers::TerminationReasonName(instance.reason))}};
}

}  // namespace

void AddLocalAdminRoutes(Router& router, providers::LocalProvider* local) {
  router.Add("POST", "/v1/admin/local/instances/{id}/preempt",
             [local](const HttpRequest& req, const std::vector<std::string>& params) {
               return JsonReply(Preempt(local, req, params[0]));
             });
}

}  // namespace sky::api
