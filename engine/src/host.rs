//! The [`Host`] trait: what the engine needs from the chain, at the level of the EEI.
//!
//! The engine decodes every EEI argument from linear memory, bounds-checks it, charges
//! its gas and enforces static mode, depth and value rules; a host only answers
//! questions about state and performs effects, with plain Rust types in and out. Four
//! hosts implement it: the FRAME pallet, the EVMC adapter, the state-test runner and
//! the in-memory [`crate::world::World`].

use alloc::vec::Vec;
use core::fmt;

pub use crate::types::{Address, Bytes32, U256};
use crate::types::{Status, Trap};
use crate::validation::ValidationError;

/// The kind of a message (EVMC's call kinds; static is a separate flag).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum CallKind {
    /// `call`, `callStatic` (with [`Message::is_static`]).
    Call,
    /// `callDelegate`: the callee's code runs with the caller's storage, sender and value.
    DelegateCall,
    /// `callCode`: the callee's code runs with the caller's storage.
    CallCode,
    /// `create`.
    Create,
    /// `create2`.
    Create2,
}

impl CallKind {
    /// Whether the message deploys a contract.
    pub fn is_create(self) -> bool {
        matches!(self, CallKind::Create | CallKind::Create2)
    }
}

/// A message: the input of one execution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message<'a> {
    /// What kind of call or create this is.
    pub kind: CallKind,
    /// Whether state changes are forbidden.
    pub is_static: bool,
    /// Ethereum call depth (0 for a transaction).
    pub depth: u32,
    /// Gas available to the execution.
    pub gas: u64,
    /// The account whose storage and balance the code acts on (`getAddress`).
    pub recipient: Address,
    /// The caller (`getCaller`).
    pub sender: Address,
    /// Call data, or init code arguments.
    pub input: &'a [u8],
    /// Value transferred (`getCallValue`).
    pub value: U256,
    /// The account whose code runs (differs from `recipient` for `callCode` and
    /// `callDelegate`).
    pub code_address: Address,
    /// `create2` salt.
    pub salt: Bytes32,
}

impl Default for Message<'_> {
    fn default() -> Self {
        Message {
            kind: CallKind::Call,
            is_static: false,
            depth: 0,
            gas: 0,
            recipient: Address::ZERO,
            sender: Address::ZERO,
            input: &[],
            value: U256::ZERO,
            code_address: Address::ZERO,
            salt: Bytes32::ZERO,
        }
    }
}

/// Why an execution failed, for diagnostics.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The code did not validate.
    Validation(ValidationError),
    /// Execution trapped.
    Trap(Trap),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Validation(error) => error.fmt(f),
            Failure::Trap(trap) => trap.fmt(f),
        }
    }
}

/// How an execution ended: what the engine returns for a message, and what a host
/// returns to the engine for a nested call or create ([`Host::call`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecutionResult {
    /// How it ended.
    pub status: Status,
    /// `finish`/`revert` data (for a create: the code to deploy); for a nested call it
    /// becomes the caller's return-data buffer.
    pub output: Vec<u8>,
    /// Gas not used. The engine leaves it 0 unless the status is success or revert; a
    /// host may return a refused nested call's gas with a failure status.
    pub gas_left: u64,
    /// Refund earned (storage clears, self-destructs); 0 unless successful.
    pub gas_refund: u64,
    /// The new contract's address, for a successful create; set by the host that
    /// performed it (the engine does not choose addresses).
    pub create_address: Option<Address>,
    /// Why it failed, when the engine knows (a trap or a validation error).
    pub failure: Option<Failure>,
}

impl ExecutionResult {
    /// An execution that ended with `status`, consumed all its gas and produced nothing
    /// (a host's refusal, a failure outside the engine).
    pub fn failed(status: Status) -> ExecutionResult {
        ExecutionResult {
            status,
            output: Vec::new(),
            gas_left: 0,
            gas_refund: 0,
            create_address: None,
            failure: None,
        }
    }

    /// An execution that trapped: the trap's status, all gas consumed.
    pub fn trapped(trap: Trap) -> ExecutionResult {
        ExecutionResult {
            failure: Some(Failure::Trap(trap)),
            ..ExecutionResult::failed(trap.status())
        }
    }

    /// Code that is not valid Ewasm: [`Status::ContractValidationFailure`], all gas
    /// consumed.
    pub fn invalid(error: ValidationError) -> ExecutionResult {
        ExecutionResult {
            failure: Some(Failure::Validation(error)),
            ..ExecutionResult::failed(Status::ContractValidationFailure)
        }
    }

    /// Success with `gas_left` returned and no output (executing empty code returns
    /// all its gas this way).
    pub fn success(gas_left: u64) -> ExecutionResult {
        ExecutionResult {
            status: Status::Success,
            output: Vec::new(),
            gas_left,
            gas_refund: 0,
            create_address: None,
            failure: None,
        }
    }

