#pragma once
// TempDir: a fresh directory under the system temp directory, removed with everything in it
// when the object is destroyed. Not thread-safe; one per test (or per fixture).
#include <filesystem>
#include <string>

namespace sky::testing {

class TempDir {
 public:
  // Creates "<tmp>/<prefix>XXXXXX" (mkdtemp). path() is empty when that fails.
  explicit TempDir(const std::string& prefix = "sky_test_");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // path() / `name`, as a string.
  std::string Path(const std::string& name) const { return (path_ / name).string(); }
  // Writes `text` to path() / `name` (parents created); returns that path.
  std::string Write(const std::string& name, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

}  // namespace sky::testing
