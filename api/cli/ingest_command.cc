// `skybroker ingest PATH... [--skip-bad-rows] [--json]`.
#include <cstdint>

#include "api/app.h"
#include "api/cli/commands.h"
#include "api/handlers/offer_json.h"

namespace sky::api {
namespace {

constexpr char kSynopsis[] =
    "usage: skybroker ingest PATH... [FLAGS]\n"
    "  PATH: a catalog file (SkyPilot vms.csv, AWS vantage JSON/CSV, AWS spot price TSV),\n"
    "        a directory in SkyPilot's <provider>/vms.csv layout, or provider=PATH\n";

void PrintSummary(const catalog::IngestSummary& s, std::ostream& out) {
  out << "rows read:          " << s.rows_read << "\n"
      << "offers added:       " << s.offers_added << "\n"
      << "offers updated:     " << s.offers_updated << "\n"
      << "offers unchanged:   " << s.offers_unchanged << "\n"
      << "price points added: " << s.price_points_added << "\n"
      << "rows rejected:      " << s.rejected.size() << "\n";
  constexpr size_t kShown = 20;
  for (size_t i = 0; i < s.rejected.size() && i < kShown; ++i) {
    const auto& r = s.rejected[i];
    out << "  " << r.file << ":" << r.line << ": " << r.field << ": " << r.reason << "\n";
  }
  if (s.rejected.size() > kShown) {
    out << "  ... and " << s.rejected.size() - kShown << " more (see --json)\n";
  }
}

}  // namespace

int RunIngest(const Words& words, std::ostream& out, std::ostream& err) {
  FlagSpec spec;
  spec.Boolean("json", "print the summary as JSON");
  ParsedCommand parsed = ParseCommand(words, spec, kSynopsis, 1, SIZE_MAX, out, err);
  if (!parsed.args) return parsed.exit_code;
  const CliArgs& args = *parsed.args;
  auto app = App::Open(args, err, /*load_bundled=*/false);
  if (!app.ok()) return ReportError(app.status(), err);
  auto summary =
      IngestWithProgress((*app)->catalog(), args.positional(), args.Has("skip-bad-rows"), err);
  if (!summary.ok()) {
    if (summary.status().IsInvalidArgument() && !args.Has("skip-bad-rows")) {
      err << "nothing was ingested; --skip-bad-rows ingests the good rows and lists the bad ones\n";
    }
    return ReportError(summary.status(), err);
  }
  if (args.Has("json")) {
    out << IngestSummaryToJson(*summary).dump(2) << "\n";
  } else {
    PrintSummary(*summary, out);
  }
  return 0;
}

}  // namespace sky::api
