#include "catalog/ingest_util.h"

#include <sys/stat.h>

#include <charconv>
#include <cmath>
#include <fstream>

namespace sky::catalog {

Status RejectRow(const ReadContext& ctx, int64_t line, std::string_view field,
                 const std::string& reason, IngestBatch& batch) {
  if (ctx.skip_bad_rows) {
    batch.rejected.push_back(RejectedRow{ctx.path, line, std::string(field), reason});
    return Status::Ok();
  }
  std::string msg = ctx.path;
  if (line > 0) msg += ":" + std::to_string(line);
  msg += ": ";
  msg += field;
  msg += ": " + reason;
  return Status::InvalidArgument(std::move(msg));
}

Status FileError(const ReadContext& ctx, int64_t line, const std::string& what) {
  std::string msg = ctx.path;
  if (line > 0) msg += ":" + std::to_string(line);
  return Status::InvalidArgument(msg + ": " + what);
}

std::string_view TrimAscii(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

std::optional<double> ParseNumber(std::string_view text) {
  text = TrimAscii(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot open file");
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) return Status::NotFound(path + ": cannot read file");
  std::string data(static_cast<size_t>(size), '\0');
  in.seekg(0, std::ios::beg);
  in.read(data.data(), size);
  if (!in) return Status::NotFound(path + ": cannot read file");
  return data;
}

std::string FileMtimeIso(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "";
  return FormatIsoUtc(static_cast<int64_t>(st.st_mtime));
}

bool OfferSink::Add(Offer offer) {
  const auto [it, inserted] = index_.emplace(offer.id, batch_.offers.size());
  if (inserted) {
    batch_.offers.push_back(std::move(offer));
    return true;
  }
  Offer& kept = batch_.offers[it->second];
  if (offer.price_per_hour < kept.price_per_hour) kept = std::move(offer);
  return false;
}

}  // namespace sky::catalog
