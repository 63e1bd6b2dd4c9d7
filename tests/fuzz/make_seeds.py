#!/usr/bin/env python3
"""Writes the small checked-in seed corpora of tests/fuzz/corpus/<target>/ from the vendor
specs and data in ../shared (and the repo's own examples). Run from the repo root:
    python3 tests/fuzz/make_seeds.py
Each seed is a few KB at most: whole files are trimmed to a few rows or entries, and JSON
responses are built from the vendor OpenAPI examples. run_fuzz.sh adds larger seeds."""
import glob
import json
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
OUT = os.path.join(ROOT, "tests", "fuzz", "corpus")


def write(target, name, text):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "w") as f:
        f.write(text)


def head(path, lines, grep=None):
    with open(path, encoding="utf-8", errors="replace") as f:
        rows = f.read().splitlines(keepends=True)
    body = [r for r in rows[1:] if grep is None or re.search(grep, r)]
    return "".join(rows[:1] + body[:lines])


def pipeline_spec():
    for path in sorted(glob.glob(os.path.join(ROOT, "data", "examples", "*.json"))):
        write("pipeline_spec", os.path.basename(path), open(path).read())
    for name in ["reservation-count-one", "cross-cloud-move-pays-off",
                 "stage-regions-glob-with-provider", "spot-expected-policy-fits-deadline"]:
        case = json.load(open(os.path.join(ROOT, "tests", "planner_cases", name + ".json")))
        write("pipeline_spec", name + ".json", json.dumps(case["pipeline"], indent=1))
    write("pipeline_spec", "cycle.json", json.dumps({"stages": [
        {"name": "a", "after": ["b"], "runtime_hours": 1},
        {"name": "b", "after": ["a"], "runtime_hours": {"H100": 2}}]}))
    write("pipeline_spec", "unknown-gpu.json", json.dumps({"name": "x", "stages": [
        {"name": "t", "resources": {"accelerators": {"H10": 8}}, "runtime_hours": 1}]}))


def catalog_csv():
    data = os.path.join(ROOT, "data", "catalog")
    write("catalog_csv", "gcp.csv", head(os.path.join(data, "gcp", "vms.csv"), 6) +
          "".join(head(os.path.join(data, "gcp", "vms.csv"), 8, r"tpu|A100|L4|T4").splitlines(True)[1:]))
    for p in ["lambda", "vast", "nebius"]:
        write("catalog_csv", p + ".csv", head(os.path.join(data, p, "vms.csv"), 10))
    write("catalog_csv", "quoted.csv",
          'InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Region,'
          'AvailabilityZone,Price,SpotPrice\r\n"a,b",H100,8,200,1800,"{\'Gpus\': [{\'Name\': '
          '\'H100\', \'Count\': 8, \'MemoryInfo\': {\'SizeInMiB\': 81920}}], '
          '\'TotalGpuMemoryInMiB\': 655360}","Denmark, DK, EU",,"12.5",""\r\n')


def aws_files():
    write("aws_spot_tsv", "prices.tsv", head(os.path.join(ROOT, "data", "catalog", "aws",
                                                          "prices_2022-05.tsv"), 40))
    vantage = os.path.join(SHARED, "data", "catalog", "aws_gpu_vantage")
    write("aws_vantage", "prices.csv", head(os.path.join(vantage, "aws_gpu_prices_by_region.csv"), 12))
    entries = json.load(open(os.path.join(vantage, "aws_gpu_instances.json")))[:2]
    for e in entries:  # keep two regions of prices, so the seed stays small
        pricing = e.get("pricing", {})
        e["pricing"] = {k: pricing[k] for k in sorted(pricing)[:2]}
    write("aws_vantage", "instances.json", json.dumps(entries))


def ec2_xml():
    for path in sorted(glob.glob(os.path.join(SHARED, "specs", "recorded", "libcloud-ec2", "*.xml")) +
                       glob.glob(os.path.join(SHARED, "specs", "aws-ec2", "botocore-response-parsing",
                                              "*.xml"))):
        text = open(path).read()
        if len(text) > 10000:  # the spot price history: keep its first items
            items = text.split("</item>")
            text = "</item>".join(items[:4]) + "</item></spotPriceHistorySet></DescribeSpotPriceHistoryResponse>"
        write("ec2_xml", os.path.basename(path), text)
    write("ec2_xml", "offerings.xml",
          "<DescribeInstanceTypeOfferingsResponse><requestId>r</requestId><instanceTypeOfferingSet>"
          "<item><instanceType>p3.2xlarge</instanceType><locationType>availability-zone"
          "</locationType><location>us-east-1a</location></item></instanceTypeOfferingSet>"
          "<nextToken>t</nextToken></DescribeInstanceTypeOfferingsResponse>")
    write("ec2_xml", "entities.xml",
          "<?xml version=\"1.0\"?><!-- c --><Response><Errors><Error><Code>A&amp;B</Code>"
          "<Message><![CDATA[x<y]]>&#x41;&#66;</Message></Error></Errors>"
          "<RequestID>r</RequestID></Response>")


