#pragma once
// TokenStore: the API tokens of `skybroker serve` (DESIGN.md "Auth"), one row per token in the
// SQLite table `api_tokens` (id, tenant, role, token_hash, created_at, revoked_at,
// last_used_at), on sky::storage, with numbered migrations in its own `auth_schema_migrations`
// table (the file also holds the catalog and the pipeline store). The store never sees a
// plaintext token: the caller hands in its SHA-256 hash and looks tokens up by hash.
// Thread-safe: one mutex serialises every call. Several processes may open the same file
// (serve and `skybroker token`): SQLite's WAL and busy timeout arbitrate.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sky/types/mutex.h"
#include "sky/types/result.h"
#include "sky/types/status.h"

namespace sky::storage {
class Database;
}  // namespace sky::storage

namespace sky::api {

struct TokenRecord {
  std::string id;          // "tok_" + 8 hex digits; safe to show and log
  std::string tenant;      // [a-z0-9][a-z0-9_-]{0,62}
  std::string role;        // "admin", "user" or "viewer"
  std::string token_hash;  // SHA-256 of the token, 64 lowercase hex digits
  double created_at = 0;   // unix seconds
  std::optional<double> revoked_at;
  std::optional<double> last_used_at;
};

// OK for "admin", "user" and "viewer"; InvalidArgument naming them otherwise.
Status ValidateRoleName(const std::string& role);
// OK for a tenant name matching [a-z0-9][a-z0-9_-]{0,62}; InvalidArgument stating that rule.
Status ValidateTenantName(const std::string& tenant);

class TokenStore {
 public:
  // Opens or creates the database at `path` (":memory:" for a private one) and applies pending
  // migrations. Unavailable when the file cannot be opened or is locked; FailedPrecondition
  // when its auth schema is newer than this code; Internal on any other SQLite failure.
  static Result<std::unique_ptr<TokenStore>> Open(const std::string& path);
  ~TokenStore();

  // Stores a new token of `tenant` with `role`, created at `at`, under a fresh random id.
  // InvalidArgument for a bad tenant or role name, or a hash that is not 64 lowercase hex
  // digits (a plaintext token must never get here); AlreadyExists when the hash is taken.
  Result<TokenRecord> Create(const std::string& tenant, const std::string& role,
                             const std::string& token_hash, double at);

  // The unrevoked token with this hash; nullopt when there is none (unknown or revoked).
  Result<std::optional<TokenRecord>> FindByHash(const std::string& token_hash);

  // Every token, revoked ones included, oldest first.
  Result<std::vector<TokenRecord>> List();

  // Marks the token revoked at `at`. NotFound for an unknown id; FailedPrecondition when it
  // is already revoked.
  Status Revoke(const std::string& id, double at);

  // Records that the token was used at `at` (best effort bookkeeping). NotFound for an
  // unknown id.
  Status Touch(const std::string& id, double at);

  // The number of unrevoked tokens.
  Result<int64_t> Count();

 private:
  explicit TokenStore(std::unique_ptr<storage::Database> db);
  Result<TokenRecord> Insert(const TokenRecord& record) SKY_REQUIRES(mu_);

  Mutex mu_;
  std::unique_ptr<storage::Database> db_ SKY_GUARDED_BY(mu_);
};

}  // namespace sky::api
