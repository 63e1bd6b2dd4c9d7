#include "api/cli_commands.h"

namespace sky::api {

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

}  // namespace sky::api
