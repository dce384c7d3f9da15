//! Types every layer shares: value types and signatures, the engine configuration,
//! execution statuses and traps, Ethereum words (addresses, 32-byte words, `U256`) and
//! keccak256. A leaf: it depends on nothing but the gas schedule.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use wasmparser::ValType;

pub use ruint::aliases::U256;

use crate::gas::GasSchedule;

/// How strictly a module is held to the Ewasm contract interface.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ModuleKind {
    /// An Ewasm contract: exports exactly `main` and `memory`, imports only from
    /// `ethereum` and `bignum` (and `debug` when enabled), no start function.
    Contract,
    /// A plain module within the Ewasm feature set and limits, with any exports, a start
    /// function allowed, and function imports resolved by the host
    /// ([`crate::Host::call_external`]). Used for the WebAssembly spec tests.
    Plain,
}

/// Engine configuration: one per chain or VM instance.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The gas schedule instructions are translated and charged with.
    pub schedule: GasSchedule,
    /// Contract rules or plain module.
    pub kind: ModuleKind,
    /// Whether contracts may import the `debug` namespace (print helpers).
    pub debug_imports: bool,
    /// Whether calls to address `0x..09` compute keccak256 natively.
    pub keccak_system_contract: bool,
}

impl Config {
    /// Contract rules under `schedule`, keccak system contract on, debug imports off.
    pub const fn contract(schedule: GasSchedule) -> Config {
        Config {
            schedule,
            kind: ModuleKind::Contract,
            debug_imports: false,
            keccak_system_contract: true,
        }
    }

    /// Plain modules under `schedule`.
    pub const fn plain(schedule: GasSchedule) -> Config {
        Config {
            schedule,
            kind: ModuleKind::Plain,
            debug_imports: false,
            keccak_system_contract: false,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config::contract(GasSchedule::V1)
    }
}

/// An Ewasm value type.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ValueType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
}

impl ValueType {
    /// The register form of a raw cell of this type: i32 values are kept zero-extended
    /// (the translator relies on it to make `i64.extend_i32_u` free).
    #[inline]
    pub fn canonical(self, cell: u64) -> u64 {
        match self {
            ValueType::I32 => u64::from(cell as u32),
            ValueType::I64 => cell,
        }
    }

    pub(crate) fn from_wasm(ty: ValType) -> Option<ValueType> {
        match ty {
            ValType::I32 => Some(ValueType::I32),
            ValType::I64 => Some(ValueType::I64),
            _ => None,
        }
    }
}

/// A function signature.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct FuncSignature {
    /// Parameter types.
    pub params: Vec<ValueType>,
    /// Result types.
    pub results: Vec<ValueType>,
}

impl FuncSignature {
    /// Whether the signature is exactly `params -> results`.
    pub fn is(&self, params: &[ValueType], results: &[ValueType]) -> bool {
        self.params == params && self.results == results
    }
}

/// How an execution ended (EWASM.md section 2; EVMC's status codes).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Returned normally or called `finish`.
    Success,
    /// Called `revert`; unused gas is returned.
    Revert,
    /// A trap or any other failure.
    Failure,
    /// Gas ran out.
    OutOfGas,
    /// An EEI function was given memory out of range.
    InvalidMemoryAccess,
    /// A state change in a static call.
    StaticModeViolation,
    /// The code is not valid Ewasm.
    ContractValidationFailure,
    /// An EEI argument or host value out of range.
    ArgumentOutOfRange,
    /// An engine or host malfunction.
    InternalError,
}

impl Status {
    /// Whether the execution's state changes stand.
    pub fn is_success(self) -> bool {
        self == Status::Success
    }

    /// Whether unused gas is returned (success and revert).
    pub fn keeps_gas(self) -> bool {
        matches!(self, Status::Success | Status::Revert)
    }

