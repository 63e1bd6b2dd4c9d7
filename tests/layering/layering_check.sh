#!/usr/bin/env bash
# The layering check (STYLE.md sections 2, 3, 9 and 11). Prints every violation, tagged with
# its rule, and exits 1 when there is one; prints "layering: ok" and exits 0 otherwise.
# Usage: layering_check.sh ROOT
#
# Modules (folder -> public headers under <folder>/include/sky/<module>/):
#   types = catalog/types/, storage = storage/, catalog = catalog/, planner = planner/,
#   providers = providers/, broker = broker/, api = api/.
# Each file is one of: production code of a module (public headers included), a test of a
# module (<name>_test.cc, <name>_test_util.{h,cc} next to the code), a fuzz target
# (tests/fuzz/), or a cross-module test (the rest of tests/, tests/support/ included).
#
# Rules, each with the tag its reports carry:
#   [layer]       A module file includes only its own module and the modules below it:
#                   types <- storage <- catalog;  types <- {planner, providers};
#                   all of them <- broker <- api.
#   [internal]    Production code and a module's tests include only public "sky/<module>/..."
#                 headers of OTHER modules. A module's tests may include its own internals.
#   [public]      A public header includes only public headers ("sky/...") and no JSON library.
#   [test-code]   Production code includes nothing from tests/. A module's tests may include
#                 tests/support/ (shared test code) and tests/<module>/ (helpers shared by that
#                 module's tests, e.g. tests/planner/plan_checker.h; they use public headers).
#   [cross-test]  A cross-module test includes only public headers, tests/support/ and its own
#                 tests/<folder>/; never a module's internals.
#   [fuzz]        A fuzz target is a test of the one module it fuzzes: it may include that
#                 module's internals (and public headers, tests/support/), never the internals
#                 of a second module.
#   [third-party] In production code a library appears only in the folder that owns it:
#                 <cpprest/ <pplx/ api/http/; <curl/ providers/http/; <glpk.h> planner/glpk_problem.*;
#                 <sqlite3.h> storage/; <openssl/ providers/auth/, except <openssl/ssl.h> also
#                 in api/http/ (the TLS context of cpprestsdk's listener is OpenSSL's SSL_CTX).
#                 Tests may use a library directly (an independent client or oracle).
set -u
root=${1:?usage: layering_check.sh ROOT}
cd "$root" || exit 2

# Sets `module` to the module owning a file or include path ("" for none).
module_of() {
  case "$1" in
    catalog/types/* | sky/types/*) module=types ;;
    storage/* | sky/storage/*) module=storage ;;
    catalog/* | sky/catalog/*) module=catalog ;;
    planner/* | sky/planner/*) module=planner ;;
    providers/* | sky/providers/*) module=providers ;;
    broker/* | sky/broker/*) module=broker ;;
    api/* | sky/api/*) module=api ;;
    *) module="" ;;
  esac
}
# The modules a module may include (its own aside).
deps_of() {
  case "$1" in
    types) echo " " ;;
    storage | planner | providers) echo " types " ;;
    catalog) echo " types storage " ;;
    broker) echo " types storage catalog planner providers " ;;
    api) echo " types storage catalog planner providers broker " ;;
  esac
}
# Sets `kind` for a file: prod, public, test, fuzz, xtest or skip.
kind_of() {
  case "$1" in
    tests/layering/* | tests/thread_safety/* | tests/node_modules/*) kind=skip ;;
    tests/fuzz/*) kind=fuzz ;;
    tests/*) kind=xtest ;;
    */include/sky/*) kind=public ;;
    *_test.cc | *_test_util.h | *_test_util.cc) kind=test ;;
    */examples/*) kind=skip ;;
    *) kind=prod ;;
  esac
}
# 0 when production file $2 may include third-party header $1.
allowed_third_party() {
  local inc=$1 file=$2
  [[ $file == */include/sky/* ]] && case "$inc" in
    cpprest/* | pplx/* | curl/* | glpk.h | sqlite3.h | openssl/* | nlohmann/*) return 1 ;;
  esac
  case "$inc" in
    cpprest/* | pplx/*) [[ $file == api/http/* ]] ;;
    curl/*) [[ $file == providers/http/* ]] ;;
    glpk.h) [[ $file == planner/glpk_problem.* ]] ;;
    sqlite3.h) [[ $file == storage/* ]] ;;
    openssl/ssl.h) [[ $file == providers/auth/* || $file == api/http/* ]] ;;
    openssl/*) [[ $file == providers/auth/* ]] ;;
    *) return 0 ;;
  esac
}

violations=0
report() {
  echo "layering: [$1] $2"
  violations=$((violations + 1))
}

# Checks one include `inc` at line `num` of `file` (module `mod`, kind `kind`).
check_include() {
  local file=$1 num=$2 inc=$3 mod=$4 kind=$5 where="$1:$2"
  if [[ $kind == prod || $kind == public ]] && ! allowed_third_party "$inc" "$file"; then
    report third-party "$where includes <$inc> outside the folder that owns that library"
    return
  fi
  if [[ $inc == tests/* ]]; then
    local folder=${file#tests/}
    folder=${folder%%/*}
    case "$kind" in
      prod | public) report test-code "$where: production code includes test code \"$inc\"" ;;
      test) [[ $inc == tests/support/* || $inc == tests/$mod/* ]] ||
        report test-code "$where ($mod test) includes \"$inc\": only tests/support/ and tests/$mod/" ;;
      *) [[ $inc == tests/support/* || $inc == tests/$folder/* ]] ||
        report cross-test "$where includes \"$inc\": only tests/support/ and tests/$folder/" ;;
    esac
    return
  fi
  module_of "$inc"
  local target=$module
  [ -z "$target" ] && return
  local public=0
  [[ $inc == sky/* ]] && public=1
  if [[ $kind == public && $public == 0 ]]; then
    report public "$where: a public header includes the internal header \"$inc\""
  fi
  [ "$target" = "$mod" ] && return
  if [[ $kind == prod || $kind == public || $kind == test ]]; then
    if [[ $(deps_of "$mod") != *" $target "* ]]; then
      report layer "$where ($mod) includes \"$inc\" ($target): against the layer direction"
    elif [[ $public == 0 ]]; then
      report internal "$where ($mod) includes \"$inc\", an internal header of $target"
    fi
  elif [[ $kind == xtest && $public == 0 ]]; then
    report cross-test "$where includes \"$inc\", an internal header of $target"
  elif [[ $kind == fuzz && $public == 0 ]]; then
    if [ -z "$fuzzed" ]; then
      fuzzed=$target
    elif [ "$fuzzed" != "$target" ]; then
      report fuzz "$where includes internals of $target and of $fuzzed: a fuzz target tests one module"
    fi
  fi
}

include_re='^([0-9]+):[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]([^>"]+)[>"]'
while IFS= read -r file; do
  kind_of "$file"
  [ "$kind" = skip ] && continue
  module_of "$file"
  mod=$module
  if [[ -z $mod && $kind != xtest && $kind != fuzz ]]; then continue; fi
  fuzzed=""
  while IFS= read -r line; do
    [[ $line =~ $include_re ]] || continue
    check_include "$file" "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "$mod" "$kind"
  done < <(grep -nE '^[[:space:]]*#[[:space:]]*include' "$file")
done < <(find catalog storage planner providers broker api tests -type f \
           \( -name '*.h' -o -name '*.cc' \) 2>/dev/null | sort)

if [ "$violations" -gt 0 ]; then
  echo "layering: $violations violation(s)"
  exit 1
fi
echo "layering: ok"
