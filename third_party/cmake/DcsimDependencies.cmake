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
dcsim_require(HDF5 libhdf5-dev COMPONENTS C)
dcsim_require(CLI11 libcli11-dev)
dcsim_require(fmt libfmt-dev)
dcsim_require(nlohmann_json nlohmann-json3-dev)
dcsim_require(Eigen3 libeigen3-dev NO_MODULE)
dcsim_require(Boost libboost-graph-dev 1.74 CONFIG COMPONENTS graph)
if(DCSIM_BUILD_TESTS)
  dcsim_require(doctest doctest-dev)
endif()

# yaml-cpp 0.7 exports a plain target name; give it the namespaced one the rest of the build uses.
if(TARGET yaml-cpp AND NOT TARGET yaml-cpp::yaml-cpp)
  add_library(yaml-cpp::yaml-cpp ALIAS yaml-cpp)
endif()
