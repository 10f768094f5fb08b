#!/usr/bin/env bash
# Drive kcat (librdkafka) against the capture broker.
# Usage: drive_kcat.sh PORT
# Every kcat run is bounded by `timeout`; a failing scenario is reported and
# the remaining ones still run (exit status 1 at the end).
set -u
PORT=$1
B=127.0.0.1:$PORT
CID=golden-kcat
T=golden-topic
G=golden-group
rc=0

run() {
  local name=$1; shift
  echo "--- kcat: $name"
  if ! "$@"; then
    echo "!!! kcat scenario '$name' failed" >&2
    rc=1
  fi
}

records() { printf 'key-1:value-1\nkey-2:value-2\nkey-3:value-3\n'; }

metadata() { timeout 20 kcat -b "$B" -X client.id=$CID -L; }
produce() {  # $1 = codec, rest = extra kcat args
  local z=$1; shift
  records | timeout 20 kcat -b "$B" -X client.id=$CID -P -t $T -p 0 -K: -z "$z" \
    -H golden-header=hv-1 "$@"
}
consume() {
  timeout 20 kcat -b "$B" -X client.id=$CID -C -t $T -p 0 -o beginning -e \
    -f 'consumed offset=%o key=%k value=%s\n'
}
consume_end() {
  timeout 20 kcat -b "$B" -X client.id=$CID -C -t $T -p 0 -o end -e \
    -f 'consumed offset=%o key=%k value=%s\n'
}
group() {
  timeout 40 kcat -b "$B" -X client.id=$CID -G $G $T -c 2 \
    -X auto.offset.reset=earliest -X auto.commit.interval.ms=200 \
    -f 'consumed offset=%o key=%k value=%s\n'
}

run metadata metadata
for z in none gzip snappy lz4 zstd; do
  run "produce-$z" produce "$z"
done
run produce-acks0 produce none -X acks=0
run idempotent produce none -X enable.idempotence=true
run consume consume
run consume-end consume_end
run group group
exit $rc
