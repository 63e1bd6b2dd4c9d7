// A main() for the fuzz targets in ordinary builds (gcc, no libFuzzer): feeds every regular
// file under the given directories (or the given files) to LLVMFuzzerTestOneInput, in sorted
// order, so that the checked-in seeds and the crash inputs found by fuzzing run as ctests.
// A crash, a sanitizer report or an abort() in the target fails the test; the file being run
// is printed first so that the failing input is named. A directory that does not exist is
// skipped (an empty regressions/ folder is not kept by git); no input at all is an error.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;

// The regular files under `root` (or `root` itself), sorted; empty when it does not exist.
std::vector<fs::path> InputsUnder(const fs::path& root) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (fs::is_regular_file(root, ec)) return {root};
  if (!fs::is_directory(root, ec)) {
    std::fprintf(stderr, "replay: %s does not exist, skipped\n", root.c_str());
    return files;
  }
  for (const auto& entry : fs::recursive_directory_iterator(root, ec)) {
    // README files describe a folder; they are not inputs.
    if (entry.is_regular_file() && entry.path().filename() != "README.md") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool RunOne(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "replay: cannot read %s\n", file.c_str());
    return false;
  }
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
  std::fprintf(stderr, "replay: %s (%zu bytes)\n", file.c_str(), bytes.size());
  // Copied into a buffer of exactly its size, as libFuzzer does, so that ASan sees overreads.
  std::vector<uint8_t> data(bytes.begin(), bytes.end());
  LLVMFuzzerTestOneInput(data.empty() ? nullptr : data.data(), data.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR_OR_FILE...\n", argv[0]);
    return 2;
  }
  size_t runs = 0;
  for (int i = 1; i < argc; ++i) {
    for (const fs::path& file : InputsUnder(argv[i])) {
      if (!RunOne(file)) return 1;
      ++runs;
    }
  }
  if (runs == 0) {
    std::fprintf(stderr, "replay: no inputs found\n");
    return 1;
  }
  std::fprintf(stderr, "replay: %zu inputs ran without a crash\n", runs);
  return 0;
}
