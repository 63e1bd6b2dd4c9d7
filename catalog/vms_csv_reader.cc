#include "catalog/vms_csv_reader.h"

#include <array>
#include <cctype>
#include <cmath>
#include <optional>
#include <vector>

#include "catalog/csv_reader.h"
#include "catalog/gcp_accelerators.h"
#include "catalog/python_literal.h"
#include "sky/types/ascii.h"

namespace sky::catalog {
namespace {

enum Col {
  kInstanceType,
  kAcceleratorName,
  kAcceleratorCount,
  kVcpus,
  kMemory,
  kPrice,
  kRegion,
  kNumRequired,
  kGpuInfo = kNumRequired,
  kSpotPrice,
  kZone,
  kNumCols,
};

constexpr std::array<std::string_view, kNumCols> kColumnNames = {
    "InstanceType", "AcceleratorName", "AcceleratorCount", "vCPUs",     "MemoryGiB",
    "Price",        "Region",          "GpuInfo",          "SpotPrice", "AvailabilityZone"};

constexpr std::string_view kTpuVmType = "TPU-VM";  // SkyPilot's instance type for TPU VMs

struct FieldError {
  std::string_view field;
  std::string reason;
};

// One data row, as views into the reader's buffers (valid until the next record).
struct Row {
  std::string_view instance_type, accelerator, zone;
  std::string region;
  int count = 0;
  double vcpus = 0, memory_gb = 0, accelerator_memory_gb = 0;
  std::optional<double> price, spot;
};

// An accelerator row waiting for its host (hosts may come later in the file).
struct PendingAccelerator {
  Offer offer;
  std::optional<double> price, spot;
};

std::string Quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

// Parses an optional non-negative number: empty gives nullopt.
std::optional<FieldError> ParseAmount(std::string_view text, Col col, std::optional<double>& out) {
  out.reset();
  if (TrimAscii(text).empty()) return std::nullopt;
  const std::optional<double> v = ParseNumber(text);
  if (!v) return FieldError{kColumnNames[col], "not a number: " + Quoted(text)};
  if (*v < 0) {
    const bool price = col == kPrice || col == kSpotPrice;
    return FieldError{kColumnNames[col],
                      (price ? "negative price: " : "negative: ") + Quoted(text)};
  }
  out = v;
  return std::nullopt;
}

bool IsTpu(std::string_view accelerator) { return accelerator.substr(0, 4) == "tpu-"; }

class VmsReader {
 public:
  VmsReader(const ReadContext& ctx, IngestBatch& batch)
      : ctx_(ctx),
        batch_(batch),
        sink_(batch),
        gcp_(ctx.provider == "gcp"),
        vast_(ctx.provider == "vast") {}

  Status Read(std::string_view data) {
    if (TrimAscii(data).find_first_not_of("\r\n") == std::string_view::npos) {
      return FileError(ctx_, 0, "empty file");
    }
    CsvReader csv(data);
    ProgressTicker ticker(ctx_, static_cast<int64_t>(data.size()));
    SKY_RETURN_IF_ERROR(ReadHeader(csv));
    std::vector<std::string_view> fields;
    while (true) {
      const CsvReader::Outcome outcome = csv.Next(fields);
      if (outcome == CsvReader::Outcome::kEnd) break;
      ++batch_.rows_read;
      ticker.Update(static_cast<int64_t>(csv.offset()));
      if (outcome == CsvReader::Outcome::kError) {
        SKY_RETURN_IF_ERROR(RejectRow(ctx_, csv.record_line(), "row", csv.error(), batch_));
        continue;
      }
      Row row;
      if (std::optional<FieldError> err = ParseRow(fields, row)) {
        SKY_RETURN_IF_ERROR(RejectRow(ctx_, csv.record_line(), err->field, err->reason, batch_));
        continue;
      }
      EmitRow(row);
    }
    AttachAccelerators();
    ticker.Finish();
    return Status::Ok();
  }

