#!/usr/bin/env bash
# Regenerates Sources/Wire/Generated/*.pb.swift from Sources/Wire/Protos/*.proto.
# The generated code is committed; run this after changing a .proto file.
#
# Plugin: $PROTOC_GEN_SWIFT if set, else protoc-gen-swift built from the
# swift-protobuf checkout this package resolved (so runtime and generator match).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROTO_DIR="$ROOT/Sources/Wire/Protos"
OUT_DIR="$ROOT/Sources/Wire/Generated"

if ! command -v protoc >/dev/null 2>&1; then
  echo "protoc not found; installing protobuf-compiler" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q protobuf-compiler
fi

PLUGIN="${PROTOC_GEN_SWIFT:-}"
if [ -z "$PLUGIN" ]; then
  cd "$ROOT"
  swift package resolve
  CHECKOUT="$ROOT/.build/checkouts/swift-protobuf"
  if [ ! -d "$CHECKOUT" ]; then
    echo "swift-protobuf checkout not found at $CHECKOUT" >&2
    exit 1
  fi
  # Build products go under our .build, not into the checkout.
  SCRATCH="$ROOT/.build/protoc-gen-swift"
  swift build -c release --package-path "$CHECKOUT" --scratch-path "$SCRATCH" --product protoc-gen-swift >&2
  PLUGIN="$(swift build -c release --package-path "$CHECKOUT" --scratch-path "$SCRATCH" --show-bin-path)/protoc-gen-swift"
fi
if [ ! -x "$PLUGIN" ]; then
  echo "protoc-gen-swift not executable: $PLUGIN" >&2
  exit 1
fi

echo "protoc: $(protoc --version); plugin: $("$PLUGIN" --version)" >&2

rm -f "$OUT_DIR"/*.pb.swift
mkdir -p "$OUT_DIR"
protoc \
  --plugin=protoc-gen-swift="$PLUGIN" \
  --proto_path="$PROTO_DIR" \
  --swift_out="$OUT_DIR" \
  --swift_opt=Visibility=Internal \
  --swift_opt=FileNaming=DropPath \
  "$PROTO_DIR"/*.proto

echo "generated:" >&2
ls -1 "$OUT_DIR" >&2
