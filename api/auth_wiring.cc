#include "api/auth_wiring.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

namespace sky::api {
namespace {

constexpr char kBootstrapTenant[] = "default";
constexpr char kDefaultAuth[] = "on";
constexpr double kDefaultRateLimit = 0;    // no limit
constexpr char kDefaultAccessLog[] = "-";  // stderr

Result<AuthOptions> AuthOptionsFrom(const CliArgs& args) {
  AuthOptions options;
  const std::string auth = args.Get("auth").value_or(kDefaultAuth);
  if (auth != "on" && auth != "off") {
    return Status::InvalidArgument("flag --auth: must be on or off, not '" + auth + "'");
  }
  options.enabled = auth == "on";
  options.public_catalog = args.Has("public-catalog");
  SKY_ASSIGN_OR_RETURN(auto rate, args.GetDouble("rate-limit"));
  if (rate && !(*rate >= 0 && *rate <= 1e6)) {
    return Status::InvalidArgument("flag --rate-limit: must be between 0 and 1000000");
  }
  options.rate_limit = rate.value_or(kDefaultRateLimit);
  return options;
}

// Writes `text` to `path` with mode 0600, replacing what was there. The file is created
// 0600 and chmod-ed again, so an older file with a wider mode does not keep it.
Status WriteSecretFile(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Status::Unavailable("cannot write " + path + ": " + std::strerror(errno));
  const bool ok = ::fchmod(fd, 0600) == 0 &&
                  ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool closed = ::close(fd) == 0;
  if (!ok || !closed) return Status::Unavailable("cannot write " + path);
  return Status::Ok();
}

// Creates the first admin token when the store holds none, so that a fresh server can be used
// (and more tokens created) without a chicken-and-egg step.
Status Bootstrap(TokenStore& store, const Clock& clock, const std::string& db_path,
                 std::ostream& err) {
  SKY_ASSIGN_OR_RETURN(const int64_t count, store.Count());
  if (count > 0) return Status::Ok();
  const MintedToken minted = MintApiToken();
  SKY_ASSIGN_OR_RETURN(const TokenRecord record,
                       store.Create(kBootstrapTenant, "admin", minted.hash, clock.NowSeconds()));
  if (db_path == ":memory:") {
    err << "auth: in-memory database: admin token " << record.id << " of tenant 'default' "
        << "(shown once): " << minted.token << "\n";
    return Status::Ok();
  }
  const std::string path = AdminTokenPath(db_path);
  if (Status s = WriteSecretFile(path, minted.token + "\n"); !s.ok()) {
    (void)store.Revoke(record.id, clock.NowSeconds());
    return s;
  }
  err << "auth: no API token existed: created admin token " << record.id
      << " of tenant 'default' in " << path
      << " (mode 0600); `skybroker token create` makes more\n";
  return Status::Ok();
}

}  // namespace

void AddAuthFlags(FlagSpec& spec) {
  spec.Group("auth (see `skybroker token --help`)")
      .Single("auth", "on|off",
              "require API tokens; with no token in the database, serve writes an admin token "
              "to admin-token beside it",
              kDefaultAuth)
      .Boolean("public-catalog", "catalog reads (offers, accelerators) need no token")
      .Single("rate-limit", "N",
              "requests per second per token or client address, bursts of 2N; more get 429 "
              "(0: no limit)",
              FormatDefault(kDefaultRateLimit))
      .Single("access-log", "PATH|-|off", "one JSON line per request (-: stderr)",
              kDefaultAccessLog);
}

std::string AdminTokenPath(const std::string& db_path) {
  const std::filesystem::path dir = std::filesystem::path(db_path).parent_path();
  return ((dir.empty() ? std::filesystem::path(".") : dir) / "admin-token").string();
}

Result<std::unique_ptr<AuthStack>> AuthStack::Open(const CliArgs& args, const std::string& db_path,
                                                   std::ostream& err) {
  SKY_ASSIGN_OR_RETURN(const AuthOptions options, AuthOptionsFrom(args));
  std::unique_ptr<AuthStack> stack(new AuthStack());
  SKY_ASSIGN_OR_RETURN(stack->log_,
                       AccessLog::Open(args.Get("access-log").value_or(kDefaultAccessLog), err));
  if (options.enabled) {
    SKY_ASSIGN_OR_RETURN(stack->store_, TokenStore::Open(db_path));
    SKY_RETURN_IF_ERROR(Bootstrap(*stack->store_, stack->clock_, db_path, err));
  } else {
    err << "auth: off (--auth off): every request acts as the admin of tenant 'default'\n";
  }
  stack->layer_ =
      std::make_unique<AuthLayer>(options, stack->store_.get(), stack->clock_, stack->log_.get());
  return stack;
}

}  // namespace sky::api
