// `skybroker token create | list | revoke`: the API tokens in the database that `serve` reads.
// Works on the database file directly (serve need not run); a token is printed once, at
// creation, and only its SHA-256 hash is stored.
#include <filesystem>

#include "api/app.h"
#include "api/auth/auth.h"
#include "api/auth/token_store.h"
#include "api/cli/commands.h"
#include "api/cli/table_printer.h"
#include "api/handlers/pipeline_json.h"
#include "sky/types/clock.h"

namespace sky::api {
namespace {

constexpr char kSynopsis[] =
    "usage: skybroker token create --tenant T --role admin|user|viewer [FLAGS]\n"
    "       skybroker token list [FLAGS]\n"
    "       skybroker token revoke ID [FLAGS]\n"
    "  create prints the new token once on stdout (the database keeps only its SHA-256 hash);\n"
    "  a running server stops accepting a revoked token within 5 seconds.\n";

FlagSpec TokenFlags() {
  FlagSpec spec;
  spec.Single("tenant", "T", "create: the tenant the token acts for")
      .Single("role", "admin|user|viewer",
              "create: viewer reads, user also plans and runs pipelines, admin also changes the "
              "catalog");
  return spec;
}

Result<std::unique_ptr<TokenStore>> OpenStore(const CliArgs& args) {
  const std::string path = ResolveDbPath(args);
  if (path == ":memory:") {
    return Status::InvalidArgument("tokens live in the server's database file: pass --db PATH");
  }
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  return TokenStore::Open(path);
}

int Create(const CliArgs& args, const std::string& usage, TokenStore& store, std::ostream& out,
           std::ostream& err) {
  const auto tenant = args.Get("tenant");
  const auto role = args.Get("role");
  if (!tenant || !role) {
    err << usage;
    return ReportError(Status::InvalidArgument("token create needs --tenant and --role"), err);
  }
  const MintedToken minted = MintApiToken();
  auto record = store.Create(*tenant, *role, minted.hash, WallClock().NowSeconds());
  if (!record.ok()) return ReportError(record.status(), err);
  out << minted.token << std::endl;
  err << "created token " << record->id << " of tenant '" << record->tenant << "' with role "
      << record->role << "\n"
      << "warning: this is the only time the token is shown: store it now (the database keeps "
         "only its hash)\n";
  return 0;
}

std::string TimeOrDash(const std::optional<double>& at) { return at ? IsoTime(*at) : "-"; }

int List(TokenStore& store, std::ostream& out, std::ostream& err) {
  auto records = store.List();
  if (!records.ok()) return ReportError(records.status(), err);
  TablePrinter table({"ID", "TENANT", "ROLE", "CREATED", "LAST USED", "REVOKED"},
                     {false, false, false, false, false, false});
  for (const auto& r : *records) {
    table.AddRow({r.id, r.tenant, r.role, IsoTime(r.created_at), TimeOrDash(r.last_used_at),
                  TimeOrDash(r.revoked_at)});
  }
  table.Print(out);
  return 0;
}

int Revoke(const CliArgs& args, const std::string& usage, TokenStore& store, std::ostream& out,
           std::ostream& err) {
  if (args.positional().size() != 2) {
    err << usage;
    return ReportError(Status::InvalidArgument("token revoke needs the token's ID"), err);
  }
  const std::string& id = args.positional()[1];
  if (Status s = store.Revoke(id, WallClock().NowSeconds()); !s.ok()) return ReportError(s, err);
  out << "revoked " << id << "\n";
  return 0;
}

}  // namespace

int RunToken(const Words& words, std::ostream& out, std::ostream& err) {
  ParsedCommand parsed = ParseCommand(words, TokenFlags(), kSynopsis, 1, 2, out, err);
  if (!parsed.args) return parsed.exit_code;
  const CliArgs& args = *parsed.args;
  const std::string& usage = parsed.usage;
  const std::string& action = args.positional()[0];
  if (action != "create" && action != "list" && action != "revoke") {
    err << usage;
    return ReportError(Status::InvalidArgument("unknown token command '" + action + "'"), err);
  }
  if (action != "revoke" && args.positional().size() > 1) {
    err << usage;
    return ReportError(
        Status::InvalidArgument("unexpected argument '" + args.positional()[1] + "'"), err);
  }
  auto store = OpenStore(args);
  if (!store.ok()) return ReportError(store.status(), err);
  if (action == "create") return Create(args, usage, **store, out, err);
  if (action == "list") return List(**store, out, err);
  return Revoke(args, usage, **store, out, err);
}

}  // namespace sky::api
