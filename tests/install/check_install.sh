#!/usr/bin/env bash
# Installs netkit from BUILD_DIR into a temporary prefix, then builds and runs a consumer with
# find_package(netkit CONFIG) and another with pkg-config.
# Usage: check_install.sh BUILD_DIR SRC_DIR [CXXFLAGS]
set -euo pipefail
build=$1
src=$2
cxxflags=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/netkit/socket.hpp"
cmake -S "$src/tests/install/consumer" -B "$work/consumer" -G Ninja \
      -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_CXX_FLAGS="$cxxflags" >/dev/null
cmake --build "$work/consumer" >/dev/null
out=$("$work/consumer/consumer")
[ "$out" = "b'ping'" ] || { echo "find_package consumer printed: $out"; exit 1; }
pc_dir=$(dirname "$(find "$work/prefix" -name netkit.pc | head -1)")
flags=$(PKG_CONFIG_PATH="$pc_dir" pkg-config --cflags --libs netkit)
# shellcheck disable=SC2086 # word splitting of the flags is wanted
c++ $cxxflags "$src/tests/install/consumer/main.cpp" $flags -o "$work/pc_consumer"
out=$("$work/pc_consumer")
[ "$out" = "b'ping'" ] || { echo "pkg-config consumer printed: $out"; exit 1; }
echo "install: find_package and pkg-config consumers built and ran"
