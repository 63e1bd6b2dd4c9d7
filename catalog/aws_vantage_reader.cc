#include "catalog/aws_vantage_reader.h"

#include <array>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "catalog/csv_reader.h"

namespace sky::catalog {
namespace {

constexpr int kReservedTermMonths = 12;  // vantage "reserved" is the 1-year Standard RI
constexpr double kSizeTolerance = 0.05;  // relative slack when matching known memory sizes

struct KnownGpu {
  std::string_view model;          // as vantage writes it
  std::string_view name;           // SkyPilot canonical name
  std::array<double, 3> sizes_gb;  // known per-GPU memory sizes (0 = unused)
};

// Names checked against SkyPilot's common/accelerators.csv; sizes from gpuhunt's table and
// the vendors' data sheets.
constexpr KnownGpu kKnownGpus[] = {
    {"NVIDIA A100", "A100", {40, 80, 0}},
    {"NVIDIA A10G", "A10G", {24, 0, 0}},
    {"NVIDIA B200 Blackwell", "B200", {180, 192, 0}},
    {"NVIDIA B300 Blackwell", "B300", {262, 270, 288}},
    {"NVIDIA GB200 Grace Blackwell", "GB200", {186, 192, 0}},
    {"NVIDIA GRID K520", "K520", {4, 0, 0}},
    {"NVIDIA H100", "H100", {80, 94, 0}},
    {"NVIDIA H200", "H200", {141, 0, 0}},
    {"NVIDIA K80", "K80", {12, 0, 0}},
    {"NVIDIA L4", "L4", {24, 0, 0}},
    {"NVIDIA L40", "L40", {48, 0, 0}},
    {"NVIDIA L40S", "L40S", {48, 0, 0}},
    {"NVIDIA M60", "M60", {8, 0, 0}},
    {"NVIDIA RTX PRO 6000 Blackwell", "RTXPRO6000", {96, 0, 0}},
    {"NVIDIA T4", "T4", {16, 0, 0}},
    {"NVIDIA V100", "V100", {16, 32, 0}},
    {"AMD Radeon Pro V520", "Radeon Pro V520", {8, 0, 0}},
    {"AWS Inferentia", "Inferentia", {8, 0, 0}},
    {"AWS Inferentia2", "Inferentia2", {32, 0, 0}},
    {"AWS Trainium", "Trainium", {32, 0, 0}},
    {"AWS Trainium2", "Trainium2", {96, 0, 0}},
};

constexpr std::string_view kVendorWords[] = {"NVIDIA ", "AWS ", "AMD ", "ARM ", "Intel "};

const KnownGpu* FindKnown(std::string_view model) {
  for (const KnownGpu& k : kKnownGpus) {
    if (k.model == model) return &k;
  }
  return nullptr;
}

bool IsKnownSize(const KnownGpu& k, double gb) {
  for (double size : k.sizes_gb) {
    if (size > 0 && std::fabs(gb - size) <= size * kSizeTolerance) return true;
  }
  return false;
}

// A vantage size string ("768 GB", "1152 GiB", "80 GB HBM3") -> its leading number.
std::optional<double> LeadingNumber(std::string_view text) {
  text = TrimAscii(text);
  const size_t end = text.find(' ');
  return ParseNumber(text.substr(0, end));
}

// One instance type, whatever the file layout.
struct Instance {
  std::string_view name, gpu, gpu_memory, memory;
  std::optional<double> gpu_count, vcpus;
};

struct FieldError {
  std::string field;
  std::string reason;
};

// What each layout calls the fields Describe() checks.
struct FieldNames {
  std::string_view name, gpu_count, vcpus;
};
constexpr FieldNames kJsonFields = {"name", "gpuCount", "vcpu"};
constexpr FieldNames kCsvFields = {"InstanceType", "GpuCount", "vCPUs"};

// Fills the attributes of `base` from `in`. Returns an error for bad data; sets `skip` for
// instances that give no offer (unknown GPU, fractional GPUs).
std::optional<FieldError> Describe(const Instance& in, const FieldNames& names, Offer& base,
                                   bool& skip) {
  skip = false;
  if (TrimAscii(in.name).empty()) return FieldError{std::string(names.name), "empty"};
  // Above INT_MAX, converting the count to int is undefined behaviour (found by fuzzing).
  if (!in.gpu_count || *in.gpu_count < 0 || *in.gpu_count > std::numeric_limits<int>::max()) {
    return FieldError{std::string(names.gpu_count), "not a count"};
  }
  if (!in.vcpus || *in.vcpus < 0) return FieldError{std::string(names.vcpus), "not a number"};
  const std::string gpu = CanonicalAwsGpuName(in.gpu, 0);
  if (gpu.empty() || *in.gpu_count != std::floor(*in.gpu_count) || *in.gpu_count < 1) {
    skip = true;  // "Unknown GPU", or a slice of one GPU (g6f: 1/8 of an L40)
    return std::nullopt;
  }
  base.instance_type = std::string(TrimAscii(in.name));
  base.accelerator_count = static_cast<int>(*in.gpu_count);
  base.accelerator_memory_gb = AwsPerGpuMemoryGb(in.gpu, in.gpu_memory, *in.gpu_count);
  base.accelerator = CanonicalAwsGpuName(in.gpu, base.accelerator_memory_gb);
  base.vcpus = *in.vcpus;
  base.memory_gb = LeadingNumber(in.memory).value_or(0);
  return std::nullopt;
}

// Adds the on-demand and reserved offers of `base` in `region`; returns how many were new.
int EmitRegion(Offer base, std::string_view region, std::optional<double> on_demand,
               std::optional<double> reserved, OfferSink& sink) {
  base.region = std::string(region);
  int added = 0;
  if (on_demand) {
    base.market = Market::kOnDemand;
    base.price_per_hour = *on_demand;
    base.id = MakeOfferId(base);
    added += sink.Add(base) ? 1 : 0;
  }
  if (reserved) {
    base.market = Market::kReserved;
    base.price_per_hour = *reserved;
    base.reserved_term_months = kReservedTermMonths;
    base.id = MakeOfferId(base);
    added += sink.Add(base) ? 1 : 0;
  }
  return added;
}

Offer NewOffer(const ReadContext& ctx) {
  Offer o;
  o.provider = ctx.provider;
  o.observed_at = ctx.observed_at;
  o.source = ctx.source;
  return o;
}

std::string_view JsonText(const nlohmann::json& obj, const char* key) {
  const auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? std::string_view(it->get_ref<const std::string&>())
                                            : std::string_view();
}

std::optional<double> JsonNumber(const nlohmann::json& obj, const char* key) {
  const auto it = obj.find(key);
  if (it == obj.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

// Reads one price of a pricing entry: absent is nullopt, a bad value an error.
std::optional<FieldError> JsonPrice(const nlohmann::json& prices, const char* key,
                                    std::optional<double>& out) {
  out.reset();
  const auto it = prices.find(key);
  if (it == prices.end() || it->is_null()) return std::nullopt;
  if (!it->is_number()) return FieldError{key, "not a number"};
  const double v = it->get<double>();
  if (v < 0) return FieldError{key, "negative price: " + std::to_string(v)};
  if (v > 0) out = v;
  return std::nullopt;
}

Status ReadJsonEntry(const ReadContext& ctx, const nlohmann::json& e, size_t i, OfferSink& sink,
                     IngestBatch& batch) {
  const std::string where = "[" + std::to_string(i) + "]";
  if (!e.is_object()) return RejectRow(ctx, 0, where, "not an object", batch);
  const Instance in{JsonText(e, "name"),   JsonText(e, "gpu"),        JsonText(e, "gpuMemory"),
                    JsonText(e, "memory"), JsonNumber(e, "gpuCount"), JsonNumber(e, "vcpu")};
  const auto pricing = e.find("pricing");
  const bool priced = pricing != e.end() && pricing->is_object() && !pricing->empty();
  batch.rows_read += priced ? static_cast<int64_t>(pricing->size()) : 1;
  Offer base = NewOffer(ctx);
  bool skip = false;
  if (auto err = Describe(in, kJsonFields, base, skip)) {
    return RejectRow(ctx, 0, where + "." + err->field, err->reason, batch);
  }
  if (skip || !priced) {
    batch.rows_skipped += priced ? static_cast<int64_t>(pricing->size()) : 1;
    return Status::Ok();
  }
  for (const auto& [region, prices] : pricing->items()) {
    std::optional<double> od, rsv;
    std::optional<FieldError> err;
    if (!prices.is_object()) err = FieldError{"", "not an object"};
    if (!err) err = JsonPrice(prices, "onDemand", od);
    if (!err) err = JsonPrice(prices, "reserved", rsv);
    if (err) {
      SKY_RETURN_IF_ERROR(
          RejectRow(ctx, 0, where + ".pricing." + region + "." + err->field, err->reason, batch));
      continue;
    }
    if (EmitRegion(base, region, od, rsv, sink) == 0) ++batch.rows_skipped;
  }
  return Status::Ok();
}

enum CsvCol {
  kType,
  kModel,
  kCount,
  kMemoryCol,
  kVcpus,
  kMem,
  kRegion,
  kOnDemand,
  kReserved,
  kNumCsvCols
};
constexpr std::array<std::string_view, kNumCsvCols> kCsvNames = {
    "InstanceType", "GpuModel", "GpuCount",      "GpuMemory",    "vCPUs",
    "Memory",       "Region",   "OnDemandPrice", "ReservedPrice"};

// Parses an optional price field of the CSV.
std::optional<FieldError> CsvPrice(std::string_view text, CsvCol col, std::optional<double>& out) {
  out.reset();
  if (TrimAscii(text).empty()) return std::nullopt;
  const std::optional<double> v = ParseNumber(text);
  const std::string name(kCsvNames[col]);
  if (!v) return FieldError{name, "not a number: '" + std::string(text) + "'"};
  if (*v < 0) return FieldError{name, "negative price: '" + std::string(text) + "'"};
  if (*v > 0) out = v;
  return std::nullopt;
}

class VantageCsv {
 public:
  VantageCsv(const ReadContext& ctx, IngestBatch& batch) : ctx_(ctx), batch_(batch), sink_(batch) {}

  Status Read(std::string_view data) {
    CsvReader csv(data);
    std::vector<std::string_view> f;
    if (csv.Next(f) != CsvReader::Outcome::kRecord) return FileError(ctx_, 0, "empty file");
    SKY_RETURN_IF_ERROR(MapHeader(f));
    ProgressTicker ticker(ctx_, static_cast<int64_t>(data.size()));
    for (CsvReader::Outcome o; (o = csv.Next(f)) != CsvReader::Outcome::kEnd;) {
      ++batch_.rows_read;
      ticker.Update(static_cast<int64_t>(csv.offset()));
      std::optional<FieldError> err;
      if (o == CsvReader::Outcome::kError) err = FieldError{"row", csv.error()};
      if (!err) err = ReadRow(f);
      if (err)
        SKY_RETURN_IF_ERROR(RejectRow(ctx_, csv.record_line(), err->field, err->reason, batch_));
    }
    ticker.Finish();
    return Status::Ok();
  }

 private:
  Status MapHeader(const std::vector<std::string_view>& header) {
    index_.fill(-1);
    for (size_t i = 0; i < header.size(); ++i) {
      for (int c = 0; c < kNumCsvCols; ++c) {
        if (TrimAscii(header[i]) == kCsvNames[c]) index_[c] = static_cast<int>(i);
      }
    }
    for (int c = 0; c < kReserved; ++c) {
      if (index_[c] < 0) {
        return FileError(ctx_, 1,
                         "header: missing required column '" + std::string(kCsvNames[c]) + "'");
      }
    }
    width_ = header.size();
    return Status::Ok();
  }

  std::string_view Get(const std::vector<std::string_view>& f, CsvCol c) const {
    return index_[c] < 0 ? std::string_view() : f[index_[c]];
  }

  std::optional<FieldError> ReadRow(const std::vector<std::string_view>& f) {
    if (f.size() != width_) {
      return FieldError{"row", "has " + std::to_string(f.size()) + " fields, the header has " +
                                   std::to_string(width_)};
    }
    const Instance in{Get(f, kType),
                      Get(f, kModel),
                      Get(f, kMemoryCol),
                      Get(f, kMem),
                      ParseNumber(Get(f, kCount)),
                      ParseNumber(Get(f, kVcpus))};
    Offer base = NewOffer(ctx_);
    bool skip = false;
    if (auto err = Describe(in, kCsvFields, base, skip)) return err;
    std::optional<double> od, rsv;
    if (auto err = CsvPrice(Get(f, kOnDemand), kOnDemand, od)) return err;
    if (auto err = CsvPrice(Get(f, kReserved), kReserved, rsv)) return err;
    const std::string_view region = TrimAscii(Get(f, kRegion));
    if (region.empty()) return FieldError{"Region", "empty"};
    if (skip || EmitRegion(std::move(base), region, od, rsv, sink_) == 0) ++batch_.rows_skipped;
    return std::nullopt;
  }

  const ReadContext& ctx_;
  IngestBatch& batch_;
  OfferSink sink_;
  std::array<int, kNumCsvCols> index_{};
  size_t width_ = 0;
};

}  // namespace

std::string CanonicalAwsGpuName(std::string_view model, double per_gpu_gb) {
  model = TrimAscii(model);
  if (model.empty() || model == "Unknown GPU" || model == "Unknown") return "";
  if (const KnownGpu* k = FindKnown(model)) {
    if (k->name == "A100" && per_gpu_gb >= 80 * (1 - kSizeTolerance)) return "A100-80GB";
    if (k->name == "V100" && per_gpu_gb >= 32 * (1 - kSizeTolerance)) return "V100-32GB";
    return std::string(k->name);
  }
  for (std::string_view vendor : kVendorWords) {
    if (model.substr(0, vendor.size()) == vendor) model.remove_prefix(vendor.size());
  }
  std::string name(TrimAscii(model));
  for (char& c : name) c = c == ' ' ? '-' : c;
  return name;
}

double AwsPerGpuMemoryGb(std::string_view model, std::string_view gpu_memory, double count) {
  const std::optional<double> gb = LeadingNumber(gpu_memory);
  if (!gb || *gb <= 0) return 0;
  const KnownGpu* k = FindKnown(TrimAscii(model));
  if (k != nullptr && count > 1 && !IsKnownSize(*k, *gb) && IsKnownSize(*k, *gb / count)) {
    return *gb / count;
  }
  return *gb;
}

Status ReadAwsVantageJson(const ReadContext& ctx, std::string_view data, IngestBatch& batch) {
  if (TrimAscii(data).find_first_not_of("\r\n") == std::string_view::npos) {
    return FileError(ctx, 0, "empty file");
  }
  const nlohmann::json doc = nlohmann::json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return FileError(ctx, 0, "not valid JSON");
  if (!doc.is_array()) return FileError(ctx, 0, "expected a JSON array of instance types");
  OfferSink sink(batch);
  for (size_t i = 0; i < doc.size(); ++i) {
    SKY_RETURN_IF_ERROR(ReadJsonEntry(ctx, doc[i], i, sink, batch));
  }
  if (ctx.progress)
    ctx.progress(static_cast<int64_t>(data.size()), static_cast<int64_t>(data.size()));
  return Status::Ok();
}

Status ReadAwsVantageCsv(const ReadContext& ctx, std::string_view data, IngestBatch& batch) {
  if (TrimAscii(data).find_first_not_of("\r\n") == std::string_view::npos) {
    return FileError(ctx, 0, "empty file");
  }
  return VantageCsv(ctx, batch).Read(data);
}

}  // namespace sky::catalog
