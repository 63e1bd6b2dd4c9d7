#include "broker/executor/container_run.h"

namespace sky::broker {
namespace {

constexpr std::string_view kRuntimeFunction = R"SKY(sky_container_runtime() {
  if command -v podman >/dev/null 2>&1; then
    echo podman
  elif command -v docker >/dev/null 2>&1; then
    echo docker
  else
    return 1
  fi
}
)SKY";

// What /bin/sh runs inside the container: "$1" is setup, "$2" the command (as on the instance,
// with bash; images without bash get sh).
constexpr char kInner[] =
    "s=sh; if command -v bash >/dev/null 2>&1; then s=bash; fi; "
    "if [ -n \"$1\" ]; then \"$s\" -c \"$1\" || exit $?; fi; exec \"$s\" -c \"$2\"";

constexpr std::string_view kGpuFlags = R"SKY(  if [ "$rt" = podman ]; then
    set -- "$@" --device nvidia.com/gpu=all
  else
    set -- "$@" --gpus all
  fi
)SKY";

constexpr std::string_view kMounts =
    R"SKY(  for d in "$sky_signals" "${SKY_INPUTS:-}" "${SKY_OUTPUT_DIR:-}" \
    "${SKY_CHECKPOINT_DIR:-}"; do
    if [ -n "$d" ]; then set -- "$@" -v "$d:$d"; fi
  done
)SKY";

}  // namespace

bool ProviderRunsImage(std::string_view provider) {
  return provider == "runpod" || provider == "kubernetes";
}

std::string RenderContainerRun(const ScriptContainer& container,
                               const std::vector<std::string>& env_names) {
  std::string text(kRuntimeFunction);
  text += "sky_container_run() {\n  local rt=$1 d\n";
  text += "  set -- run --rm --network host --entrypoint /bin/sh\n";
  if (container.gpus) text += kGpuFlags;
  text += kMounts;
  std::string names;
  for (const std::string& name : env_names) {
    if (IsShellName(name)) names += " -e " + name;
  }
  if (!names.empty()) text += "  set -- \"$@\"" + names + "\n";
  text += "  exec \"$rt\" \"$@\" " + ShellQuote(container.image) + " -c " + ShellQuote(kInner) +
          " sky \"$sky_setup\" \"$sky_command\"\n}\n";
  return text;
}

}  // namespace sky::broker
