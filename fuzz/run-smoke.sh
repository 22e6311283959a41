#!/usr/bin/env bash
# Builds the libFuzzer harnesses in build-fuzz/ (clang, AddressSanitizer, UndefinedBehaviorSanitizer)
# and runs each from its seed corpus in fuzz/corpus/<target>/ for a short time. Exits 1 if any
# harness finds a crash, a leak, a timeout or an input that takes too much memory; the input that
# did it is kept in build-fuzz/findings/.
#
#   fuzz/run-smoke.sh [SECONDS]     seconds per harness (default 25, or $DCSIM_FUZZ_SECONDS)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-${DCSIM_FUZZ_SECONDS:-25}}

# -O1 with line tables: enough for sanitizer reports with file and line, and quick to compile.
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=None -DCMAKE_C_COMPILER=clang \
  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_FLAGS="-O1 -gline-tables-only" -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only" \
  -DDCSIM_FUZZ=ON -DDCSIM_BUILD_TESTS=OFF > /dev/null
cmake --build build-fuzz --target dcsim_fuzzers

findings=build-fuzz/findings
mkdir -p "$findings"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
failed=()
for corpus in fuzz/corpus/*/; do
  target=$(basename "$corpus")
  # New inputs go to a scratch directory; the seeds in the repository are only read.
  mkdir "$work/$target"
  start=$SECONDS
  if "build-fuzz/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -artifact_prefix="$findings/$target-" -print_final_stats=1 "$work/$target" "$corpus" \
      < /dev/null > "$work/$target.log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$target.log" | grep -o '[0-9]*$' || echo '?')
    echo "fuzz: $target: ok ($runs inputs in $((SECONDS - start)) s)"
  else
    echo "fuzz: $target: FAILED"
    tail -n 40 "$work/$target.log"
    failed+=("$target")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]}; the inputs are in $findings/" >&2
  exit 1
fi
echo "fuzz: all harnesses passed"
