#!/usr/bin/env python3
"""Helper of tests/bench/soak.sh (python3 standard library only; 127.0.0.1 only).

  soak.py submit  --base URL --token T --count N --window S --ids FILE --examples DIR
                  [--cancel-every K --cancel-after S]
      Submits N pipelines (the data/examples specs in turn, renamed, spot allowed) spread
      evenly over S seconds, appending each id to FILE; cancels every K-th one S seconds
      after submitting it. Prints a JSON summary line.
  soak.py monitor --base URL --token T --pid PID --out FILE --interval S --stop FILE
      Every S seconds appends {"t", "rss_kb", "states"} to FILE (JSON lines) and prints it,
      until FILE --stop exists or the server exits.
  soak.py check   --base URL --token T --ids FILE --sim-state FILE --samples FILE
                  --wrk FILE --warmup S --grace S [--cancelled FILE]
      Waits up to --grace seconds for every pipeline to be terminal and every sim instance
      to be terminated, then checks and prints the soak's figures. Exit status 1 when an
      assertion fails.
"""

import argparse
import json
import math
import os
import re
import sys
import time
import urllib.error
import urllib.request

TERMINAL = {"succeeded", "failed", "cancelled"}


def call(base, token, method, path, body=None, timeout=30):
    """(status, parsed JSON or None) of one request; status 0 when the server is unreachable."""
    data = body.encode() if isinstance(body, str) else body
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Authorization", "Bearer " + token)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            text = resp.read()
            return resp.status, json.loads(text) if text else None
    except urllib.error.HTTPError as err:
        text = err.read()
        try:
            return err.code, json.loads(text) if text else None
        except ValueError:
            return err.code, None
    except (urllib.error.URLError, OSError):
        return 0, None


def example_specs(directory):
    """The example specs, each allowed on spot and on-demand, in a fixed order."""
    specs = []
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(directory, name)) as f:
            spec = json.load(f)
        # The soak drives the sim cloud: specs for the local provider (real processes) stay out.
        if "local" in spec.get("constraints", {}).get("providers", []):
            continue
        spec.setdefault("constraints", {})["markets"] = ["spot", "on_demand"]
        specs.append(spec)
    return specs


def submit(args):
    specs = example_specs(args.examples)
    start = time.monotonic()
    pending_cancels = []  # (due, id)
    submitted, rejected, cancelled = 0, 0, 0
    for i in range(args.count):
        due = start + args.window * i / max(1, args.count)
        while time.monotonic() < due or (pending_cancels and pending_cancels[0][0] <= due):
            if pending_cancels and pending_cancels[0][0] <= time.monotonic():
                cancelled += cancel(args, pending_cancels.pop(0)[1])
            else:
                time.sleep(0.05)
        spec = dict(specs[i % len(specs)])
        spec["name"] = "soak-%03d-%s" % (i, spec["name"])
        status, reply = call(args.base, args.token, "POST", "/v1/pipelines", json.dumps(spec))
        if status != 202 or not reply or "id" not in reply:
            rejected += 1
            print("submit %d: HTTP %d %s" % (i, status, reply), file=sys.stderr)
            continue
        submitted += 1
        with open(args.ids, "a") as f:
            f.write(reply["id"] + "\n")
        if args.cancel_every and (i + 1) % args.cancel_every == 0:
            pending_cancels.append((time.monotonic() + args.cancel_after, reply["id"]))
    for due, pid in pending_cancels:
        time.sleep(max(0.0, due - time.monotonic()))
        cancelled += cancel(args, pid)
    print(json.dumps({"submitted": submitted, "rejected": rejected, "cancelled": cancelled,
                      "seconds": round(time.monotonic() - start, 1)}))
    return 0 if rejected == 0 else 1


