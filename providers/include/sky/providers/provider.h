#pragma once
// Provider: the narrow interface through which the broker reaches a cloud (STYLE.md "narrow
// interface for the outside world"). Implementations: REST adapters (aws, gcp, lambda, runpod)
// and the in-process `sim` cloud. Implementations must be safe for concurrent calls.
//
// Errors carry codes the broker acts on without reading text:
//   ResourceExhausted  no capacity (reason "capacity": block the offer or zone) or no quota
//                      (reason "quota": block the region); fail over to the next candidate
//   Unavailable        throttled (reason "throttled"), 5xx, network: back off and retry,
//                      never fail over
//   Unauthenticated / PermissionDenied  credentials
//   InvalidArgument    a request the provider rejected as malformed
//   NotFound           an unknown instance

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sky/types/offer.h"
#include "sky/types/result.h"

namespace sky::providers {

enum class InstanceState {
  kPending,     // accepted, not yet running
  kRunning,     // booted
  kStopping,    // shutting down
  kTerminated,  // gone; see TerminationReason
};

enum class TerminationReason {
  kNone,         // still alive
  kPreempted,    // a spot instance taken back by the provider
  kUser,         // terminated on request
  kCapacity,     // the provider could not keep or start it
  kHostFailure,  // hardware or host maintenance
  kUnknown,      // terminated for a reason the provider did not say
};

inline std::string_view InstanceStateName(InstanceState state) {
  switch (state) {
    case InstanceState::kPending:
      return "pending";
    case InstanceState::kRunning:
      return "running";
    case InstanceState::kStopping:
      return "stopping";
    case InstanceState::kTerminated:
      return "terminated";
  }
  return "unknown";
}

inline std::string_view TerminationReasonName(TerminationReason reason) {
  switch (reason) {
    case TerminationReason::kNone:
      return "none";
    case TerminationReason::kPreempted:
      return "preempted";
    case TerminationReason::kUser:
      return "user";
    case TerminationReason::kCapacity:
      return "capacity";
    case TerminationReason::kHostFailure:
      return "host_failure";
    case TerminationReason::kUnknown:
      return "unknown";
  }
  return "unknown";
}

// Tags the broker puts on every instance it launches (instance names/labels where a cloud has
// no tags). Providers store them as given and answer ListByTag on them.
inline constexpr char kTagDeployment[] = "skybroker";  // the broker deployment that owns it
inline constexpr char kTagPipeline[] = "skybroker-pipeline";
inline constexpr char kTagStage[] = "skybroker-stage";
inline constexpr char kTagAttempt[] = "skybroker-attempt";
// The stage's full run time on this offer in seconds, the fraction already saved by a
// checkpoint when this attempt starts (0..1), and the checkpoint interval in seconds (absent:
// the stage does not checkpoint). Informational for real clouds; the sim runs the stage's
// command for exactly that long.
inline constexpr char kTagWorkSeconds[] = "skybroker-work-seconds";
inline constexpr char kTagResumeFrom[] = "skybroker-resume-from";
inline constexpr char kTagCheckpointSeconds[] = "skybroker-checkpoint-seconds";

// What an instance's own agent last reported, for providers that relay it (the sim, which
// simulates the stage's command). Real clouds leave Instance::agent empty: their instances
// report through the broker's heartbeat endpoint instead.
struct AgentReport {
  double progress = 0;           // fraction of the stage's work done, 0..1
  double checkpoint = 0;         // fraction saved by the last checkpoint, 0..1
  std::optional<int> exit_code;  // set once the command exited
  std::string log_tail;          // the command's last output lines
};

struct LaunchRequest {
  Offer offer;
  // Same key, same instance: a retried launch never creates a second one.
  std::string idempotency_key;
  std::string startup_script;
  std::map<std::string, std::string> tags;
  // The container image the instance itself is, for providers whose instances are containers
  // (RunPod pods, Kubernetes pods); empty: the provider's default. VM providers ignore it: the
  // startup script runs the image there (docker or podman).
  std::string image;
};

struct Instance {
  std::string id;
  OfferId offer_id;
  std::string provider, region, zone, instance_type;
  Market market = Market::kOnDemand;
  InstanceState state = InstanceState::kPending;
  TerminationReason reason = TerminationReason::kNone;
  std::string public_ip, private_ip;
  std::map<std::string, std::string> tags;
  double launched_at_seconds = 0;    // on the provider's clock
  std::optional<AgentReport> agent;  // see AgentReport
};

class Provider {
 public:
  virtual ~Provider() = default;
  // "aws", "gcp", "lambda", "runpod", "sim".
  virtual std::string name() const = 0;
  // Whether instances run the startup script (and so the data plane). The simulated cloud,
  // which simulates the command from its tags, answers false.
  virtual bool RunsStartupScript() const { return true; }
  // Current offers, with availability where the API reports it.
  virtual Result<std::vector<Offer>> ListOffers() = 0;
  virtual Result<Instance> Launch(const LaunchRequest& request) = 0;
  // The named instances; an unknown id is NotFound.
  virtual Result<std::vector<Instance>> Describe(const std::vector<std::string>& ids) = 0;
  // Every live or recently terminated instance carrying tag key=value.
  virtual Result<std::vector<Instance>> ListByTag(const std::string& key,
                                                  const std::string& value) = 0;
  // Idempotent: terminating a terminated instance is OK.
  virtual Status Terminate(const std::string& id) = 0;
};

// Forwards every call to a wrapped provider, so a test fake overrides one method
// (STYLE.md "forwarding wrapper"). Thread safety is the wrapped provider's.
class ProviderWrapper : public Provider {
 public:
  explicit ProviderWrapper(Provider& target) : target_(target) {}
  std::string name() const override { return target_.name(); }
  bool RunsStartupScript() const override { return target_.RunsStartupScript(); }
  Result<std::vector<Offer>> ListOffers() override { return target_.ListOffers(); }
  Result<Instance> Launch(const LaunchRequest& r) override { return target_.Launch(r); }
  Result<std::vector<Instance>> Describe(const std::vector<std::string>& ids) override {
    return target_.Describe(ids);
  }
  Result<std::vector<Instance>> ListByTag(const std::string& k, const std::string& v) override {
    return target_.ListByTag(k, v);
  }
  Status Terminate(const std::string& id) override { return target_.Terminate(id); }

 protected:
  Provider& target() { return target_; }

 private:
  Provider& target_;
};

}  // namespace sky::providers
