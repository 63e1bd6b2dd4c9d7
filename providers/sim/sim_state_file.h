#pragma once
// The sim cloud's state file: the whole SimState as JSON, replaced atomically on every save
// (write `<path>.tmp`, fsync, rename over `<path>`), so that a kill -9 at any moment leaves
// either the old or the new state, never a torn one. No locking: two processes must never use
// the same file at the same time (the crash test runs one broker at a time). The functions are
// safe to call from several threads on different paths.

#include <optional>
#include <string>

#include "sky/providers/sim_state.h"
#include "sky/types/result.h"

namespace sky::providers {

// The state stored at `path`; nullopt when no file exists there (an empty cloud).
// InvalidArgument naming the file when it cannot be read or is not a state this code wrote
// (malformed JSON, a missing or mistyped field, a key naming an unknown instance).
Result<std::optional<SimState>> LoadSimState(const std::string& path);

// Replaces the file at `path` with `state`. Unavailable naming the file when any step fails
// (the old file, if any, is then left as it was).
Status SaveSimState(const std::string& path, const SimState& state);

// The state as the file's JSON text, and back (InvalidArgument on malformed text). Exposed for
// tests; LoadSimState and SaveSimState add the file handling.
std::string SimStateToJson(const SimState& state);
Result<SimState> SimStateFromJson(const std::string& text);

}  // namespace sky::providers
