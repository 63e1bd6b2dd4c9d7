#pragma once
// Shared pieces of the catalog file readers: the per-file context, row rejection (fail the
// file or record the row, per ParseOptions::skip_bad_rows), number and time parsing, whole-file
// reads, progress ticks and an offer sink that drops duplicate ids. Thread-compatible: one
// context per file being read.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "sky/catalog/ingest.h"
#include "sky/catalog/iso_time.h"  // NormalizeIsoTime, used by the readers
#include "sky/types/civil_time.h"  // FormatIsoUtc, used by the readers
#include "sky/types/offer.h"
#include "sky/types/result.h"

namespace sky::catalog {

// What a reader needs to know about the file it reads.
struct ReadContext {
  std::string path;         // as given; used in error messages and RejectedRow::file
  std::string source;       // the file name, stamped on offers and price points
  std::string provider;     // never empty when a reader runs
  std::string observed_at;  // stamped on offers of formats without their own time
  bool skip_bad_rows = false;
  std::function<void(int64_t done, int64_t total)> progress;
};

// Rejects one row. With skip_bad_rows, appends it to batch.rejected and returns OK; otherwise
// returns InvalidArgument "path:line: field: reason" (line 0 is left out).
Status RejectRow(const ReadContext& ctx, int64_t line, std::string_view field,
                 const std::string& reason, IngestBatch& batch);

// A file-level error (bad header, empty file): always InvalidArgument "path:line: what".
Status FileError(const ReadContext& ctx, int64_t line, const std::string& what);

// Parses a whole field as a finite decimal number (surrounding blanks allowed).
std::optional<double> ParseNumber(std::string_view text);

std::string_view TrimAscii(std::string_view text);

// Reads a whole file. NotFound when it cannot be opened.
Result<std::string> ReadWholeFile(const std::string& path);

// The file's modification time as FormatIsoUtc; empty when unknown.
std::string FileMtimeIso(const std::string& path);

// Calls ctx.progress about every megabyte of input, and once at the end.
class ProgressTicker {
 public:
  ProgressTicker(const ReadContext& ctx, int64_t total) : ctx_(ctx), total_(total) {}
  void Update(int64_t done) {
    if (ctx_.progress && done - last_ >= kStep) {
      last_ = done;
      ctx_.progress(done, total_);
    }
  }
  void Finish() {
    if (ctx_.progress) ctx_.progress(total_, total_);
  }

 private:
  static constexpr int64_t kStep = 1 << 20;
  const ReadContext& ctx_;
  int64_t total_;
  int64_t last_ = 0;
};

// Appends offers to a batch, keeping one offer per id (the cheaper, when a file lists the
// same offer twice: GCP repeats some TPU rows verbatim).
class OfferSink {
 public:
  explicit OfferSink(IngestBatch& batch) : batch_(batch) {}
  // Returns false when the id was already there.
  bool Add(Offer offer);

 private:
  IngestBatch& batch_;
  std::unordered_map<OfferId, size_t> index_;
};

}  // namespace sky::catalog
