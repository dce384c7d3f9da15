//! The fuzz targets, one module each; every one has `run(data: &[u8])`, which panics
//! on a finding.

pub mod contract;
pub mod differential;
// The EVMC ABI is C: the target calls the library's entry points through raw pointers,
// each `unsafe` block with its `SAFETY` comment.
#[allow(unsafe_code)]
pub mod evmc_execute;
pub mod pallet_call;
pub mod statetest_json;
pub mod validate_translate;

/// A target: runs one input, panics on a finding.
pub type Target = fn(&[u8]);

/// Every target by name, for the replay tests and the smoke run.
pub const ALL: &[(&str, Target)] = &[
    ("validate_translate", validate_translate::run),
    ("differential", differential::run),
    ("contract", contract::run),
    ("evmc_execute", evmc_execute::run),
    ("statetest_json", statetest_json::run),
    ("pallet_call", pallet_call::run),
];
