# Sourced by format_check.sh and tidy_check.sh: which C++ files (*.cc, *.h) a lint run covers.
#   lint_files --all            every C++ file of the tree
#   lint_files --changed [BASE] the C++ files that differ from BASE (default: the merge-base with
#                               origin/main when that exists, else HEAD~1), plus uncommitted and
#                               untracked ones
#   lint_files FILE...          those files
# Prints one path a line, relative to the repository root, leaving out the fuzz corpus, build
# folders, node_modules and deleted files. Run from the repository root.

lint_excluded() {
  case "$1" in
    tests/fuzz/corpus/* | build*/* | */node_modules/* | node_modules/*) return 0 ;;
  esac
  return 1
}

lint_is_cpp() {
  case "$1" in
    *.cc | *.h) return 0 ;;
  esac
  return 1
}

lint_default_base() {
  local base
  if base=$(git merge-base HEAD origin/main 2>/dev/null); then
    echo "$base"
  elif git rev-parse --verify --quiet HEAD~1 >/dev/null; then
    echo HEAD~1
  else
    echo HEAD
  fi
}

lint_files() {
  local mode="${1:-}" candidates
  case "$mode" in
    --all)
      candidates=$(git ls-files --cached --others --exclude-standard -- '*.cc' '*.h') ;;
    --changed)
      local base="${2:-$(lint_default_base)}"
      git rev-parse --verify --quiet "$base^{commit}" >/dev/null || {
        echo "lint: unknown base '$base'" >&2
        return 2
      }
      candidates=$( (git diff --name-only "$base" -- '*.cc' '*.h'
                     git ls-files --others --exclude-standard -- '*.cc' '*.h') | sort -u) ;;
    *)
      candidates=$(printf '%s\n' "$@") ;;
  esac
  local f
  while IFS= read -r f; do
    [ -n "$f" ] && [ -f "$f" ] || continue
    f="${f#./}"
    lint_is_cpp "$f" || continue
    lint_excluded "$f" && continue
    echo "$f"
  done <<< "$candidates"
}
