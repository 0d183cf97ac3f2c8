#!/usr/bin/env bash
# The test command: installs what is missing, builds everything (tests included) and
# runs the whole suite — unit tests, transport tests over real libzmq, and integration
# tests that start the real executables on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d /opt/swift/usr/bin ] && export PATH="/opt/swift/usr/bin:$PATH"
scripts/install-system-packages.sh chromium   # chromium: the live chat widget's browser test

swift build --build-tests
swift test --skip-build "$@"
