#include "api/auth/token_store.h"

#include <iterator>
#include <random>
#include <utility>

#include "sky/storage/sqlite.h"

namespace sky::api {
namespace {

using storage::Statement;

constexpr int kIdAttempts = 8;

// Numbered migrations of the auth schema. Append only.
constexpr storage::Migration kMigrations[] = {
    {1,
     "CREATE TABLE api_tokens ("
     "  id TEXT PRIMARY KEY, tenant TEXT NOT NULL, role TEXT NOT NULL,"
     "  token_hash TEXT NOT NULL UNIQUE, created_at REAL NOT NULL,"
     "  revoked_at REAL, last_used_at REAL);"},
};
constexpr char kSelectByHash[] =
    "SELECT id, tenant, role, token_hash, created_at, revoked_at, last_used_at FROM api_tokens"
    " WHERE token_hash = ?1 AND revoked_at IS NULL";
constexpr char kSelectAll[] =
    "SELECT id, tenant, role, token_hash, created_at, revoked_at, last_used_at FROM api_tokens"
    " ORDER BY created_at, id";
constexpr char kHashTaken[] = "SELECT 1 FROM api_tokens WHERE token_hash = ?1";
constexpr char kIdTaken[] = "SELECT 1 FROM api_tokens WHERE id = ?1";
constexpr char kInsert[] =
    "INSERT INTO api_tokens(id, tenant, role, token_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)";
constexpr char kRevokedAt[] = "SELECT revoked_at FROM api_tokens WHERE id = ?1";
constexpr char kRevoke[] = "UPDATE api_tokens SET revoked_at = ?2 WHERE id = ?1";
constexpr char kTouch[] = "UPDATE api_tokens SET last_used_at = ?2 WHERE id = ?1";
constexpr char kCount[] = "SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NULL";

bool IsLowerHex(const std::string& text) {
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Ids name tokens in listings and logs; they are not secrets, so the OS generator behind
// random_device is plenty (uniqueness is checked on insert).
std::string RandomId() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device device;
  std::string id = "tok_";
  for (int i = 0; i < 8; ++i) id += kHex[device() & 15];
  return id;
}

TokenRecord RowToRecord(const Statement& row) {
  TokenRecord r;
  r.id = row.Text(0);
  r.tenant = row.Text(1);
  r.role = row.Text(2);
  r.token_hash = row.Text(3);
  r.created_at = row.Double(4);
  if (!row.IsNull(5)) r.revoked_at = row.Double(5);
  if (!row.IsNull(6)) r.last_used_at = row.Double(6);
  return r;
}

}  // namespace

Status ValidateRoleName(const std::string& role) {
  if (role == "admin" || role == "user" || role == "viewer") return Status::Ok();
  return Status::InvalidArgument("role '" + role + "': must be admin, user or viewer");
}

Status ValidateTenantName(const std::string& tenant) {
  const auto ok_first = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  bool valid = !tenant.empty() && tenant.size() <= 63 && ok_first(tenant[0]);
  for (size_t i = 1; valid && i < tenant.size(); ++i) {
    valid = ok_first(tenant[i]) || tenant[i] == '_' || tenant[i] == '-';
  }
  if (valid) return Status::Ok();
  return Status::InvalidArgument("tenant '" + tenant +
                                 "': must match [a-z0-9][a-z0-9_-]{0,62} (lower-case letters, "
                                 "digits, '_' and '-', at most 63 characters)");
}

TokenStore::TokenStore(std::unique_ptr<storage::Database> db) : db_(std::move(db)) {}
TokenStore::~TokenStore() = default;

Result<std::unique_ptr<TokenStore>> TokenStore::Open(const std::string& path) {
  // The connection's settings as this store always had them: SQLite's default FULL sync (a
  // revocation survives a power loss) and no foreign keys (its table has none).
  storage::SqliteOptions options;
  options.synchronous_normal = false;
  options.foreign_keys = false;
  SKY_ASSIGN_OR_RETURN(std::unique_ptr<storage::Database> db, storage::OpenSqlite(path, options));
  // Its own version table: the file also holds the catalog and the pipeline store.
  const storage::Schema schema{
      "auth", "auth_schema_migrations", /*applied_at=*/false,
      std::vector<storage::Migration>(std::begin(kMigrations), std::end(kMigrations))};
  SKY_RETURN_IF_ERROR(db->Migrate(schema));
  return std::unique_ptr<TokenStore>(new TokenStore(std::move(db)));
}

Result<TokenRecord> TokenStore::Create(const std::string& tenant, const std::string& role,
                                       const std::string& token_hash, double at) {
  SKY_RETURN_IF_ERROR(ValidateTenantName(tenant));
  SKY_RETURN_IF_ERROR(ValidateRoleName(role));
  if (token_hash.size() != 64 || !IsLowerHex(token_hash)) {
    return Status::InvalidArgument("a token hash must be 64 lower-case hex digits");
  }
  TokenRecord record;
  record.tenant = tenant;
  record.role = role;
  record.token_hash = token_hash;
  record.created_at = at;
  MutexLock lock(mu_);
  return Insert(record);
}

Result<TokenRecord> TokenStore::Insert(const TokenRecord& record) {
  TokenRecord stored = record;
  SKY_RETURN_IF_ERROR(db_->InTransaction([&]() -> Status {
    mu_.AssertHeld();  // InTransaction runs this at once, under mu_
    SKY_ASSIGN_OR_RETURN(Statement taken, db_->Prepare(kHashTaken));
    SKY_ASSIGN_OR_RETURN(bool hash_taken, taken.Bind(1, stored.token_hash).Step());
    if (hash_taken) return Status::AlreadyExists("a token with this hash already exists");
    for (int attempt = 0; attempt < kIdAttempts; ++attempt) {
      stored.id = RandomId();
      SKY_ASSIGN_OR_RETURN(Statement exists, db_->Prepare(kIdTaken));
      SKY_ASSIGN_OR_RETURN(bool id_taken, exists.Bind(1, stored.id).Step());
      if (id_taken) continue;
      SKY_ASSIGN_OR_RETURN(Statement insert, db_->Prepare(kInsert));
      return insert.Bind(1, stored.id)
          .Bind(2, stored.tenant)
          .Bind(3, stored.role)
          .Bind(4, stored.token_hash)
          .Bind(5, stored.created_at)
          .Run();
    }
    return Status::Internal("no free token id after " + std::to_string(kIdAttempts) + " tries");
  }));
  return stored;
}

Result<std::optional<TokenRecord>> TokenStore::FindByHash(const std::string& token_hash) {
  MutexLock lock(mu_);
  SKY_ASSIGN_OR_RETURN(Statement select, db_->Prepare(kSelectByHash));
  SKY_ASSIGN_OR_RETURN(bool found, select.Bind(1, token_hash).Step());
  if (!found) return std::optional<TokenRecord>();
  return std::optional<TokenRecord>(RowToRecord(select));
}

Result<std::vector<TokenRecord>> TokenStore::List() {
  MutexLock lock(mu_);
  SKY_ASSIGN_OR_RETURN(Statement select, db_->Prepare(kSelectAll));
  std::vector<TokenRecord> records;
  for (;;) {
    SKY_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    records.push_back(RowToRecord(select));
  }
  return records;
}

Status TokenStore::Revoke(const std::string& id, double at) {
  MutexLock lock(mu_);
  return db_->InTransaction([&]() -> Status {
    mu_.AssertHeld();  // InTransaction runs this at once, under mu_
    SKY_ASSIGN_OR_RETURN(Statement select, db_->Prepare(kRevokedAt));
    SKY_ASSIGN_OR_RETURN(bool found, select.Bind(1, id).Step());
    if (!found) return Status::NotFound("no token " + id);
    if (!select.IsNull(0)) return Status::FailedPrecondition("token " + id + " is already revoked");
    SKY_ASSIGN_OR_RETURN(Statement update, db_->Prepare(kRevoke));
    return update.Bind(1, id).Bind(2, at).Run();
  });
}

Status TokenStore::Touch(const std::string& id, double at) {
  MutexLock lock(mu_);
  SKY_ASSIGN_OR_RETURN(Statement update, db_->Prepare(kTouch));
  SKY_RETURN_IF_ERROR(update.Bind(1, id).Bind(2, at).Run());
  if (db_->Changes() == 0) return Status::NotFound("no token " + id);
  return Status::Ok();
}

Result<int64_t> TokenStore::Count() {
  MutexLock lock(mu_);
  SKY_ASSIGN_OR_RETURN(Statement count, db_->Prepare(kCount));
  SKY_ASSIGN_OR_RETURN(bool row, count.Step());
  return row ? count.Int(0) : int64_t{0};
}

}  // namespace sky::api
