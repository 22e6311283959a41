# `cmake --install`: the dcsim command, its libraries and headers with a CMake package
# (find_package(dcsim) and dcsim::sim), the scenarios and catalogs, the plot scripts, the man
# page and the shell completions. `cpack -G DEB` makes a Debian package of the same tree.

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(DCSIM_INSTALL_INCLUDE_DIR "${CMAKE_INSTALL_INCLUDEDIR}/dcsim")
set(DCSIM_INSTALL_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/dcsim")
# The command finds these beside itself (../share/dcsim/...), so they follow bin/ and share/.
set(DCSIM_INSTALL_SCENARIO_DIR "${CMAKE_INSTALL_DATADIR}/dcsim/scenarios")

target_include_directories(dcsim_options INTERFACE $<INSTALL_INTERFACE:${DCSIM_INSTALL_INCLUDE_DIR}>)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# A program linking the installed libraries, which is not beside share/, still finds the data
# under the prefix configured here or of the Debian package (sim/scenario/DataDir.hpp).
set_source_files_properties(${PROJECT_SOURCE_DIR}/sim/scenario/DataDir.cpp TARGET_DIRECTORY dcsim_sim PROPERTIES
  COMPILE_DEFINITIONS "DCSIM_INSTALLED_SCENARIO_DIR=\"${CMAKE_INSTALL_FULL_DATADIR}/dcsim/scenarios\";DCSIM_PACKAGED_SCENARIO_DIR=\"${CPACK_PACKAGING_INSTALL_PREFIX}/${DCSIM_INSTALL_SCENARIO_DIR}\"")
foreach(_target options engine models analysis sim sweep_single hdf5)
  set_target_properties(dcsim_${_target} PROPERTIES EXPORT_NAME ${_target})
endforeach()

set(_dcsim_installed dcsim_options dcsim_engine dcsim_models dcsim_analysis dcsim_sim dcsim_sweep_single dcsim_hdf5)
install(TARGETS ${_dcsim_installed} EXPORT dcsimTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev)
install(TARGETS dcsim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET dcsim-mpi)
  install(TARGETS dcsim-mpi RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
foreach(_dir models sim analysis)
  install(DIRECTORY ${_dir}/ DESTINATION ${DCSIM_INSTALL_INCLUDE_DIR}/${_dir} COMPONENT dev
    FILES_MATCHING PATTERN "*.hpp")
endforeach()

install(DIRECTORY scenarios/ DESTINATION ${DCSIM_INSTALL_SCENARIO_DIR}
  PATTERN "*.h5" EXCLUDE)
install(DIRECTORY analysis/plots/ DESTINATION ${CMAKE_INSTALL_DATADIR}/dcsim/analysis/plots
  PATTERN "__pycache__" EXCLUDE PATTERN "*.pyc" EXCLUDE)

# The man page and the completions come from the command's own definition (dcsim man,
# dcsim completion bash|zsh), so they list exactly what it accepts.
set(_dcsim_generated "${PROJECT_BINARY_DIR}/generated")
add_custom_command(
  OUTPUT ${_dcsim_generated}/dcsim.1 ${_dcsim_generated}/dcsim.bash ${_dcsim_generated}/_dcsim
  COMMAND ${CMAKE_COMMAND} -E make_directory ${_dcsim_generated}
  COMMAND dcsim man > ${_dcsim_generated}/dcsim.1
  COMMAND dcsim completion bash > ${_dcsim_generated}/dcsim.bash
  COMMAND dcsim completion zsh > ${_dcsim_generated}/_dcsim
  DEPENDS dcsim
  COMMENT "Generating the dcsim man page and shell completions"
  VERBATIM)
add_custom_target(dcsim_docs ALL DEPENDS ${_dcsim_generated}/dcsim.1 ${_dcsim_generated}/dcsim.bash ${_dcsim_generated}/_dcsim)
install(FILES ${_dcsim_generated}/dcsim.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${_dcsim_generated}/dcsim.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME dcsim)
install(FILES ${_dcsim_generated}/_dcsim DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)

install(EXPORT dcsimTargets NAMESPACE dcsim:: DESTINATION ${DCSIM_INSTALL_CMAKE_DIR} COMPONENT dev)
if(_dcsim_hdf5_static)
  set(DCSIM_HDF5_IS_STATIC TRUE)
else()
  set(DCSIM_HDF5_IS_STATIC FALSE)
endif()
configure_package_config_file(cmake/dcsimConfig.cmake.in ${PROJECT_BINARY_DIR}/dcsimConfig.cmake
  INSTALL_DESTINATION ${DCSIM_INSTALL_CMAKE_DIR}
  PATH_VARS DCSIM_INSTALL_SCENARIO_DIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/dcsimConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/dcsimConfig.cmake ${PROJECT_BINARY_DIR}/dcsimConfigVersion.cmake
  DESTINATION ${DCSIM_INSTALL_CMAKE_DIR} COMPONENT dev)

set(CPACK_PACKAGE_NAME dcsim)
set(CPACK_PACKAGE_VENDOR "dcsim")
set(CPACK_PACKAGE_CONTACT "dcsim maintainers <dcsim@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
# The command's shared libraries (read from the binaries by dpkg-shlibdeps when it is there);
# the headers and the CMake package need the -dev packages, which are suggested.
find_program(DCSIM_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(DCSIM_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "libyaml-cpp0.7, libfmt9, libgomp1, libsz2, zlib1g, libstdc++6")
endif()
set(CPACK_DEBIAN_PACKAGE_SUGGESTS
    "python3-h5py, python3-matplotlib, libyaml-cpp-dev, libfmt-dev, nlohmann-json3-dev, libcli11-dev, libeigen3-dev, libhdf5-dev")
include(CPack)
