#!/usr/bin/env bash
# netkit's one entry point for building, touring and testing on a fresh Debian 12 machine.
#   ./build.sh tour          build (release) and run `netkit tour`
#   ./build.sh test [PRESET] build and run the whole test suite (preset: release, asan, tsan, debug)
#   ./build.sh fuzz [SECONDS] build the libFuzzer targets with clang and run each for SECONDS
#   ./build.sh bench [ARGS]   build (release) and run the echo benchmark (bench/echo/run.py ARGS)
#   ./build.sh bench-http [ARGS] build (release) and run the HTTP benchmark (bench/http/run.py ARGS)
#   ./build.sh reliability   issue 8's battery, bounded (docs/reliability.md): the suite with its
#                            fault tests under ASan+UBSan and under TSan, valgrind on the
#                            examples, a 30 s soak, every fuzz target for 15 s
#   ./build.sh soak [ARGS]   build (release) and run the soak (bench/soak/run.py ARGS)
# Missing Debian packages are installed first (apt-get, only those that are missing).
set -euo pipefail
cd "$(dirname "$0")"

packages=(cmake g++ ninja-build ccache python3 libgtest-dev libgmock-dev libbenchmark-dev
          libcli11-dev nlohmann-json3-dev iproute2 pkgconf)

ensure_packages() {
  local missing=()
  for p in "${packages[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "build.sh: installing missing packages: ${missing[*]}" >&2
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
}

configure_and_build() {
  local preset=$1
  shift
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$(nproc)" "$@"
}

cmd=${1:-}
case "$cmd" in
  tour)
    ensure_packages
    configure_and_build release --target netkit_app
    exec build/release/apps/netkit/netkit tour
    ;;
  test)
    preset=${2:-release}
    # Twisted (for /usr/bin/python3): the seeds' Twisted programs are the reactor twins' peers.
    # curl, wrk and nginx: the HTTP server's and client's real peers (tests/interop/http_*.py;
    # Chromium, large, is installed by that test itself within its time budget).
    ensure_packages python3-twisted curl wrk nginx
    configure_and_build "$preset"
    ctest --preset "$preset" -j "$(nproc)"
    ;;
  bench)
    shift
    # The peers netkit is measured against, and the counters (bench code only).
    ensure_packages libasio-dev libuv1-dev libevent-dev python3-matplotlib valgrind strace
    configure_and_build release --target netkit_app bench_echo_servers
    exec python3 bench/echo/run.py --build build/release "$@"
    ;;
  bench-http)
    shift
    # The load generator and the peers (bench code only); Debian 12's nginx-light is a
    # transitional package for nginx.
    ensure_packages wrk nginx libcpp-httplib-dev valgrind strace
    configure_and_build release --target netkit_app bench_http_servers
    exec python3 bench/http/run.py --build build/release "$@"
    ;;
  fuzz)
    ensure_packages clang libclang-rt-14-dev
    exec fuzz/run.sh "${2:-20}"
    ;;
  soak)
    shift
    ensure_packages python3-matplotlib
    configure_and_build release --target bench_soak
    exec python3 bench/soak/run.py --build build/release "$@"
    ;;
  reliability)
    # Every step is bounded; the first failure stops the run (set -e). Timings: docs/reliability.md.
    ensure_packages python3-twisted curl wrk nginx valgrind python3-matplotlib clang libclang-rt-14-dev
    ./build.sh test asan
    ./build.sh test tsan
    configure_and_build release  # all of it: the examples for valgrind, the soak's programs
    python3 tests/tools/valgrind_examples.py --examples build/release/examples \
      --seeds ../shared/seeds/py --app build/release/apps/netkit/netkit
    python3 bench/soak/run.py --build build/release --duration 30 --out build/release/soak
    fuzz/run.sh 15
    ;;
  *)
    sed -n '2,12p' "$0" >&2
    exit 2
    ;;
esac
