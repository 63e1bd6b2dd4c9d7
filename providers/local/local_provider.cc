#include "sky/providers/local_provider.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <thread>
#include <utility>

#include "providers/local/local_process.h"
#include "sky/types/mutex.h"

namespace sky::providers {
namespace {

// Prices. Nothing is billed on this machine, but plans need a cost to minimise, and spot must be
// cheaper than on demand for the spot/on-demand trade-off to show. Both come from the bundled
// catalog (shared data/catalog/anycloud_skypilot_format/gcp/vms.csv, snapshot 2026-05-20): GCP's
// general-purpose e2-standard-8 in us-central1 costs $0.26805/h on demand and $0.13403/h spot
// for 8 vCPUs. A local instance is priced per vCPU of this machine at that rate.
constexpr double kOnDemandPerVcpuHour = 0.26805 / 8;
constexpr double kSpotPerVcpuHour = 0.13403 / 8;
constexpr char kInstanceType[] = "local";
constexpr char kProviderName[] = "local";
// How long Terminate and Preempt wait for a SIGKILLed script to be reaped before leaving it to
// the next look (a process in uninterruptible sleep dies only when that ends).
constexpr double kReapSeconds = 2;

struct LocalInstance {
  Instance instance;
  std::string location;    // the offer's location id
  pid_t pid = -1;          // bash, leader of the instance's process group
  bool reaped = false;     // pid waited for: it may belong to another process now
  double preempt_at = -1;  // random preemption time; < 0 when none
};

double MachineVcpus() { return std::max(1u, std::thread::hardware_concurrency()); }

double MachineMemoryGb() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return 0;
  return static_cast<double>(pages) * static_cast<double>(page_size) / (1024.0 * 1024 * 1024);
}

std::vector<Offer> MakeOffers(const std::vector<std::string>& places) {
  std::vector<Offer> offers;
  for (const std::string& place : places) {
    const size_t first = place.find(':');
    const size_t second = place.find(':', first + 1);
    for (Market market : {Market::kOnDemand, Market::kSpot}) {
      Offer o;
      o.provider = kProviderName;
      o.region = place.substr(first + 1, second - first - 1);
      o.zone = place.substr(second + 1);
      o.instance_type = kInstanceType;
      o.vcpus = MachineVcpus();
      o.memory_gb = MachineMemoryGb();
      o.market = market;
      o.price_per_hour =
          o.vcpus * (market == Market::kSpot ? kSpotPerVcpuHour : kOnDemandPerVcpuHour);
      o.id = MakeOfferId(o);
      offers.push_back(std::move(o));
    }
  }
  return offers;
}

Status Validate(const LocalOptions& options) {
  if (options.root_dir.empty()) return Status::InvalidArgument("local provider: root_dir: empty");
  if (options.places.empty()) return Status::InvalidArgument("local provider: places: none");
  std::set<std::string> seen;
  for (const std::string& place : options.places) {
    if (!IsLocalPlace(place) || !seen.insert(place).second) {
      return Status::InvalidArgument("local provider: places: '" + place +
                                     "' is not a new local:<region>:<zone>");
    }
  }
  if (options.capacity_per_place < 1) {
    return Status::InvalidArgument("local provider: capacity_per_place: must be at least 1");
  }
  for (const auto& [place, available] : options.spot_available) {
    if (seen.count(place) == 0 || !available) {
      return Status::InvalidArgument("local provider: spot_available: '" + place +
                                     "' is not one of the places");
    }
  }
  if (!(options.preemptions_per_hour >= 0)) {
    return Status::InvalidArgument("local provider: preemptions_per_hour: must not be negative");
  }
  return Status::Ok();
}

class LocalProviderImpl final : public LocalProvider {
 public:
  explicit LocalProviderImpl(LocalOptions options)
      : options_(std::move(options)),
        clock_(options_.clock != nullptr ? *options_.clock : own_clock_),
        offers_(MakeOffers(options_.places)),
        start_seconds_(clock_.NowSeconds()),
        rng_(options_.seed) {}
  ~LocalProviderImpl() override;

