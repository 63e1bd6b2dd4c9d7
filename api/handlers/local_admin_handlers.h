#pragma once
// POST /v1/admin/local/instances/{id}/preempt: an admin preempts an instance of the `local`
// provider (LocalProvider::Preempt: SIGKILL of its process group, then it reads terminated,
// reason preempted), as a cloud takes back a spot instance. 200 with
// {"id", "state", "reason"}; 403 for a caller without the admin role (the auth layer's policy
// table already asks for it); 404 for an unknown id, and when the local provider is not
// enabled (the message says how to enable it); 409 for an instance already terminated.
// Thread-safe as the provider is.

#include "api/http/router.h"

namespace sky::providers {
class LocalProvider;
}  // namespace sky::providers

namespace sky::api {

// `local` null: the local provider is not enabled. Otherwise it must outlive the router.
void AddLocalAdminRoutes(Router& router, providers::LocalProvider* local);

}  // namespace sky::api
