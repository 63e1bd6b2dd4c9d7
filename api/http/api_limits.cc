#include "api/http/api_limits.h"

#include <utility>
#include <vector>

#include "api/http/status_http.h"

namespace sky::api {
namespace {

using Json = nlohmann::json;

// Upper bounds of the flags: far above any sensible setting, low enough that a typo (an
// extra digit or two) is caught rather than silently disabling the limit.
constexpr long kMaxBytesFlag = 16L << 30;  // 16 GiB
constexpr long kMaxQueryFlag = 1L << 20;   // 1 MiB
constexpr long kMaxDepthFlag = 1000;
constexpr long kMaxCountFlag = 100000;

// The flag as a whole number in [low, high], `fallback` when absent. InvalidArgument naming
// the flag and the range otherwise.
Result<long> Bounded(const CliArgs& args, const std::string& flag, long low, long high,
                     long fallback) {
  const auto text = args.Get(flag);
  auto value = args.GetInt(flag);
  if (!text) return fallback;
  if (!value.ok() || !*value || **value < low || **value > high) {
    return Status::InvalidArgument("flag --" + flag + ": must be a whole number between " +
                                   std::to_string(low) + " and " + std::to_string(high) +
                                   ", not '" + *text + "'");
  }
  return **value;
}

// One pass over a JSON text that builds nothing and never recurses: it follows the brackets
// outside strings, where it is (member names and array indices), and the element count of a
// top-level "stages" array. It does not validate: a malformed text is judged by its brackets
// only, and the handler's parser reports the rest. Several hundred MB/s, against tens for a
// parse: cheap enough to run on every body before authentication.
class ShapeScanner {
 public:
  // Keeps track of `keep_depth` levels. Deeper: Run() stops with too_deep() when
  // `fail_deeper`, else it only counts them (the stage count needs two levels).
  ShapeScanner(std::string_view text, size_t keep_depth, bool fail_deeper)
      : text_(text), keep_depth_(keep_depth), fail_deeper_(fail_deeper) {}

  void Run() {
    for (size_t i = 0; i < text_.size() && !too_deep_; ++i) {
      const char c = text_[i];
      if (c == '"') {
        const size_t end = StringEnd(i + 1);
        String(text_.substr(i + 1, end - i - 1));
        i = end;
      } else if (c == '{' || c == '[') {
        Open(c == '[');
      } else if (c == '}' || c == ']') {
        Close();
      } else if (c == ',') {
        Comma();
      } else if (c != ':' && c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        Element();  // a number or a literal
      }
    }
  }

  bool too_deep() const { return too_deep_; }
  const std::string& path() const { return path_; }
  size_t stages() const { return stages_; }

 private:
  struct Frame {
    bool array = false;
    size_t index = 0;        // arrays: the current element's index
    bool empty = true;       // arrays: no element seen yet
    bool expect_key = true;  // objects: the next string is a member name
    std::string_view key;    // objects: the current member's name, as written
  };

  // The index of the quote that closes the string starting at `from` (the text's size when
  // none does). A quote after an odd number of backslashes is escaped.
  size_t StringEnd(size_t from) const {
    for (size_t j = from;; ++j) {
      j = text_.find('"', j);  // memchr
      if (j == std::string_view::npos) return text_.size();
      size_t backslashes = 0;
      while (j - backslashes > from && text_[j - backslashes - 1] == '\\') ++backslashes;
      if (backslashes % 2 == 0) return j;
    }
  }
  bool Counting() const { return !frames_.empty() && deeper_ == 0; }
  void Element() {
    if (Counting() && frames_.back().array) frames_.back().empty = false;
  }
  void String(std::string_view value) {
    if (Counting() && !frames_.back().array && frames_.back().expect_key) {
      frames_.back().key = value;
      frames_.back().expect_key = false;
      return;
    }
    Element();
  }
  void Open(bool array) {
    Element();
    if (frames_.size() < keep_depth_ && deeper_ == 0) {
      frames_.push_back(Frame{array, 0, true, true, {}});
    } else if (fail_deeper_) {
      too_deep_ = true;
      path_ = Path();
    } else {
      ++deeper_;
    }
  }
  void Close() {
    if (deeper_ > 0) {
      --deeper_;
      return;
    }
    if (frames_.empty()) return;
    if (frames_.size() == 2 && frames_[1].array && !frames_[0].array &&
        frames_[0].key == "stages") {
      stages_ = frames_[1].empty ? 0 : frames_[1].index + 1;
    }
    frames_.pop_back();
  }
  void Comma() {
    if (!Counting()) return;
    Frame& f = frames_.back();
    if (f.array) {
      ++f.index;
    } else {
      f.expect_key = true;
    }
  }
  // The spec-issue path of the value being opened: "stages[3].resources".
  std::string Path() const {
    std::string out;
    for (const Frame& f : frames_) {
      if (f.array) {
        out += "[" + std::to_string(f.index) + "]";
      } else {
        out += (out.empty() ? "" : ".") + std::string(f.key);
      }
    }
    return out;
  }