 private:
  Status ReadHeader(CsvReader& csv) {
    std::vector<std::string_view> header;
    if (csv.Next(header) != CsvReader::Outcome::kRecord) {
      return FileError(ctx_, csv.record_line(), "header: " + csv.error());
    }
    index_.fill(-1);
    for (size_t i = 0; i < header.size(); ++i) {
      for (int c = 0; c < kNumCols; ++c) {
        if (TrimAscii(header[i]) == kColumnNames[c]) index_[c] = static_cast<int>(i);
      }
    }
    for (int c = 0; c < kNumRequired; ++c) {
      if (index_[c] < 0) {
        return FileError(ctx_, 1,
                         "header: missing required column '" + std::string(kColumnNames[c]) + "'");
      }
    }
    width_ = header.size();
    return Status::Ok();
  }

  std::string_view Get(const std::vector<std::string_view>& f, Col col) const {
    return index_[col] < 0 ? std::string_view() : f[index_[col]];
  }

  std::optional<FieldError> ParseCount(std::string_view text, Row& row) const {
    if (row.accelerator.empty()) return std::nullopt;  // CPU rows: "", "0" or anything
    const std::optional<double> v = ParseNumber(text);
    if (!v) return FieldError{kColumnNames[kAcceleratorCount], "not a number: " + Quoted(text)};
    if (*v < 1 || *v != std::floor(*v) || *v > 1e6) {
      return FieldError{kColumnNames[kAcceleratorCount],
                        "not a positive whole number: " + Quoted(text)};
    }
    row.count = static_cast<int>(*v);
    return std::nullopt;
  }

  std::optional<FieldError> ParseRow(const std::vector<std::string_view>& f, Row& row) const {
    if (f.size() != width_) {
      return FieldError{"row", "has " + std::to_string(f.size()) + " fields, the header has " +
                                   std::to_string(width_)};
    }
    row.instance_type = TrimAscii(Get(f, kInstanceType));
    row.accelerator = TrimAscii(Get(f, kAcceleratorName));
    row.zone = TrimAscii(Get(f, kZone));
    row.region = RegionSlug(Get(f, kRegion));
    if (row.region.empty()) return FieldError{kColumnNames[kRegion], "empty"};
    if (row.instance_type.empty() && row.accelerator.empty()) {
      return FieldError{kColumnNames[kInstanceType], "empty, and no AcceleratorName either"};
    }
    std::optional<double> v;
    for (const auto& [col, dst] : {std::pair{kVcpus, &row.vcpus}, {kMemory, &row.memory_gb}}) {
      if (auto err = ParseAmount(Get(f, col), col, v)) return err;
      *dst = v.value_or(0);
    }
    if (auto err = ParseAmount(Get(f, kPrice), kPrice, row.price)) return err;
    if (auto err = ParseAmount(Get(f, kSpotPrice), kSpotPrice, row.spot)) return err;
    if (row.spot && *row.spot == 0) row.spot.reset();  // 0 means "no spot offer", never free
    if (auto err = ParseCount(Get(f, kAcceleratorCount), row)) return err;
    const std::string_view info = TrimAscii(Get(f, kGpuInfo));
    if (!info.empty()) {
      Result<double> mem = GpuMemoryGbFromGpuInfo(info, row.count, vast_);
      if (!mem.ok()) return FieldError{kColumnNames[kGpuInfo], mem.status().message()};
      row.accelerator_memory_gb = *mem;
    }
    return std::nullopt;
  }

  Offer BaseOffer(const Row& row) const {
    Offer o;
    o.provider = ctx_.provider;
    o.region = row.region;
    o.zone = std::string(row.zone);
    o.instance_type = std::string(row.instance_type);
    o.accelerator = std::string(row.accelerator);
    o.accelerator_count = row.count;
    o.accelerator_memory_gb = row.accelerator_memory_gb;
    o.vcpus = row.vcpus;
    o.memory_gb = row.memory_gb;
    o.observed_at = ctx_.observed_at;
    o.source = ctx_.source;
    return o;
  }

