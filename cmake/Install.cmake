# SPDX-License-Identifier: GPL-3.0-or-later
# Install rules and the package files (included from CMakeLists.txt after
# the targets are defined).  Layout (GNUInstallDirs):
#   bin/discwright
#   LIBDIR/libdiscwright.so.0.1.0, .so.0 (the SONAME), .so (for linking)
#   include/discwright/*.h
#   LIBDIR/pkgconfig/discwright.pc
#   LIBDIR/cmake/discwright/discwright{Config,ConfigVersion,Targets*}.cmake
#   share/discwright/profiles/  (found by the library relative to LIBDIR)
#   share/doc/discwright/       (LICENSE, README.md, docs/*.md)
#   share/man/man1/discwright*.1, share/bash-completion/completions/discwright,
#   share/zsh/vendor-completions/_discwright  (cmake/Manpages.cmake)
include(CMakePackageConfigHelpers)

install(TARGETS discwright EXPORT discwrightTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS discwright_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY include/discwright DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")
install(DIRECTORY profiles/ DESTINATION ${CMAKE_INSTALL_DATADIR}/discwright/profiles)
install(FILES LICENSE README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR})

# pkg-config: only the shared library is built and its headers include
# only the C library's, so programs need -I and -ldiscwright alone (no
# Requires.private: pkg-config would add every dependency's -I to
# --cflags for nothing).
# The prefix is said relative to the .pc file's own directory
# (${pcfiledir}, pkg-config and pkgconf both know it), so the file stays
# true wherever the tree is installed: cpack's /usr, a DESTDIR, dpkg -x.
file(RELATIVE_PATH DW_PC_TO_PREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig
     ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" DW_PC_TO_PREFIX "${DW_PC_TO_PREFIX}")
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  message(FATAL_ERROR "CMAKE_INSTALL_LIBDIR and CMAKE_INSTALL_INCLUDEDIR must be relative "
                      "to the prefix (the installed tree finds itself from where it is)")
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/discwright.pc.in
               ${CMAKE_BINARY_DIR}/discwright.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/discwright.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# CMake: find_package(discwright) gives the imported target
# discwright::discwright (include directory and the shared library).
set(DW_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/discwright)
install(EXPORT discwrightTargets NAMESPACE discwright::
        DESTINATION ${DW_CMAKE_DIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/discwrightConfig.cmake.in
  ${CMAKE_BINARY_DIR}/discwrightConfig.cmake INSTALL_DESTINATION ${DW_CMAKE_DIR})
# 0.x: a 0.y release may change the API, so only the same minor version
# is compatible (the SONAME stays 0 until 1.0).
write_basic_package_version_file(${CMAKE_BINARY_DIR}/discwrightConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/discwrightConfig.cmake
              ${CMAKE_BINARY_DIR}/discwrightConfigVersion.cmake
        DESTINATION ${DW_CMAKE_DIR})
