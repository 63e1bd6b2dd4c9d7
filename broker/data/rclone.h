#pragma once
// Rclone: the broker's own transfers (deliveries of `outputs`, their verification, clean-up of
// checkpoints and intermediate outputs) run as `rclone` subprocesses, remote to remote. rclone
// reads no config file (`--config ""`): its remotes come from the RCLONE_CONFIG_* variables
// handed in (the broker's storage credentials), over the broker's own environment (whose
// AWS_CA_BUNDLE is dropped: rclone 1.60 cannot use it). Listings are recursive (--fast-list).
// Nothing is printed by these calls; errors carry rclone's last error line, which names paths but
// never credentials. Thread-safe: every call runs its own process.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sky/types/result.h"

namespace sky::broker {

class Rclone {
 public:
  Rclone(std::string program, std::map<std::string, std::string> env)
      : program_(std::move(program)), env_(std::move(env)) {}

  // Copies the directory `src` into `dst` (URIs, sky/types/object_uri.h). Unavailable with
  // rclone's message when it fails (retryable: network, throttling); InvalidArgument for a URI
  // that does not parse; FailedPrecondition when rclone cannot be run.
  Status Copy(const std::string& src, const std::string& dst) const;
  // Verifies that every file of `src` is in `dst` with the same size and, where both backends
  // have one in common, the same checksum (`rclone check --one-way`). Internal naming the
  // differences; errors otherwise as Copy.
  Status Check(const std::string& src, const std::string& dst) const;
  // Deletes `uri` and everything under it; a directory that does not exist is OK.
  Status Purge(const std::string& uri) const;
  // Total bytes of the files under `uri`.
  Result<int64_t> Size(const std::string& uri) const;

 private:
  struct Outcome {
    int exit_code = -1;
    std::string out;         // stdout
    std::string last_error;  // the last non-empty stderr line
  };
  Result<Outcome> Run(const std::vector<std::string>& args) const;
  Result<std::string> PathOf(const std::string& uri) const;

  std::string program_;
  std::map<std::string, std::string> env_;
};

}  // namespace sky::broker
