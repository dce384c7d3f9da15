//! Every resource limit of the engine, in one place.
//!
//! These numbers are part of consensus: a module that one node accepts and another
//! rejects, or a call that one node runs and another traps, forks a chain. They are
//! therefore plain constants, identical on every target (64-bit hosts and the 32-bit
//! Wasm runtime of a Substrate chain alike), never derived from the host's pointer size
//! or available memory. The AOT path enforces the same numbers (call depth and value
//! stack are counted in Wasm terms there too).

/// Size of a WebAssembly linear-memory page in bytes.
pub const WASM_PAGE_SIZE: u32 = 65_536;

/// Largest module the engine parses at all, in bytes.
///
/// Deployed contract code is limited further by [`MAX_DEPLOYED_CODE_SIZE`] (EIP-170),
/// which the deploy path enforces; this outer bound exists because code placed in
/// state by other means (genesis, state tests) can be larger: the Ewasm `ecrecover`
/// precompile of `ewasm/benchmarking` is 1.17 MB.
pub const MAX_MODULE_SIZE: usize = 2 * 1024 * 1024;

/// Largest contract code a deployment may store (EIP-170), in bytes.
pub const MAX_DEPLOYED_CODE_SIZE: usize = 24_576;

/// Most function types in the type section.
pub const MAX_TYPES: u32 = 16_384;

/// Most functions, imported and defined together.
pub const MAX_FUNCTIONS: u32 = 65_536;

/// Most imports.
pub const MAX_IMPORTS: u32 = 1_024;

/// Most exports.
pub const MAX_EXPORTS: u32 = 4_096;

/// Most parameters of one function type.
pub const MAX_PARAMS: u32 = 256;

/// Most results of one function type.
pub const MAX_RESULTS: u32 = 256;

/// Most locals of one function, parameters included.
pub const MAX_LOCALS: u32 = 16_384;

/// Most registers of one function frame: locals plus the deepest operand stack.
///
/// The interpreter addresses registers with 16-bit indices.
pub const MAX_FRAME_SLOTS: u32 = 65_535;

/// Deepest nesting of `block`/`loop`/`if` inside one function body.
pub const MAX_NESTING_DEPTH: u32 = 1_024;

/// Most globals.
pub const MAX_GLOBALS: u32 = 1_024;

/// Most entries of the (single) table, initial size and growth alike.
pub const MAX_TABLE_ELEMENTS: u32 = 65_536;

/// Most linear-memory pages (64 MiB). A declared minimum above this is rejected; a
/// declared maximum above it is capped to it.
pub const MAX_MEMORY_PAGES: u32 = 1_024;

/// Most data segments.
pub const MAX_DATA_SEGMENTS: u32 = 65_536;

/// Most element segments.
pub const MAX_ELEMENT_SEGMENTS: u32 = 65_536;

/// Most targets of one `br_table` (not counting the default), in reachable and dead
/// code alike.
///
/// 2^16 - 16, the limit V8 and SpiderMonkey impose and the most wasmtime's Cranelift
/// translation accepts (`wasmtime_cranelift::MAX_BR_TABLE_TARGETS`, checked in dead code
/// too): the AOT path must compile every module the interpreter runs.
pub const MAX_BR_TABLE_TARGETS: u32 = 65_520;

/// Deepest Wasm-level call stack (function calls inside one contract execution).
pub const MAX_CALL_DEPTH: usize = 1_024;

/// Most 64-bit value-stack cells one execution may use: the sum of the frame sizes
/// (locals plus operand stack) of all active Wasm frames. 8 MiB.
pub const MAX_VALUE_STACK: usize = 1 << 20;

/// Deepest Ethereum-level call stack (nested contract calls and creates).
pub const MAX_CONTRACT_CALL_DEPTH: u32 = 1_024;

/// Largest number of log topics (`log` with more is a failure).
pub const MAX_LOG_TOPICS: u32 = 4;

/// How many previous blocks `getBlockHash` can see.
pub const BLOCK_HASH_HISTORY: u64 = 256;
