#!/usr/bin/env bash
# Runs the group coordinator benchmarks and prints the offset commit's cost as
# a ratio to a plain append of the same batch, measured in the same run:
# bench/run_groups.sh [build dir]
set -euo pipefail
build=${1:-build}
json=$(mktemp)
trap 'rm -f "$json"' EXIT
"$build/bench/sluice_bench" --benchmark_filter='OffsetCommitThroughCoordinator|AppendSameRecordBatch|RebalancePerMember' \
  --benchmark_repetitions=5 --benchmark_report_aggregates_only=true --benchmark_format=json >"$json"
python3 - "$json" <<'PY'
import json, sys
runs = {b["run_name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"] if b.get("aggregate_name") == "median"}
commit, append = runs["BM_OffsetCommitThroughCoordinator/real_time"], runs["BM_AppendSameRecordBatch/real_time"]
print(f"offset commit through the coordinator: {commit['items_per_second']:.0f}/s ({1e6 / commit['items_per_second']:.2f} us); "
      f"append of the same batch {append['items_per_second']:.0f}/s; ratio {commit['items_per_second'] / append['items_per_second']:.2f}")
for name, b in sorted(runs.items()):
    if name.startswith("BM_RebalancePerMember"):
        members = name.split("/")[1]
        print(f"rebalance of {members} members (join + sync + metadata write): {1e6 / b['items_per_second']:.2f} us per member")
PY