  std::string name() const override { return kProviderName; }
  Result<std::vector<Offer>> ListOffers() override { return offers_; }
  Result<Instance> Launch(const LaunchRequest& request) SKY_EXCLUDES(mu_) override;
  Result<std::vector<Instance>> Describe(const std::vector<std::string>& ids)
      SKY_EXCLUDES(mu_) override;
  Result<std::vector<Instance>> ListByTag(const std::string& key, const std::string& value)
      SKY_EXCLUDES(mu_) override;
  Status Terminate(const std::string& id) SKY_EXCLUDES(mu_) override;
  Status Preempt(const std::string& instance_id) SKY_EXCLUDES(mu_) override;
  const std::string& root_dir() const override { return options_.root_dir; }

 private:
  const Offer* FindOffer(const OfferId& id) const;
  Status CheckCapacityLocked(const Offer& offer) SKY_REQUIRES(mu_);
  Result<Instance> StartLocked(const Offer& offer, const LaunchRequest& request) SKY_REQUIRES(mu_);
  void StopLocked(LocalInstance& local, TerminationReason reason) SKY_REQUIRES(mu_);
  void RefreshLocked() SKY_REQUIRES(mu_);
  // The live spot instances at `place`, oldest first.
  std::vector<LocalInstance*> LiveSpotLocked(const std::string& place) SKY_REQUIRES(mu_);
  // How many spot instances `place` may hold now; capacity_per_place without availability.
  int SpotAvailableLocked(const std::string& place, double now) const SKY_REQUIRES(mu_);
  void ReapLocked(LocalInstance& local, double seconds) SKY_REQUIRES(mu_);

