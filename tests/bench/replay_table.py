#!/usr/bin/env python3
"""Reproduces the replay results table (issue #7) with `skybroker replay`.

The single-node availability traces of Can't Be Late (NSDI'24): a 48-hour job on the trace's
instance (file name: <zone>_<gpu>_<count>.json), deadlines of 52, 60 and 72 hours, a restart
overhead of 12 minutes, 50 start offsets per trace. Each trace alone (single zone), then every
zone of a folder together (multi-zone). Prices: the bundled catalog for V100 (p3.2xlarge,
p3.16xlarge: AWS list price on-demand, the median of the 2022-05 spot price history's zones
in the region); K80 is not in it, so p2.xlarge $0.90 / $0.27 and p2.8xlarge $7.20 / $2.16.

usage: replay_table.py SKYBROKER TRACES_DIR [OFFSETS]   (TRACES_DIR: .../cant_be_late_nsdi24)
"""
import collections
import glob
import json
import os
import subprocess
import sys
import tempfile

FOLDERS = ["availability/1-node/aws-02-15-2023", "availability/1-node/aws-10-26-2022"]
DEADLINES = [52, 60, 72]
POLICIES = ["on_demand", "greedy_spot", "uniform_progress", "broker"]
GPUS = {"v100": "V100", "k80": "K80"}
PRICES = {("K80", 1): ["--on-demand-price", "0.9", "--spot-price", "0.27"],
          ("K80", 8): ["--on-demand-price", "7.2", "--spot-price", "2.16"]}


def spec_file(gpu, count, deadline, tmp):
    path = os.path.join(tmp, "job-%s-%d-%d.json" % (gpu, count, deadline))
    with open(path, "w") as f:
        json.dump({"name": "48h-%s-x%d" % (gpu, count), "deadline_hours": deadline,
                   "restart_minutes": 12,
                   "stages": [{"name": "job", "resources": {"accelerators": {gpu: count}},
                               "runtime_hours": 48}]}, f)
    return path


def replay(binary, spec, traces, gpu, count, offsets, extra=()):
    cmd = [binary, "replay", "--db", ":memory:", "--pipeline", spec, "--start-offsets",
           str(offsets), "--json"] + PRICES.get((gpu, count), []) + list(extra)
    for t in traces:
        cmd += ["--trace", t]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return {s["policy"]: s for s in json.loads(out)["summary"]}


def groups(root):
    """(folder, gpu, count) -> trace files."""
    found = collections.defaultdict(list)
    for folder in FOLDERS:
        for path in sorted(glob.glob(os.path.join(root, folder, "*.json"))):
            _, gpu, count = os.path.basename(path)[:-5].split("_")
            found[(folder.split("/")[-1], GPUS[gpu], int(count))].append(path)
    return found


def row(label, summaries):
    cells = []
    for p in POLICIES:
        n = sum(s[p]["runs"] for s in summaries)
        rel = sum(s[p]["cost_vs_on_demand"] * s[p]["runs"] for s in summaries) / n
        met = sum(s[p]["deadlines_met"] for s in summaries) / n * 100
        cells.append("%.3f / %.0f%%" % (rel, met))
    print("| %s | %s |" % (label, " | ".join(cells)), flush=True)


def main():
    binary, root = sys.argv[1], sys.argv[2]
    offsets = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    print("| setting (cost vs on-demand / deadlines met) | " + " | ".join(POLICIES) + " |")
    print("|---|" + "---|" * len(POLICIES))
    with tempfile.TemporaryDirectory() as tmp:
        for deadline in DEADLINES:
            single, multi = [], []
            for (folder, gpu, count), traces in sorted(groups(root).items()):
                spec = spec_file(gpu, count, deadline, tmp)
                alone = [replay(binary, spec, [t], gpu, count, offsets) for t in traces]
                single += alone
                if len(traces) > 1:
                    row("%dh, %s %s:%d, each of the %d zones alone" % (deadline, folder, gpu,
                                                                       count, len(traces)), alone)
                    label = "%dh, %s %s:%d, %d zones together" % (deadline, folder, gpu, count,
                                                                 len(traces))
                    multi.append(replay(binary, spec, traces, gpu, count, offsets))
                    row(label, multi[-1:])
                    anywhere = replay(binary, spec, traces, gpu, count, offsets, ["--any-zone"])
                    row(label + ", --any-zone", [anywhere])
            row("%dh, every trace alone (%d traces)" % (deadline, len(single)), single)


if __name__ == "__main__":
    main()
