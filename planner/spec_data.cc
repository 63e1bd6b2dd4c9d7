// ParsePipelineSpec, part 4: the data-plane fields (issue 16). Input URIs, a stage's setup,
// env, image and checkpoint size, and `keep_outputs`. The planner reads only checkpoint_gb;
// the rest is validated here so that a bad value is a 400 / exit 2 at submission, not a
// failure on an instance hours later.
#include <optional>
#include <string>
#include <string_view>

#include "planner/spec_parser.h"
#include "sky/types/ascii.h"
#include "sky/types/object_uri.h"

namespace sky::planner::internal {
namespace {

// Docker's limit on a reference (the name part is at most 255 characters).
constexpr size_t kMaxImageLength = 255;

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// A shell variable name: [A-Za-z_][A-Za-z0-9_]*.
bool IsShellName(const std::string& name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    if (!IsAsciiAlnum(c) && c != '_') return false;
  }
  return true;
}

// Why `name` cannot be an env name, or "" when it can. SKY_ is reserved for the variables the
// broker sets; the check ignores case because `sky_output_dir` next to SKY_OUTPUT_DIR is a
// mistake waiting to happen, and the prefix may grow (any SKY_* the broker adds later).
std::string EnvNameProblem(const std::string& name) {
  if (!IsShellName(name)) {
    return "\"" + name + "\" is not a shell variable name ([A-Za-z_][A-Za-z0-9_]*)";
  }
  if (name.size() >= 4 && AsciiLower(name.substr(0, 4)) == "sky_") {
    return "names starting with SKY_ are reserved for the broker";
  }
  // The startup script removes every RCLONE_* variable before setup and command run (storage
  // credentials never reach them), so such a name could only be dropped without a word.
  if (name.size() >= 7 && AsciiLower(name.substr(0, 7)) == "rclone_") {
    return "names starting with RCLONE_ are reserved for the data plane's storage credentials";
  }
  return "";
}

// The text a command sees for one env value: strings as they are, numbers as written in
// short form (3 -> "3", 0.5 -> "0.5"), booleans as "true" / "false". nullopt (recorded) for
// null, arrays and objects.
std::optional<std::string> EnvValue(const Json& value, const std::string& path,
                                    SpecReader& reader) {
  if (value.is_string()) {
    std::string text = value.get<std::string>();
    if (text.find('\0') == std::string::npos) return text;
    reader.Add(path, "must not contain a NUL character");
    return std::nullopt;
  }
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number()) return value.dump();  // integers exactly, floats shortest round-trip
  reader.Add(path, "expected a string, number or boolean, got " + JsonTypeName(value));
  return std::nullopt;
}

void ParseEnv(const Json& stage, const std::string& parent, StageSpec& out, SpecReader& reader) {
  auto it = stage.find("env");
  const std::string path = KeyPath(parent, "env");
  if (it == stage.end() || !reader.ExpectType(*it, Json::value_t::object, path)) return;
  for (const auto& item : it->items()) {
    const std::string item_path = KeyPath(path, item.key());
    std::string problem = EnvNameProblem(item.key());
    if (!problem.empty()) reader.Add(item_path, problem);
    std::optional<std::string> value = EnvValue(item.value(), item_path, reader);
    if (problem.empty() && value) out.env[item.key()] = *value;
  }
}

// Why `image` is not a container image reference, or "" when it is one. Only the character
// set of docker references is checked (registry, path, :tag, @digest); the first character
// must be a letter or digit so that the image can never be read as an option of `docker run`.
std::string ImageProblem(const std::string& image) {
  if (image.empty()) return "must not be empty (leave the key out to run without a container)";
  if (image.size() > kMaxImageLength) {
    return "longer than " + std::to_string(kMaxImageLength) + " characters (" +
           std::to_string(image.size()) + ")";
  }
  if (!IsAsciiAlnum(image[0])) return "must start with a letter or digit";
  for (size_t i = 0; i < image.size(); ++i) {
    char c = image[i];
    if (IsAsciiAlnum(c) || std::string_view("._/:@-").find(c) != std::string_view::npos) continue;
    auto byte = static_cast<unsigned char>(c);
    std::string shown = byte < 0x20 || byte >= 0x7f ? "byte " + std::to_string(byte)
                                                    : "'" + std::string(1, c) + "'";
    return shown + " at position " + std::to_string(i) +
           " is not allowed in an image reference (letters, digits and . _ / : @ -)";
  }
  return "";
}

}  // namespace

void ParseInputUri(const Json& input, const std::string& path, InputSpec& out, SpecReader& reader) {
  std::optional<std::string> text = reader.String(input, "uri", path);
  if (!text) return;
  Result<ObjectUri> uri = ParseObjectUri(*text);
  if (!uri.ok()) {
    reader.Add(KeyPath(path, "uri"), uri.status().message());
    return;
  }
  out.uri = uri->text;
}

void ParseStageData(const Json& stage, const std::string& path, StageSpec& out,
                    SpecReader& reader) {
  out.setup = reader.String(stage, "setup", path).value_or("");
  ParseEnv(stage, path, out, reader);
  std::optional<std::string> image = reader.String(stage, "image", path);
  if (image) {
    std::string problem = ImageProblem(*image);
    if (problem.empty()) out.image = *image;
    if (!problem.empty()) reader.Add(KeyPath(path, "image"), problem);
  }
  out.checkpoint_gb = reader.Number(stage, "checkpoint_gb", path);
  reader.CheckNonNegative(out.checkpoint_gb, KeyPath(path, "checkpoint_gb"));
}

void ParseKeepOutputs(const Json& root, PipelineSpec& spec, SpecReader& reader) {
  auto it = root.find("keep_outputs");
  if (it == root.end() || !reader.ExpectType(*it, Json::value_t::boolean, "keep_outputs")) return;
  spec.keep_outputs = it->get<bool>();
}

}  // namespace sky::planner::internal
