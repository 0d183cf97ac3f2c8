#!/usr/bin/env bash
# The first command: installs what is missing, builds every executable, checks the shipped
# configuration, and runs the whole system locally with `switchboard demo`: every process
# as a child of `switchboard up`, simulated agents over the agent WebSocket, and sample
# conversations sent as signed webhooks, each step printed. It stops by itself when the
# demo is done; pass --keep-running to keep the system up (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d /opt/swift/usr/bin ] && export PATH="/opt/swift/usr/bin:$PATH"
scripts/install-system-packages.sh

config="${SWITCHBOARD_CONFIG:-config/switchboard.yaml}"
data="${SWITCHBOARD_DATA_DIR:-data/demo}"
swift build
bin="$(swift build --show-bin-path)"
echo "built: $(ls "$bin" | grep -E '^(switchboard|router|distributor|presence|ingress-[a-z]+)$' | tr '\n' ' ')"
echo
"$bin/switchboard" validate "$config"
echo
rm -rf "$data"  # the demo starts from empty stores each time
exec "$bin/switchboard" demo --config "$config" --data-dir "$data" "$@"
