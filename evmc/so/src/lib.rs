//! `libssvm-evmc.so`: the shared object EVMC hosts load.
//!
//! Everything is in [`ssvm_evmc`]; this crate only links it into a cdylib, which exports
//! its `#[no_mangle]` entry points `evmc_create_ssvm_evmc` and `evmc_create`. It is a
//! separate package because cargo names a cdylib package's outputs without a hash: a
//! crate that is both the shared object and a Rust dependency is overwritten by builds
//! with other features in the same target directory.

pub use ssvm_evmc::{evmc_create, evmc_create_ssvm_evmc};
