// Parsing of "NAME[:COUNT[+]]" accelerator filters (`--gpu H100:8+`, `gpu=A100:8`).
#include <charconv>

#include "sky/catalog/offer_index.h"

namespace sky::catalog {

Status ParseGpuFilter(std::string_view text, OfferQuery& query) {
  const size_t colon = text.find(':');
  std::string_view name = text.substr(0, colon);
  if (name.empty()) {
    return Status::InvalidArgument("gpu filter \"" + std::string(text) +
                                   "\": accelerator name is empty");
  }
  query.accelerator = std::string(name);
  query.count.reset();
  query.count_at_least = false;
  if (colon == std::string_view::npos) return Status::Ok();
  std::string_view count = text.substr(colon + 1);
  if (!count.empty() && count.back() == '+') {
    query.count_at_least = true;
    count.remove_suffix(1);
  }
  int n = 0;
  auto [ptr, ec] = std::from_chars(count.data(), count.data() + count.size(), n);
  if (ec != std::errc() || ptr != count.data() + count.size() || n <= 0) {
    return Status::InvalidArgument("gpu filter \"" + std::string(text) +
                                   "\": count must be a positive integer, as in H100:8 or H100:8+");
  }
  query.count = n;
  return Status::Ok();
}

}  // namespace sky::catalog
