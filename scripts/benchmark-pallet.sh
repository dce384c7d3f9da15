#!/usr/bin/env bash
# Regenerates pallets/ssvm/src/weights.rs from the pallet's benchmarks on this machine.
#
# Builds the node with `--features runtime-benchmarks` (a debug node is enough: the
# benchmarks run inside the release-built WebAssembly runtime, as on-chain), runs
# every benchmark of pallet_ssvm and writes the weights through
# pallets/ssvm/weight-template.hbs. Takes about half an hour on the reference machine
# (2 cores); STEPS and REPEAT trade precision for time.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ssvm/target}"
export WASM_BUILD_WORKSPACE_HINT="$PWD"
steps="${STEPS:-20}"
repeat="${REPEAT:-10}"

cargo build -p ssvm-node --features runtime-benchmarks
"$CARGO_TARGET_DIR/debug/ssvm-node" benchmark pallet \
    --chain dev \
    --pallet pallet_ssvm \
    --extrinsic '*' \
    --steps "$steps" \
    --repeat "$repeat" \
    --wasm-execution compiled \
    --heap-pages 4096 \
    --template pallets/ssvm/weight-template.hbs \
    --output pallets/ssvm/src/weights.rs
cargo fmt --all
echo "benchmark-pallet: wrote pallets/ssvm/src/weights.rs"
