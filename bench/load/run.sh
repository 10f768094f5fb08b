#!/usr/bin/env bash
# Broker load benchmark: runs sluice and a null-sink Kafka endpoint on
# loopback, drives both with librdkafka (sluice_load) and prints a Markdown
# table of throughput, latency, memory, start-up time and CPU per MB, each
# with the baseline measured in the same run and the ratio to it.
#
#   bench/load/run.sh [build dir] [--mb N] [--rounds N] [--partitions N]
#                     [--rate-mb N] [--latency-seconds N] [--startup-runs N]
#
# --mb is the volume of each produce run (MB = 10^6 bytes of record values;
# default 256); each round runs four (sluice and the null sink, acks=1 and
# acks=all) plus the disk write, and the table shows the median of the rounds
# (default 5): other work on a small machine makes single runs noisy, and
# short alternating runs see the same noise on both sides of a ratio. The
# build dir needs targets sluice, sluice_load and sluice_null_sink.
set -euo pipefail

build=build
if [[ $# -gt 0 && $1 != --* ]]; then
  build=$1
  shift
fi
mb=256
rounds=5
partitions=4
rate_mb=20
latency_seconds=10
startup_runs=5
while [[ $# -gt 0 ]]; do
  case $1 in
    --mb) mb=$2 ;;
    --rounds) rounds=$2 ;;
    --partitions) partitions=$2 ;;
    --rate-mb) rate_mb=$2 ;;
    --latency-seconds) latency_seconds=$2 ;;
    --startup-runs) startup_runs=$2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done

