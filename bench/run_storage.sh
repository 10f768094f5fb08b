#!/usr/bin/env bash
# Runs the storage benchmarks and prints each figure next to the baseline
# measured in the same run (medians of interleaved repetitions):
#   bench/run_storage.sh [build dir] [--full]
# --full adds the 1 GiB recovery runs. Scratch files go to $SLUICE_BENCH_DIR,
# else the system temp dir; set it to a directory on the broker's disk.
set -euo pipefail
build=build
full=0
for arg in "$@"; do
  case $arg in
    --full) full=1 ;;
    *) build=$arg ;;
  esac
done
bin=$build/bench/sluice_bench
reps=${SLUICE_BENCH_REPETITIONS:-5}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

run() {  # name filter repetitions
  "$bin" --benchmark_filter="$2" --benchmark_repetitions="$3" --benchmark_enable_random_interleaving=true \
    --benchmark_format=json >"$out/$1.json"
}

scratch=${SLUICE_BENCH_DIR:-${TMPDIR:-/tmp}}
echo "scratch dir: $scratch ($(stat -f -c %T "$scratch"), $(df --output=source "$scratch" | tail -1))" >&2
run append '^BM_(LogAppend16KiBBatches|LogAppendIdempotent16KiBBatches|WriteSameBytesToAFile)/' "$reps"
run read '^BM_Fetch' "$reps"
run memory '^BM_IdlePartitions1000/' 1
if [[ $full == 1 ]]; then
  run recovery '^BM_RecoverUncleanLog/' 3
else
  run recovery '^BM_RecoverUncleanLog/MiB:256/' 3
fi

python3 - "$out" <<'PY'
import json, os, sys

def load(name):
    runs = json.load(open(os.path.join(sys.argv[1], name + ".json")))["benchmarks"]
    medians = {b["run_name"]: b for b in runs if b.get("aggregate_name") == "median"}
    singles = {b["run_name"]: b for b in runs if b.get("run_type") == "iteration"}
    return medians or singles

def gbs(b):
    return b["bytes_per_second"] / 1e9

a = load("append")
log, plain = a["BM_LogAppend16KiBBatches/real_time"], a["BM_WriteSameBytesToAFile/real_time"]
print(f"append 16 KiB batches: Log::append_as_leader {gbs(log):.2f} GB/s, write() of the same bytes "
      f"{gbs(plain):.2f} GB/s; ratio {gbs(log) / gbs(plain):.2f} (goal >= 0.8)")
idem = a["BM_LogAppendIdempotent16KiBBatches/real_time"]
print(f"append from an idempotent producer: {gbs(idem):.2f} GB/s; ratio to plain appends {gbs(idem) / gbs(log):.2f}")

r = load("read")
sf, rw, ro = (r[f"BM_Fetch{n}/real_time"] for n in ("Sendfile", "ReadWrite", "ReadIntoBuffer"))
print(f"fetch 1 MiB reads: sendfile {gbs(sf):.2f} GB/s; read+write like cat {gbs(rw):.2f} GB/s, ratio "
      f"{gbs(sf) / gbs(rw):.2f} (goal >= 0.8); read() into a buffer only {gbs(ro):.2f} GB/s, ratio "
      f"{gbs(sf) / gbs(ro):.2f}")

m = load("memory")["BM_IdlePartitions1000/iterations:1/real_time"]
print(f"1000 idle partitions: {m['rss_KiB_per_partition_created']:.1f} KiB RSS per partition "
      f"(heap {m['heap_KiB_per_partition_created']:.1f} KiB) when created; "
      f"{m['rss_KiB_per_partition_loaded']:.1f} KiB RSS (heap {m['heap_KiB_per_partition_loaded']:.1f} KiB) "
      f"when loaded at a restart (goal <= 64)")

for name, b in sorted(load("recovery").items()):
    mib = b["MiB"]
    cold = "cold" if "cold:1" in name else "warm"
    seconds = b["real_time"] / 1e3
    print(f"recovery of a {mib:.0f} MiB unclean log ({cold} page cache): {seconds:.2f} s, {gbs(b):.2f} GB/s")
PY
