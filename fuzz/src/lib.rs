//! ssvm's fuzz targets, as library functions that panic on a finding.
//!
//! `fuzz_targets/` wraps each [`targets`] function for libFuzzer (`cargo fuzz run <name>
//! -s none` on the stable toolchain); `tests/replay.rs` runs every committed corpus
//! input through the same functions as an ordinary test. What is fuzzed, how to run
//! it and what was found is in RELIABILITY.md at the repository root.
//!
//! The oracles: validation gives typed errors only and agrees with an independent
//! statement of the Ewasm rules ([`rules`]); the interpreter and the AOT path agree on
//! every result, trap, gas unit, memory byte, global, log and storage slot, also when
//! gas runs out part-way; wasmi agrees on results, traps, memory and globals up to
//! resource limits, which are classified ([`stats`]); the EVMC library, the
//! state-test parser and the pallet never panic and keep their rules.

pub mod generate;
pub mod plain;
pub mod rules;
pub mod stats;
pub mod targets;