    /// The status's name in EVMC's spelling.
    pub fn name(self) -> &'static str {
        match self {
            Status::Success => "SUCCESS",
            Status::Revert => "REVERT",
            Status::Failure => "FAILURE",
            Status::OutOfGas => "OUT_OF_GAS",
            Status::InvalidMemoryAccess => "INVALID_MEMORY_ACCESS",
            Status::StaticModeViolation => "STATIC_MODE_VIOLATION",
            Status::ContractValidationFailure => "CONTRACT_VALIDATION_FAILURE",
            Status::ArgumentOutOfRange => "ARGUMENT_OUT_OF_RANGE",
            Status::InternalError => "INTERNAL_ERROR",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// keccak256 of `data`.
pub fn keccak256(data: &[u8]) -> Bytes32 {
    use tiny_keccak::{Hasher, Keccak};
    let mut hasher = Keccak::v256();
    hasher.update(data);
    let mut out = Bytes32::ZERO;
    hasher.finalize(&mut out.0);
    out
}

/// A 20-byte account address.
#[derive(Copy, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Address(pub [u8; 20]);

/// A 32-byte word: storage keys and values, log topics, hashes.
#[derive(Copy, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bytes32(pub [u8; 32]);

impl Address {
    /// The zero address.
    pub const ZERO: Address = Address([0; 20]);

    /// The address whose last byte is `n` (precompiles and system contracts).
    pub const fn from_low_u64(n: u64) -> Address {
        let mut bytes = [0u8; 20];
        let n = n.to_be_bytes();
        let mut i = 0;
        while i < 8 {
            bytes[12 + i] = n[i];
            i += 1;
        }
        Address(bytes)
    }
}

impl Bytes32 {
    /// The all-zero word.
    pub const ZERO: Bytes32 = Bytes32([0; 32]);

    /// Whether every byte is zero.
    pub fn is_zero(&self) -> bool {
        self.0 == [0; 32]
    }
}

fn write_hex(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    f.write_str("0x")?;
    for b in bytes {
        write!(f, "{b:02x}")?;
    }
    Ok(())
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex(f, &self.0)
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex(f, &self.0)
    }
}

impl fmt::Debug for Bytes32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex(f, &self.0)
    }
}

impl fmt::Display for Bytes32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex(f, &self.0)
    }
}

/// What an export refers to.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ExportKind {
    /// A function (module function index, imports first).
    Func(u32),
    /// The memory.
    Memory,
    /// The table.
    Table,
    /// A global.
    Global(u32),
}

/// An export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    /// Export name.
    pub name: String,
    /// What it refers to.
    pub kind: ExportKind,
}

/// Why an execution stopped abnormally.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Trap {
    /// `unreachable` was executed.
    Unreachable,
    /// A load, store or bulk operation left linear memory.
    MemoryOutOfBounds,
    /// A table access or bulk table operation left the table.
    TableOutOfBounds,
    /// `call_indirect` hit a null table entry.
    UninitializedElement,
    /// `call_indirect` found a function of another type.
    IndirectCallTypeMismatch,
    /// Integer division or remainder by zero.
    IntegerDivisionByZero,
    /// `i32.div_s`/`i64.div_s` of the minimum value by -1.
    IntegerOverflow,
    /// More than [`crate::limits::MAX_CALL_DEPTH`] nested Wasm calls.
    CallStackExhausted,
    /// More than [`crate::limits::MAX_VALUE_STACK`] value-stack cells.
    ValueStackExhausted,
    /// Gas ran out.
    OutOfGas,
    /// An EEI function was given a pointer or offset out of range.
    InvalidMemoryAccess,
    /// An EEI argument or host value out of range (negative gas, value above 2^128).
    ArgumentOutOfRange,
    /// A state change was attempted in a static call.
    StaticModeViolation,
    /// `log` with more than four topics.
    TooManyLogTopics,
    /// A host function of a plain module trapped.
    HostTrap,
    /// The host refused the memory a contract declares ([`crate::host::Host::reserve_memory`]).
    MemoryBudgetExhausted,
}

impl Trap {
    /// The execution status this trap ends an execution with (EWASM.md section 2).
    pub fn status(self) -> Status {
        match self {
            Trap::OutOfGas => Status::OutOfGas,
            Trap::InvalidMemoryAccess => Status::InvalidMemoryAccess,
            Trap::ArgumentOutOfRange => Status::ArgumentOutOfRange,
            Trap::StaticModeViolation => Status::StaticModeViolation,
            _ => Status::Failure,
        }
    }

    /// A description of the trap.
    pub fn message(self) -> &'static str {
        match self {
            Trap::Unreachable => "unreachable executed",
            Trap::MemoryOutOfBounds => "out of bounds memory access",
            Trap::TableOutOfBounds => "out of bounds table access",
            Trap::UninitializedElement => "uninitialized element",
            Trap::IndirectCallTypeMismatch => "indirect call type mismatch",
            Trap::IntegerDivisionByZero => "integer divide by zero",
            Trap::IntegerOverflow => "integer overflow",
            Trap::CallStackExhausted => "call stack exhausted",
            Trap::ValueStackExhausted => "value stack exhausted",
            Trap::OutOfGas => "out of gas",
            Trap::InvalidMemoryAccess => "EEI memory access out of bounds",
            Trap::ArgumentOutOfRange => "EEI argument out of range",
            Trap::StaticModeViolation => "state change in a static call",
            Trap::TooManyLogTopics => "log with more than four topics",
            Trap::HostTrap => "host function trapped",
            Trap::MemoryBudgetExhausted => "the host's memory budget is exhausted",
        }
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}
