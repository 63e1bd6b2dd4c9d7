#!/usr/bin/env bash
# Runs clang-tidy with the repository's .clang-tidy (its comments justify each check) on C++
# sources, using BUILD_DIR/compile_commands.json (any configured build; a GCC one works).
#   tests/lint/tidy_check.sh BUILD_DIR --all              every source in the database
#   tests/lint/tidy_check.sh BUILD_DIR --changed [BASE]   the C++ files that differ from BASE
#                                     (default: the merge-base with origin/main, else HEAD~1)
#                                     plus uncommitted and untracked ones (./test.sh runs this)
#   tests/lint/tidy_check.sh BUILD_DIR FILE...            those files
# Sources not in the database (not built in this configuration) are skipped. A header is
# checked through a source that includes it (its own .cc when there is one): HeaderFilterRegex
# reports findings in the repository's own headers. Runs TIDY_JOBS (default 2) clang-tidy
# processes at a time. Prints each finding once; exits 1 when there is any, 0 when clean.
# CLANG_TIDY picks the binary (default clang-tidy).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
source tests/lint/lint_files.sh

if [ $# -lt 2 ]; then
  echo "usage: tests/lint/tidy_check.sh BUILD_DIR --all | --changed [BASE] | FILE..." >&2
  exit 2
fi
build_dir="$1"
shift
clang_tidy="${CLANG_TIDY:-clang-tidy}"
jobs="${TIDY_JOBS:-2}"
db="$build_dir/compile_commands.json"
if [ ! -f "$db" ]; then
  echo "tidy_check: no $db (configure that build first)" >&2
  exit 2
fi
if ! command -v "$clang_tidy" >/dev/null; then
  echo "tidy_check: $clang_tidy not found (apt-get install clang-tidy)" >&2
  exit 2
fi

# The repository-relative sources the database compiles.
mapfile -t in_db < <(python3 - "$db" "$root" <<'PY'
import json, os, sys
root = os.path.realpath(sys.argv[2])
for entry in json.load(open(sys.argv[1])):
    path = os.path.realpath(os.path.join(entry["directory"], entry["file"]))
    if path.startswith(root + "/"):
        print(os.path.relpath(path, root))
PY
)
declare -A known=()
for f in "${in_db[@]}"; do known["$f"]=1; done

# A source in the database that includes header $1 (its own .cc first), or nothing.
source_for_header() {
  local header="$1" own="${1%.h}.cc" include
  if [ -n "${known[$own]:-}" ]; then echo "$own"; return; fi
  include="$header"
  case "$header" in */include/*) include="${header#*/include/}" ;; esac
  local f
  for f in "${in_db[@]}"; do
    if grep -qF "#include \"$include\"" "$f" 2>/dev/null; then echo "$f"; return; fi
  done
}

if [ "${1:-}" = --all ]; then
  mapfile -t sources < <(for f in "${in_db[@]}"; do
    lint_excluded "$f" || echo "$f"; done | sort -u)
else
  mapfile -t files < <(lint_files "$@")
  mapfile -t sources < <(for f in "${files[@]}"; do
    case "$f" in
      *.h) source_for_header "$f" ;;
      *) if [ -n "${known[$f]:-}" ]; then echo "$f"; fi ;;
    esac
  done | sort -u)
fi
if [ ${#sources[@]} -eq 0 ]; then
  echo "tidy_check: no C++ source to check"
  exit 0
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export clang_tidy build_dir out
# -Wno-error: compiler warnings are the build's business (GCC with -Werror), not clang-tidy's.
printf '%s\n' "${sources[@]}" | xargs -P "$jobs" -I{} sh -c \
  '"$clang_tidy" -p "$build_dir" --quiet --extra-arg=-Wno-unknown-warning-option \
     --extra-arg=-Wno-error "$1" > "$out/$(echo "$1" | tr / _).log" 2>&1 || true' _ {}
# Findings: "path:line:col: warning|error: text [check]" plus clang's context lines; each once.
python3 - "$out" "$root" <<'PY' > "$out/findings.txt"
import glob, re, sys
out, root = sys.argv[1], sys.argv[2] + "/"
seen, blocks = set(), []
head = re.compile(r"^(/\S+?):(\d+):(\d+): (warning|error): .*")
for log in sorted(glob.glob(out + "/*.log")):
    block = None
    for line in open(log, errors="replace"):
        line = line.rstrip("\n")
        m = head.match(line)
        if m:
            key = line
            block = None if key in seen else [line.replace(root, "")]
            if block is not None:
                seen.add(key)
                blocks.append(block)
        elif block is not None and not re.match(r"^\d+ (warnings?|errors?) generated", line) \
                and not line.startswith("Suppressed ") and not line.startswith("Use -header-filter"):
            block.append(line)
for b in blocks:
    print("\n".join(b))
print(f"#findings {len(blocks)}")
PY
count=$(sed -n 's/^#findings //p' "$out/findings.txt")
sed '/^#findings /d' "$out/findings.txt"
if [ "$count" -gt 0 ]; then
  echo "tidy_check: $count finding(s) in ${#sources[@]} source(s)" >&2
  exit 1
fi
echo "tidy_check: ${#sources[@]} source(s) clean"
