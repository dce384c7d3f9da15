#!/usr/bin/env bash
# Runs the fuzz targets of fuzz/ with cargo-fuzz (libFuzzer) on the pinned stable
# toolchain, installing cargo-fuzz if it is missing.
#
#   scripts/fuzz.sh all [SECONDS]            every target for SECONDS (default 60) each
#                                            with libFuzzer; any finding fails it
#   scripts/fuzz.sh run TARGET [ARGS...]     one target until stopped, growing
#                                            fuzz/corpus/TARGET; ARGS go to libFuzzer
#                                            (e.g. -max_total_time=3600 -jobs=2)
#   scripts/fuzz.sh cmin TARGET              minimizes fuzz/corpus/TARGET in place
#   scripts/fuzz.sh list                     the targets
#
# Findings are written to fuzz/artifacts/TARGET/ (crash-*, timeout-*, oom-*); replay
# one with `cargo fuzz run -s none TARGET fuzz/artifacts/TARGET/crash-...` or
# `cargo test --manifest-path fuzz/Cargo.toml` after copying it into the corpus.
# RELIABILITY.md says what each target checks.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_FUZZ_VERSION=0.13.2
TARGETS=(validate_translate differential contract evmc_execute statetest_json pallet_call)

if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
    echo "fuzz: installing cargo-fuzz $CARGO_FUZZ_VERSION"
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --quiet
fi

export WASM_BUILD_WORKSPACE_HINT="$PWD"
export OPENSSL_NO_VENDOR=1
# -s none: no sanitizer, so the stable toolchain builds it (coverage instrumentation
# only); debug assertions and overflow checks stay on (cargo-fuzz's defaults).
fuzz() { cargo fuzz "$1" -s none --fuzz-dir fuzz "${@:2}"; }

# libFuzzer options every run shares: no leak checking (the engine caches on purpose),
# a memory ceiling, a per-input time limit, the JSON dictionary for the JSON target.
common_options() {
    local target=$1
    printf '%s\n' -rss_limit_mb=4096 -timeout=30 -detect_leaks=0 -print_final_stats=1 \
        "-artifact_prefix=fuzz/artifacts/$target/"
    if [ "$target" = statetest_json ]; then
        echo -dict=fuzz/json.dict
    fi
}

case "${1:-}" in
    all)
        seconds=${2:-60}
        fuzz build
        for target in "${TARGETS[@]}"; do
            mkdir -p "fuzz/artifacts/$target"
            # New inputs go to a scratch directory; the committed corpus is only read.
            scratch=$(mktemp -d)
            mapfile -t options < <(common_options "$target")
            echo "=== fuzz: $target, ${seconds}s"
            log=$(mktemp)
            status=0
            fuzz run "$target" "$scratch" "fuzz/corpus/$target" -- \
                "-max_total_time=$seconds" "${options[@]}" > "$log" 2>&1 || status=$?
            grep -E '^(#[0-9]+ +(DONE|INITED)|==|SUMMARY|stat::)' "$log" || true
            rm -rf "$scratch"
            runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
            echo "fuzz $target: ${runs:-?} executions in ${seconds}s, exit $status"
            if [ "$status" -ne 0 ]; then
                tail -40 "$log"
                rm -f "$log"
                echo "fuzz $target FAILED: see fuzz/artifacts/$target/"
                exit 1
            fi
            rm -f "$log"
        done
        ;;
    run)
        target=${2:?target}
        mkdir -p "fuzz/artifacts/$target"
        mapfile -t options < <(common_options "$target")
        fuzz run "$target" "fuzz/corpus/$target" -- "${options[@]}" "${@:3}"
        ;;
    cmin)
        target=${2:?target}
        fuzz cmin "$target" "fuzz/corpus/$target"
        ;;
    list)
        printf '%s\n' "${TARGETS[@]}"
        ;;
    *)
        sed -n '2,17p' "$0"
        exit 2
        ;;
esac
