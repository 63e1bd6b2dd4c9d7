#!/usr/bin/env bash
# Clang's thread-safety analysis over the library sources (STYLE.md sections 6 and 12.13).
#   tests/thread_safety/check.sh BUILD_DIR [files...]
# Reads BUILD_DIR/compile_commands.json (the main build, GCC or clang; no second build) and runs
#   clang++ -fsyntax-only -Wno-everything -Wthread-safety -Werror=thread-safety
# with each entry's -I/-isystem/-D/-U/-std flags (GCC-only options, optimisation, sanitizers,
# -o and -c are dropped) on every library source: all entries under the source root except
# *_test.cc, *_fuzz.cc, *_bench.cc and anything under tests/. Headers are checked through the
# sources that include them. A source whose up-to-date Ninja dependencies (ninja -t deps) do
# not reach sky/types/thread_annotations.h carries no capability and cannot warn: it is
# skipped (SKY_THREAD_SAFETY_ALL=1 checks it anyway); one without a valid record is checked.
# Entries whose file no longer exists (a stale database) are skipped. Given files, checks
# those instead; a file with no entry gets -std=c++17 and the sky_types include path (enough
# for the fixture in bad/).
# Runs 2 compilers at a time. Prints 'thread-safety: N files, 0 warnings' or the warnings and
# a count; exits 1 on any warning or compile error, 2 on a usage or setup error.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?usage: check.sh BUILD_DIR [files...]}
shift
db=$build/compile_commands.json
if [ ! -f "$db" ]; then
  echo "thread-safety: no $db (configure with CMAKE_EXPORT_COMPILE_COMMANDS=ON)" >&2
  exit 2
fi
clang=${SKY_CLANGXX:-}
if [ -z "$clang" ]; then
  for c in clang++ clang++-18 clang++-17 clang++-16 clang++-15 clang++-14; do
    if command -v "$c" >/dev/null; then clang=$c; break; fi
  done
fi
if [ -z "$clang" ]; then
  echo "thread-safety: clang++ not found (cmake/install_deps.sh installs it)" >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# One clang response file per source: $work/NNNN.rsp holds the flags and the file.
python3 - "$db" "$root" "$work" "$@" <<'PY'
import json, os, shlex, subprocess, sys

db, root, work, explicit = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
entries = {}
for e in json.load(open(db)):
    path = os.path.normpath(os.path.join(e["directory"], e["file"]))
    args = e["arguments"] if "arguments" in e else shlex.split(e["command"])
    entries[path] = (e["directory"], args[1:])

def library_source(path):
    rel = os.path.relpath(path, root)
    name = os.path.basename(rel)
    return not (rel.startswith("..") or rel.startswith("tests/") or "/bench/" in rel
                or name.endswith(("_test.cc", "_fuzz.cc", "_bench.cc")))

def kept_flags(directory, args):
    out, i = [], 0
    while i < len(args):
        a = args[i]
        if a in ("-I", "-isystem", "-D", "-U", "-include"):
            value = args[i + 1]
            if a != "-D" and a != "-U" and not os.path.isabs(value):
                value = os.path.join(directory, value)
            out += [a, value]
            i += 2
            continue
        if a.startswith("-I") and not os.path.isabs(a[2:]):
            a = "-I" + os.path.join(directory, a[2:])
        if a.startswith(("-I", "-D", "-U", "-std=")):
            out.append(a)
        i += 1
    return out

def output_of(directory, args):
    for i, a in enumerate(args[:-1]):
        if a == "-o":
            return os.path.normpath(os.path.join(directory, args[i + 1]))
    return None

def annotation_free():
    # Objects whose valid Ninja dependency record does not include thread_annotations.h.
    build = os.path.dirname(os.path.abspath(db))
    if os.environ.get("SKY_THREAD_SAFETY_ALL") == "1" or not os.path.exists(
            os.path.join(build, "build.ninja")):
        return set()
    try:
        text = subprocess.run(["ninja", "-C", build, "-t", "deps"], capture_output=True,
                              text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return set()
    def mtime(path):
        try:
            return os.stat(path).st_mtime
        except OSError:
            return float("inf")

    # A record counts when it is valid and no dependency changed after the object was built.
    free, obj, valid, seen, deps = set(), None, False, False, []
    for line in text.splitlines() + ["end:"]:
        if line.strip() and not line[0].isspace():  # a record's first line, or the end
            if (obj and valid and not seen and os.path.exists(obj)
                    and max(map(mtime, deps), default=0) <= mtime(obj)):
                free.add(obj)
            obj = os.path.normpath(os.path.join(build, line.split(":")[0]))
            valid, seen, deps = line.rstrip().endswith("(VALID)"), False, []
        elif line.strip():
            deps.append(os.path.join(build, line.strip()))
            seen = seen or line.strip().endswith("sky/types/thread_annotations.h")
    return free

skipped = 0
if explicit:
    files = [os.path.abspath(f) for f in explicit]
else:
    free = annotation_free()
    files = []
    for p in sorted(p for p in entries if library_source(p) and os.path.exists(p)):
        if output_of(*entries[p]) in free:
            skipped += 1
        else:
            files.append(p)
with open(os.path.join(work, "skipped"), "w") as f:
    f.write(str(skipped))
fallback = ["-std=c++17", "-I" + os.path.join(root, "catalog/types/include"), "-I" + root]
for n, path in enumerate(files):
    flags = kept_flags(*entries[path]) if path in entries else fallback
    with open(os.path.join(work, "%04d.rsp" % n), "w") as f:
        for a in flags + ["-fsyntax-only", "-Wno-everything", "-Wthread-safety",
                          "-Werror=thread-safety", path]:
            f.write('"' + a.replace("\\", "\\\\").replace('"', '\\"') + '"\n')
PY

count=$(find "$work" -name '*.rsp' | wc -l)
if [ "$count" -eq 0 ]; then
  echo "thread-safety: no library sources in $db" >&2
  exit 2
fi
export clang
find "$work" -name '*.rsp' -print0 | sort -z |
  xargs -0 -P2 -n1 sh -c '"$clang" "@$1" >"$1.out" 2>&1 || echo failed >"$1.failed"' _
failed=$(find "$work" -name '*.failed' | wc -l)
warnings=$(cat "$work"/*.out | grep -c -E '(warning|error): ' || true)
note=""
skipped=$(cat "$work/skipped")
if [ "$skipped" -gt 0 ]; then note=" ($skipped more include no annotations)"; fi
if [ "$failed" -eq 0 ] && [ "$warnings" -eq 0 ]; then
  echo "thread-safety: $count files, 0 warnings$note"
  exit 0
fi
cat "$work"/*.out
echo "thread-safety: $count files, $warnings warnings/errors in $failed files"
exit 1
