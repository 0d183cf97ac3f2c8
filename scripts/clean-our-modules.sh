#!/usr/bin/env bash
# Removes the build folders of this package's own modules (debug and release), not the
# dependencies', so the next `swift build` compiles all of them again (a few minutes, not
# the 10+ of a clean build). Use it after changing the stored properties of a type another
# module uses: incremental builds here have kept the old layout in the modules using it,
# and the executables crashed at start (decisions §56).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
for configuration in .build/*/debug .build/*/release; do
  [ -d "$configuration" ] || continue
  for source in Sources/*/; do
    module="$(basename "$source")"
    rm -rf "$configuration/$module.build" "$configuration/${module//-/_}.build"
  done
  for tests in Tests/*/; do
    rm -rf "$configuration/$(basename "$tests").build"
  done
  # The build description names those folders' files; SwiftPM writes it again.
  rm -f "$configuration/description.json"
done
rm -f .build/debug.yaml .build/release.yaml
echo "removed the build folders of our modules; the next swift build compiles them again" >&2
