#!/usr/bin/env bash
# The first command: installs what is missing, builds every executable, and runs the
# system locally on the shipped configuration. For now (foundation) it validates the
# configuration and prints its summary; `switchboard up --demo` takes over once the
# processes carry traffic.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d /opt/swift/usr/bin ] && export PATH="/opt/swift/usr/bin:$PATH"
scripts/install-system-packages.sh

config="${SWITCHBOARD_CONFIG:-config/switchboard.yaml}"
swift build
bin="$(swift build --show-bin-path)"
echo "built: $(ls "$bin" | grep -E '^(switchboard|router|distributor|presence|ingress-[a-z]+)$' | tr '\n' ' ')"
echo
"$bin/switchboard" validate "$config"
