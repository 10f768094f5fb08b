#!/usr/bin/env bash
# Capture golden Kafka request vectors from real clients.
#
# Usage: tools/golden/capture_all.sh [BASE_PORT]      (default 19092)
#
# For each client (kcat, confluent-kafka-python, kafka-python, kafkajs) this
# starts tools/golden/capture_broker.py on 127.0.0.1:<port>, runs the client
# scenarios against it (each bounded by `timeout`), stops the broker, then
# curates the raw captures into tests/protocol/golden/<client>/ and rewrites
# tests/protocol/golden/MANIFEST.md.  Raw captures and broker logs stay in a
# temporary directory (printed at the end).
#
# Needs: kcat, /usr/bin/python3 with confluent_kafka and kafka (kafka-python),
# node + npm (KafkaJS is installed into /tmp/golden-js, outside the repo), and
# the Kafka message JSON definitions ($KAFKA_SCHEMA_DIR, default
# /work/shared/kafka-protocol/messages).  Run by hand; not meant for CI.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
DEST=$REPO/tests/protocol/golden
BASE_PORT=${1:-19092}
PY=/usr/bin/python3
JS_DIR=${GOLDEN_JS_DIR:-/tmp/golden-js}
STAGE=$(mktemp -d /tmp/golden-capture.XXXXXX)
export KAFKAJS_NO_PARTITIONER_WARNING=1
export PYTHONDONTWRITEBYTECODE=1
rc=0
BROKER_PID=

start_broker() {  # $1 = client dir name, $2 = port
  mkdir -p "$STAGE/$1"
  "$PY" "$HERE/capture_broker.py" "$2" --out "$STAGE/$1" >"$STAGE/$1.broker.log" 2>&1 &
  BROKER_PID=$!
  for _ in $(seq 50); do
    if "$PY" -c "import socket,sys; socket.create_connection(('127.0.0.1', $2), 0.2).close()" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "broker for $1 did not start, see $STAGE/$1.broker.log" >&2
  return 1
}

stop_broker() {
  if [ -n "$BROKER_PID" ]; then
    kill "$BROKER_PID" 2>/dev/null
    wait "$BROKER_PID" 2>/dev/null
    BROKER_PID=
  fi
}
trap stop_broker EXIT

step() {  # $1 = label, rest = command
  local label=$1; shift
  echo "--- $label"
  if ! "$@"; then
    echo "!!! $label failed" >&2
    rc=1
  fi
}

# ---- kcat (librdkafka) ------------------------------------------------------
PORT=$BASE_PORT
start_broker kcat $PORT && {
  step "kcat scenarios" bash "$HERE/drive_kcat.sh" $PORT
  stop_broker
}

# ---- confluent-kafka-python (librdkafka) -------------------------------------
PORT=$((BASE_PORT + 1))
start_broker confluent-kafka-python $PORT && {
  for s in produce-none produce-gzip produce-snappy produce-lz4 produce-zstd idempotent group; do
    step "confluent-kafka-python $s" timeout 60 "$PY" "$HERE/drive_confluent.py" $PORT $s
  done
  stop_broker
}

# ---- kafka-python -----------------------------------------------------------
PORT=$((BASE_PORT + 2))
start_broker kafka-python $PORT && {
  # Version probing (ApiVersions v0, Metadata v0) happens without a pinned api_version.
  for s in produce-none produce-gzip group; do
    step "kafka-python $s" timeout 60 "$PY" "$HERE/drive_kafka_python.py" $PORT $s
  done
  # Pinned to Kafka 0.10.2: old, non-flexible versions and the legacy (magic 1)
  # message format.
  for s in produce-none produce-gzip group; do
    step "kafka-python $s (api_version 0.10.2)" timeout 60 "$PY" "$HERE/drive_kafka_python.py" $PORT $s 0.10.2
  done
  stop_broker
}

# ---- KafkaJS ----------------------------------------------------------------
PORT=$((BASE_PORT + 3))
if [ ! -f "$JS_DIR/node_modules/kafkajs/package.json" ]; then
  mkdir -p "$JS_DIR"
  (cd "$JS_DIR" && { [ -f package.json ] || npm init -y >/dev/null; } &&
     timeout 300 npm install --no-audit --no-fund kafkajs@2) || rc=1
fi
start_broker kafkajs $PORT && {
  for s in produce-none produce-gzip idempotent group; do
    step "kafkajs $s" env NODE_PATH="$JS_DIR/node_modules" timeout 60 node "$HERE/drive_kafkajs.js" $PORT $s
  done
  stop_broker
}

# ---- curate + manifest ------------------------------------------------------
step "curate" "$PY" "$HERE/curate.py" --stage "$STAGE" --dest "$DEST" \
  kcat confluent-kafka-python kafka-python kafkajs
step "manifest" "$PY" "$HERE/make_manifest.py" --dest "$DEST" --js-dir "$JS_DIR"

echo "raw captures and broker logs: $STAGE"
[ $rc -eq 0 ] && echo "capture complete" || echo "capture finished WITH ERRORS (see above)"
exit $rc
