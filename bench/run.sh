#!/usr/bin/env bash
# Runs the protocol benchmarks and prints each one's throughput as a ratio to
# the memcpy baseline measured in the same run: bench/run.sh [build dir]
set -euo pipefail
build=${1:-build}
json=$(mktemp)
trap 'rm -f "$json"' EXIT
"$build/bench/sluice_bench" --benchmark_filter='Produce1MiB|FetchResponse100' --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_format=json >"$json"
python3 - "$json" <<'PY'
import json, sys
runs = {b["run_name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"] if b.get("aggregate_name") == "median"}
pairs = [("BM_DecodeAndValidateProduce1MiB", "BM_MemcpyProduce1MiB"),
         ("BM_EncodeFetchResponse100Partitions", "BM_MemcpyFetchResponse100PartitionsBytes")]
for work, base in pairs:
    w, b = runs[work], runs[base]
    gbs = w["bytes_per_second"] / 1e9
    print(f"{work}: {gbs:.2f} GB/s, {w['real_time']:.0f} {w['time_unit']} per op; "
          f"memcpy of the same bytes {b['bytes_per_second'] / 1e9:.2f} GB/s; ratio {w['bytes_per_second'] / b['bytes_per_second']:.2f}")
PY
