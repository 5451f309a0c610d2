#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The installed package: `cmake --install` into a temporary tree (DESTDIR)
# gives the program, libdiscwright.so.0 (SONAME, only dw_* symbols, all
# under the version node DISCWRIGHT_0), the headers, discwright.pc, the
# CMake package and the profiles, and no path of the build or source tree
# in the library.  A small program that opens the sample disc with
# dw_drive_open and prints its TOC with dw_disc_write_text is built twice
# against the installed tree, with `pkg-config --cflags --libs discwright`
# and with a CMake project using find_package(discwright); both print
# exactly `discwright info`'s table.  The installed `discwright --version`
# lists the libraries and finds the installed profiles, also after the
# whole tree is moved elsewhere (the profiles are found from where the
# library is, not from a compiled-in path).  `cpack -G DEB` makes a .deb
# whose Depends name the libraries, and its tree unpacked with `dpkg -x`
# has the same layout and a working `discwright --version`.
. "$(dirname "$0")/lib.sh"
build=${DW_BUILD:?DW_BUILD not set}
source_dir=${DW_SOURCE:?DW_SOURCE not set}
sample=$build/sample/sample.cue
[ -f "$sample" ] || skip_all "$sample not built"
for t in cmake cpack pkg-config cc readelf objdump dpkg-deb dpkg-shlibdeps; do need_tool "$t"; done

# Nothing of the suite's environment leaks into the installed program: its
# profiles must come from the install tree alone.
unset DW_PROFILES_DIR
export XDG_CONFIG_HOME=$work/home/config XDG_DATA_HOME=$work/home/data

prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
[ -n "$prefix" ] || { bad "no CMAKE_INSTALL_PREFIX in $build/CMakeCache.txt"; finish; exit; }
dest=$work/dest
if DESTDIR=$dest cmake --install "$build" >"$work/install.txt" 2>&1; then
  ok "cmake --install into DESTDIR (prefix $prefix)"
else
  bad "cmake --install: $(tail -5 "$work/install.txt")"
  finish
  exit
fi
root=$dest$prefix

# The layout.
lib=$(find "$root" -name 'libdiscwright.so.0' | head -1)
pc=$(find "$root" -name discwright.pc | head -1)
config=$(find "$root" -name discwrightConfig.cmake | head -1)
[ -n "$lib" ] && ok "libdiscwright.so.0 installed (${lib#"$dest"})" || bad "no libdiscwright.so.0 in $root"
libdir=$(dirname "${lib:-/nonexistent/x}")
[ -L "$libdir/libdiscwright.so" ] && ok "libdiscwright.so link for -ldiscwright" ||
  bad "no libdiscwright.so in $libdir"
[ -x "$root/bin/discwright" ] && ok "bin/discwright installed" || bad "no $root/bin/discwright"
[ -f "$root/include/discwright/drive.h" ] && [ -f "$root/include/discwright/report.h" ] &&
  ok "headers in include/discwright" || bad "headers missing under $root/include/discwright"
[ -n "$pc" ] && ok "discwright.pc installed (${pc#"$dest"})" || bad "no discwright.pc"
[ -n "$config" ] && [ -f "$(dirname "$config")/discwrightConfigVersion.cmake" ] &&
  ok "CMake package installed (${config#"$dest"})" || bad "no discwrightConfig.cmake + version file"
shipped=$root/share/discwright/profiles
[ -f "$shipped/drives/offsets.tsv" ] && [ -f "$shipped/rip/secure.json" ] &&
  ok "profiles in share/discwright/profiles" || bad "profiles missing under $shipped"
[ -f "$root/share/doc/discwright/LICENSE" ] && ok "LICENSE in share/doc/discwright" ||
  bad "no share/doc/discwright/LICENSE"
# Man pages (from docs/*.md, OPTIONS from the option tables) and completion.
if [ -d "$build/man" ]; then
  for page in discwright discwright-rip discwright-burn discwright-verify; do
    [ -f "$root/share/man/man1/$page.1" ] || bad "no share/man/man1/$page.1"
  done
  MANWIDTH=100 man -l "$root/share/man/man1/discwright-rip.1" 2>/dev/null | grep -q -- '--subchannel' &&
    ok "man pages in share/man/man1 (discwright-rip(1) renders with its options)" ||
    bad "installed discwright-rip.1 does not render its options"
