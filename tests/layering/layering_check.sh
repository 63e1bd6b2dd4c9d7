#!/usr/bin/env bash
# Fails when a source file includes against the layer direction
#   sky_types <- {catalog, planner, providers} <- broker <- api
# or uses a third-party header outside the module that owns it (STYLE.md sections 2 and 11).
# Usage: layering_check.sh ROOT   (prints every violation; exit 1 when there is one)
set -u
root=${1:?usage: layering_check.sh ROOT}
cd "$root" || exit 2

layer_of() {  # module name -> layer number
  case "$1" in
    types) echo 0 ;; catalog|planner|providers) echo 1 ;; broker) echo 2 ;; api) echo 3 ;;
    *) echo 9 ;;
  esac
}
module_of_file() {  # path -> module owning it
  case "$1" in
    catalog/types/*) echo types ;; catalog/*) echo catalog ;; planner/*) echo planner ;;
    providers/*) echo providers ;; broker/*) echo broker ;; api/*) echo api ;; *) echo other ;;
  esac
}
module_of_include() {  # include path -> module it belongs to, or empty
  case "$1" in
    sky/types/*|catalog/types/*) echo types ;; sky/catalog/*|catalog/*) echo catalog ;;
    sky/planner/*|planner/*) echo planner ;; sky/providers/*|providers/*) echo providers ;;
    sky/broker/*|broker/*) echo broker ;; sky/api/*|api/*) echo api ;; *) echo "" ;;
  esac
}
# Third-party header prefix -> the file path patterns allowed to include it.
allowed_third_party() {  # include, file -> 0 when allowed
  local inc=$1 file=$2
  case "$inc" in
    cpprest/*|pplx/*) [[ $file == api/* ]] ;;
    curl/*) [[ $file == providers/* && $file != providers/include/* ]] ;;
    openssl/*) [[ ( $file == providers/* || $file == api/* ) && $file != */include/* ]] ;;
    glpk.h) [[ $file == planner/glpk_problem.* ]] ;;
    sqlite3.h) [[ ( $file == catalog/* || $file == broker/* ) && $file != */include/* ]] ;;
    nlohmann/*) [[ $file != */include/* ]] ;;
    *) return 0 ;;
  esac
}

violations=0
report() { echo "layering: $1"; violations=$((violations + 1)); }

while IFS= read -r file; do
  mod=$(module_of_file "$file")
  [ "$mod" = other ] && continue
  layer=$(layer_of "$mod")
  while IFS= read -r line; do
    num=${line%%:*}
    inc=$(sed -E 's/^[0-9]+:[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]([^>"]+)[>"].*/\1/' <<<"$line")
    if ! allowed_third_party "$inc" "$file"; then
      report "$file:$num includes <$inc>, which belongs to another module"
      continue
    fi
    target=$(module_of_include "$inc")
    [ -z "$target" ] && continue
    [ "$target" = "$mod" ] && continue
    tlayer=$(layer_of "$target")
    if [ "$tlayer" -ge "$layer" ]; then
      report "$file:$num ($mod) includes \"$inc\" ($target): against the layer direction"
    fi
  done < <(grep -nE '^[[:space:]]*#[[:space:]]*include' "$file")
done < <(find catalog planner providers broker api -type f \( -name '*.h' -o -name '*.cc' \) \
           -not -path '*/examples/*' 2>/dev/null | sort)

if [ "$violations" -gt 0 ]; then
  echo "layering: $violations violation(s)"
  exit 1
fi
echo "layering: ok"
