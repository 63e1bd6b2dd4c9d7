#pragma once
// AuthStack: what `serve` authenticates with, built from its flags (--auth, --public-catalog,
// --rate-limit, --access-log: declared with their defaults and help in AddAuthFlags).
// It owns the TokenStore (the API database file; its own in-memory database for ":memory:"),
// the access log and the AuthLayer, the Router that serve adds its routes to.
// With auth on and no unrevoked token in the store, it creates a bootstrap admin token for
// tenant "default" and writes it to `<directory of the database>/admin-token` (mode 0600), or,
// for an in-memory database, prints it once on `err`; it never goes to the access log.
// Not thread-safe to build; the layer it holds is thread-safe.

#include <memory>
#include <ostream>
#include <string>

#include "api/auth/auth.h"
#include "api/auth/token_store.h"
#include "api/cli/args.h"
#include "api/http/access_log.h"
#include "sky/types/clock.h"

namespace sky::api {

// Adds the auth flags to `spec`, in the "auth" group.
void AddAuthFlags(FlagSpec& spec);

// The file the bootstrap admin token goes to for the database at `db_path`:
// "<its directory>/admin-token" ("./admin-token" for a bare file name).
std::string AdminTokenPath(const std::string& db_path);

class AuthStack {
 public:
  // InvalidArgument naming the flag for a bad value; Unavailable when the access log or the
  // admin-token file cannot be written; the TokenStore's errors otherwise.
  static Result<std::unique_ptr<AuthStack>> Open(const CliArgs& args, const std::string& db_path,
                                                 std::ostream& err);
  AuthStack(const AuthStack&) = delete;
  AuthStack& operator=(const AuthStack&) = delete;

  // The router to add the routes to and serve.
  AuthLayer& router() { return *layer_; }

 private:
  AuthStack() = default;

  // Declared in dependency order: the layer (last) goes first.
  WallClock clock_;
  std::unique_ptr<TokenStore> store_;
  std::unique_ptr<AccessLog> log_;
  std::unique_ptr<AuthLayer> layer_;
};

}  // namespace sky::api
