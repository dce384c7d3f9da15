#!/usr/bin/env python3
"""Prints the BENCHMARKS.md tables from criterion's results.

Run after `cargo bench -p ssvm-engine` (reads $CARGO_TARGET_DIR/criterion, or
./target/criterion). Ratios compare means measured in the same run.
"""
import json
import math
import os
import sys
from pathlib import Path

target = Path(os.environ.get("CARGO_TARGET_DIR", "target"))
root = target / "criterion"
if not root.is_dir():
    sys.exit(f"no criterion results under {root}; run `cargo bench -p ssvm-engine` first")


def mean(group, bench):
    """Mean time in seconds of the benchmark `group/bench/*` (any parameter)."""
    for estimates in sorted((root / group / bench).glob("**/new/estimates.json")):
        return json.loads(estimates.read_text())["mean"]["point_estimate"] / 1e9
    return None


def fmt(seconds):
    if seconds is None:
        return "n/a"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3f} ms"
    return f"{seconds * 1e6:.1f} µs"


print("### Interpreter: ssvm vs wasmi 2.0 (both metered)\n")
print("| kernel | ssvm metered | ssvm unmetered | wasmi (fuel) | wasmi / ssvm | metering overhead |")
print("|---|---|---|---|---|---|")
ratios, overheads = [], []
for kernel in ["fib", "keccak256", "sha256", "mulmod256"]:
    metered = mean(kernel, "ssvm-metered")
    unmetered = mean(kernel, "ssvm-unmetered")
    wasmi = mean(kernel, "wasmi-fuel")
    if None in (metered, unmetered, wasmi):
        continue
    ratios.append(wasmi / metered)
    overheads.append(metered / unmetered - 1)
    print(
        f"| {kernel} | {fmt(metered)} | {fmt(unmetered)} | {fmt(wasmi)} | "
        f"{wasmi / metered:.2f}x | {100 * (metered / unmetered - 1):+.1f}% |"
    )
if ratios:
    geomean = math.exp(sum(map(math.log, ratios)) / len(ratios))
    print(f"| **geomean** | | | | **{geomean:.2f}x** | max {100 * max(overheads):+.1f}% |")

plain = mean("montgomery-loop", "plain-wasm")
native = mean("montgomery-loop", "bignum")
if plain and native:
    print("\n### bignum: the same Montgomery loop in plain Wasm and via `bignum` (interpreter)\n")
    print("| plain Wasm | via bignum.mulmodmont256 | speed-up |")
    print("|---|---|---|")
    print(f"| {fmt(plain)} | {fmt(native)} | {plain / native:.1f}x |")

rows = []
for op in ["u256-div", "u256-mulmod"]:
    ruint, ptypes = mean(op, "ruint"), mean(op, "primitive-types")
    if ruint and ptypes:
        rows.append(f"| {op} (256 operations) | {fmt(ruint)} | {fmt(ptypes)} | {ptypes / ruint:.2f}x |")
if rows:
    print("\n### 256-bit libraries (native)\n")
    print("| operation | ruint | primitive-types | ruint advantage |")
    print("|---|---|---|---|")
    print("\n".join(rows))