    /// For a successful create: charges the code deposit
    /// ([`crate::gas::CODE_DEPOSIT_GAS_PER_BYTE`] per byte of the output) and enforces
    /// [`crate::limits::MAX_DEPLOYED_CODE_SIZE`] (EIP-170), returning the code to store.
    /// When either fails the result becomes an out-of-gas failure and `None` is
    /// returned; the host must then undo the create. Any other status: `None`, as is.
    pub fn take_deployed_code(&mut self) -> Option<Vec<u8>> {
        if self.status != Status::Success {
            return None;
        }
        let deposit =
            crate::gas::CODE_DEPOSIT_GAS_PER_BYTE.saturating_mul(self.output.len() as u64);
        if self.output.len() > crate::limits::MAX_DEPLOYED_CODE_SIZE || self.gas_left < deposit {
            *self = ExecutionResult::failed(Status::OutOfGas);
            return None;
        }
        self.gas_left -= deposit;
        Some(core::mem::take(&mut self.output))
    }
}

/// Transaction and block context.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TxContext {
    /// Gas price (`getTxGasPrice`, u128 in memory).
    pub gas_price: U256,
    /// Transaction origin.
    pub origin: Address,
    /// Block beneficiary.
    pub coinbase: Address,
    /// Block number.
    pub number: u64,
    /// Block timestamp.
    pub timestamp: u64,
    /// Block gas limit.
    pub gas_limit: u64,
    /// Block difficulty (u256 in memory).
    pub difficulty: U256,
    /// Chain id (`getChainId`, u128 in memory).
    pub chain_id: U256,
}

/// One executed instruction, reported to a tracing host before it runs.
pub struct TraceStep<'a> {
    /// Ethereum call depth of the executing contract.
    pub depth: u32,
    /// Wasm call depth inside the contract (0 in `main`).
    pub call_depth: u32,
    /// Index of the instruction in the module's translated code.
    pub pc: u32,
    /// The instruction's name.
    pub op: &'static str,
    /// The instruction with its operands, as the disassembler prints it.
    pub instruction: &'a dyn fmt::Display,
    /// Gas left before it runs.
    pub gas_left: u64,
}

/// The address a `CREATE` by `sender` with `nonce` produces.
pub fn create_address(sender: &Address, nonce: u64) -> Address {
    let nonce_bytes = nonce.to_be_bytes();
    let significant = &nonce_bytes[nonce.leading_zeros() as usize / 8..];
    let mut rlp = Vec::with_capacity(32);
    let nonce_len = if nonce == 0 || (nonce < 0x80) {
        1
    } else {
        1 + significant.len()
    };
    rlp.push(0xc0 + 21 + nonce_len as u8);
    rlp.push(0x94);
    rlp.extend_from_slice(&sender.0);
    match nonce {
        0 => rlp.push(0x80),
        n if n < 0x80 => rlp.push(n as u8),
        _ => {
            rlp.push(0x80 + significant.len() as u8);
            rlp.extend_from_slice(significant);
        }
    }
    let hash = crate::types::keccak256(&rlp);
    let mut address = Address::ZERO;
    address.0.copy_from_slice(&hash.0[12..]);
    address
}

/// The address a `CREATE2` by `sender` with `salt` and `init_code` produces.
pub fn create2_address(sender: &Address, salt: &Bytes32, init_code: &[u8]) -> Address {
    let mut preimage = Vec::with_capacity(85);
    preimage.push(0xff);
    preimage.extend_from_slice(&sender.0);
    preimage.extend_from_slice(&salt.0);
    preimage.extend_from_slice(&crate::types::keccak256(init_code).0);
    let hash = crate::types::keccak256(&preimage);
    let mut address = Address::ZERO;
    address.0.copy_from_slice(&hash.0[12..]);
    address
}

/// A trap a host function of a [`crate::ModuleKind::Plain`] module raised.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct HostTrap;

