# SPDX-License-Identifier: GPL-3.0-or-later
# `cpack -G DEB` (run in the build directory) makes discwright_VERSION_ARCH.deb
# from the install rules of cmake/Install.cmake, installed under /usr.  One
# package holds the program, the shared library, the headers and the
# profiles; its Depends come from dpkg-shlibdeps over the ELF files (and
# the libcurl package, which is loaded at run time), and it
# ships a shlibs file and an ldconfig trigger for libdiscwright.so.0.
set(CPACK_PACKAGE_NAME discwright)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "rip, burn and verify CDs, DVDs and BDs (library and program)")
set(CPACK_PACKAGE_DESCRIPTION
    "discwright rips CDs to BIN/CUE with every data sector checked against its EDC/ECC and audio read securely and checked against AccurateRip and CTDB, rips DVDs and BDs to ISO, burns ISO and BIN/CUE images through libburn and verifies a disc against its image.")
set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(DW_PACKAGE_MAINTAINER "discwright developers <discwright@invalid>" CACHE STRING
    "Maintainer field of the .deb made by cpack -G DEB")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${DW_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libcurl is loaded with dlopen (src/checksum/curl_dl.c), which
# dpkg-shlibdeps cannot see: the package holding DW_CURL_SONAME is named
# here, and shlibdeps' list is added to it.
execute_process(COMMAND dpkg-query -S "*/${DW_CURL_SONAME}" OUTPUT_VARIABLE dw_curl_owner
                ERROR_QUIET)
string(REGEX MATCH "^[^:, ]+" dw_curl_package "${dw_curl_owner}")
if(dw_curl_package)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "${dw_curl_package}")
endif()
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY "=")
set(CPACK_GENERATOR DEB)
include(CPack)
