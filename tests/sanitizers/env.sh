# Runtime options for the sanitizer builds. Sourced by test.sh; to run ctest or one test
# binary by hand with the same options:
#   source tests/sanitizers/env.sh && sky_sanitizer_env asan   # or tsan
# Every error stops the process with a stack trace, so a finding fails its test instead of
# scrolling past in a log. Suppression files sit next to this one; each entry says why.

# sky_sanitizer_env asan|tsan: exports the options for that build.
sky_sanitizer_env() {
  local here
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  case "$1" in
    asan)
      export ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:detect_leaks=1:strict_init_order=1:check_initialization_order=1:detect_stack_use_after_return=1"
      export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
      export LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=0"
      ;;
    tsan)
      export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$here/tsan.supp:print_suppressions=0"
      ;;
    *)
      echo "sky_sanitizer_env: expected asan or tsan, got '$1'" >&2
      return 2
      ;;
  esac
}
