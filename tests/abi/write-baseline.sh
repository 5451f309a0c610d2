#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Write abi/discwright-VERSION.abi, the ABI baseline of a tagged version, from
# a build of that tag:  tests/abi/write-baseline.sh BUILD_DIR
# (run from the source tree checked out at the tag; commit the file).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?usage: write-baseline.sh BUILD_DIR}
lib=$(find "$build" -name 'libdiscwright.so.*.*.*' -type f | head -1)
[ -n "$lib" ] || { echo "no libdiscwright.so.X.Y.Z in $build" >&2; exit 1; }
version=${lib##*.so.}
mkdir -p "$here/abi"
abidw --headers-dir "$here/include/discwright" --no-corpus-path --drop-private-types "$lib" \
  --out-file "$here/abi/discwright-$version.abi"
echo "wrote abi/discwright-$version.abi"
