// Replay inputs: trace files and the locations they stand for.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

#include "sky/broker/replay.h"
#include "sky/types/ascii.h"

namespace sky::broker {
namespace {

namespace fs = std::filesystem;

constexpr const char* kProviders[] = {"aws", "gcp", "azure"};

// The first path component (from the file back) that starts with a provider's name.
std::optional<std::string> ProviderInPath(std::string_view name) {
  const fs::path path{std::string(name)};
  std::vector<std::string> parts;
  for (const auto& part : path) parts.push_back(AsciiLower(part.string()));
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    for (const char* provider : kProviders) {
      if (it->rfind(provider, 0) == 0) return std::string(provider);
    }
  }
  return std::nullopt;
}

// "us-east-1a" -> "us-east-1" (AWS), "us-central1-a" -> "us-central1" (GCP).
std::optional<std::string> RegionOfZone(const std::string& zone) {
  const size_t n = zone.size();
  if (n < 3 || !std::isalpha(static_cast<unsigned char>(zone[n - 1]))) return std::nullopt;
  if (std::isdigit(static_cast<unsigned char>(zone[n - 2]))) return zone.substr(0, n - 1);
  if (zone[n - 2] == '-') return zone.substr(0, n - 2);
  return std::nullopt;
}

bool IsLocation(std::string_view name) {
  if (name.find('/') != std::string_view::npos) return false;
  if (std::count(name.begin(), name.end(), ':') != 2) return false;
  const size_t a = name.find(':'), b = name.rfind(':');
  return a > 0 && b > a + 1 && b + 1 < name.size();
}

Result<std::vector<std::string>> ExpandPath(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return Status::NotFound("no trace file or directory " + path);
  if (!fs::is_directory(path, ec)) return std::vector<std::string>{path};
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(path, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(entry.path().string());
    }
  }
  if (ec) return Status::NotFound("cannot list " + path + ": " + ec.message());
  if (files.empty()) return Status::NotFound("no *.json trace in " + path);
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

Result<std::string> TraceLocation(std::string_view name) {
  if (IsLocation(name)) return std::string(name);
  std::string stem = fs::path(std::string(name)).stem().string();
  const std::string zone = AsciiLower(stem.substr(0, stem.find('_')));
  const std::optional<std::string> region = RegionOfZone(zone);
  const std::optional<std::string> provider = ProviderInPath(name);
  if (!region || !provider) {
    return Status::InvalidArgument("cannot tell the " + std::string(!region ? "zone" : "provider") +
                                   " of trace '" + std::string(name) +
                                   "': name it provider:region:zone=FILE");
  }
  return *provider + ":" + *region + ":" + zone;
}

Result<std::vector<ReplayTrace>> LoadReplayTraces(const std::vector<std::string>& paths) {
  std::vector<ReplayTrace> traces;
  std::set<std::string> seen;
  for (const std::string& arg : paths) {
    const size_t eq = arg.find('=');
    const bool named = eq != std::string::npos && IsLocation(std::string_view(arg).substr(0, eq));
    const std::string path = named ? arg.substr(eq + 1) : arg;
    SKY_ASSIGN_OR_RETURN(std::vector<std::string> files, ExpandPath(path));
    if (named && files.size() != 1) {
      return Status::InvalidArgument(arg + ": a named trace must be one file");
    }
    for (const std::string& file : files) {
      ReplayTrace t;
      SKY_ASSIGN_OR_RETURN(t.location,
                           named ? Result<std::string>(arg.substr(0, eq)) : TraceLocation(file));
      SKY_ASSIGN_OR_RETURN(t.trace, providers::LoadSpotTrace(file));
      t.source = file;
      if (!seen.insert(t.location).second) {
        return Status::InvalidArgument(file + ": a second trace for " + t.location);
      }
      traces.push_back(std::move(t));
    }
  }
  if (traces.empty()) return Status::InvalidArgument("no trace given");
  return traces;
}

}  // namespace sky::broker
