//! The `SsvmApi` runtime API of `pallet-ssvm` and the types it and the pallet share.
//!
//! Clients dry-run calls and deploys (nothing is committed), read a contract's storage
//! and code, and map a Substrate account to its Ethereum address. From Polkadot.js:
//! `api.call.ssvmApi.call(origin, dest, input, value, gasLimit)`.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

use alloc::vec::Vec;

use codec::{Codec, Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::{H160, H256};
use sp_runtime::DispatchError;

/// How a contract execution ended: the engine's statuses (EWASM.md section 2) in
/// EVMC's order.
#[derive(
    Copy,
    Clone,
    PartialEq,
    Eq,
    Encode,
    Decode,
    DecodeWithMemTracking,
    TypeInfo,
    MaxEncodedLen,
    Debug,
)]
pub enum ExecStatus {
    /// Returned normally or called `finish`: state changes stand.
    Success,
    /// Called `revert`: state changes undone, unused gas returned.
    Revert,
    /// Trapped (unreachable, bad memory access, division by zero...): all gas used.
    Failure,
    /// Ran out of gas.
    OutOfGas,
    /// Gave an EEI function memory out of range.
    InvalidMemoryAccess,
    /// Tried to change state in a static call.
    StaticModeViolation,
    /// The code (or the code a deploy returned) is not valid Ewasm.
    ContractValidationFailure,
    /// An EEI argument was out of range.
    ArgumentOutOfRange,
    /// The engine or the pallet failed; please report it.
    InternalError,
}

impl ExecStatus {
    /// Whether the execution's state changes stand.
    pub fn is_success(self) -> bool {
        self == ExecStatus::Success
    }
}

/// A log a contract emitted (`log` in the EEI).
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct ContractLog {
    /// The emitting contract.
    pub contract: H160,
    /// Up to four topics.
    pub topics: Vec<H256>,
    /// The data.
    pub data: Vec<u8>,
}

/// The outcome of a call or deploy, as the extrinsic executed it or a dry run would.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct ExecReport {
    /// How the execution ended.
    pub status: ExecStatus,
    /// The callee's `finish` or `revert` data (empty for a successful deploy).
    pub output: Vec<u8>,
    /// Gas charged, after the storage-clearing refund (capped at half the gas used).
    pub gas_used: u64,
    /// The called or deployed contract (for a deploy: its address, also on failure).
    pub contract: H160,
    /// Logs emitted, in order (empty unless the execution succeeded).
    pub logs: Vec<ContractLog>,
    /// Distinct storage slots written (0 unless the execution succeeded).
    pub storage_changes: u32,
    /// Dry runs only: the smallest gas limit with which the same execution succeeds,
    /// the limit to send (it can exceed `gas_used`: a nested call keeps 1/64 of the gas
    /// back and refunds come at the end). `None` when no limit up to the chain's
    /// maximum succeeds, and in reports of dispatched executions.
    pub gas_required: Option<u64>,
}

/// A contract's code. (A struct rather than a bare `Vec<u8>`: Polkadot.js decodes a
/// runtime call that returns bytes at the top level wrongly.)
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct ContractCode {
    /// keccak256 of the code (zero for empty code).
    pub code_hash: H256,
    /// The code.
    pub code: Vec<u8>,
}

sp_api::decl_runtime_apis! {
    /// Dry runs and state queries of `pallet-ssvm`. Version 2: reports carry
    /// `gas_required`.
    #[api_version(2)]
    pub trait SsvmApi<AccountId, Balance> where
        AccountId: Codec,
        Balance: Codec,
    {
        /// Runs `call(dest, input, value, gas_limit)` as `origin` without committing it.
        fn call(
            origin: AccountId,
            dest: H160,
            input: Vec<u8>,
            value: Balance,
            gas_limit: u64,
        ) -> Result<ExecReport, DispatchError>;

        /// Runs `deploy(init_code, value, gas_limit, salt)` as `origin` without committing
        /// it; the report's `contract` is the address the contract would get.
        fn deploy(
            origin: AccountId,
            init_code: Vec<u8>,
            value: Balance,
            gas_limit: u64,
            salt: Option<H256>,
        ) -> Result<ExecReport, DispatchError>;

        /// The value of storage slot `key` of `contract`; `None` if there is no contract
        /// at that address (an unset slot is zero).
        fn storage(contract: H160, key: H256) -> Option<H256>;

        /// The code deployed at `contract` and its hash, if there is a contract.
        fn code(contract: H160) -> Option<ContractCode>;

        /// The Ethereum address of `account`.
        fn address_of(account: AccountId) -> H160;
    }
}
