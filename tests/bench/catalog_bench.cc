// Catalog benchmarks over the real shared catalogs (SKY_SHARED_DIR/data):
//   BM_IngestAllSharedCatalogs        parse every catalog + Apply into a fresh SQLite file.
//                                     Targets: < 1.5 s, < 300 MB peak RSS.
//   BM_QueryA100x8SortByPriceLimit20  one index query over the full catalog. Target: p50 < 50 us.
// Run: build-*/tests/bench/catalog_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "sky/catalog/ingest.h"
#include "sky/catalog/offer_index.h"
#include "sky/catalog/offer_store.h"

namespace sky::catalog {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::vector<std::string> AllCatalogArgs() {
  const std::string data = std::string(SKY_SHARED_DIR) + "/data";
  return {data + "/catalog", data + "/spot_traces/aws_spot_price_history/prices_2022-05.tsv"};
}

double PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// CPU time of this thread: on a shared machine the honest measure of the work done.
double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// A fresh temporary directory, removed with everything in it when this goes away.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "sky_catalog_bench_XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void BM_IngestAllSharedCatalogs(benchmark::State& state) {
  double rows = 0, offers = 0, price_points = 0, parse_s = 0, apply_s = 0, apply_cpu_s = 0;
  for (auto _ : state) {
    TempDir dir;
    const Clock::time_point start = Clock::now();
    auto sources = ExpandCatalogPaths(AllCatalogArgs());
    auto batches = sources.ok() ? ParseCatalogFiles(*sources) : sources.status();
    const Clock::time_point parsed = Clock::now();
    auto store = OfferStore::Open(dir.path() + "/catalog.db");
    if (!batches.ok() || !store.ok()) {
      state.SkipWithError((batches.ok() ? store.status() : batches.status()).ToString().c_str());
      return;
    }
    const double apply_cpu_start = ThreadCpuSeconds();
    auto summary = (*store)->Apply(*batches);
    apply_cpu_s += ThreadCpuSeconds() - apply_cpu_start;
    if (!summary.ok()) {
      state.SkipWithError(summary.status().ToString().c_str());
      return;
    }
    parse_s += Seconds(parsed - start);
    apply_s += Seconds(Clock::now() - parsed);
    rows = static_cast<double>(summary->rows_read);
    offers = static_cast<double>(summary->offers_added);
    price_points = static_cast<double>(summary->price_points_added);
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["rows"] = rows;
  state.counters["offers"] = offers;
  state.counters["price_points"] = price_points;
  state.counters["parse_s"] = parse_s / n;
  state.counters["apply_s"] = apply_s / n;
  state.counters["apply_cpu_s"] = apply_cpu_s / n;
  state.counters["peak_rss_mb"] = PeakRssMb();
}
BENCHMARK(BM_IngestAllSharedCatalogs)->Unit(benchmark::kMillisecond)->Iterations(3);

// The full shared catalog, loaded back from a store, indexed once for every query benchmark.
const OfferIndex* FullIndex() {
  static const std::unique_ptr<OfferIndex> index = [] {
    std::unique_ptr<OfferIndex> out;
    auto sources = ExpandCatalogPaths(AllCatalogArgs());
    auto batches = sources.ok() ? ParseCatalogFiles(*sources) : sources.status();
    auto store = OfferStore::Open(":memory:");
    if (!batches.ok() || !store.ok() || !(*store)->Apply(*batches).ok()) return out;
    auto offers = (*store)->LoadOffers();
    if (offers.ok()) out = std::make_unique<OfferIndex>(std::move(offers).value());
    return out;
  }();
  return index.get();
}

double Percentile(std::vector<double>& samples, double p) {
  if (samples.empty()) return 0;
  const size_t k = static_cast<size_t>(p * static_cast<double>(samples.size() - 1));
  std::nth_element(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(k),
                   samples.end());
  return samples[k];
}

void BM_QueryA100x8SortByPriceLimit20(benchmark::State& state) {
  const OfferIndex* index = FullIndex();
  if (index == nullptr) {
    state.SkipWithError("loading the shared catalogs failed");
    return;
  }
  OfferQuery query;
  query.accelerator = "A100";
  query.count = 8;
  query.sort = SortKey::kPrice;
  query.limit = 20;
  std::vector<double> micros;
  micros.reserve(1 << 20);
  size_t results = 0;
  for (auto _ : state) {
    const Clock::time_point start = Clock::now();
    std::vector<const Offer*> got = index->Query(query);
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    results = got.size();
    benchmark::DoNotOptimize(got.data());
  }
  state.counters["results"] = static_cast<double>(results);
  state.counters["offers_indexed"] = static_cast<double>(index->offers().size());
  state.counters["p50_us"] = Percentile(micros, 0.50);
  state.counters["p99_us"] = Percentile(micros, 0.99);
}
BENCHMARK(BM_QueryA100x8SortByPriceLimit20)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace sky::catalog

BENCHMARK_MAIN();