else
  ci_strict "no man pages built (pandoc missing at configure time)"
fi
[ -f "$root/share/bash-completion/completions/discwright" ] &&
  [ -f "$root/share/zsh/vendor-completions/_discwright" ] &&
  ok "bash and zsh completion installed" || bad "completion files missing under $root/share"

# The library: SONAME, exported symbols, no builder's path.
objdump -p "$lib" >"$work/objdump.txt" 2>&1
grep -qE '^ +SONAME +libdiscwright\.so\.0$' "$work/objdump.txt" && ok "SONAME libdiscwright.so.0" ||
  bad "SONAME: $(grep SONAME "$work/objdump.txt")"
# Defined global symbols ("Ndx" not UND), the version node's own ABS entry
# aside: each a public dw_ name with @@DISCWRIGHT_0.
readelf --dyn-syms -W "$lib" |
  awk '($5 == "GLOBAL" || $5 == "WEAK") && $7 != "UND" && $8 != "DISCWRIGHT_0" { print $8 }' \
    >"$work/syms.txt"
n_syms=$(wc -l <"$work/syms.txt")
others=$(grep -vE '^dw_[a-z][a-z0-9_]*@@DISCWRIGHT_0$' "$work/syms.txt" | head -5)
if [ "$n_syms" -gt 50 ] && [ -z "$others" ]; then
  ok "$n_syms exported symbols, all dw_*@@DISCWRIGHT_0"
else
  bad "exported symbols ($n_syms): not dw_*@@DISCWRIGHT_0: $others"
fi
grep -q '^dw_drive_open@@DISCWRIGHT_0$' "$work/syms.txt" && ok "dw_drive_open exported" ||
  bad "dw_drive_open not exported"
