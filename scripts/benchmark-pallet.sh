#!/usr/bin/env bash
# Regenerates pallets/ssvm/src/weights.rs from the pallet's benchmarks on this machine.
#
# Builds the runtime with `--features runtime-benchmarks` and runs every benchmark of
# pallet_ssvm inside it with frame-omni-bencher (the runner polkadot-sdk recommends;
# installed once under ~/.cache/ssvm/tools), writing the weights through
# pallets/ssvm/weight-template.hbs. The benchmarks execute in the WebAssembly runtime,
# as on-chain. STEPS and REPEAT trade precision for time.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ssvm/target}"
tools="$HOME/.cache/ssvm/tools"
steps="${STEPS:-20}"
repeat="${REPEAT:-10}"

if [ ! -x "$tools/bin/frame-omni-bencher" ]; then
    # Its RocksDB bindings are generated with bindgen, which needs libclang.
    if ! ldconfig -p | grep -q 'libclang'; then
        sudo=""
        [ "$(id -u)" -ne 0 ] && sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libclang-dev >/dev/null
    fi
    # Its own target directory and no workspace hint: it builds test runtimes of its own.
    env -u WASM_BUILD_WORKSPACE_HINT CARGO_TARGET_DIR="$HOME/.cache/ssvm/target-tools" \
        cargo install frame-omni-bencher --version 0.28.0 --locked --root "$tools"
fi

export WASM_BUILD_WORKSPACE_HINT="$PWD"
cargo build -p ssvm-runtime --features runtime-benchmarks
runtime="$CARGO_TARGET_DIR/debug/wbuild/ssvm-runtime/ssvm_runtime.wasm"

"$tools/bin/frame-omni-bencher" v1 benchmark pallet \
    --runtime "$runtime" \
    --pallet pallet_ssvm \
    --extrinsic '*' \
    --steps "$steps" \
    --repeat "$repeat" \
    --wasm-execution compiled \
    --heap-pages 4096 \
    --template pallets/ssvm/weight-template.hbs \
    --output pallets/ssvm/src/weights.rs

# Contract storage lives in child tries, whose keys the bencher cannot name: it lists
# every key it saw as `UNKNOWN KEY` (thousands of lines). Fold each run into one line;
# the reads and writes stay counted in the weights themselves.
awk '
    /^\t\/\/\/ Storage: UNKNOWN KEY / {
        if (unknown++ == 0) access = substr($0, index($0, "(r:"))
        next
    }
    /^\t\/\/\/ Proof: UNKNOWN KEY / { next }
    unknown > 0 {
        printf "\t/// Storage: contract child-trie keys, %d at the largest component, each %s\n", unknown, access
        unknown = 0
    }
    { print }
' pallets/ssvm/src/weights.rs > pallets/ssvm/src/weights.rs.tmp
mv pallets/ssvm/src/weights.rs.tmp pallets/ssvm/src/weights.rs
echo "benchmark-pallet: wrote pallets/ssvm/src/weights.rs"
