#!/usr/bin/env bash
# The README's run command: installs what is missing, builds, and starts the
# broker with any arguments given (`tools/run.sh [server.properties] [--override k=v]...`).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
tools/build.sh build -DCMAKE_BUILD_TYPE=Release
exec build/server/sluice "$@"
