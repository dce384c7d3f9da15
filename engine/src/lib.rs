//! ssvm-engine: a deterministic `no_std` Ewasm engine.
//!
//! Ewasm contracts are WebAssembly modules that import the Ethereum Environment
//! Interface (EEI) from module `ethereum`, export `main` and `memory`, and use no
//! floats. This crate validates them ([`validation`]), translates them into a register
//! code designed for fast interpretation ([`ir`]), meters every instruction from one
//! versioned [`GasSchedule`], implements the whole EEI and native 256-bit arithmetic
//! (`bignum`; both listed in [`imports`]), and reaches the chain only through the [`Host`] trait.
//!
//! ```
//! use ssvm_engine::{execute, world::World, Backend, Config, Message, Status, GasSchedule};
//!
//! let code = wat::parse_str(r#"(module
//!     (import "ethereum" "finish" (func $finish (param i32 i32)))
//!     (memory (export "memory") 1)
//!     (data (i32.const 0) "hi")
//!     (func (export "main") (call $finish (i32.const 0) (i32.const 2))))"#).unwrap();
//! let config = Config::contract(GasSchedule::V1);
//! let mut host = World::empty(config, Backend::Interpreter);
//! let result = execute(&config, &mut host, &Message { gas: 100_000, ..Message::default() }, &code);
//! assert_eq!(result.status, Status::Success);
//! assert_eq!(result.output, b"hi");
//! ```
//!
//! The crate has no floats, no hash maps and no clocks, and `unsafe` code only in the
//! interpreter loop (unchecked accesses made sound by a verifier pass): the same
//! input gives the same result, gas included, on every platform, including inside the
//! 32-bit Wasm runtime of a Substrate chain.

#![no_std]
// Unsafe code is denied everywhere but the interpreter loop, whose unchecked register
// and code accesses are justified there (see `execution::interpreter`).
#![deny(unsafe_code)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

// The layers, bottom-up: each module imports only from lower layers (the `layers`
// integration test checks it against the same table).
//   0  limits                 every limit, in one place
//   1  gas, ir                the versioned gas schedule; the internal code (its ISA)
//   2  types                  value types, signatures, Config, Status, Trap, Ethereum
//                             words
//   3  imports                the import tables: EEI, bignum, debug (signatures, gas)
//   4  validation             the Ewasm rules and their errors
//   5  host, translation      the Host interface and the one result type
//                             (ExecutionResult); Wasm -> internal code, gas folded
//                             per block
//   6  module                 the validated, translated module
//   7  execution              Env/Halt, instances, the interpreter, the EEI and
//                             bignum implementations, the run driver
//   8  aot                    native code (std only)
//   9  backend                the one switch between the execution paths
//  10  world                  the in-memory Ethereum world of tests and runners (std)

// The AOT loader: wasmtime's artifact loading and the store's host pointer are unsafe,
// each with a `SAFETY` comment.
#[cfg(feature = "aot")]
#[allow(unsafe_code)]
pub mod aot;
pub mod backend;
mod execution;
pub mod gas;
pub mod host;
pub mod imports;
pub mod ir;
pub mod limits;
pub mod module;
mod translation;
pub mod types;
pub mod validation;
#[cfg(feature = "std")]
pub mod world;

pub use backend::Backend;
pub use execution::Instance;
pub use execution::contract::{CodeCache, Contract, cache_key};
pub use execution::run::{execute, execute_module};
pub use gas::GasSchedule;
pub use host::{
    Address, Bytes32, CallKind, ExecutionResult, Failure, Host, HostTrap, Message, TraceStep,
    TxContext, U256, create_address, create2_address,
};
pub use imports::{HostFunction, Import};
pub use module::Module;
pub use types::{
    Config, Export, ExportKind, FuncSignature, ModuleKind, Status, Trap, ValueType, keccak256,
};
pub use validation::ValidationError;
