#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# discwright set-up and entry points, for a fresh Debian 12 / Ubuntu machine.
#
#   ./run.sh demo    install what is missing, build, then rip the bundled
#                    sample disc to BIN/CUE, burn its ISO to a file-backed
#                    drive, verify it, and print the summary
#   ./run.sh test    install what is missing, build, run the whole test
#                    suite (CTest, in parallel)
#   ./run.sh fuzz [SECONDS]
#                    install clang and libFuzzer's runtime, build every
#                    tests/fuzz target as a libFuzzer binary (in
#                    BUILD_DIR-fuzz) and fuzz each for SECONDS (default 30),
#                    keeping new corpus entries (tests/fuzz/run.sh)
#
# Options (before the verb): --no-setup  skip apt-get and the build (used by
# the test suite to run the demo against an existing build).
# Environment: BUILD_DIR (default ./build), DW_SANITIZE (e.g.
# address,undefined: builds in BUILD_DIR-asan and runs the suite under it;
# thread: ThreadSanitizer in BUILD_DIR-tsan, with tests/tsan.supp).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
setup=1
if [ "${1:-}" = "--no-setup" ]; then
  setup=0
  shift
fi
verb=${1:-}
build=${DW_BUILD:-${BUILD_DIR:-$here/build}}
if [ -n "${DW_SANITIZE:-}" ] && [ -z "${DW_BUILD:-}" ]; then
  case ",$DW_SANITIZE," in
  *,thread,*) build="${build}-tsan" ;;
  *) build="${build}-asan" ;;
  esac
fi

# Build dependencies, then every peer tool a test uses (tests/integration,
# tests/emu): CI installs only these, and under CI=true a test that finds
# one missing fails.  bchunk; xorriso; cdrskin; libcdio-utils (cd-info,
# iso-info, iso-read); cd-paranoia; cdrdao; sox (soxi); file; python3;
# bsdutils (script, for a terminal); time (the benchmarks); pandoc (the man
# pages, built from docs/); bash-completion, zsh and man-db (the generated
# completion and man pages are run through them); abigail-tools (the ABI
# check against abi/, tests/integration/test_abi.sh); flac (flac -d,
# metaflac: the FLAC output tests); genisoimage
# (isoinfo) and libarchive-tools (bsdtar), which read mkiso's images.
packages=(build-essential cmake pkg-config
  libcdio-dev libcdio-cdda-dev libcdio-paranoia-dev libburn-dev libisofs-dev
  zlib1g-dev nettle-dev libjson-c-dev libcurl4-gnutls-dev libxml2-dev libcmocka-dev
  liblzma-dev libflac-dev libzstd-dev mame-tools
  bchunk xorriso cdrskin libcdio-utils cd-paranoia cdrdao sox file python3 bsdutils time
  python3-jsonschema pandoc bash-completion zsh man-db abigail-tools
  liblz4-dev libbz2-dev xz-utils gzip bzip2 dmg2img libsndfile1-dev libdiscid-dev flac
  genisoimage libarchive-tools libisal-dev)
# The fuzzing pass (./run.sh fuzz) adds clang and libFuzzer's runtime.
fuzz_packages=(clang libclang-rt-14-dev)

install_missing() {
  local missing=()
  for p in "$@"; do
    # Any libcurl4-*-dev flavour will do (they conflict with each other).
    [ "$p" = libcurl4-gnutls-dev ] && pkg-config --exists libcurl 2>/dev/null && continue
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "run.sh: installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

configure_and_build() {
  local extra=()
  [ -n "${DW_SANITIZE:-}" ] && extra+=(-DDW_SANITIZE="$DW_SANITIZE")
  [ -n "${CI:-}" ] && extra+=(-DDW_WERROR=ON)
  cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${extra[@]}" >/dev/null
  cmake --build "$build" -j"$(nproc)"
}

demo() {
  local dw="$build/discwright" sample="$build/sample" out="$build/demo"
  rm -rf "$out"
  mkdir -p "$out"
  echo "== the sample disc (made by dw-mksample at build time)"
  "$dw" info "$sample/sample.cue"
  echo
  echo "== rip it to BIN/CUE (audio through libcdio-paranoia, data EDC/ECC-checked)"
  "$dw" -q rip "$sample/sample.cue" -o "$out/rip" --name sample
  cmp "$out/rip/sample.bin" "$sample/sample.bin"
  cmp "$out/rip/sample.cue" "$sample/sample.cue"
  echo "ripped: $out/rip/sample.bin and .cue are identical to the source; log and report beside them"
  echo
  echo "== burn the ISO to a file-backed drive through libburn, then verify it"
  "$dw" burn "$sample/sample.iso" --drive "stdio:$out/burned.iso"
  echo
  echo "== verify the rip against the sample disc"
  "$dw" verify "$out/rip/sample.cue" "$sample/sample.cue"
  echo
  echo "summary:"
  sed -n 's/^track \([0-9]*\): CRC32/  track \1: CRC32/p; s/^verdict: /  rip verdict: /p' \
    "$out/rip/sample.log"
  echo "  burned image: $(stat -c %s "$out/burned.iso") bytes, $(md5sum < "$out/burned.iso" | cut -d' ' -f1)"
  echo "  sample ISO:   $(stat -c %s "$sample/sample.iso") bytes, $(md5sum < "$sample/sample.iso" | cut -d' ' -f1)"
  echo "demo: rip, burn and verify all succeeded"
}

case "$verb" in
  demo)
    if [ $setup -eq 1 ]; then install_missing "${packages[@]}"; configure_and_build; fi
    demo
    ;;
  test)
    if [ $setup -eq 1 ]; then install_missing "${packages[@]}"; configure_and_build; fi
    cd "$build"
    ctest --output-on-failure -j"$(nproc)"
    ;;
  fuzz)
    if [ $setup -eq 1 ]; then install_missing "${packages[@]}" "${fuzz_packages[@]}"; fi
    "$here/tests/fuzz/run.sh" "${2:-30}" "${DW_BUILD:-${BUILD_DIR:-$here/build}}-fuzz"
    ;;
  *)
    echo "usage: ./run.sh [--no-setup] demo|test|fuzz [SECONDS]" >&2
    exit 2
    ;;
esac
