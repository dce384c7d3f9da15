#!/usr/bin/env bash
# Builds the EVMC library and names it as EVMC hosts expect: libssvm-evmc.so (cargo
# cannot emit a hyphen in a library name). Prints the path.
#   scripts/build-evmc.sh            release build
#   scripts/build-evmc.sh --debug    debug build
set -euo pipefail
cd "$(dirname "$0")/.."
profile=release
flags=(--release)
if [ "${1:-}" = "--debug" ]; then
    profile=debug
    flags=()
fi
cargo build -q -p ssvm-evmc-so "${flags[@]}"
dir="${CARGO_TARGET_DIR:-target}/$profile"
cp "$dir/libssvm_evmc_so.so" "$dir/libssvm-evmc.so"
echo "$dir/libssvm-evmc.so"
