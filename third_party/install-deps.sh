#!/usr/bin/env bash
# Installs every Debian package dcsim needs to build and test, if missing. Idempotent: a machine
# that already has them all is left untouched and no package index is fetched.
set -euo pipefail

packages=(
  build-essential   # g++ 12 (C++20)
  cmake             # >= 3.25
  ninja-build
  pkg-config
  libyaml-cpp-dev   # scenario files
  libhdf5-dev       # run output
  hdf5-tools        # h5dump, to inspect outputs
  doctest-dev       # unit tests
  libcli11-dev      # command line
  libfmt-dev        # formatting
  nlohmann-json3-dev  # --json output
  libeigen3-dev     # generation-mix grid model
  libopenmpi-dev openmpi-bin  # dcsim sweep under mpirun (optional at build time; found by CMake)
  clang               # fuzz/: libFuzzer harnesses (clang 14)
  libclang-rt-14-dev  # fuzz/: libFuzzer, ASan and UBSan runtimes for clang
  libomp-14-dev       # fuzz/: OpenMP for clang (the sweeps use it)
  python3-numpy       # dcsim plot (analysis/plots/)
  python3-h5py        # dcsim plot: reading run and sweep files
  python3-matplotlib  # dcsim plot: drawing
  python3-pandas      # analysis/examples/load_run.py
  python3-xarray      # analysis/examples/load_run.py: the time series by time
  python3-h5netcdf    # analysis/examples/load_run.py: xarray's engine for HDF5 groups
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
