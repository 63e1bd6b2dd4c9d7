#pragma once
// LocalProvider: a cloud made of process groups on this machine (issue 16, "A `local`
// provider"). Each instance is `/bin/bash startup.sh` started in a new session (so its process
// group is its instance) in its own directory `<root_dir>/<instance-id>/`, which holds
// `startup.sh` (the LaunchRequest's startup_script, mode 0700) and `script.log` (the script's
// stdout and stderr). The process gets the server's environment without its secrets, plus
// TMPDIR and PWD=<its directory> and SKY_LOCAL_INSTANCE=<its id>, and /dev/null as stdin. The
// secrets dropped: every RCLONE_CONFIG_* variable (storage remotes and credentials: a stage
// fetches its own from the broker with its attempt token), AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, GOOGLE_APPLICATION_CREDENTIALS, LAMBDA_API_KEY,
// RUNPOD_API_KEY, AZURE_CLIENT_SECRET and every SKYBROKER_* variable (e.g. admin tokens). The
// rest passes (PATH, HOME, rclone's global flags such as RCLONE_BWLIMIT, AWS_CA_BUNDLE). The
// script reports to the broker by itself (real heartbeats over HTTP); Instance::agent stays
// empty.
//
// It runs arbitrary commands as the user of the server process: opt-in only.
//
// Places are "local:<region>:<zone>" (default: local:region-a:a, local:region-a:b,
// local:region-b:a), each with an on-demand and a spot offer of instance type "local" sized like
// this machine. Preemption is SIGKILL of the process group: by Preempt (an admin's call), or, for
// spot instances, at an exponential random time (LocalOptions::preemptions_per_hour, seeded)
// or when a place's spot availability (LocalOptions::spot_available, e.g. a recorded trace)
// drops below its live spot instances, noticed by the next Launch, Describe or ListByTag. Instances
// live in memory only: a new provider (a restarted server) knows none of the previous one's, and
// SIGKILLs those still running under its root directory when it starts (the broker re-launches
// what it expected, as after a preemption).
// Terminated instances stay listed for the provider's lifetime. The destructor kills and reaps
// every live instance.
//
// Thread-safe. Errors, besides those of Provider (provider.h):
//   Launch     NotFound for an offer it does not serve; ResourceExhausted, reason "capacity",
//              when the offer's place already runs capacity_per_place instances of its market;
//              Internal when the directory, script or process cannot be made.
//   Describe   NotFound for an unknown id.
//   Terminate  NotFound for an unknown id; OK for a terminated instance.
//   Preempt    NotFound for an unknown id; FailedPrecondition for a terminated instance.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sky/providers/provider.h"
#include "sky/types/clock.h"
#include "sky/types/result.h"

namespace sky::providers {

struct LocalOptions {
  // Directory holding one subdirectory per instance; created (0700, with parents) when missing,
  // and made absolute (root_dir() returns that). Required.
  std::string root_dir;
  // Location ids "local:<region>:<zone>" of the places it offers.
  std::vector<std::string> places = {"local:region-a:a", "local:region-a:b", "local:region-b:a"};
  // Live instances at once per place and market (>= 1). Default: 4.
  int capacity_per_place = 4;
  // Mean preemptions per hour of each spot instance (exponential inter-arrival, seeded);
  // 0: never. Default: 0.
  double preemptions_per_hour = 0;
  // Spot availability by place (a key of `places`): available(t) is how many spot instances
  // may live there t seconds (on `clock`) after the provider was made. Each look preempts the
  // newest live spot instances beyond it, and Launch refuses a spot instance there beyond it
  // (ResourceExhausted, reason "capacity"). Only the value at the look counts: a dip between
  // two looks preempts nothing. Default: none (capacity_per_place alone).
  std::map<std::string, std::function<int(double)>> spot_available;
  // Seed of the random preemption times. Default: 1.
  uint64_t seed = 1;
  // Clock of launched_at_seconds and the preemption times; must outlive the provider. Null: a
  // SystemClock (real seconds) owned by the provider.
  const Clock* clock = nullptr;
};

class LocalProvider : public Provider {
 public:
  // SIGKILLs the instance's process group and reaps it; Describe then says terminated, reason
  // kPreempted. Errors: see the file comment.
  virtual Status Preempt(const std::string& instance_id) = 0;
  // LocalOptions::root_dir.
  virtual const std::string& root_dir() const = 0;
};

// A provider with `options`, its root directory created. InvalidArgument naming the option for
// an empty root_dir, no places, a place not of the form "local:<region>:<zone>" (or repeated),
// spot_available for a place not in `places` (or empty),
// a capacity below 1 or a negative rate; Internal when root_dir cannot be created.
Result<std::unique_ptr<LocalProvider>> NewLocalProvider(LocalOptions options);

// True for a place id "local:<region>:<zone>": region and zone non-empty, free of ':' and '/'.
bool IsLocalPlace(const std::string& place);

}  // namespace sky::providers
