#!/usr/bin/env bash
# The README's test command: installs what is missing, builds the tree once
# with clang 16, AddressSanitizer + UBSan and libFuzzer's coverage, and runs
# every test on that build: unit tests, the fuzz targets for a bounded time,
# and integration tests against the instrumented broker.
#
# One build, not a Release build and a sanitizer build: compiling is most of
# the time on CI's 2 cores, and clang compiles this tree faster than g++.
# The optimized build (tools/run.sh, bench/) stays on g++, which keeps both
# compilers' warnings in view.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh test

# -g1: line tables for the sanitizer's stacks, at a fraction of full debug info's build time.
CC=clang-16 CXX=clang++-16 tools/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 \
  -DSLUICE_SANITIZE=ON -DSLUICE_FUZZ=ON -DSLUICE_BENCH=OFF
# Three at a time on 2 cores: the matrix, the kill loop and the integration
# tests mostly wait on processes and sockets, and the fuzzers run for a fixed time.
status=0
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j3) || status=$?
# The client compatibility matrix's table (CTest prints a passing test's output only on failure).
[ -f build-asan/compat/compat.md ] && sed -n '/^| scenario/,$p' build-asan/compat/compat.md
# The reliability figures the README reports: fuzz executions, the kill
# loop's acknowledged and lost records, the broker's RSS under the limits tests.
awk '/Testing: fuzz\./ { target = $3 }
     /^stat::number_of_executed_units/ { print target ": " $2 " executions" }
     /^kill loop|RSS growth/ { print }' build-asan/Testing/Temporary/LastTest.log
# A failed test's output scrolled past among the others; CI keeps the end of
# the log, so repeat the last lines of each failure (a fuzzer's crash report
# and its input, a sanitizer's stack) here.
if [ "$status" -ne 0 ]; then
  awk '/^[0-9]+\/[0-9]+ Testing: / { name = $3; n = 0; out = 0; next }
       /^<end of output>$/ { out = 0; next }
       out { tail[n++ % 80] = $0; next }
       /^Output:$/ { out = 1; getline; next }
       /^Test Failed\.$/ {
         print "==== " name " failed; its last lines:"
         for (i = (n > 80 ? n - 80 : 0); i < n; i++) print tail[i % 80]
       }' build-asan/Testing/Temporary/LastTest.log
  exit "$status"
fi