def cancel(args, pid):
    status, _ = call(args.base, args.token, "DELETE", "/v1/pipelines/" + pid)
    # 409: it ended before the cancel arrived, which is fine.
    if status not in (200, 409):
        print("cancel %s: HTTP %d" % (pid, status), file=sys.stderr)
    if args.cancelled and status == 200:
        with open(args.cancelled, "a") as f:
            f.write(pid + "\n")
    return 1 if status == 200 else 0


def rss_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def pipeline_states(base, token):
    """Pipelines by state, from GET /metrics (skybroker_pipelines{state="..."} N)."""
    req = urllib.request.Request(base + "/metrics")
    req.add_header("Authorization", "Bearer " + token)
    states = {}
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            for line in resp.read().decode().splitlines():
                m = re.match(r'skybroker_pipelines\{state="(\w+)"\} ([0-9.e+]+)', line)
                if m and float(m.group(2)) > 0:
                    states[m.group(1)] = int(float(m.group(2)))
    except (urllib.error.URLError, OSError):
        return None
    return states


def monitor(args):
    start = time.monotonic()
    while not os.path.exists(args.stop):
        rss = rss_kb(args.pid)
        if rss is None:
            print("monitor: server %d is gone" % args.pid, file=sys.stderr)
            return 1
        sample = {"t": round(time.monotonic() - start, 1), "rss_kb": rss,
                  "states": pipeline_states(args.base, args.token)}
        with open(args.out, "a") as f:
            f.write(json.dumps(sample) + "\n")
        print("  t=%5.0fs rss=%6.1f MiB %s" % (sample["t"], rss / 1024.0,
                                                 " ".join("%s=%d" % kv for kv in
                                                          sorted((sample["states"] or {}).items()))),
              flush=True)
        deadline = time.monotonic() + args.interval
        while time.monotonic() < deadline and not os.path.exists(args.stop):
            time.sleep(0.2)
    return 0


def read_lines(path):
    if not path or not os.path.exists(path):
        return []
    with open(path) as f:
        return [line.strip() for line in f if line.strip()]


def list_all(base, token):
    """Every pipeline id the API lists for the token's tenant (all pages)."""
    ids, offset = [], 0
    while True:
        status, reply = call(base, token, "GET", "/v1/pipelines?limit=100&offset=%d" % offset)
        if status != 200:
            raise RuntimeError("GET /v1/pipelines: HTTP %d" % status)
        ids += [p["id"] for p in reply["pipelines"]]
        if reply.get("next_offset") is None:
            return ids
        offset = reply["next_offset"]


def sim_instances(path):
    """(live instances, attempts launched twice) from the sim's state file."""
    with open(path) as f:
        state = json.load(f)
    instances = state["instances"]
    rows = instances.values() if isinstance(instances, dict) else instances
    live, carriers = [], {}
    for inst in rows:
        body = inst.get("instance", inst)
        if body.get("state") != "terminated":
            live.append(body.get("id"))
        tags = body.get("tags", {})
        key = (tags.get("skybroker-pipeline"), tags.get("skybroker-stage"),
               tags.get("skybroker-attempt"))
        if None not in key:
            carriers[key] = carriers.get(key, 0) + 1
    return live, sum(1 for n in carriers.values() if n > 1), len(rows)


def wait_until_settled(args, ids):
    """Polls until every pipeline is terminal and no sim instance is live, or --grace ends."""
    deadline = time.monotonic() + args.grace
    while True:
        views = {pid: call(args.base, args.token, "GET", "/v1/pipelines/" + pid) for pid in ids}
        open_ids = [pid for pid, (s, v) in views.items()
                    if s != 200 or v.get("state") not in TERMINAL]
        live, _, _ = sim_instances(args.sim_state)
        if (not open_ids and not live) or time.monotonic() >= deadline:
            return views
        print("  waiting: %d pipelines not terminal, %d instances live"
              % (len(open_ids), len(live)), flush=True)
        time.sleep(5)


