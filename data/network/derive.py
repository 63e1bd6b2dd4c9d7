#!/usr/bin/env python3
"""Derives the planner's network tables (throughput.csv, transfer_cost.csv, internet_egress.csv)
from the raw Skyplane and SkyPilot files. See README.md in this directory.

Usage: derive.py [SHARED_DATA_DIR] [OUT_DIR]
  SHARED_DATA_DIR defaults to /work/shared/data, OUT_DIR to this script's directory.
The product never runs this script: the derived tables are committed beside it.
"""
import csv
import os
import re
import sys
from collections import defaultdict

GCP_ZONE = re.compile(r"^(gcp:[a-z]+-[a-z]+[0-9]+)-[a-z]$")


def region_of(location):
    """'gcp:us-central1-a' -> 'gcp:us-central1'; other ids are already regions."""
    location = location.strip().lower()
    m = GCP_ZONE.match(location)
    return m.group(1) if m else location


def throughput_rows(path):
    """Yields (src_region, dst_region, gbps) for every successful measurement."""
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row.get("success", "True").strip() != "True":
                continue
            # The received rate is what the destination gets; the column is misspelt in some files.
            bps = row.get("throughput_received") or row.get("throughput_recieved")
            if not bps:
                bps = row["throughput_sent"]
            yield region_of(row["src_region"]), region_of(row["dst_region"]), float(bps) / 1e9


def derive_throughput(raw):
    sums = defaultdict(lambda: [0.0, 0])
    for name in ("throughput.csv", "gcp_intracloud_throughput.csv"):
        for src, dst, gbps in throughput_rows(os.path.join(raw, name)):
            if src == dst:
                continue  # zones of one region: the same-region class applies
            acc = sums[(src, dst)]
            acc[0] += gbps
            acc[1] += 1
    return {k: v[0] / v[1] for k, v in sums.items()}


def derive_cost(raw):
    sums = defaultdict(lambda: [0.0, 0])
    with open(os.path.join(raw, "cost.csv"), newline="") as f:
        for row in csv.DictReader(f):
            src, dst = region_of(row["src"]), region_of(row["dest"])
            if src != dst:
                acc = sums[(src, dst)]
                acc[0] += float(row["cost"])
                acc[1] += 1
    costs = {k: v[0] / v[1] for k, v in sums.items()}
    # aws_transfer_costs.csv is the newer AWS price list: it replaces cost.csv for aws -> aws.
    with open(os.path.join(raw, "aws_transfer_costs.csv"), newline="") as f:
        for row in csv.DictReader(f):
            if row["dst"].strip() == "internet":
                continue
            src, dst = "aws:" + row["src"].strip(), "aws:" + row["dst"].strip()
            if src != dst:
                costs[(src, dst)] = float(row["cost"])
    return costs


def derive_egress(path):
    """First charged internet-egress tier per provider (the free first GB is skipped)."""
    first = {}
    with open(path, newline="") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: (r["cloud"], float(r["tier_lower_gb"])))
    for row in rows:
        cloud, price = row["cloud"].strip().lower(), float(row["usd_per_gb"])
        if cloud not in first or (first[cloud] == 0.0 and price > 0.0):
            first[cloud] = price
    return first


def write_pairs(path, header, table, digits):
    with open(path, "w", newline="") as f:
        f.write(header + "\n")
        for (src, dst), value in sorted(table.items()):
            f.write(f"{src},{dst},{round(value, digits)}\n")


def main():
    shared = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data"
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.dirname(os.path.abspath(__file__))
    raw = os.path.join(shared, "network", "skyplane")
    write_pairs(os.path.join(out, "throughput.csv"), "src,dst,gbps", derive_throughput(raw), 4)
    write_pairs(os.path.join(out, "transfer_cost.csv"), "src,dst,usd_per_gb", derive_cost(raw), 6)
    egress = derive_egress(os.path.join(shared, "network", "egress",
                                        "internet_egress_tiers_skypilot.csv"))
    with open(os.path.join(out, "internet_egress.csv"), "w", newline="") as f:
        f.write("provider,usd_per_gb\n")
        for cloud, price in sorted(egress.items()):
            f.write(f"{cloud},{price}\n")


if __name__ == "__main__":
    main()
