#!/usr/bin/env bash
# The test command: installs what is missing, builds everything (tests included) and
# runs the whole suite — unit tests, transport tests over real libzmq, and integration
# tests that start the real executables on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d /opt/swift/usr/bin ] && export PATH="/opt/swift/usr/bin:$PATH"
scripts/install-system-packages.sh chromium   # chromium: the live chat widget's browser test

swift build --build-tests
if [ "$#" -gt 0 ]; then
  swift test --skip-build "$@"
  exit
fi
# Unit and in-process tests in parallel; then the integration suites one test at a time:
# each starts a whole system of processes, and a dozen of them at once on 2 cores turn
# time limits into noise.
swift test --skip-build --skip IntegrationTests
swift test --skip-build --filter IntegrationTests --no-parallel