  // Adds the on-demand and spot offers of `offer`; returns how many were new.
  int EmitMarkets(Offer offer, std::optional<double> price, std::optional<double> spot,
                  bool attached) {
    int added = 0;
    for (const auto& [market, amount] :
         {std::pair{Market::kOnDemand, price}, {Market::kSpot, spot}}) {
      if (!amount) continue;
      offer.market = market;
      offer.price_per_hour = *amount;
      offer.id = MakeOfferId(offer, attached);
      added += sink_.Add(offer) ? 1 : 0;
    }
    return added;
  }

  void EmitRow(const Row& row) {
    Offer base = BaseOffer(row);
    if (row.instance_type.empty()) {
      if (!IsTpu(row.accelerator)) {
        pending_.push_back(PendingAccelerator{std::move(base), row.price, row.spot});
        return;
      }
      base.instance_type = std::string(kTpuVmType);
      if (EmitMarkets(std::move(base), row.price, row.spot, /*attached=*/true) == 0) {
        ++batch_.rows_skipped;
      }
      return;
    }
    if (row.accelerator.empty()) {
      hosts_.Add(row.region, row.zone,
                 GcpHost{base.instance_type, row.vcpus, row.memory_gb, row.price, row.spot});
      if (gcp_ && IsGcpGpuMachineType(row.instance_type)) return;  // a host, not a CPU offer
    }
    if (EmitMarkets(std::move(base), row.price, row.spot, /*attached=*/false) == 0) {
      ++batch_.rows_skipped;
    }
  }

  void AttachAccelerators() {
    for (const PendingAccelerator& p : pending_) {
      const Offer& a = p.offer;
      const GcpHost* host =
          hosts_.DefaultHost(a.region, a.zone, a.accelerator, a.accelerator_count);
      int added = 0;
      if (host != nullptr) {
        for (Offer& o : AttachToHost(a, p.price, p.spot, *host)) added += sink_.Add(std::move(o));
      }
      if (added == 0) ++batch_.rows_skipped;
    }
  }

  const ReadContext& ctx_;
  IngestBatch& batch_;
  OfferSink sink_;
  const bool gcp_;
  const bool vast_;  // vast writes the machine's GPU memory where others write one GPU's
  std::array<int, kNumCols> index_{};
  size_t width_ = 0;
  GcpHostIndex hosts_;
  std::vector<PendingAccelerator> pending_;
};

}  // namespace

std::string RegionSlug(std::string_view region) {
  region = TrimAscii(region);
  bool plain = !region.empty();
  for (char c : region) {
    plain =
        plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.');
  }
  if (plain) return std::string(region);
  std::string slug;
  for (char c : region) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      slug += AsciiToLower(c);
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

Result<double> GpuMemoryGbFromGpuInfo(std::string_view gpu_info, int count,
                                      bool entry_is_machine_total) {
  gpu_info = TrimAscii(gpu_info);
  if (gpu_info.empty() || gpu_info.front() != '{') return 0.0;
  SKY_ASSIGN_OR_RETURN(const PyValue info, ParsePythonLiteral(gpu_info));
  const PyValue* gpus = info.Get("Gpus");
  if (gpus != nullptr && gpus->kind != PyValue::Kind::kList) {
    return Status::InvalidArgument("'Gpus' is not a list");
  }
  const double per_entry_divisor = entry_is_machine_total && count > 0 ? count : 1;
  if (gpus != nullptr && !gpus->items.empty()) {
    const PyValue* mem = gpus->items.front().Get("MemoryInfo");
    const PyValue* mib = mem != nullptr ? mem->Get("SizeInMiB") : nullptr;
    if (mib != nullptr && mib->is_number() && mib->number > 0) {
      return mib->number / 1024.0 / per_entry_divisor;
    }
  }
  const PyValue* total = info.Get("TotalGpuMemoryInMiB");
  if (total != nullptr && total->is_number() && total->number > 0 && count > 0) {
    return total->number / 1024.0 / count;
  }
  return 0.0;
}

Status ReadVmsCsv(const ReadContext& ctx, std::string_view data, IngestBatch& batch) {
  return VmsReader(ctx, batch).Read(data);
}

}  // namespace sky::catalog