grep -q '^dw__' "$work/syms.txt" && bad "internal dw__ symbols exported" || ok "no dw__ symbol exported"
# (Into files first: grep -q closing a pipe early is a SIGPIPE failure
# under pipefail, which would read as "not found".)
strings "$lib" >"$work/strings.txt"
readelf -d "$lib" >"$work/dynamic.txt"
readelf -d "$root/bin/discwright" >"$work/dynamic-bin.txt"
# A sanitized build (DW_SANITIZE) needs its runtime in the programs too;
# its instrumentation keeps the source files' names for its reports (GCC
# does not apply -ffile-prefix-map to them), so there only those may name
# the tree.
san=()
grep -q 'libasan' "$work/dynamic.txt" && san+=(-fsanitize=address)
grep -q 'libubsan' "$work/dynamic.txt" && san+=(-fsanitize=undefined)
for p in "$source_dir" "$build"; do
  grep -F "$p" "$work/strings.txt" >"$work/paths.txt"
  if [ ${#san[@]} -gt 0 ]; then
    { grep -vE "^$source_dir/(src|include)/[A-Za-z0-9_/]+\.[ch]\$" "$work/paths.txt" || true; } \
      >"$work/paths2.txt"
    mv "$work/paths2.txt" "$work/paths.txt"
  fi
  if [ -s "$work/paths.txt" ]; then bad "the library holds the path '$p': $(head -3 "$work/paths.txt")"
  else ok "no '$p' in the library's strings${san:+ (sanitizer source names aside)}"; fi
done
if grep -E 'RPATH|RUNPATH' "$work/dynamic-bin.txt" | grep -qF "$build"; then
  bad "the installed program's RUNPATH names the build tree"
else ok "the installed program has no RUNPATH into the build tree"; fi


# The expected table: `discwright info`'s, after its header lines and
# without the "volume:" line info adds from the ISO 9660 volume.
"$DW" info "$sample" >"$work/info.txt" 2>&1 || bad "discwright info $sample: $(cat "$work/info.txt")"
sed '1,/^$/d; /^volume: /d' "$work/info.txt" >"$work/want.txt"
[ -s "$work/want.txt" ] && grep -q 'lead-out' "$work/want.txt" && ok "info's TOC table taken as the reference" ||
  bad "no TOC table in: $(cat "$work/info.txt")"

mkdir -p "$work/prog"
cat >"$work/prog/toc.c" <<'EOF'
/* Open an image with libdiscwright and print its TOC. */
#include <stdio.h>
#include <discwright/drive.h>
#include <discwright/errors.h>
#include <discwright/report.h>

int main(int argc, char **argv)
{
    struct dw_drive *drive = NULL;
    struct dw_error_detail err = {0};
    if (argc != 2)
        return 2;
    int rc = dw_drive_open(argv[1], 0, &drive, &err);
    if (rc) {
        fprintf(stderr, "toc: %s\n", err.message);
        return 1;
    }
    const struct dw_disc *disc = dw_drive_disc(drive);
    rc = disc ? dw_disc_write_text(disc, stdout) : -1;
    dw_drive_free(drive);
    return rc ? 1 : 0;
}
EOF

# 1. pkg-config, the tree found through PKG_CONFIG_PATH (the .pc file says
# its prefix relative to its own directory).
export PKG_CONFIG_PATH=$(dirname "$pc")
flags=$(pkg-config --cflags --libs discwright 2>"$work/pc.err")
inc=$(pkg-config --variable=includedir discwright)
ldir=$(pkg-config --variable=libdir discwright)
if [ -n "$flags" ] && [ "$(realpath -m "$inc")" = "$root/include" ] &&
  [ "$(realpath -m "$ldir")" = "$libdir" ] && [[ $flags == *"-I$inc"* ]] &&
  [[ $flags == *"-L$ldir"* ]]; then
  ok "pkg-config --cflags --libs discwright: $flags"
else
  bad "pkg-config --cflags --libs discwright: '$flags' $(cat "$work/pc.err")"
fi
[ "$(pkg-config --modversion discwright)" = "$("$DW" --version | head -1 | cut -d' ' -f2)" ] &&
  ok "pkg-config --modversion matches --version" || bad "pkg-config --modversion $(pkg-config --modversion discwright)"
# shellcheck disable=SC2086
if cc -std=c11 -Wall -Werror "${san[@]}" "$work/prog/toc.c" -o "$work/prog/toc-pc" $flags \
  2>"$work/cc.err"; then
  ok "the program builds with pkg-config's flags"
else
  bad "cc with pkg-config's flags: $(head -5 "$work/cc.err")"
fi
unset PKG_CONFIG_PATH

# 2. find_package(discwright) from a CMake project.
mkdir -p "$work/cmproj"
cp "$work/prog/toc.c" "$work/cmproj/"
cat >"$work/cmproj/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.18)
project(toc C)
find_package(discwright 0.2 REQUIRED)
add_executable(toc-cmake toc.c)
target_link_libraries(toc-cmake PRIVATE discwright::discwright)
EOF
if cmake -S "$work/cmproj" -B "$work/cmproj/build" -DCMAKE_PREFIX_PATH="$root" \
  -DCMAKE_C_FLAGS="${san[*]}" >"$work/cm.txt" 2>&1 &&
  cmake --build "$work/cmproj/build" >>"$work/cm.txt" 2>&1; then
  ok "the program builds with find_package(discwright) and discwright::discwright"
else
  bad "the CMake project: $(tail -8 "$work/cm.txt")"
fi
grep -q "discwright_DIR:PATH=$libdir" "$work/cmproj/build/CMakeCache.txt" 2>/dev/null &&
  ok "find_package found the installed package" ||
  bad "find_package: $(grep discwright_DIR "$work/cmproj/build/CMakeCache.txt" 2>/dev/null)"

# Both print info's table, with the installed library (and no other).
for prog in "$work/prog/toc-pc" "$work/cmproj/build/toc-cmake"; do
  name=$(basename "$prog")
  [ -x "$prog" ] || { bad "$name was not built"; continue; }
  if LD_LIBRARY_PATH=$libdir "$prog" "$sample" >"$work/$name.txt" 2>"$work/$name.err"; then
    same_file "$work/$name.txt" "$work/want.txt" "$name prints the TOC as discwright info does"
  else
    bad "$name: $(cat "$work/$name.err")"
  fi
  LD_LIBRARY_PATH=$libdir ldd "$prog" | grep 'libdiscwright' >"$work/ldd.txt"
  grep -qF "$libdir/libdiscwright.so.0" "$work/ldd.txt" && ok "$name loads the installed library" ||
    bad "$name loads: $(cat "$work/ldd.txt")"
done

# The installed program: --version and the profiles of its own tree.
check_installed() { # ROOT WHAT
  local r=$1 what=$2 l
  l=$(dirname "$(find "$r" -name 'libdiscwright.so.0' | head -1)")
  if LD_LIBRARY_PATH=$l "$r/bin/discwright" --version >"$work/v.txt" 2>&1; then
    ok "$what: discwright --version exits 0"
  else
    bad "$what: discwright --version: $(cat "$work/v.txt")"
  fi
  for word in libdiscwright/ libcdio/ libcdio_paranoia/ libburn/ libisofs/ zlib/ nettle/ json-c/ \
    libcurl/ libxml2/; do
    grep -q "^libraries: .*$word[0-9]" "$work/v.txt" || { bad "$what: --version lacks $word"; return; }
  done
  ok "$what: --version lists the versions of the linked libraries"
  grep -qxF "  $r/share/discwright/profiles" "$work/v.txt" &&
    ok "$what: --version names its own share/discwright/profiles, present" ||
    bad "$what: --version profiles: $(sed -n '/^profiles/,$p' "$work/v.txt")"
  LD_LIBRARY_PATH=$l "$r/bin/discwright" rip --list-profiles >"$work/lp.txt" 2>&1
  if grep -qE "file: $r/share/discwright/profiles/rip/secure\.json$" "$work/lp.txt" &&
    ! grep -qF "$source_dir/profiles" "$work/lp.txt"; then
    ok "$what: rip --list-profiles lists the installed profiles"
  else
    bad "$what: rip --list-profiles: $(head -6 "$work/lp.txt")"
  fi
}
check_installed "$root" "installed tree"
# Moved elsewhere as a whole (as dpkg -x or a relocated prefix would).
mv "$dest" "$work/moved"
check_installed "$work/moved$prefix" "moved tree"

# The Debian package, unpacked into a fresh tree.
if cpack -G DEB -B "$work/cpack" --config "$build/CPackConfig.cmake" >"$work/cpack.txt" 2>&1; then
  ok "cpack -G DEB"
else
  bad "cpack -G DEB: $(tail -8 "$work/cpack.txt")"
fi
deb=$(find "$work/cpack" -maxdepth 1 -name 'discwright_*.deb' | head -1)
if [ -n "$deb" ]; then
  ok "the package: $(basename "$deb")"
  depends=$(dpkg-deb -f "$deb" Depends)
  missing=""
  for p in libcdio libcdio-paranoia libburn libisofs libjson-c libcurl libxml2 zlib1g libnettle; do
    [[ $depends == *"$p"* ]] || missing+=" $p"
  done
  [ -z "$missing" ] && ok "its Depends (dpkg-shlibdeps) name the libraries" ||
    bad "Depends lacks$missing: $depends"
  # Listed to a file first: grep -q ending the pipe early would be a
  # SIGPIPE failure under pipefail.
  dpkg-deb --ctrl-tarfile "$deb" | tar -t >"$work/control.txt"
  grep -q 'shlibs$' "$work/control.txt" && ok "it ships a shlibs file" ||
    bad "no shlibs in the control archive: $(tr '\n' ' ' <"$work/control.txt")"
  if dpkg -x "$deb" "$work/debroot" 2>"$work/dpkg.err"; then
    ok "dpkg -x into a fresh tree"
    for f in usr/bin/discwright usr/include/discwright/drive.h usr/share/discwright/profiles/drives/offsets.tsv \
      usr/share/doc/discwright/LICENSE usr/share/bash-completion/completions/discwright \
      usr/share/zsh/vendor-completions/_discwright; do
      [ -e "$work/debroot/$f" ] || bad "the package lacks /$f"
    done
    [ -n "$(find "$work/debroot/usr/lib" -name libdiscwright.so.0)" ] &&
      [ -n "$(find "$work/debroot/usr/lib" -name discwright.pc)" ] &&
      ok "the package has the library, discwright.pc, the program, headers and profiles under /usr" ||
      bad "the package's /usr/lib: $(find "$work/debroot/usr/lib" | head)"
    [ ! -d "$build/man" ] || [ -f "$work/debroot/usr/share/man/man1/discwright-rip.1" ] ||
      [ -f "$work/debroot/usr/share/man/man1/discwright-rip.1.gz" ] || bad "the package lacks discwright-rip(1)"
    check_installed "$work/debroot/usr" "dpkg -x tree"
  else
    bad "dpkg -x: $(cat "$work/dpkg.err")"
  fi
else
  bad "no .deb in $work/cpack: $(ls "$work/cpack" 2>&1)"
fi

finish
