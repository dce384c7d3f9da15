//! Example Ewasm contracts, negative fixtures and benchmark kernels, built from the
//! sources in this directory by `build.rs` (WAT with the `wat` crate, Rust with a nested
//! `cargo build --target wasm32-unknown-unknown`).
//!
//! Every contract deploys itself: its module is its own init code, whose constructor
//! returns the module as the code to store.

macro_rules! wasm {
    ($name:literal) => {
        include_bytes!(concat!(env!("OUT_DIR"), "/", $name, ".wasm"))
    };
}

/// ERC20 token (Rust): `totalSupply`, `balanceOf`, `transfer`, `approve`, `allowance`,
/// `transferFrom`, `name`, `symbol`, `decimals`, with `Transfer`/`Approval` logs.
pub const ERC20: &[u8] = wasm!("erc20");
/// Calls and creates other contracts (Rust); see `rust/caller/src/lib.rs`.
pub const CALLER: &[u8] = wasm!("caller");
/// A storage counter (WAT).
pub const COUNTER: &[u8] = wasm!("counter");
/// A Montgomery-squaring loop in plain Wasm and through `bignum` (Rust).
pub const BIGNUM_DEMO: &[u8] = wasm!("bignum_demo");

/// Every valid example contract, by name.
pub const CONTRACTS: &[(&str, &[u8])] = &[
    ("erc20", ERC20),
    ("caller", CALLER),
    ("counter", COUNTER),
    ("bignum_demo", BIGNUM_DEMO),
];

/// Modules the Ewasm rules reject, one rule each.
pub mod fixtures {
    /// Uses `f64.add`.
    pub const FLOAT: &[u8] = wasm!("float");
    /// Imports `ethereum.storageStore` with the wrong signature.
    pub const BAD_IMPORT_SIGNATURE: &[u8] = wasm!("bad_import_signature");
    /// Imports from module `env`.
    pub const UNKNOWN_NAMESPACE: &[u8] = wasm!("unknown_namespace");
    /// Has a start function.
    pub const START_FUNCTION: &[u8] = wasm!("start_function");
    /// Does not export `main`.
    pub const MISSING_MAIN: &[u8] = wasm!("missing_main");
    /// Exports a global besides `main` and `memory`.
    pub const EXTRA_EXPORT: &[u8] = wasm!("extra_export");
}

/// Contracts that probe a host's limits; both deploy themselves.
pub mod probes {
    /// Calls itself as deep as it can and stores the deepest depth reached in slot 0.
    pub const RECURSE: &[u8] = wasm!("recurse");
    /// Grows its memory by the pages in its call data and stores `memory.grow`'s result.
    pub const MEMORY: &[u8] = wasm!("memory");
}

/// Every module, by file name: the contracts, the rejected fixtures and the probes.
pub const ALL: &[(&str, &[u8])] = &[
    ("erc20", ERC20),
    ("caller", CALLER),
    ("counter", COUNTER),
    ("bignum_demo", BIGNUM_DEMO),
    ("fixtures/float", fixtures::FLOAT),
    (
        "fixtures/bad_import_signature",
        fixtures::BAD_IMPORT_SIGNATURE,
    ),
    ("fixtures/unknown_namespace", fixtures::UNKNOWN_NAMESPACE),
    ("fixtures/start_function", fixtures::START_FUNCTION),
    ("fixtures/missing_main", fixtures::MISSING_MAIN),
    ("fixtures/extra_export", fixtures::EXTRA_EXPORT),
    ("probes/recurse", probes::RECURSE),
    ("probes/memory", probes::MEMORY),
];

/// Contracts that once made the engine fail (found by fuzzing; RELIABILITY.md), from
/// `wat/regressions/`: every test host runs them on every execution path.
pub mod regressions {
    /// Every regression contract, by file name. Each deploys as init code and runs as
    /// a contract; what it must do is described in its source.
    pub const ALL: &[(&str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/regressions.rs"));
}

/// Benchmark kernels: plain modules without imports.
pub mod kernels {
    /// `fib(n: i64) -> i64`, recursive (WAT).
    pub const FIB: &[u8] = wasm!("fib");
    /// `keccak_loop(n)`, `sha256_loop(n)`, `mulmod_loop(n)` (Rust, see
    /// `rust/kernels/src/lib.rs`).
    pub const LOOPS: &[u8] = wasm!("kernels");
}
