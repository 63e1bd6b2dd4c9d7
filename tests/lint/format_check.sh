#!/usr/bin/env bash
# Checks C++ formatting against .clang-format (Google style, 100 columns); changes no file.
#   tests/lint/format_check.sh --all              every *.cc and *.h of the tree
#   tests/lint/format_check.sh --changed [BASE]   the C++ files that differ from BASE (default:
#                                                 the merge-base with origin/main, else HEAD~1),
#                                                 plus uncommitted and untracked ones (./test.sh)
#   tests/lint/format_check.sh FILE...            those files
# Left out: tests/fuzz/corpus, build*/ and node_modules. Prints clang-format's diagnostics and a
# summary; exits 1 when a file is not formatted (fix: clang-format -i FILE), 0 when all are.
# CLANG_FORMAT picks the binary (default clang-format).
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/lint/lint_files.sh

clang_format="${CLANG_FORMAT:-clang-format}"
if [ $# -eq 0 ]; then
  echo "usage: tests/lint/format_check.sh --all | --changed [BASE] | FILE..." >&2
  exit 2
fi
if ! command -v "$clang_format" >/dev/null; then
  echo "format_check: $clang_format not found (apt-get install clang-format)" >&2
  exit 2
fi
mapfile -t files < <(lint_files "$@")
bad=()
for f in "${files[@]}"; do
  if ! "$clang_format" --dry-run -Werror --ferror-limit=3 "$f"; then bad+=("$f"); fi
done
if [ ${#bad[@]} -gt 0 ]; then
  echo "format_check: ${#bad[@]} of ${#files[@]} file(s) not formatted (clang-format -i FILE):" >&2
  printf '  %s\n' "${bad[@]}" >&2
  exit 1
fi
echo "format_check: ${#files[@]} file(s) formatted"
