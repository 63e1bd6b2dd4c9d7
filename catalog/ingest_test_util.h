#pragma once
// Helpers shared by the ingest tests: paths into the shared real data, a temp directory for
// hand-made bad files, and offer lookups. Test-only.

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "sky/catalog/ingest.h"

namespace sky::catalog::testing {

// A path under /work/shared/data (SKY_SHARED_DIR is set by sky_add_test).
inline std::string SharedData(const std::string& relative) {
  return std::string(SKY_SHARED_DIR) + "/data/" + relative;
}

// A fresh directory under /tmp, removed with everything in it at destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "sky_ingest_XXXXXX").string();
    path_ = mkdtemp(tmpl.data()) != nullptr ? tmpl : "";
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

  // Writes `content` to `relative` (creating folders); returns the full path.
  std::string Write(const std::string& relative, const std::string& content) const {
    const std::filesystem::path p = std::filesystem::path(path_) / relative;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }

 private:
  std::string path_;
};

inline const Offer* FindOffer(const IngestBatch& batch, const std::string& id) {
  for (const Offer& o : batch.offers) {
    if (o.id == id) return &o;
  }
  return nullptr;
}

// Parses a file that must parse; fails the test otherwise.
inline IngestBatch MustParse(const std::string& path, const std::string& provider = "",
                             const ParseOptions& options = {}) {
  Result<IngestBatch> batch = ParseCatalogFile(IngestSource{path, provider}, options);
  EXPECT_TRUE(batch.ok()) << batch.status().ToString();
  return batch.ok() ? std::move(batch).value() : IngestBatch{};
}

}  // namespace sky::catalog::testing
