//! Types every layer shares: value types and signatures, the engine configuration,
//! execution statuses, Ethereum words (addresses, 32-byte words, `U256`) and
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