  const LocalOptions options_;
  SystemClock own_clock_;  // the clock when options_.clock is null
  const Clock& clock_;
  const std::vector<Offer> offers_;
  const double start_seconds_;  // where spot_available's time starts
  mutable Mutex mu_;
  std::map<std::string, LocalInstance> instances_ SKY_GUARDED_BY(mu_);  // by id
  std::set<std::string> live_ SKY_GUARDED_BY(mu_);                      // ids not terminated
  std::set<std::string> unreaped_ SKY_GUARDED_BY(mu_);             // terminated, not yet reaped
  std::map<std::string, std::string> by_key_ SKY_GUARDED_BY(mu_);  // idempotency key -> id
  int64_t next_id_ SKY_GUARDED_BY(mu_) = 1;
  std::mt19937_64 rng_ SKY_GUARDED_BY(mu_);
};

LocalProviderImpl::~LocalProviderImpl() {
  MutexLock lock(mu_);
  for (const std::string& id : live_) KillGroup(instances_.at(id).pid);
  std::vector<std::string> ids(live_.begin(), live_.end());
  ids.insert(ids.end(), unreaped_.begin(), unreaped_.end());
  for (const std::string& id : ids) ReapLocked(instances_.at(id), kReapSeconds);
}

void LocalProviderImpl::ReapLocked(LocalInstance& local, double seconds) {
  if (local.reaped) return;
  local.reaped = seconds > 0 ? ReapWithin(local.pid, seconds) : ReapIfExited(local.pid);
  if (local.reaped) {
    unreaped_.erase(local.instance.id);
  } else if (local.instance.state == InstanceState::kTerminated) {
    unreaped_.insert(local.instance.id);
  }
}

const Offer* LocalProviderImpl::FindOffer(const OfferId& id) const {
  for (const Offer& offer : offers_) {
    if (offer.id == id) return &offer;
  }
  return nullptr;
}

std::vector<LocalInstance*> LocalProviderImpl::LiveSpotLocked(const std::string& place) {
  std::vector<LocalInstance*> out;  // live_ is ordered by id, so by launch
  for (const std::string& id : live_) {
    LocalInstance& local = instances_.at(id);
    if (local.location == place && local.instance.market == Market::kSpot) out.push_back(&local);
  }
  return out;
}

int LocalProviderImpl::SpotAvailableLocked(const std::string& place, double now) const {
  auto it = options_.spot_available.find(place);
  if (it == options_.spot_available.end()) return options_.capacity_per_place;
  return std::min(options_.capacity_per_place, it->second(now - start_seconds_));
}

Status LocalProviderImpl::CheckCapacityLocked(const Offer& offer) {
  int live_here = 0;
  for (const std::string& id : live_) {
    const LocalInstance& local = instances_.at(id);
    if (local.location == offer.location_id() && local.instance.market == offer.market) {
      ++live_here;
    }
  }
  const int limit = offer.market == Market::kSpot
                        ? SpotAvailableLocked(offer.location_id(), clock_.NowSeconds())
                        : options_.capacity_per_place;
  if (live_here < limit) return Status::Ok();
  return Status::ResourceExhausted("no capacity for " + offer.id + ": " +
                                   std::to_string(live_here) + " instances run there")
      .WithReason("capacity");
}

Result<Instance> LocalProviderImpl::Launch(const LaunchRequest& request) {
  MutexLock lock(mu_);
  RefreshLocked();
  if (!request.idempotency_key.empty()) {
    auto it = by_key_.find(request.idempotency_key);
    if (it != by_key_.end()) return instances_.at(it->second).instance;
  }
  const Offer* offer = FindOffer(request.offer.id);
  if (offer == nullptr) return Status::NotFound("local serves no offer " + request.offer.id);
  SKY_RETURN_IF_ERROR(CheckCapacityLocked(*offer));
  return StartLocked(*offer, request);
}

Result<Instance> LocalProviderImpl::StartLocked(const Offer& offer, const LaunchRequest& request) {
  SKY_ASSIGN_OR_RETURN(std::string id, MakeInstanceDir(options_.root_dir, &next_id_));
  const std::string dir = options_.root_dir + "/" + id;
  SKY_ASSIGN_OR_RETURN(pid_t pid,
                       SpawnScript(dir, request.startup_script,
                                   {{"TMPDIR", dir}, {"PWD", dir}, {"SKY_LOCAL_INSTANCE", id}}));
  LocalInstance local;
  local.pid = pid;
  local.location = offer.location_id();
  Instance& inst = local.instance;
  inst.id = id;
  inst.offer_id = offer.id;
  inst.provider = offer.provider;
  inst.region = offer.region;
  inst.zone = offer.zone;
  inst.instance_type = offer.instance_type;
  inst.market = offer.market;
  inst.state = InstanceState::kRunning;
  inst.private_ip = inst.public_ip = "127.0.0.1";
  inst.tags = request.tags;
  inst.launched_at_seconds = clock_.NowSeconds();
  if (offer.market == Market::kSpot && options_.preemptions_per_hour > 0) {
    std::exponential_distribution<double> hours(options_.preemptions_per_hour);
    local.preempt_at = inst.launched_at_seconds + hours(rng_) * 3600.0;
  }
  if (!request.idempotency_key.empty()) by_key_[request.idempotency_key] = id;
  live_.insert(id);
  Instance copy = inst;
  instances_.emplace(id, std::move(local));
  return copy;
}

void LocalProviderImpl::StopLocked(LocalInstance& local, TerminationReason reason) {
  // After a reap the group id stays valid while members of the group live (a script that
  // exited may leave some): they go with it, as with a machine that shuts down.
  KillGroup(local.pid);
  local.instance.state = InstanceState::kTerminated;
  local.instance.reason = reason;
  live_.erase(local.instance.id);
  // Reaped now so that the group is really gone when the caller hears "terminated"; a script
  // stuck in the kernel is reaped by a later look instead.
  ReapLocked(local, kReapSeconds);
}

void LocalProviderImpl::RefreshLocked() {
  const double now = clock_.NowSeconds();
  const std::vector<std::string> unreaped(unreaped_.begin(), unreaped_.end());
  for (const std::string& id : unreaped) ReapLocked(instances_.at(id), 0);
  const std::vector<std::string> live(live_.begin(), live_.end());
  for (const std::string& id : live) {
    LocalInstance& local = instances_.at(id);
    if (local.preempt_at >= 0 && now >= local.preempt_at) {
      StopLocked(local, TerminationReason::kPreempted);
      continue;
    }
    ReapLocked(local, 0);
    if (local.reaped) StopLocked(local, TerminationReason::kUnknown);  // the script exited
  }
  for (const auto& [place, available] : options_.spot_available) {
    std::vector<LocalInstance*> spot = LiveSpotLocked(place);
    const int keep = std::max(0, SpotAvailableLocked(place, now));
    // Newest first, as a cloud reclaims capacity.
    for (int i = static_cast<int>(spot.size()) - 1; i >= keep; --i) {
      StopLocked(*spot[i], TerminationReason::kPreempted);
    }
  }
}

Result<std::vector<Instance>> LocalProviderImpl::Describe(const std::vector<std::string>& ids) {
  MutexLock lock(mu_);
  RefreshLocked();
  std::vector<Instance> out;
  for (const std::string& id : ids) {
    auto it = instances_.find(id);
    if (it == instances_.end()) return Status::NotFound("no local instance " + id);
    out.push_back(it->second.instance);
  }
  return out;
}

Result<std::vector<Instance>> LocalProviderImpl::ListByTag(const std::string& key,
                                                           const std::string& value) {
  MutexLock lock(mu_);
  RefreshLocked();
  std::vector<Instance> out;
  for (const auto& [id, local] : instances_) {
    auto tag = local.instance.tags.find(key);
    if (tag != local.instance.tags.end() && tag->second == value) out.push_back(local.instance);
  }
  return out;
}

Status LocalProviderImpl::Terminate(const std::string& id) {
  MutexLock lock(mu_);
  RefreshLocked();
  auto it = instances_.find(id);
  if (it == instances_.end()) return Status::NotFound("no local instance " + id);
  if (live_.count(id) > 0) StopLocked(it->second, TerminationReason::kUser);
  return Status::Ok();
}

Status LocalProviderImpl::Preempt(const std::string& instance_id) {
  MutexLock lock(mu_);
  RefreshLocked();
  auto it = instances_.find(instance_id);
  if (it == instances_.end()) return Status::NotFound("no local instance " + instance_id);
  if (live_.count(instance_id) == 0) {
    return Status::FailedPrecondition("local instance " + instance_id + " is already terminated");
  }
  StopLocked(it->second, TerminationReason::kPreempted);
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<LocalProvider>> NewLocalProvider(LocalOptions options) {
  SKY_RETURN_IF_ERROR(Validate(options));
  std::error_code error;
  // Absolute: each script runs in its own directory, and TMPDIR must name it from there.
  const std::filesystem::path root = std::filesystem::absolute(options.root_dir, error);
  if (!error) options.root_dir = root.lexically_normal().string();
  while (options.root_dir.size() > 1 && options.root_dir.back() == '/') options.root_dir.pop_back();
  if (std::filesystem::create_directories(options.root_dir, error)) {
    std::filesystem::permissions(options.root_dir, std::filesystem::perms::owner_all, error);
  }
  if (error || !std::filesystem::is_directory(options.root_dir, error)) {
    return Status::Internal("local provider: cannot create " + options.root_dir +
                            (error ? ": " + error.message() : ""));
  }
  // A crashed server's instances still run: nobody can adopt them, so they stop here.
  KillOrphanedInstances(options.root_dir);
  return std::unique_ptr<LocalProvider>(std::make_unique<LocalProviderImpl>(std::move(options)));
}

bool IsLocalPlace(const std::string& place) {
  const std::string prefix = std::string(kProviderName) + ":";
  if (place.rfind(prefix, 0) != 0 || place.find('/') != std::string::npos) return false;
  const size_t second = place.find(':', prefix.size());
  return second != std::string::npos && second > prefix.size() && second + 1 < place.size() &&
         place.find(':', second + 1) == std::string::npos;
}

}  // namespace sky::providers