def wrk_figures(path):
    """(req/s, p50 ms, p99 ms, requests, non-2xx, socket errors) of a wrk --latency report."""
    def ms(value):
        for unit, scale in (("us", 0.001), ("ms", 1.0), ("s", 1000.0), ("m", 60000.0)):
            if value.endswith(unit):
                return float(value[:-len(unit)]) * scale
        return float(value)
    text = open(path).read() if os.path.exists(path) else ""
    rps = re.search(r"Requests/sec:\s+([0-9.]+)", text)
    p50 = re.search(r"^\s+50%\s+(\S+)", text, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M)
    total = re.search(r"(\d+) requests in", text)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       text)
    return (float(rps.group(1)) if rps else 0.0, ms(p50.group(1)) if p50 else math.nan,
            ms(p99.group(1)) if p99 else math.nan, int(total.group(1)) if total else 0,
            int(bad.group(1)) if bad else 0,
            sum(int(g) for g in errors.groups()) if errors else 0)


def cost_problems(pid, view):
    """What is wrong with a terminal pipeline's cost accounting (empty when nothing)."""
    problems = []
    cost = view.get("cost", {})
    actual = cost.get("actual_usd")
    if not isinstance(actual, (int, float)) or not math.isfinite(actual) or actual < 0:
        problems.append("%s: cost.actual_usd is %r" % (pid, actual))
        return problems
    attempts = view.get("attempts", [])
    for a in attempts:
        if not a.get("outcome"):
            problems.append("%s: %s attempt %s never ended" % (pid, a["stage"], a["attempt"]))
        if not isinstance(a.get("cost_usd"), (int, float)) or a["cost_usd"] < 0:
            problems.append("%s: %s attempt %s cost %r" % (pid, a["stage"], a["attempt"],
                                                         a.get("cost_usd")))
    total = sum(a.get("cost_usd", 0) for a in attempts)
    if abs(total - actual) > 1e-6 * max(1.0, actual):
        problems.append("%s: attempts sum to %.6f, cost.actual_usd %.6f" % (pid, total, actual))
    if view.get("state") == "succeeded" and actual <= 0:
        problems.append("%s: succeeded at no cost" % pid)
    return problems


def event_figures(base, token, ids):
    """(event count by kind, distinct reasons pipelines failed for) over every pipeline."""
    kinds, failures = {}, {}
    for pid in ids:
        status, reply = call(base, token, "GET", "/v1/pipelines/%s/events" % pid)
        if status != 200:
            continue
        for event in reply.get("events", []):
            kinds[event["kind"]] = kinds.get(event["kind"], 0) + 1
            message = event.get("message", "")
            if event["kind"] == "state" and not event.get("stage") and "-> failed" in message:
                reason = re.sub(r"p-[0-9a-f]+|\$[0-9.]+|[0-9.]+ h", "#", message)[:120]
                failures[reason] = failures.get(reason, 0) + 1
    return kinds, failures


def sim_stats(path):
    with open(path) as f:
        return json.load(f).get("stats", {})


def rss_figures(samples_path, warmup):
    samples = [json.loads(line) for line in read_lines(samples_path)]
    if not samples:
        return None, None, None
    after = [s for s in samples if s["t"] >= warmup] or samples[-1:]
    return after[0]["rss_kb"], samples[-1]["rss_kb"], max(s["rss_kb"] for s in samples)


