# The test `package_deb`: cpack -G DEB on the build, then the package must hold the command, the
# man page, the CMake package and the scenarios under /usr. Variables: BUILD_DIR, WORK_DIR,
# CPACK, DPKG_DEB.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
execute_process(COMMAND "${CPACK}" -G DEB --config "${BUILD_DIR}/CPackConfig.cmake" -B "${WORK_DIR}"
  RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
file(GLOB deb "${WORK_DIR}/*.deb")
if(NOT code EQUAL 0 OR NOT deb)
  message(FATAL_ERROR "cpack -G DEB failed (${code}):\n${out}\n${err}")
endif()
execute_process(COMMAND "${DPKG_DEB}" -c ${deb} RESULT_VARIABLE code OUTPUT_VARIABLE files)
foreach(f ./usr/bin/dcsim ./usr/share/man/man1/dcsim.1 /dcsimConfig.cmake ./usr/share/dcsim/scenarios/paper/gpt3.yaml
          ./usr/include/dcsim/sim/Run.hpp)
  string(FIND "${files}" "${f}" at)
  if(at LESS 0)
    message(FATAL_ERROR "${deb} has no ${f}:\n${files}")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK_DIR}")
