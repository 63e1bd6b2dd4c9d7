#pragma once
// The fixed bash text of the startup script (startup_script.h describes what it does), in the
// order RenderStartupScript appends it after the rendered settings. Internal to
// startup_script.cc. Constants: thread-safe.

#include <string_view>

namespace sky::broker::script_body {

// Private directory, signal files, JSON and HTTP helpers, the heartbeat loop.
extern const std::string_view kHelpers;
// Credentials, inputs, restore, checkpoint and output transfers (used when the data plane is on).
extern const std::string_view kData;
// The main sequence: stage in, setup and command, checkpoints, outputs, final report.
extern const std::string_view kMain;

}  // namespace sky::broker::script_body