def check(args):
    submitted = read_lines(args.ids)
    views = wait_until_settled(args, submitted)
    failures = []
    listed = set(list_all(args.base, args.token))
    lost = [pid for pid in submitted if pid not in listed or views[pid][0] != 200]
    by_state, problems = {}, []
    for pid in submitted:
        status, view = views[pid]
        if status != 200:
            continue
        by_state[view["state"]] = by_state.get(view["state"], 0) + 1
        if view["state"] not in TERMINAL:
            problems.append("%s: still %s" % (pid, view["state"]))
        else:
            problems += cost_problems(pid, view)
    live, duplicates, launched = sim_instances(args.sim_state)
    total_cost = sum(v["cost"]["actual_usd"] for s, v in views.values() if s == 200)
    attempts = sum(len(v.get("attempts", [])) for s, v in views.values() if s == 200)
    rps, p50, p99, requests, non2xx, sock = wrk_figures(args.wrk)
    warm, end, peak = rss_figures(args.samples, args.warmup)
    growth = (end - warm) / warm if warm else math.nan

    print("soak summary")
    print("  pipelines submitted %d, listed by the API %d, lost %d"
          % (len(submitted), len(listed), len(lost)))
    print("  final states: %s" % ", ".join("%s %d" % kv for kv in sorted(by_state.items())))
    print("  attempts %d, sim instances launched %d, left running %d, attempts launched twice %d"
          % (attempts, launched, len(live), duplicates))
    print("  cost accounted: $%.2f in total, %d problems" % (total_cost, len(problems)))
    stats = sim_stats(args.sim_state)
    print("  sim cloud: %s" % ", ".join("%s %s" % kv for kv in sorted(stats.items())))
    kinds, failed_for = event_figures(args.base, args.token, submitted)
    print("  executor events: %s" % ", ".join("%s %d" % kv for kv in sorted(kinds.items())))
    for reason, count in sorted(failed_for.items(), key=lambda kv: -kv[1])[:5]:
        print("    failed x%d: %s" % (count, reason))
    print("  reads under load (wrk): %.0f req/s, p50 %.2f ms, p99 %.2f ms, %d requests, "
          "%d non-2xx, %d socket errors" % (rps, p50, p99, requests, non2xx, sock))
    if warm:
        print("  server RSS: %.1f MiB after warm-up (%ds), %.1f MiB at the end (%+.1f%%), "
              "peak %.1f MiB" % (warm / 1024.0, args.warmup, end / 1024.0, 100 * growth,
                                 peak / 1024.0))
    for problem in problems[:20]:
        print("    " + problem)

    if not submitted:
        failures.append("no pipeline was submitted")
    if lost:
        failures.append("%d pipelines lost: %s" % (len(lost), " ".join(lost[:5])))
    if problems:
        failures.append("%d pipelines not terminal or with costs unaccounted" % len(problems))
    if live:
        failures.append("%d sim instances left running: %s" % (len(live), " ".join(live[:5])))
    if duplicates:
        failures.append("%d attempts launched twice" % duplicates)
    if requests == 0 or non2xx or sock:
        failures.append("wrk: %d requests, %d non-2xx, %d socket errors"
                        % (requests, non2xx, sock))
    if not warm or not abs(growth) <= 0.20:
        failures.append("server RSS moved %+.1f%% after warm-up (limit 20%%)" % (100 * growth))
    for failure in failures:
        print("FAILED: " + failure)
    print("soak %s" % ("FAILED" if failures else "passed"))
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("submit", "monitor", "check"):
        p = sub.add_parser(name)
        p.add_argument("--base", required=True)
        p.add_argument("--token", required=True)
    p = sub.choices["submit"]
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--window", type=float, required=True)
    p.add_argument("--ids", required=True)
    p.add_argument("--examples", required=True)
    p.add_argument("--cancel-every", type=int, default=0)
    p.add_argument("--cancel-after", type=float, default=5)
    p.add_argument("--cancelled")
    p = sub.choices["monitor"]
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--interval", type=float, default=10)
    p.add_argument("--stop", required=True)
    p = sub.choices["check"]
    p.add_argument("--ids", required=True)
    p.add_argument("--sim-state", required=True)
    p.add_argument("--samples", required=True)
    p.add_argument("--wrk", required=True)
    p.add_argument("--warmup", type=float, default=60)
    p.add_argument("--grace", type=float, default=60)
    args = parser.parse_args()
    return {"submit": submit, "monitor": monitor, "check": check}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
