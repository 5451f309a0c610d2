# SPDX-License-Identifier: GPL-3.0-or-later
# Every dependency comes through pkg-config; a missing one stops configure
# with the Debian package that provides it.
find_package(PkgConfig)
if(NOT PKG_CONFIG_FOUND)
  message(FATAL_ERROR "pkg-config not found: install it with 'apt-get install pkg-config'")
endif()

function(dw_require name module debian)
  pkg_check_modules(${name} QUIET IMPORTED_TARGET ${module})
  if(NOT ${name}_FOUND)
    message(FATAL_ERROR "missing dependency '${module}': install it with 'apt-get install ${debian}'")
  endif()
  message(STATUS "found ${module} ${${name}_VERSION}")
endfunction()

dw_require(CDIO libcdio libcdio-dev)
dw_require(CDIO_CDDA libcdio_cdda libcdio-cdda-dev)
dw_require(CDIO_PARANOIA libcdio_paranoia libcdio-paranoia-dev)
dw_require(BURN libburn-1 libburn-dev)
dw_require(ISOFS libisofs-1 libisofs-dev)
dw_require(ZLIB zlib zlib1g-dev)
dw_require(NETTLE nettle nettle-dev)
# CRC-32 over sector data (src/checksum/hashset.c dw__crc32_update): Intel's
# ISA-L crc32_gzip_refl folds with PCLMULQDQ/VPCLMULQDQ; Debian's zlib 1.2.13
# has table code only.  zlib's crc32_combine still joins CRCs.
dw_require(ISAL libisal libisal-dev)
dw_require(JSONC json-c libjson-c-dev)
dw_require(CURL libcurl libcurl4-gnutls-dev)
# libcurl is loaded on first use (src/checksum/curl_dl.c), by the SONAME
# of the library pkg-config names (libcurl-gnutls.so.4 on Debian).
set(DW_CURL_SONAME "")
get_target_property(curl_libs PkgConfig::CURL INTERFACE_LINK_LIBRARIES)
foreach(lib IN LISTS curl_libs)
  if(lib MATCHES "curl[^/]*\\.so$" AND CMAKE_OBJDUMP)
    execute_process(COMMAND ${CMAKE_OBJDUMP} -p ${lib} OUTPUT_VARIABLE dump ERROR_QUIET)
    if(dump MATCHES "SONAME +([^ \n]+)")
      set(DW_CURL_SONAME "${CMAKE_MATCH_1}")
    endif()
  endif()
endforeach()
if(NOT DW_CURL_SONAME)
  message(FATAL_ERROR "cannot read the SONAME of libcurl (${curl_libs}): install binutils")
endif()
message(STATUS "libcurl loaded at run time as ${DW_CURL_SONAME}")
dw_require(XML2 libxml-2.0 libxml2-dev)
# CHD images (src/image/chd*.c): hunk codecs.  liblzma 5.4 for the LZMA1
# filter without end marker (LZMA_FILTER_LZMA1EXT) that CHD's lzma uses.
dw_require(LZMA "liblzma>=5.4" liblzma-dev)
dw_require(FLAC flac libflac-dev)
dw_require(ZSTD libzstd libzstd-dev)

# Containers around images (src/image/cso.c, zstream.c): xz streams (LZMA
# above), ZSO and CSO v2 LZ4 blocks.
dw_require(LZ4 liblz4 liblz4-dev)
# bzip2 chunks of Apple DMG images (src/image/dmg.c); Debian's libbz2-dev
# ships no pkg-config file.
find_path(BZ2_INCLUDE_DIR bzlib.h)
find_library(BZ2_LIBRARY bz2)
if(NOT BZ2_INCLUDE_DIR OR NOT BZ2_LIBRARY)
  message(FATAL_ERROR "missing dependency 'libbz2': install it with 'apt-get install libbz2-dev'")
endif()
message(STATUS "found libbz2 ${BZ2_LIBRARY}")
# Audio: FLAC/WAV output of rip and FLAC/WAV/AIFF files named by cue
# sheets (libFLAC above, libsndfile), MusicBrainz disc ids (libdiscid).
dw_require(SNDFILE sndfile libsndfile1-dev)
dw_require(DISCID libdiscid libdiscid-dev)

set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)

add_library(dw_deps INTERFACE)
target_link_libraries(dw_deps INTERFACE PkgConfig::CDIO PkgConfig::CDIO_CDDA
  PkgConfig::CDIO_PARANOIA PkgConfig::BURN PkgConfig::ISOFS PkgConfig::ZLIB
  PkgConfig::NETTLE PkgConfig::ISAL PkgConfig::JSONC Threads::Threads)
target_link_libraries(dw_deps INTERFACE PkgConfig::LZMA PkgConfig::FLAC PkgConfig::ZSTD
  PkgConfig::LZ4 ${BZ2_LIBRARY})
target_include_directories(dw_deps INTERFACE ${BZ2_INCLUDE_DIR})
target_link_libraries(dw_deps INTERFACE PkgConfig::SNDFILE PkgConfig::DISCID)
# dladdr (src/profile/offsets.c: the installed profiles are found from
# where the library is loaded); in libc itself since glibc 2.34.
target_link_libraries(dw_deps INTERFACE ${CMAKE_DL_LIBS})
# PkgConfig::CURL and PkgConfig::XML2 are linked where they are needed: see
# CMakeLists.txt.
