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


def table(title, columns, rows):
    """Prints a Markdown table: its heading, header, separator and rows."""
    print(f"\n### {title}\n")
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print(row)


def geomean(values):
    return math.exp(sum(map(math.log, values)) / len(values))


def fmt(seconds):
    if seconds is None:
        return "n/a"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3f} ms"
    return f"{seconds * 1e6:.1f} µs"


rows, ratios, overheads = [], [], []
for kernel in ["fib", "keccak256", "sha256", "mulmod256"]:
    metered = mean(kernel, "ssvm-metered")
    unmetered = mean(kernel, "ssvm-unmetered")
    wasmi = mean(kernel, "wasmi-fuel")
    if None in (metered, unmetered, wasmi):
        continue
    ratios.append(wasmi / metered)
    overheads.append(metered / unmetered - 1)
    rows.append(
        f"| {kernel} | {fmt(metered)} | {fmt(unmetered)} | {fmt(wasmi)} | "
        f"{wasmi / metered:.2f}x | {100 * (metered / unmetered - 1):+.1f}% |"
    )
if ratios:
    rows.append(f"| **geomean** | | | | **{geomean(ratios):.2f}x** | max {100 * max(overheads):+.1f}% |")
table("Interpreter: ssvm vs wasmi 2.0 (both metered)",
      ["kernel", "ssvm metered", "ssvm unmetered", "wasmi (fuel)", "wasmi / ssvm", "metering overhead"],
      rows)

plain = mean("montgomery-loop", "plain-wasm")
native = mean("montgomery-loop", "bignum")
if plain and native:
    table("bignum: the same Montgomery loop in plain Wasm and via `bignum` (interpreter)",
          ["plain Wasm", "via bignum.mulmodmont256", "speed-up"],
          [f"| {fmt(plain)} | {fmt(native)} | {plain / native:.1f}x |"])

rows = []
for op in ["u256-div", "u256-mulmod"]:
    ruint, ptypes = mean(op, "ruint"), mean(op, "primitive-types")
    if ruint and ptypes:
        rows.append(f"| {op} (256 operations) | {fmt(ruint)} | {fmt(ptypes)} | {ptypes / ruint:.2f}x |")
if rows:
    table("256-bit libraries (native)",
          ["operation", "ruint", "primitive-types", "ruint advantage"], rows)


def means(group):
    """{benchmark id: mean seconds} of every benchmark in `group` (ids without the group)."""
    out = {}
    base = root / group
    for estimates in sorted(base.glob("**/new/estimates.json")):
        bench = str(estimates.parent.parent.relative_to(base))
        out[bench] = json.loads(estimates.read_text())["mean"]["point_estimate"] / 1e9
    return out


rows, speedups = [], []
for kernel in ["fib", "keccak256", "sha256", "mulmod256"]:
    group = means(f"aot-{kernel}")
    pick = lambda prefix: next((v for k, v in group.items() if k.startswith(prefix)), None)
    aot, interp, raw, native = (
        pick("aot-metered"), pick("interpreter-metered"), pick("wasmtime-unmetered"), pick("native"))
    if None in (aot, interp, raw):
        continue
    speedups.append(interp / aot)
    rows.append(
        f"| {kernel} | {fmt(aot)} | {fmt(interp)} | {interp / aot:.1f}x | {fmt(raw)} | "
        f"{aot / raw:.2f}x | {fmt(native) if native else '-'} | "
        f"{f'{aot / native:.2f}x' if native else '-'} |")
if rows:
    rows.append(f"| **geomean** | | | **{geomean(speedups):.1f}x** | | | | |")
    table("AOT: kernels (all metered with schedule V1 except wasmtime)",
          ["kernel", "AOT", "interpreter", "AOT speed-up", "wasmtime unmetered", "AOT / wasmtime",
           "native Rust", "AOT / native"], rows)

compile_rows = []
for group_name in ["aot-compile"] + sorted(p.name for p in root.glob("precompile-*")):
    group = means(group_name)
    for bench, seconds in sorted(group.items()):
        kind, _, rest = bench.partition("/")
        if group_name == "aot-compile" and kind == "aot":
            name, _, size = rest.rpartition("-")
            translate = group.get(f"interpreter-translate/{rest}")
        elif kind == "aot-compile":
            name, size, translate = group_name.removeprefix("precompile-"), rest, None
        else:
            continue
        kb = int(size) / 1024
        compile_rows.append(
            f"| {name} | {kb:.1f} | {fmt(seconds)} | {seconds * 1e3 / kb:.2f} | "
            f"{fmt(translate) if translate else '-'} |")
if compile_rows:
    table("AOT: compiling a contract on a cache miss",
          ["contract", "KB", "compile", "ms per KB", "interpreter translation"], compile_rows)

load = means("aot-load")
if load:
    rows = []
    for bench in sorted(k for k in load if k.startswith("disk/")):
        rest = bench.removeprefix("disk/")
        rows.append(f"| {rest.rpartition('-')[0]} | {fmt(load[bench])} | {fmt(load.get('memory/' + rest))} |")
    table("AOT: loading a compiled contract", ["contract", "from disk cache", "from memory cache"], rows)
call = means("aot-call")
if call:
    # criterion stores the id "counter/aot" as the directory "counter_aot".
    pick = lambda engine: next((v for k, v in call.items() if k.endswith(engine)), None)
    table("One call of the counter contract (instantiate, storage load and store, finish)",
          ["AOT", "interpreter"], [f"| {fmt(pick('aot'))} | {fmt(pick('interpreter'))} |"])

rows = []
for group_dir in sorted(root.glob("precompile-*")):
    group = means(group_dir.name)
    aot, interp = group.get("aot"), group.get("interpreter")
    if aot and interp:
        rows.append(f"| {group_dir.name.removeprefix('precompile-')} | {fmt(aot)} | {fmt(interp)} | "
                    f"{interp / aot:.1f}x |")
if rows:
    table("ewasm-bench precompiles (metered with V1; AOT warm)",
          ["state test", "AOT", "interpreter", "AOT speed-up"], rows)
