#!/usr/bin/env bash
# Installs the Debian 12 packages Sluice builds with, if any is missing;
# `tools/install-deps.sh test` adds the real Kafka clients the tests and the
# compatibility matrix (compat/) drive.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config python3 git ca-certificates
  zlib1g-dev libsnappy-dev liblz4-dev libzstd-dev
  libasio-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)
if [ "${1:-}" = test ]; then
  # The test build: clang 16 for ASan+UBSan and libFuzzer (libclang-rt-16-dev has the fuzzer runtime).
  packages+=(clang-16 libclang-rt-16-dev)
  packages+=(kcat librdkafka-dev python3-confluent-kafka python3-kafka python3-snappy python3-lz4 python3-zstandard)
  # Go clients (sarama, kafka-go, confluent-kafka-go) from Debian's golang-*-dev, built with GO111MODULE=off.
  packages+=(golang-go golang-github-shopify-sarama-dev golang-github-segmentio-kafka-go-dev
    golang-github-confluentinc-confluent-kafka-go-dev)
  # Node clients: Debian's nodejs + npm, unless an npm is already there (NodeSource's nodejs bundles npm and conflicts with Debian's).
  command -v npm >/dev/null || packages+=(nodejs npm)
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
