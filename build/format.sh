#!/usr/bin/env bash
# Code style (issue 19 item 5): the rules are in /.editorconfig (formatting, code style, naming,
# and which .NET analyzer rules apply; Directory.Build.targets turns the analyzers on for the
# desktop projects).
#
#   bash build/format.sh           apply: whitespace, code style and analyzer fixes, whole solution
#   bash build/format.sh --check   verify only (what CI runs); exit 1 if a file would change
#
# Offline apart from the package registry (restore); the nanoCLR kit is optional. The projects
# the kit compiles (tests/EmbeddedTcp.NanoTests, tests/EmbeddedTcp.DeviceTests.NanoClr,
# tools/EmbeddedTcp.NanoMeter, the board's typecheck) reference the nano builds' dlls by path under
# bin/$(Configuration), so those are built first, in Release, and dotnet format loads the solution
# in Release (Configuration from the environment): then every project, and every .cs file, loads.
set -euo pipefail
cd "$(dirname "$0")/.."

check=false
case "${1:-}" in
  --check) check=true ;;
  "") ;;
  *) echo "usage: bash build/format.sh [--check]" >&2; exit 2 ;;
esac

export Configuration=Release
dotnet restore EmbeddedTcp.sln --verbosity quiet
# The nano builds of the core, apps and firmware (Firmware.Nano references the other two).
dotnet build src/EmbeddedTcp.Firmware.Nano/EmbeddedTcp.Firmware.Nano.csproj -c Release --no-restore --nologo --verbosity quiet

if $check; then
  # One pass checks whitespace (IDE0055), code style (IDE0011, IDE0065, IDE0160, IDE0036, IDE1006)
  # and the analyzer rules at warning (the build checks those too).
  dotnet format EmbeddedTcp.sln --verify-no-changes --no-restore --severity warn
else
  # Rounds until a round changes nothing (then --check passes): some fixes only become possible
  # after others - braces on an outer if/else before the nested one, analyzer fixes (CA1854,
  # CA1864) once the one-liners they rewrite have braces. Each round: code style, then analyzer
  # fixes, then whitespace over what the fixes wrote. Two rounds plus one to confirm, usually.
  tree_hash() { git ls-files -co --exclude-standard -- '*.cs' | sort | xargs -d '\n' sha1sum | sha1sum; }
  # A file compiled by several projects (the core in EmbeddedTcp and EmbeddedTcp.Nano, Bench's
  # Harness in Bench and Tests, the register model, the board's files...) is fixed once per project;
  # when two projects' fixes differ (seen with nested one-line if/else), Roslyn applies one and writes
  # the other as a "<<<<<<< TODO: Unmerged change from project" block above it. Drop those blocks:
  # the code after `>>>>>>> After` is the applied fix, and the next round redoes what is left.
  drop_unmerged() {
    local files f
    files=$(git ls-files -co --exclude-standard -- '*.cs' | xargs -d '\n' grep -l '^<<<<<<< TODO: Unmerged change from project' || true)
    for f in $files; do
      echo "format: $f: dropped an unmerged linked-file change (the next round redoes it)"
      sed -i '/^<<<<<<< TODO: Unmerged change from project/,/^>>>>>>> After$/d' "$f"
    done
  }
  for round in 1 2 3 4 5; do
    before=$(tree_hash)
    echo "format: round $round"
    dotnet format style EmbeddedTcp.sln --no-restore --severity warn
    drop_unmerged
    dotnet format analyzers EmbeddedTcp.sln --no-restore --severity warn
    drop_unmerged
    dotnet format whitespace EmbeddedTcp.sln --no-restore
    if [ "$(tree_hash)" = "$before" ]; then
      echo "format: done (round $round changed nothing)"
      exit 0
    fi
  done
  echo "format: still changing after 5 rounds; run it again and report the files that keep changing" >&2
  exit 1
fi
