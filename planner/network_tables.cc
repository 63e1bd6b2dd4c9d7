#include "planner/network_tables.h"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string_view>
#include <vector>

#include "sky/types/csv.h"

namespace sky::planner::internal {
namespace {

bool ParseNumber(const std::string& text, double& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && std::isfinite(out);
}

bool IsRegionId(const std::string& id) {
  size_t colon = id.find(':');
  return colon != std::string::npos && colon > 0 && colon + 1 < id.size() &&
         id.find(':', colon + 1) == std::string::npos;
}

using RowFn = std::function<Status(const std::vector<std::string>& row)>;

// Reads a header-checked, comma-separated table; `on_row` gets each non-empty data row.
Status ReadTable(const std::string& path, const std::string& header, const RowFn& on_row) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot open network table " + path);
  const size_t columns = SplitCsvLine(header).size();
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto where = [&] { return path + ":" + std::to_string(line_no) + ": "; };
    if (line_no == 1) {
      if (line != header) {
        return Status::InvalidArgument(where() + "expected header \"" + header + "\", got \"" +
                                       line + "\"");
      }
      continue;
    }
    if (line.empty()) continue;
    std::vector<std::string> row = SplitCsvLine(line);
    if (row.size() != columns) {
      return Status::InvalidArgument(where() + "expected " + std::to_string(columns) +
                                     " fields, got " + std::to_string(row.size()));
    }
    Status s = on_row(row);
    if (!s.ok()) return Status::InvalidArgument(where() + s.message());
  }
  if (line_no == 0) return Status::InvalidArgument(path + ":1: empty table");
  return Status::Ok();
}

// Checks a `src,dst,value` row and returns the value (finite, >= 0).
Status CheckPairRow(const std::vector<std::string>& row, double& value) {
  for (int i = 0; i < 2; ++i) {
    if (!IsRegionId(row[i])) {
      return Status::InvalidArgument("\"" + row[i] + "\" is not a provider:region id");
    }
  }
  if (!ParseNumber(row[2], value) || value < 0) {
    return Status::InvalidArgument("\"" + row[2] + "\" is not a non-negative number");
  }
  return Status::Ok();
}

}  // namespace

Status LoadThroughputTable(const std::string& path, NetworkModel& model) {
  return ReadTable(path, "src,dst,gbps", [&](const std::vector<std::string>& row) {
    double gbps = 0;
    SKY_RETURN_IF_ERROR(CheckPairRow(row, gbps));
    if (gbps == 0) return Status::InvalidArgument("throughput must be positive");
    model.SetMeasuredThroughput(row[0], row[1], gbps);
    return Status::Ok();
  });
}

Status LoadTransferCostTable(const std::string& path, NetworkModel& model) {
  return ReadTable(path, "src,dst,usd_per_gb", [&](const std::vector<std::string>& row) {
    double usd_per_gb = 0;
    SKY_RETURN_IF_ERROR(CheckPairRow(row, usd_per_gb));
    model.SetMeasuredPrice(row[0], row[1], usd_per_gb);
    return Status::Ok();
  });
}

Status LoadInternetEgressTable(const std::string& path, NetworkModel& model) {
  return ReadTable(path, "provider,usd_per_gb", [&](const std::vector<std::string>& row) {
    double usd_per_gb = 0;
    if (row[0].empty() || row[0].find(':') != std::string::npos) {
      return Status::InvalidArgument("\"" + row[0] + "\" is not a provider name");
    }
    if (!ParseNumber(row[1], usd_per_gb) || usd_per_gb < 0) {
      return Status::InvalidArgument("\"" + row[1] + "\" is not a non-negative number");
    }
    model.SetInternetEgress(row[0], usd_per_gb);
    return Status::Ok();
  });
}

}  // namespace sky::planner::internal
