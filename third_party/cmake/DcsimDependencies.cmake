# Finds every external library dcsim builds against. A missing one stops configure with the name
# of the Debian package that provides it (third_party/install-deps.sh installs them all).

macro(dcsim_require package debian_package)
  find_package(${package} ${ARGN} QUIET)
  if(NOT ${package}_FOUND)
    message(FATAL_ERROR
      "dcsim needs ${package}: install the Debian package '${debian_package}' "
      "(or run third_party/install-deps.sh as root).")
  endif()
endmacro()

dcsim_require(yaml-cpp libyaml-cpp-dev)
dcsim_require(HDF5 libhdf5-dev COMPONENTS C HL)
find_package(Threads REQUIRED)
dcsim_require(CLI11 libcli11-dev)
dcsim_require(fmt libfmt-dev)
dcsim_require(nlohmann_json nlohmann-json3-dev)
dcsim_require(Eigen3 libeigen3-dev NO_MODULE)
if(DCSIM_BUILD_TESTS)
  dcsim_require(doctest doctest-dev)
endif()

# yaml-cpp 0.7 exports a plain target name; give it the namespaced one the rest of the build uses.
if(TARGET yaml-cpp AND NOT TARGET yaml-cpp::yaml-cpp)
  add_library(yaml-cpp::yaml-cpp ALIAS yaml-cpp)
endif()

# HDF5 for the run and sweep files. Debian's shared libhdf5 pulls in some thirty further shared
# libraries (its S3 driver needs curl, TLS, Kerberos, LDAP), which costs every `dcsim` start
# several milliseconds of mapping; the static archive, linked with only what its file drivers
# need, does not. DCSIM_STATIC_HDF5=OFF links the shared library instead. The high-level library
# (hdf5_hl) gives the dimension scales that let netCDF readers (xarray) index a run by time.
option(DCSIM_STATIC_HDF5 "Link HDF5 statically when its archive is installed (faster start-up)" ON)
add_library(dcsim_hdf5 INTERFACE)
add_library(dcsim::hdf5 ALIAS dcsim_hdf5)
set(_dcsim_hdf5_static "")
if(DCSIM_STATIC_HDF5)
  foreach(_lib IN LISTS HDF5_C_LIBRARIES)
    if(_lib MATCHES "/libhdf5(_serial)?\\.so$")
      get_filename_component(_dir "${_lib}" DIRECTORY)
      find_library(DCSIM_HDF5_ARCHIVE NAMES libhdf5.a libhdf5_serial.a HINTS "${_dir}" NO_DEFAULT_PATH)
      find_library(DCSIM_HDF5_HL_ARCHIVE NAMES libhdf5_hl.a libhdf5_serial_hl.a HINTS "${_dir}" NO_DEFAULT_PATH)
      find_library(DCSIM_SZ_LIBRARY NAMES sz)
      find_library(DCSIM_Z_LIBRARY NAMES z)
      if(DCSIM_HDF5_ARCHIVE AND DCSIM_HDF5_HL_ARCHIVE AND DCSIM_SZ_LIBRARY AND DCSIM_Z_LIBRARY)
        set(_dcsim_hdf5_static "${DCSIM_HDF5_HL_ARCHIVE}" "${DCSIM_HDF5_ARCHIVE}")
      endif()
    endif()
  endforeach()
endif()
if(_dcsim_hdf5_static)
  target_include_directories(dcsim_hdf5 SYSTEM INTERFACE ${HDF5_C_INCLUDE_DIRS})
  target_compile_definitions(dcsim_hdf5 INTERFACE ${HDF5_C_DEFINITIONS})
  target_link_libraries(dcsim_hdf5 INTERFACE ${_dcsim_hdf5_static} "${DCSIM_SZ_LIBRARY}" "${DCSIM_Z_LIBRARY}"
                        ${CMAKE_DL_LIBS} m Threads::Threads)
  message(STATUS "dcsim: HDF5 linked statically (${_dcsim_hdf5_static})")
else()
  # zlib directly too: the datasets deflate their chunks themselves (analysis/hdf5/ChunkCompressor).
  find_library(DCSIM_Z_LIBRARY NAMES z REQUIRED)
  target_link_libraries(dcsim_hdf5 INTERFACE hdf5::hdf5 hdf5::hdf5_hl "${DCSIM_Z_LIBRARY}")
endif()
