#!/usr/bin/env bash
# Installs the Debian 12 packages Sluice builds with, if any is missing;
# `tools/install-deps.sh test` adds the real Kafka clients the tests drive.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config python3 git ca-certificates
  zlib1g-dev libsnappy-dev liblz4-dev libzstd-dev
  libasio-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)
if [ "${1:-}" = test ] || [ "${1:-}" = compat ]; then
  packages+=(kcat python3-confluent-kafka python3-kafka python3-snappy python3-lz4)
  # KafkaJS tests: Debian's nodejs + npm, unless an npm is already there (NodeSource's nodejs bundles npm and conflicts with Debian's).
  command -v npm >/dev/null || packages+=(nodejs npm)
fi

# compat/run: every client of the compatibility matrix (Go clients from Debian's golang-*-dev).
if [ "${1:-}" = compat ]; then
  packages+=(librdkafka-dev python3-zstandard golang-go golang-github-shopify-sarama-dev
    golang-github-segmentio-kafka-go-dev golang-github-confluentinc-confluent-kafka-go-dev)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
