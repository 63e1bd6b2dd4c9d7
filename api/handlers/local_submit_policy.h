#pragma once
// LocalSubmitPolicy: who may have stages placed on the `local` provider (issue 16). `local` runs
// arbitrary commands as the server's user, so only admins may submit to it unless serve runs
// with --local-users. POST /v1/pipelines applies the policy to the spec before submitting it:
//   - an admin (every caller with --auth off: the auth layer makes each request the default
//     tenant's admin), anyone when local_users is set, and anyone when the local provider is
//     not enabled: the spec as sent;
//   - otherwise a spec whose constraints.providers names "local" (in any case), or whose
//     constraints.regions or stage_regions has a glob "local:...", is PermissionDenied (403)
//     saying why and naming --local-users;
//   - otherwise a spec without constraints.providers gets, as that list, the providers of the
//     catalog's current offers except local (PermissionDenied when there is none), so that no
//     plan, nor a replan after a preemption, places a stage on local. The stored spec (GET
//     /v1/pipelines/{id}) shows that list; a provider whose offers arrive later is not in it.
//   - A spec that is not JSON, or whose `constraints` or `providers` has the wrong type, goes on
//     as sent: the spec parser reports it with its JSON path.
// Thread-safe: it only reads the catalog's snapshots.

#include <string>

#include "api/http/router.h"
#include "sky/broker/catalog_service.h"
#include "sky/types/result.h"

namespace sky::api {

struct LocalSubmitPolicy {
  // --providers names local. Default: false (the policy lets every spec through).
  bool local_enabled = false;
  // --local-users: any authenticated user may submit to local. Default: false.
  bool local_users = false;
  // The catalog whose offers name the other providers; must outlive the routes using the
  // policy. REQUIRES: not null when local_enabled and not local_users.
  const broker::CatalogService* catalog = nullptr;
};

// The spec text to submit for `who`, as described above: `spec_json` itself, or with
// constraints.providers filled in. PermissionDenied naming --local-users when `who` may not
// submit to local and the spec asks for it, or nothing but local could run it.
Result<std::string> ApplyLocalSubmitPolicy(const LocalSubmitPolicy& policy, const Principal& who,
                                           const std::string& spec_json);

}  // namespace sky::api