/// What the engine needs from the chain.
///
/// Methods take `&mut self` so that hosts can cache, journal and count accesses.
/// Gas is never the host's concern: the engine charges EEI costs before it calls here.
pub trait Host {
    /// Whether the account exists (EIP-161: non-empty or touched).
    fn account_exists(&mut self, address: &Address) -> bool;
    /// The account's balance.
    fn balance(&mut self, address: &Address) -> U256;
    /// The size of the account's code.
    fn code_size(&mut self, address: &Address) -> usize;
    /// The keccak256 hash of the account's code (zero for accounts without code).
    fn code_hash(&mut self, address: &Address) -> Bytes32;
    /// Copies the account's code from `offset` into `buffer`; returns the bytes copied.
    fn copy_code(&mut self, address: &Address, offset: usize, buffer: &mut [u8]) -> usize;
    /// The current value of a storage slot.
    fn storage(&mut self, address: &Address, key: &Bytes32) -> Bytes32;
    /// Writes a storage slot. The engine has already charged for it: it reads the
    /// current value first (Byzantium gas needs only the current value; a schedule
    /// that needs the transaction's original value would add it here).
    fn set_storage(&mut self, address: &Address, key: &Bytes32, value: &Bytes32);
    /// Runs a nested call or create. The engine has checked depth, balance and static
    /// mode and deducted the forwarded gas; the host runs the callee (with journaling,
    /// so a failed or reverted callee leaves no trace) and reports the outcome.
    fn call(&mut self, message: &Message<'_>) -> ExecutionResult;
    /// Registers the self-destruct of `address` in favour of `beneficiary`; returns
    /// whether this is the account's first self-destruct in the transaction (only then
    /// is the refund granted).
    fn selfdestruct(&mut self, address: &Address, beneficiary: &Address) -> bool;
    /// Emits a log.
    fn emit_log(&mut self, address: &Address, topics: &[Bytes32], data: &[u8]);
    /// The transaction and block context.
    fn tx_context(&mut self) -> TxContext;
    /// The hash of block `number`; the engine calls it only for the 256 blocks before
    /// the current one.
    fn block_hash(&mut self, number: u64) -> Bytes32;

    /// Asks for `pages` more pages of linear memory for the executing contract (at
    /// instantiation for its declared minimum, then at each `memory.grow`).
    ///
    /// Hosts that run the engine in a constrained environment (a Wasm runtime with a
    /// fixed heap) bound the memory of all frames of a transaction together here: a
    /// refusal makes `memory.grow` return -1, as the Wasm spec allows, or instantiation
    /// fail with [`crate::Trap::MemoryBudgetExhausted`]. The answer must be
    /// deterministic. Gas is charged only for granted pages.
    fn reserve_memory(&mut self, _pages: u32) -> bool {
        true
    }

    /// Returns the pages a finished contract execution held (granted by
    /// [`Host::reserve_memory`]).
    fn release_memory(&mut self, _pages: u32) {}

    /// Whether to report every executed instruction to [`Host::trace`]. Asked once
    /// per execution.
    fn tracing(&self) -> bool {
        false
    }

    /// Receives one executed instruction when [`Host::tracing`] is on.
    fn trace(&mut self, _step: &TraceStep<'_>) {}

    /// Prints a line from the `debug` namespace (only when debug imports are enabled).
    fn debug_print(&mut self, _line: &str) {}

    /// Calls the imported function `import` of a plain module; arguments and results
    /// are raw 64-bit cells (i32 in the low half).
    fn call_external(
        &mut self,
        _import: &crate::imports::Import,
        _args: &[u64],
        _results: &mut [u64],
    ) -> Result<(), HostTrap> {
        Err(HostTrap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn created(code_len: usize, gas_left: u64) -> ExecutionResult {
        ExecutionResult {
            output: alloc::vec![0xab; code_len],
            gas_refund: 7,
            ..ExecutionResult::success(gas_left)
        }
    }

    #[test]
    fn a_create_pays_200_gas_per_byte_of_code() {
        let mut outcome = created(100, 20_005);
        assert_eq!(outcome.take_deployed_code(), Some(alloc::vec![0xab; 100]));
        assert_eq!((outcome.status, outcome.gas_left), (Status::Success, 5));
        assert_eq!((outcome.output.len(), outcome.gas_refund), (0, 7));

        let mut exact = created(100, 20_000);
        assert!(exact.take_deployed_code().is_some());
        assert_eq!(exact.gas_left, 0);
    }

    #[test]
    fn a_create_that_cannot_pay_or_is_too_large_runs_out_of_gas() {
        let mut short = created(100, 19_999);
        assert_eq!(short.take_deployed_code(), None);
        assert_eq!(short, ExecutionResult::failed(Status::OutOfGas));

        let limit = crate::limits::MAX_DEPLOYED_CODE_SIZE;
        assert!(created(limit, u64::MAX).take_deployed_code().is_some());
        let mut large = created(limit + 1, u64::MAX);
        assert_eq!(large.take_deployed_code(), None);
        assert_eq!(large, ExecutionResult::failed(Status::OutOfGas));
    }

    #[test]
    fn only_successful_creates_deploy_code() {
        let mut reverted = ExecutionResult {
            status: Status::Revert,
            ..created(4, 1_000)
        };
        let before = reverted.clone();
        assert_eq!(reverted.take_deployed_code(), None);
        assert_eq!(reverted, before);
    }

    fn address(hex: &str) -> Address {
        let mut a = Address::ZERO;
        for (i, byte) in a.0.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
        }
        a
    }

    #[test]
    fn create_addresses_match_ethereum() {
        // Well-known vector: sender 0x6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0.
        let sender = address("6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0");
        assert_eq!(
            create_address(&sender, 0),
            address("cd234a471b72ba2f1ccf0a70fcaba648a5eecd8d")
        );
        assert_eq!(
            create_address(&sender, 1),
            address("343c43a37d37dff08ae8c4a11544c718abb4fcf8")
        );
        // EIP-1014 example 0: zero sender, zero salt, init code 0x00.
        assert_eq!(
            create2_address(&Address::ZERO, &Bytes32::ZERO, &[0]),
            address("4d1a2e2bb4f88f0250f26ffff098b0b30b26bf38")
        );
    }
}
