#!/usr/bin/env bash
# Builds every fuzz target with clang (libFuzzer + ASan + UBSan) and runs each for SECONDS
# (default 20) on its corpus in fuzz/corpus/<name>/. New inputs found go to a scratch corpus so
# the committed one changes only by hand. Usage: fuzz/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
build=build/fuzz
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1"
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DNETKIT_BUILD_FUZZ=ON -DNETKIT_BUILD_TESTS=OFF -DNETKIT_BUILD_EXAMPLES=OFF \
      -DNETKIT_BUILD_APPS=OFF -DNETKIT_BUILD_BENCH=OFF -DCMAKE_CXX_FLAGS="$san -fsanitize=fuzzer-no-link" >/dev/null
cmake --build "$build" -j "$(nproc)"
shopt -s nullglob
targets=("$build"/fuzz/fuzz_*)
if [ ${#targets[@]} -eq 0 ]; then
  echo "fuzz: no targets"
  exit 0
fi
for t in "${targets[@]}"; do
  name=$(basename "$t")
  name=${name#fuzz_}
  scratch=$(mktemp -d)
  mkdir -p "fuzz/corpus/$name"
  echo "fuzz: $name for ${seconds}s"
  "$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       "$scratch" "fuzz/corpus/$name" 2>&1 | grep -E 'stat::number_of_executed_units|ERROR|SUMMARY' || true
  status=${PIPESTATUS[0]}
  rm -rf "$scratch"
  [ "$status" -eq 0 ] || { echo "fuzz: $name FAILED (status $status)"; exit 1; }
done
echo "fuzz: all targets ran clean"
