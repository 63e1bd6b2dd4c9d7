#include <fstream>
#include <sstream>
#include <string>

#include "api/app.h"
#include "api/cli/broker_client.h"
#include "api/cli/commands.h"

namespace sky::api {

ParsedCommand ParseCommand(const Words& words, FlagSpec spec, std::string_view synopsis,
                           size_t min_positional, size_t max_positional, std::ostream& out,
                           std::ostream& err) {
  AddCommonFlags(spec);
  ParsedCommand parsed;
  parsed.usage = std::string(synopsis) + spec.Help();
  const std::string& usage = parsed.usage;
  auto args = CliArgs::Parse(words, spec);
  Status problem = args.status();
  if (args.ok() && args->Has("help")) {
    out << usage;
    return parsed;
  }
  if (args.ok()) {
    const size_t n = args->positional().size();
    if (n < min_positional) {
      problem = Status::InvalidArgument("missing argument");
    } else if (n > max_positional) {
      problem = Status::InvalidArgument("unexpected argument '" +
                                        args->positional()[max_positional] + "'");
    }
  }
  if (!problem.ok()) {
    err << usage;
    parsed.exit_code = ReportError(problem, err);
    return parsed;
  }
  parsed.args = std::move(args).value();
  return parsed;
}

std::string CommonFlagsHelp() {
  FlagSpec spec;
  AddCommonFlags(spec);
  AddServerFlag(spec);
  return spec.Help();
}

int ReportError(const Status& status, std::ostream& err) {
  err << "error: " << status.message() << "\n";
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
      return 2;
    case StatusCode::kInfeasible:
      return 3;
    default:
      return 1;
  }
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open " + path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace sky::api
