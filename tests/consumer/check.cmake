# The test `install_consumer`: installs the build into a fresh prefix, builds tests/consumer/ (a
# project outside the tree: find_package(dcsim), dcsim::sim) against it, runs it on the
# installed scenarios, and runs the installed command, which must find its data beside itself.
# Variables: BUILD_DIR, SOURCE_DIR, WORK_DIR, GENERATOR, C_COMPILER, CXX_COMPILER, CXX_FLAGS,
# LINKER_FLAGS, BUILD_TYPE.

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "failed (${code}): ${ARGN}\n${out}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")
run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")

foreach(f bin/dcsim share/man/man1/dcsim.1 share/bash-completion/completions/dcsim share/zsh/vendor-completions/_dcsim
          share/dcsim/scenarios/paper/gpt3.yaml share/dcsim/scenarios/catalog/hardware.yaml
          share/dcsim/analysis/plots/plot.py include/dcsim/sim/Run.hpp)
  if(NOT EXISTS "${prefix}/${f}")
    message(FATAL_ERROR "the install has no ${f}")
  endif()
endforeach()
file(GLOB_RECURSE config "${prefix}/*/dcsimConfig.cmake")
if(NOT config)
  message(FATAL_ERROR "the install has no dcsimConfig.cmake")
endif()

run(${CMAKE_COMMAND} -S "${SOURCE_DIR}/tests/consumer" -B "${WORK_DIR}/build" -G "${GENERATOR}"
    "-DCMAKE_PREFIX_PATH=${prefix}" "-DCMAKE_C_COMPILER=${C_COMPILER}" "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
    "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}" "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}")
run(${CMAKE_COMMAND} --build "${WORK_DIR}/build")

# GPT-3 of Table 4: the paper gives 1,287 MWh and 552.1 t CO2e.
run("${WORK_DIR}/build/consumer" "${prefix}/share/dcsim/scenarios/paper/gpt3.yaml" "${WORK_DIR}/gpt3.h5")
string(REGEX MATCH "facility_energy_mwh ([0-9.]+)" _ "${out}")
set(mwh "${CMAKE_MATCH_1}")
string(REGEX MATCH "co2e_gross_t ([0-9.]+)" _ "${out}")
set(tonnes "${CMAKE_MATCH_1}")
if(NOT mwh OR mwh LESS 1286.5 OR mwh GREATER 1287.5 OR NOT tonnes OR tonnes LESS 551.6 OR tonnes GREATER 552.6)
  message(FATAL_ERROR "the consumer's GPT-3 run is not the paper's 1,287 MWh and 552.1 t:\n${out}")
endif()
if(NOT EXISTS "${WORK_DIR}/gpt3.h5")
  message(FATAL_ERROR "the consumer wrote no HDF5 file")
endif()

# The installed command reads the installed file and catalogs, not the source tree's.
set(ENV{DCSIM_SCENARIO_DIR} "")
run("${prefix}/bin/dcsim" report "${WORK_DIR}/gpt3.h5")
run("${prefix}/bin/dcsim" catalog hardware)
string(FIND "${out}" "${prefix}/share/dcsim/scenarios/catalog/hardware.yaml" at)
if(at LESS 0)
  message(FATAL_ERROR "the installed dcsim does not read the installed catalog:\n${out}")
endif()
run("${prefix}/bin/dcsim" explain "${prefix}/share/dcsim/scenarios/whatif/facility-hyperscale-iowa-year.yaml")
string(FIND "${out}" "catalog: ${prefix}/share/dcsim/scenarios/catalog/facilities.yaml" at)
if(at LESS 0)
  message(FATAL_ERROR "the installed dcsim does not default to the installed facility catalog:\n${out}")
endif()

file(REMOVE_RECURSE "${WORK_DIR}")
message(STATUS "consumer: ${mwh} MWh, ${tonnes} t")