  const std::string_view text_;
  const size_t keep_depth_;
  const bool fail_deeper_;
  std::vector<Frame> frames_;
  size_t deeper_ = 0;  // levels below the kept ones (only when not failing)
  bool too_deep_ = false;
  std::string path_;
  size_t stages_ = 0;
};

bool LooksLikeJson(std::string_view body) {
  const size_t first = body.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && (body[first] == '{' || body[first] == '[');
}

}  // namespace

void AddLimitFlags(FlagSpec& spec) {
  const ApiLimits defaults;
  spec.Group("input limits (each error names the limit, its value and its flag)")
      .Single("max-body-bytes", "N", "largest request body; more gets 413",
              std::to_string(defaults.max_body_bytes))
      .Single("max-upload-bytes", "N", "largest POST /v1/catalog/ingest body; more gets 413",
              std::to_string(defaults.max_upload_bytes))
      .Single("max-query-bytes", "N", "longest query string; more gets 414",
              std::to_string(defaults.max_query_bytes))
      .Single("max-json-depth", "N", "deepest nesting of a JSON body; more gets 400",
              std::to_string(defaults.max_json_depth))
      .Single("max-stages", "N", "most stages in a pipeline spec; more gets 400",
              std::to_string(defaults.max_stages))
      .Single("max-offers-per-page", "N", "largest GET /v1/offers limit; more gets 400",
              std::to_string(defaults.max_offers_per_page));
}

Result<ApiLimits> LimitsFrom(const CliArgs& args) {
  ApiLimits limits;
  SKY_ASSIGN_OR_RETURN(long body, Bounded(args, "max-body-bytes", 0, kMaxBytesFlag,
                                          static_cast<long>(limits.max_body_bytes)));
  SKY_ASSIGN_OR_RETURN(long upload, Bounded(args, "max-upload-bytes", 0, kMaxBytesFlag,
                                            static_cast<long>(limits.max_upload_bytes)));
  SKY_ASSIGN_OR_RETURN(long query, Bounded(args, "max-query-bytes", 0, kMaxQueryFlag,
                                           static_cast<long>(limits.max_query_bytes)));
  SKY_ASSIGN_OR_RETURN(long depth,
                       Bounded(args, "max-json-depth", 1, kMaxDepthFlag, limits.max_json_depth));
  SKY_ASSIGN_OR_RETURN(long stages, Bounded(args, "max-stages", 1, kMaxCountFlag,
                                            static_cast<long>(limits.max_stages)));
  SKY_ASSIGN_OR_RETURN(long offers, Bounded(args, "max-offers-per-page", 1, kMaxCountFlag,
                                            static_cast<long>(limits.max_offers_per_page)));
  limits.max_body_bytes = static_cast<size_t>(body);
  limits.max_upload_bytes = static_cast<size_t>(upload);
  limits.max_query_bytes = static_cast<size_t>(query);
  limits.max_json_depth = static_cast<int>(depth);
  limits.max_stages = static_cast<size_t>(stages);
  limits.max_offers_per_page = static_cast<size_t>(offers);
  return limits;
}

std::string BodyTooLargeMessage(size_t limit, bool upload) {
  return "request body exceeds the limit of " + std::to_string(limit) + " bytes (" +
         (upload ? "--max-upload-bytes" : "--max-body-bytes") + ")";
}

std::string QueryTooLongMessage(size_t length, size_t limit) {
  return "query string of " + std::to_string(length) + " bytes exceeds the limit of " +
         std::to_string(limit) + " bytes (--max-query-bytes)";
}

LimitViolation CheckJsonDepth(std::string_view body, int max_depth) {
  LimitViolation v;
  if (max_depth < 1 || !LooksLikeJson(body)) return v;
  ShapeScanner scanner(body, static_cast<size_t>(max_depth), /*fail_deeper=*/true);
  scanner.Run();
  if (!scanner.too_deep()) return v;
  v.ok = false;
  v.path = scanner.path();
  v.message = "JSON nesting deeper than the limit of " + std::to_string(max_depth) +
              " levels (--max-json-depth) at " + v.path;
  return v;
}

LimitViolation CheckStageCount(std::string_view spec_json, size_t max_stages) {
  LimitViolation v;
  ShapeScanner scanner(spec_json, /*keep_depth=*/2, /*fail_deeper=*/false);
  scanner.Run();
  if (scanner.stages() <= max_stages) return v;
  v.ok = false;
  v.path = "stages";
  v.message = "stages: " + std::to_string(scanner.stages()) + " stages exceed the limit of " +
              std::to_string(max_stages) + " (--max-stages)";
  return v;
}

HttpResponse ViolationReply(const LimitViolation& violation) {
  Json details = Json::array();
  details.push_back({{"path", violation.path}, {"message", violation.message}});
  HttpResponse r;
  r.status = 400;
  r.body = ErrorBody(Status::InvalidArgument(violation.message), details).dump();
  return r;
}

}  // namespace sky::api
