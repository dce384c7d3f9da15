#!/usr/bin/env bash
# Runs every test of the project (what CI runs): formatting, all crates' unit and
# integration tests (WebAssembly spec tests and state tests included), the no_std
# build of the engine for wasm32, the EVMC library through dlopen, the fuzz targets'
# corpora and a bounded smoke run of every target (fuzz/, RELIABILITY.md), and the dev
# chain's end-to-end tests. Sets up what is missing first.
#
# SSVM_FUZZ_SMOKE_SECONDS sets the smoke run per target (default 60; 0 skips it).
#
# Test data: ../shared (the Ewasm state tests, the Wasm spec tests, the Ewasm
# benchmarks) is used when present; tests that need it say so and skip otherwise.
# SSVM_SHARED_DIR overrides the location.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh

# A persistent target directory outside the clone keeps repeated runs fast.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ssvm/target}"
# substrate-wasm-builder looks for Cargo.lock above the target directory.
export WASM_BUILD_WORKSPACE_HINT="$PWD"
export OPENSSL_NO_VENDOR=1
export CARGO_TERM_COLOR=never

summary=()
step() {
    local name=$1
    shift
    local start=$SECONDS
    printf '\n=== %s\n' "$name"
    if "$@"; then
        summary+=("PASS  $(printf '%5ss' $((SECONDS - start)))  $name")
    else
        summary+=("FAIL  $(printf '%5ss' $((SECONDS - start)))  $name")
        print_summary
        exit 1
    fi
}
print_summary() {
    printf '\n=== summary\n'
    printf '%s\n' "${summary[@]}"
}

# Runs a cargo test command, keeping the test runners' summary lines for the end.
cargo_test() {
    local log
    log=$(mktemp)
    local status=0
    cargo test "$@" 2>&1 | tee "$log" || status=$?
    grep -E '^(test result:|spec tests|state tests:|fuzz corpus|SKIPPED)' "$log" | sed 's/^/    /' >> "$results"
    rm -f "$log"
    return $status
}

# Runs the end-to-end tests against the built node, keeping node:test's summary.
e2e() {
    local log
    log=$(mktemp)
    local status=0
    SSVM_NODE="$CARGO_TARGET_DIR/debug/ssvm-node" SSVM_CONTRACTS="$CARGO_TARGET_DIR/contracts" \
        npm test --prefix tests/e2e --silent 2>&1 | tee "$log" || status=$?
    grep -E '^ℹ (tests|pass|fail|skipped|duration_ms)' "$log" | sed 's/^/    e2e: /' >> "$results"
    rm -f "$log"
    return $status
}
# Runs every fuzz target for a bounded time (uninstrumented; see fuzz/examples/smoke.rs),
# in two processes that share the targets (one per core), with one seed, keeping the
# per-target lines.
fuzz_smoke() {
    cargo build -q --manifest-path fuzz/Cargo.toml --example smoke || return 1
    local seed first second status=0
    seed=$(date +%s%N)
    first=$(mktemp)
    second=$(mktemp)
    smoke() {
        "$CARGO_TARGET_DIR/debug/examples/smoke" --seconds "${SSVM_FUZZ_SMOKE_SECONDS:-60}" \
            --seed "$seed" --shard "$1" > "$2" 2>&1
    }
    smoke 0/2 "$first" &
    local pid=$!
    smoke 1/2 "$second" || status=$?
    wait "$pid" || status=$?
    cat "$first" "$second"
    grep -hE '^fuzz smoke' "$first" "$second" | sed 's/^/    /' >> "$results"
    rm -f "$first" "$second"
    return $status
}
results=$(mktemp)

step "format" cargo fmt --all --check
step "format (fuzz/)" cargo fmt --manifest-path fuzz/Cargo.toml --check
step "workspace tests" cargo_test --workspace -- --nocapture
step "fuzz corpora replayed (fuzz/)" \
    cargo_test --manifest-path fuzz/Cargo.toml -- --nocapture
if [ "${SSVM_FUZZ_SMOKE_SECONDS:-60}" != 0 ]; then
    step "fuzz smoke run (every target, ${SSVM_FUZZ_SMOKE_SECONDS:-60}s each)" fuzz_smoke
fi
step "pallet benchmarks as tests" \
    cargo_test -p pallet-ssvm --features runtime-benchmarks --lib benchmarking
step "engine no_std build for wasm32" \
    cargo build -p ssvm-engine --target wasm32-unknown-unknown --no-default-features
# The node for the end-to-end tests, built with the features `cargo test --workspace`
# resolved (dev-dependencies included) so that it reuses that step's artifacts. Built
# alone (`-p ssvm-node`) its dependencies resolve other features (hash256-std-hasher
# without `default`, which the state-test runner's keccak-hasher enables, and more) and
# the whole Substrate stack compiles a second time: 15 minutes of a cold run.
step "dev node build" cargo build --workspace --bins --tests
step "contracts export" cargo run -q -p ssvm-contracts -- "$CARGO_TARGET_DIR/contracts"
step "end-to-end tests (node + @polkadot/api)" e2e

print_summary
printf '\n=== test runners\n'
cat "$results"
rm -f "$results"
