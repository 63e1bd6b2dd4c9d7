#pragma once
// Running a stage's `setup` and `command` in its container image (issue 16 "Containers").
//
// On a VM (aws, gcp, azure, lambda, local, ...) the startup script starts the image itself with
// docker or podman, chosen when it runs: podman when present, else docker. On RunPod and
// Kubernetes the pod IS the image: the executor asks the provider for it and the script runs
// `setup` and `command` directly, with no wrapper. Pure functions: thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "broker/executor/startup_script.h"

namespace sky::broker {

// True for providers whose instance is the stage's image ("runpod", "kubernetes"): the image
// goes into the launch request, and the script's ScriptContainer stays empty.
bool ProviderRunsImage(std::string_view provider);

// Bash text defining two functions for the startup script (it needs the script's sky_signals,
// sky_setup and sky_command variables):
//   sky_container_runtime  prints "podman" or "docker" (the first found on PATH); fails when
//                          neither is installed.
//   sky_container_run RT   replaces the shell with
//       RT run --rm --network host --entrypoint /bin/sh [GPUs] -v D:D... -e NAME... IMAGE
//          -c <run setup, then command, with bash when the image has it> sky SETUP COMMAND
//     where D is each of the signals directory, $SKY_INPUTS, $SKY_OUTPUT_DIR and
//     $SKY_CHECKPOINT_DIR that is set (mounted at the same path, so the variables stay valid
//     inside), NAME each of `env_names` (values come from the environment, never the command
//     line), and GPUs, only when `container.gpus`: `--gpus all` (docker) or
//     `--device nvidia.com/gpu=all` (podman, CDI). The exit status is setup's when it fails,
//     else the command's.
// Names in `env_names` that are not shell identifiers are skipped. REQUIRES: a non-empty image.
std::string RenderContainerRun(const ScriptContainer& container,
                               const std::vector<std::string>& env_names);

}  // namespace sky::broker
