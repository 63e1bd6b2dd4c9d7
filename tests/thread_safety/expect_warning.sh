#!/usr/bin/env bash
# Self-test of check.sh: passes only when the check FAILS on FILE with clang's thread-safety
# warning (not for another reason, such as a missing clang or a compile error).
#   tests/thread_safety/expect_warning.sh BUILD_DIR FILE
set -u
out=$(bash "$(dirname "$0")/check.sh" "$1" "$2" 2>&1)
rc=$?
echo "$out"
if [ "$rc" -ne 1 ]; then
  echo "expected check.sh to exit 1 on $2, got $rc" >&2
  exit 1
fi
if ! grep -q -- "-Wthread-safety-analysis" <<<"$out"; then
  echo "check.sh failed on $2 without a -Wthread-safety-analysis warning" >&2
  exit 1
fi
if grep -E "(warning|error): " <<<"$out" | grep -qv -- "-Wthread-safety"; then
  echo "check.sh reported something besides thread-safety on $2" >&2
  exit 1
fi
echo "the check fails on $2, as it must"