sluice=$build/server/sluice
load=$build/bench/load/sluice_load
sink=$build/bench/load/sluice_null_sink
for bin in "$sluice" "$load" "$sink"; do
  [[ -x $bin ]] || { echo "missing $bin (build targets sluice sluice_load sluice_null_sink)" >&2; exit 2; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sluice-load.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
results=$tmp/results

# Waits for "listening on PLAINTEXT host:port" in a server's log; prints the port.
await_port() {
  local log=$1 pid=$2
  for _ in $(seq 1 300); do
    local line
    line=$(grep -oE 'listening on PLAINTEXT [0-9.]+:[0-9]+' "$log" | head -n1 || true)
    if [[ -n $line ]]; then
      echo "${line##*:}"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { echo "server exited; log:" >&2; cat "$log" >&2; return 1; }
    sleep 0.1
  done
  echo "server did not listen within 30 s; log:" >&2
  cat "$log" >&2
  return 1
}

# step NAME COMMAND...: runs a sluice_load command and files its key=value line.
# Dirty pages are flushed first (untimed), so that writeback of an earlier
# step's data does not throttle a later one's writes.
step() {
  local name=$1
  shift
  echo "  $name" >&2
  sync
  local out
  out=$("$load" "$@") || { echo "step $name failed" >&2; exit 1; }
  echo "$name $out" >>"$results"
}

start=$(date +%s)
echo "sluice load benchmark in $tmp" >&2

# 4. Start-up time and idle memory, on fresh brokers of their own.
step startup startup --binary "$sluice" --dir "$tmp/startup" --runs "$startup_runs"
rm -rf "$tmp/startup"

# The broker under test and the null sink.
mkdir -p "$tmp/data"
"$sluice" --override "listeners=PLAINTEXT://127.0.0.1:0" --override "log.dirs=$tmp/data" >"$tmp/sluice.log" 2>&1 &
sluice_pid=$!
pids+=("$sluice_pid")
sluice_port=$(await_port "$tmp/sluice.log" "$sluice_pid")
"$sink" --partitions "$partitions" >"$tmp/sink.log" 2>&1 &
sink_pid=$!
pids+=("$sink_pid")
sink_port=$(await_port "$tmp/sink.log" "$sink_pid")
sluice_at=127.0.0.1:$sluice_port
sink_at=127.0.0.1:$sink_port

# 1. Produce throughput, sluice and null sink alternating so that load from
# elsewhere on the machine hits both alike; then the same bytes written to
# the same file system (in one file per round).
common=(--partitions "$partitions" --mb "$mb" --record-size 1024)
bytes=$(awk -v mb="$mb" 'BEGIN { printf "%d", int(mb * 1e6 / 1024) * 1024 }')
for round in $(seq 1 "$rounds"); do
  create=$([[ $round == 1 ]] && echo 1 || echo 0)
  step produce_sluice_acks1 produce --bootstrap "$sluice_at" --topic load-acks1 --acks 1 --create "$create" \
    --watch-pid "$sluice_pid" "${common[@]}"
  step produce_sink_acks1 produce --bootstrap "$sink_at" --topic load-acks1 --acks 1 --watch-pid "$sink_pid" \
    "${common[@]}"
  step produce_sluice_acksall produce --bootstrap "$sluice_at" --topic load-acksall --acks all --create "$create" \
    --watch-pid "$sluice_pid" "${common[@]}"
  step produce_sink_acksall produce --bootstrap "$sink_at" --topic load-acksall --acks all --watch-pid "$sink_pid" \
    "${common[@]}"
  # Kept until the end, as the broker keeps its segments (see io_baseline.h).
  step disk_write disk-write --dir "$tmp" --bytes "$bytes" --keep 1
done

# 2. Consume everything produced, then read the same segments from the page cache.
step consume_sluice consume --bootstrap "$sluice_at" --topics load-acks1,load-acksall --partitions "$partitions" \
  --watch-pid "$sluice_pid"
step cache_read cache-read --dir "$tmp/data" --topics load-acks1,load-acksall

# 3. End-to-end latency at a fixed rate (one warm-up second not counted).
step latency latency --bootstrap "$sluice_at" --topic load-latency --partitions "$partitions" --create 1 \
  --rate-mb "$rate_mb" --seconds "$((latency_seconds + 1))" --warmup-seconds 1

echo "rss_after_load kib=$(awk '/^VmRSS:/ { print $2 }' "/proc/$sluice_pid/status")" >>"$results"
kill -TERM "$sluice_pid"
status=0
wait "$sluice_pid" || status=$?
pids=("$sink_pid")
echo "shutdown status=$status" >>"$results"
echo "sluice_log warn_or_error_lines=$(grep -cE '\[(warning|error|critical)\]' "$tmp/sluice.log" || true)" >>"$results"
echo "elapsed seconds=$(($(date +%s) - start))" >>"$results"

python3 - "$results" "$mb" "$partitions" "$rate_mb" "$rounds" <<'PY'
import statistics
import sys

# Every step's lines; a step run once per round has several.
all_runs = {}
for line in open(sys.argv[1]):
    name, *pairs = line.split()
    all_runs.setdefault(name, []).append({k: v for k, v in (p.split("=", 1) for p in pairs)})
mb, partitions, rate, rounds = sys.argv[2:6]


def median_run(lines):
    # The round with the median throughput; its other fields stay consistent.
    if "mb_per_s" not in lines[0]:
        return lines[-1]
    return sorted(lines, key=lambda r: float(r["mb_per_s"]))[len(lines) // 2]


runs = {name: median_run(lines) for name, lines in all_runs.items()}


def f(name, key):
    return float(runs[name][key])


def total(name, key):
    return sum(float(r[key]) for r in all_runs[name])


def verdict(ok):
    return "yes" if ok else "**no**"


rows = []


def row(measure, sluice, baseline, ratio, goal, met):
    rows.append(f"| {measure} | {sluice} | {baseline} | {ratio} | {goal} | {met} |")


def rate_text(name):
    return f"{f(name, 'mb_per_s'):.0f} MB/s, {f(name, 'records_per_s') / 1e3:.0f}k rec/s"


dd = f("disk_write", "mb_per_s")
for acks, label in (("acks1", "acks=1"), ("acksall", "acks=all")):
    s, n = f"produce_sluice_{acks}", f"produce_sink_{acks}"
    # Median of each round's ratio: the two runs of a round are back to back.
    ratio = statistics.median(float(a["mb_per_s"]) / float(b["mb_per_s"]) for a, b in zip(all_runs[s], all_runs[n]))
    row(f"Produce {label} vs null sink", rate_text(s), rate_text(n), f"{ratio:.2f}", ">= 0.8", verdict(ratio >= 0.8))
    dd_ratio = statistics.median(
        float(a["mb_per_s"]) / float(b["mb_per_s"]) for a, b in zip(all_runs[s], all_runs["disk_write"]))
    row(f"Produce {label} vs disk write", rate_text(s), f"{dd:.0f} MB/s (write(), no fsync)", f"{dd_ratio:.2f}", "",
        "")
    # A broker must both receive and write: the null sink's rate and the disk
    # write's rate one after the other give 1 / (1/sink + 1/dd). Above 1.0 the
    # broker overlaps the two.
    serial = [1 / (1 / float(b["mb_per_s"]) + 1 / float(d["mb_per_s"]))
              for b, d in zip(all_runs[n], all_runs["disk_write"])]
    serial_ratio = statistics.median(float(a["mb_per_s"]) / x for a, x in zip(all_runs[s], serial))
    row(f"Produce {label} vs null sink + disk write in series", rate_text(s),
        f"{statistics.median(serial):.0f} MB/s (1 / (1/sink + 1/write))", f"{serial_ratio:.2f}", "", "")
cons = "consume_sluice"
cache = "cache_read"
# Same data both ways: the ratio is page-cache read time / consume time.
ratio = f(cache, "seconds") / f(cons, "seconds")
row("Consume from beginning vs page-cache read of its segments", rate_text(cons),
    f"{f(cache, 'mb_per_s'):.0f} MB/s ({f(cache, 'bytes') / 1e6:.0f} MB in {runs[cache]['files']} files)",
    f"{ratio:.2f}", "", "")
lat = runs["latency"]
row(f"End-to-end latency at {rate} MB/s, linger.ms=0 (p50 / p99 / max)",
    f"{float(lat['p50_ms']):.2f} / {float(lat['p99_ms']):.2f} / {float(lat['max_ms']):.1f} ms",
    f"{int(lat['measured'])} records at {float(lat['mb_per_s']):.1f} MB/s", "", "p99 < 5 ms",
    verdict(float(lat["p99_ms"]) < 5))
st = runs["startup"]
rss_mib = float(st["idle_rss_kib_median"]) / 1024
row("Idle RSS after start (median of runs)", f"{rss_mib:.1f} MiB (max {float(st['idle_rss_kib_max']) / 1024:.1f})",
    "", "", "< 30 MB", verdict(rss_mib < 30))
ready = float(st["ready_ms_median"])
row(f"Exec to ApiVersions answered (median of {st['runs']})", f"{ready:.1f} ms (max {float(st['ready_ms_max']):.1f})",
    "", "", "< 100 ms", verdict(ready < 100))
# CPU over all rounds, divided by all bytes moved.
for name, label in (("produce_sluice_acks1", "produce acks=1"), ("produce_sluice_acksall", "produce acks=all"),
                    ("consume_sluice", "consume")):
    per_mb = total(name, "cpu_s") * 1e3 / (total(name, "bytes") / 1e6)
    base = ""
    sink_name = name.replace("sluice", "sink")
    if sink_name in runs:
        base = f"null sink {total(sink_name, 'cpu_s') * 1e3 / (total(sink_name, 'bytes') / 1e6):.2f} ms/MB"
    user, system = (total(name, k) * 1e3 / (total(name, "bytes") / 1e6) for k in ("cpu_user_s", "cpu_sys_s"))
    row(f"Broker CPU per MB, {label}",
        f"{per_mb:.2f} ms/MB (user {user:.2f}, sys {system:.2f}; {total(name, 'cpu_s'):.2f} s)", base,
        f"{per_mb / (total(sink_name, 'cpu_s') * 1e3 / (total(sink_name, 'bytes') / 1e6)):.1f}x" if base else "", "", "")

# How busy the client was: near 100% of a core or more means the client, not
# the broker, may set the pace (librdkafka uses several threads).
for name, label in (("produce_sluice_acks1", "produce acks=1"), ("consume_sluice", "consume")):
    busy = total(name, "client_cpu_s") / total(name, "seconds") * 100
    broker = total(name, "cpu_s") / total(name, "seconds") * 100
    row(f"CPU busy during {label}: broker / client", f"{broker:.0f}% / {busy:.0f}% of one core", "", "", "", "")

print(f"Sluice load benchmark: 1 KiB records, {partitions} partitions, {mb} MB per produce run, "
      f"medians of {rounds} rounds (ratios: median of the rounds' ratios), librdkafka on loopback (MB = 10^6 bytes of record values).\n")
print("| Measure | Sluice | Baseline (same run) | Ratio | Goal | Met |")
print("| --- | --- | --- | --- | --- | --- |")
print("\n".join(rows))
print(f"\nRSS after the load: {float(runs['rss_after_load']['kib']) / 1024:.1f} MiB; "
      f"clean shutdown on SIGTERM: {'yes' if runs['shutdown']['status'] == '0' else 'no, status ' + runs['shutdown']['status']}; "
      f"warning/error lines in the sluice log: {runs['sluice_log']['warn_or_error_lines']}; "
      f"whole run {runs['elapsed']['seconds']} s.")
print("\nEvery round (MB/s): " + "; ".join(
    f"{name} " + ", ".join(f"{float(r['mb_per_s']):.0f}" for r in lines)
    for name, lines in all_runs.items() if name.startswith(("produce", "disk"))))
PY
