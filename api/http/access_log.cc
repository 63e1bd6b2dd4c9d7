#include "api/http/access_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "sky/types/civil_time.h"

namespace sky::api {
namespace {

using nlohmann::json;

// ISO 8601 UTC with milliseconds: requests come many per second.
std::string IsoMillis(double unix_seconds) {
  const double whole = std::floor(unix_seconds);
  int millis = static_cast<int>(std::lround((unix_seconds - whole) * 1000));
  if (millis > 999) millis = 999;
  std::string text = FormatIsoUtc(static_cast<int64_t>(whole));
  char fraction[16];
  std::snprintf(fraction, sizeof fraction, ".%03dZ", millis);
  text.replace(text.size() - 1, 1, fraction);  // "...SSZ" -> "...SS.mmmZ"
  return text;
}

json TextOrNull(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

}  // namespace

Result<std::unique_ptr<AccessLog>> AccessLog::Open(const std::string& where,
                                                   std::ostream& std_err) {
  if (where == "off") return std::unique_ptr<AccessLog>();
  if (where == "-") return std::make_unique<AccessLog>(std_err);
  // Created 0600 first: the log names tenants and paths, which are not for every local user.
  const int fd = ::open(where.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status::Unavailable("cannot open access log " + where + ": " + std::strerror(errno));
  }
  ::close(fd);
  auto file = std::make_unique<std::ofstream>(where, std::ios::app);
  if (!*file) return Status::Unavailable("cannot open access log " + where);
  auto log = std::make_unique<AccessLog>(*file);
  log->file_ = std::move(file);
  return log;
}

std::string AccessLog::Format(const AccessEntry& e) {
  const json line = {{"time", IsoMillis(e.time)},
                     {"method", e.method},
                     {"route", TextOrNull(e.route)},
                     {"path", e.path},
                     {"status", e.status},
                     {"duration_ms", std::round(e.duration_ms * 1000) / 1000},
                     {"tenant", TextOrNull(e.tenant)},
                     {"token_id", TextOrNull(e.token_id)},
                     {"bytes", e.bytes}};
  // Replace: a path is client input and may hold invalid UTF-8, which must not throw.
  return line.dump(-1, ' ', false, json::error_handler_t::replace);
}

void AccessLog::Write(const AccessEntry& entry) {
  const std::string line = Format(entry) + '\n';
  MutexLock lock(mu_);
  out_->write(line.data(), static_cast<std::streamsize>(line.size()));  // one write per line
  out_->flush();
}

}  // namespace sky::api
