#!/usr/bin/env bash
# Installs the Debian packages Switchboard builds and runs on, only those missing
# (plus any named as arguments).
# Idempotent and quiet when everything is there, so the README's commands and .ci/run
# can call it every time.
set -euo pipefail

packages=(
  libzmq3-dev      # ZeroMQ: every link between our processes (CZeroMQ links libzmq)
  libsqlite3-dev   # SQLite: GRDB's system library for every store
  pkg-config
)
packages+=("$@")   # extra ones a caller needs (scripts/test.sh: chromium for the chat widget's browser test)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "installing system packages: ${missing[*]}"
  run_as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "error: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    run_as_root=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${run_as_root[@]}" apt-get update -qq
  "${run_as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v swift >/dev/null; then
  for candidate in /opt/swift/usr/bin /opt/swift/bin; do
    [ -x "$candidate/swift" ] && { echo "note: add $candidate to PATH" >&2; break; }
  done
  echo "error: the Swift 6 toolchain is not on PATH (https://www.swift.org/install/linux/)" >&2
  exit 1
fi
