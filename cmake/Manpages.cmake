# SPDX-License-Identifier: GPL-3.0-or-later
# Man pages and shell completion, generated at build time from one source:
# the option tables of the commands (src/cli/cli_opts.h).
#   build/completion/discwright     bash (bash-completion's completions dir)
#   build/completion/_discwright    zsh
#   build/man/discwright*.1         docs/discwright*.md with its OPTIONS
#                                   section written by discwright-cligen from
#                                   the tables, then pandoc -t man
# pandoc (Debian package pandoc, installed by run.sh) is needed for the man
# pages; without it they are not built and configure says so.
set(DW_COMPLETION_DIR ${CMAKE_BINARY_DIR}/completion)
add_custom_command(
  OUTPUT ${DW_COMPLETION_DIR}/discwright ${DW_COMPLETION_DIR}/_discwright
  COMMAND ${CMAKE_COMMAND} -E make_directory ${DW_COMPLETION_DIR}
  COMMAND discwright-cligen bash > ${DW_COMPLETION_DIR}/discwright
  COMMAND discwright-cligen zsh > ${DW_COMPLETION_DIR}/_discwright
  DEPENDS discwright-cligen
  COMMENT "Generating bash and zsh completion from the option tables")
add_custom_target(completion ALL DEPENDS ${DW_COMPLETION_DIR}/discwright
                                         ${DW_COMPLETION_DIR}/_discwright)
install(FILES ${DW_COMPLETION_DIR}/discwright
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES ${DW_COMPLETION_DIR}/_discwright
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)

find_program(DW_PANDOC pandoc)
file(GLOB DW_MAN_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/docs/discwright*.md)
set(DW_MAN_PAGES)
if(DW_PANDOC)
  set(DW_MAN_DIR ${CMAKE_BINARY_DIR}/man)
  foreach(md ${DW_MAN_SOURCES})
    get_filename_component(page ${md} NAME_WE)
    set(out ${DW_MAN_DIR}/${page}.1)
    # The title line "# discwright-rip(1)" becomes pandoc's title block.
    add_custom_command(
      OUTPUT ${out}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${DW_MAN_DIR}
      COMMAND discwright-cligen man ${md} > ${DW_MAN_DIR}/${page}.md
      COMMAND ${DW_PANDOC} -s -f markdown -t man --shift-heading-level-by=-1
              -M title=${page} -M section=1 -M header=discwright
              -M footer=discwright-${PROJECT_VERSION}
              ${DW_MAN_DIR}/${page}.md -o ${out}
      DEPENDS discwright-cligen ${md}
      COMMENT "Generating man page ${page}(1)")
    list(APPEND DW_MAN_PAGES ${out})
  endforeach()
  add_custom_target(manpages ALL DEPENDS ${DW_MAN_PAGES})
  install(FILES ${DW_MAN_PAGES} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(WARNING "pandoc not found: no man pages (apt-get install pandoc)")
endif()
