#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every
# test, then the whole suite again under AddressSanitizer + UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh test

tools/build.sh build -DCMAKE_BUILD_TYPE=Release
(cd build && ctest --output-on-failure -j2)

# -g1: line tables for the sanitizer's stacks, at a fraction of full debug info's build time.
tools/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DSLUICE_SANITIZE=ON -DSLUICE_BENCH=OFF
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j2)
