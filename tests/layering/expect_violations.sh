#!/usr/bin/env bash
# Self-test of the layering check: runs it on one fixture tree of bad_tree/ and passes only
# when the check fails (exit 1) with exactly COUNT violations, every one tagged [RULE]. The
# fixtures also hold allowed includes, which the exact count keeps from being reported.
# Usage: expect_violations.sh CHECK_SCRIPT FIXTURE_ROOT RULE COUNT
set -u
check=$1 tree=$2 rule=$3 count=$4
out=$(bash "$check" "$tree")
rc=$?
echo "$out"
reports=$(grep -c '^layering: \[' <<<"$out")
tagged=$(grep -cF "layering: [$rule]" <<<"$out")
if [ "$rc" -ne 1 ] || [ "$reports" -ne "$count" ] || [ "$tagged" -ne "$count" ]; then
  echo "expected exit 1 with $count [$rule] violation(s); got exit $rc, $reports report(s), $tagged [$rule]"
  exit 1
fi
echo "fixture $rule: the check fails as expected"
