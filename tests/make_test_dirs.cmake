# SPDX-License-Identifier: GPL-3.0-or-later
# CTest fixture "test-dirs" (tests/CMakeLists.txt): for each test named in
# NAMES (one per line), an empty TMP_ROOT/NAME and HOME_ROOT/NAME/cache,
# .../config and .../data (its XDG homes), after removing whatever an
# earlier run left in both roots.
file(REMOVE_RECURSE ${TMP_ROOT} ${HOME_ROOT})
file(STRINGS ${NAMES} names)
foreach(name IN LISTS names)
  file(MAKE_DIRECTORY ${TMP_ROOT}/${name} ${HOME_ROOT}/${name}/cache
       ${HOME_ROOT}/${name}/config ${HOME_ROOT}/${name}/data)
endforeach()