def gcp_json():
    for path in sorted(glob.glob(os.path.join(SHARED, "specs", "recorded", "libcloud-gce", "*.json"))):
        write("gcp_json", os.path.basename(path), open(path).read())
    write("gcp_json", "accelerator_types.json", json.dumps({
        "kind": "compute#acceleratorTypeList", "nextPageToken": "p2", "items": [{
            "kind": "compute#acceleratorType", "name": "nvidia-tesla-t4",
            "zone": "https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-a",
            "maximumCardsPerInstance": 4}]}))
    write("gcp_json", "error.json", json.dumps({"error": {
        "code": 503, "message": "The zone does not have enough resources",
        "errors": [{"reason": "ZONE_RESOURCE_POOL_EXHAUSTED", "message": "m"}]}}))


def lambda_json():
    spec = json.load(open(os.path.join(SHARED, "specs", "lambda-cloud", "lambda-cloud-openapi-v1.6.0.json")))
    schemas = spec["components"]["schemas"]
    write("lambda_json", "instance_types.json", json.dumps({"data": schemas["InstanceTypes"]["example"]}))
    term = spec["paths"]["/api/v1/instance-operations/terminate"]["post"]["responses"]["200"][
        "content"]["application/json"]["schema"]["properties"]["data"]["examples"][0]
    instance = term["terminated_instances"][0]
    write("lambda_json", "instance.json", json.dumps({"data": instance}))
    write("lambda_json", "instances.json", json.dumps({"data": [instance, instance]}))
    write("lambda_json", "launch.json", json.dumps({"data": {"instance_ids": ["0920582c7ff0"]}}))
    for name in ["ApiErrorInsufficientCapacity", "ApiErrorQuotaExceeded", "ApiErrorUnauthorized"]:
        props = schemas[name]["properties"]
        err = {"code": props["code"].get("default", "x"), "message": props["message"].get("default", "m")}
        write("lambda_json", name + ".json", json.dumps({"error": err}))
    write("lambda_json", "type_name.txt", "gpu_8x_a100_80gb_sxm4")


def example_from_properties(schema):
    out = {}
    for name, prop in schema.get("properties", {}).items():
        if "example" in prop:
            out[name] = prop["example"]
        elif "properties" in prop:
            out[name] = example_from_properties(prop)
    return out


def runpod_json():
    d = os.path.join(SHARED, "specs", "runpod")
    v1 = json.load(open(os.path.join(d, "runpod-rest-v1-openapi.json")))
    v2 = json.load(open(os.path.join(d, "runpod-rest-v2-openapi.json")))
    gpus = v2["paths"]["/v2/catalog/gpus"]["get"]["responses"]["200"]["content"][
        "application/json"]["examples"]["gpus"]["value"]
    write("runpod_json", "gpus.json", json.dumps(gpus))
    pod = example_from_properties(v1["components"]["schemas"]["Pod"])
    pod["env"] = {"SKYBROKER_TAGS": json.dumps({"skybroker-pipeline": "p1"})}
    write("runpod_json", "pod.json", json.dumps(pod))
    write("runpod_json", "pods.json", json.dumps([pod, dict(pod, desiredStatus="EXITED")]))
    write("runpod_json", "error_v1.json", json.dumps({"error": "There are no instances available"}))
    write("runpod_json", "error_v2.json", json.dumps({"title": "Bad Request", "status": 400,
                                                       "detail": "GPU quota exceeded"}))
    write("runpod_json", "type_name.txt", "8x_A100-80GB_SECURE")


def spot_trace():
    base = os.path.join(SHARED, "data", "spot_traces", "cant_be_late_nsdi24")
    for i, path in enumerate(sorted(glob.glob(os.path.join(base, "*", "*", "*", "*.json")))[::8]):
        trace = json.load(open(path))
        trace["data"] = trace["data"][:120]
        if "prices" in trace:
            trace["prices"] = trace["prices"][:120]
        write("spot_trace", "trace%d.json" % i, json.dumps(trace))
    write("spot_trace", "prices.json", json.dumps({"metadata": {"gap_seconds": 600},
                                                   "data": [1, 0, 2], "prices": [0.9, 1.1, 0.95]}))


def offers_query():
    queries = [
        "gpu=A100:8&market=on_demand&sort=gpu_price&limit=5",
        "gpu=H100:8%2B&provider=aws,lambda&region=us-*&max_price=40",
        "group_by=region&sort=gpu_memory&limit=2&offset=1",
        "cpu_only=true&min_vcpus=8&min_memory=32",
        "max_price_per_gpu=3.5&min_gpu_memory=40&limit=1",
        "market=spot&limit=3",
        "from=2022-05-01&to=2022-05-31T12:00:00%2B02:00",
        "/v1/offers?gpu=V100&group-by=provider&limit=1",
        "/v1/offers/aws%3Aus-east-1%3Ause1-az1%2Fg5.12xlarge%2Fspot/history?from=2022-05-01",
    ]
    for i, q in enumerate(queries):
        write("offers_query", "query%d.txt" % i, q)


if __name__ == "__main__":
    pipeline_spec()
    catalog_csv()
    aws_files()
    ec2_xml()
    gcp_json()
    lambda_json()
    runpod_json()
    spot_trace()
    offers_query()
