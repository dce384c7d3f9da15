//! # pallet-ssvm: Ewasm contracts, executed on-chain by the ssvm engine
//!
//! Contracts are Ewasm modules (WebAssembly importing the Ethereum Environment
//! Interface). This pallet stores their code and state and runs them with the
//! `no_std` interpreter of `ssvm-engine` *inside the runtime*, so every node computes
//! the same result; the engine's AOT path is never used on-chain.
//!
//! ## Accounts
//! Every Substrate account has an Ethereum address, `keccak256(account)[12..32]`
//! ([`address::EthereumAddressMapping`]); the pallet keeps the reverse map for every
//! account that has used it (or called [`Pallet::map_account`]), so contracts can pay it
//! by address. A contract's account is a real `AccountId` derived from its address
//! (`address ‖ 0xEE × 12`), so its balance lives in the runtime's currency (e.g.
//! pallet-balances): values move with the `fungible` traits, there is no second ledger.
//!
//! ## Storage
//! - Code by keccak256 hash ([`PristineCode`], [`CodeInfoOf`] with a reference count).
//!   Code is validated at deploy. Translating it to the engine's register code is linear
//!   in its size (about 25 ns per byte natively); every execution translates the code it
//!   runs once per transaction (a per-transaction cache serves nested and repeated calls)
//!   and pays for it in gas: [`gas::code_load_gas`], derived from the `code_load`
//!   benchmark. Keeping translated code in storage would trade that for several times
//!   the storage and a format frozen into state.
//! - Contract info ([`ContractInfoOf`]): code hash, deployer, gas schedule version and the
//!   id of the contract's child trie.
//! - Contract storage: one child trie per contract. A child trie gives each contract its
//!   own root (proofs of one contract's state), and self-destruct can drop a contract's
//!   storage lazily: the trie id goes into a [`DeletionQueue`] that `on_idle` drains
//!   within the block's spare weight, and a contract re-created at the same address
//!   (create2) gets a fresh trie. Keys are `blake2_128(key) ‖ key`, balanced against
//!   chosen keys and still listable.
//! - Ethereum nonces ([`Nonces`]) for `create` addresses: accounts' nonces count their
//!   deploys, contracts start at 1 (EIP-161).
//!
//! ## Calls and gas
//! [`Pallet::deploy`] and [`Pallet::call`] take a gas limit. Their weight is a base
//! weight plus the gas limit converted by the one rule in [`gas`]; after execution the
//! weight of unused gas is refunded through `PostDispatchInfo`. An execution that
//! reverts or fails is included: its state and value changes are undone, the
//! [`Event::Called`] receipt carries its status and output, and it pays for the gas it
//! used (all of it for a failure, as the Ewasm rules say). Requests that cannot run
//! (invalid init code, a gas limit above [`Config::MaxGasLimit`], a value the origin
//! cannot pay) fail with an [`Error`] that says why and pay only the base weight.
//!
//! ## Limits
//! Nested calls run in FRAME storage layers and on the runtime's native stack, so the
//! call depth is capped by [`Config::MaxCallDepth`] (below Ethereum's 1024); the linear
//! memory of all frames of a transaction together is capped by
//! [`Config::MaxMemoryPages`], because a runtime has a fixed heap. Calls beyond either
//! limit fail the way Ethereum's depth limit does (the call returns failure, the
//! caller keeps its gas; a refused `memory.grow` returns -1).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod address;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod exec;
#[cfg(any(test, feature = "runtime-benchmarks"))]
pub mod fixtures;
pub mod gas;
#[cfg(any(test, feature = "mock"))]
pub mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

use alloc::vec::Vec;

use codec::{Decode, Encode, MaxEncodedLen};
use frame_support::dispatch::{DispatchErrorWithPostInfo, PostDispatchInfo};
use frame_support::pallet_prelude::*;
use frame_support::storage::{TransactionOutcome, with_transaction};
use frame_support::traits::fungible::{Inspect, Mutate};
use frame_support::traits::tokens::{Fortitude, Preservation};
use scale_info::TypeInfo;
use sp_core::{H160, H256};
use sp_runtime::traits::Zero;
use ssvm_engine::{GasSchedule, ValidationError};

pub use address::AddressMapping;
pub use pallet::*;
pub use pallet_ssvm_runtime_api::{ContractCode, ContractLog, ExecReport, ExecStatus};
pub use weights::WeightInfo;

/// The gas schedule contracts are metered with.
pub const SCHEDULE: GasSchedule = GasSchedule::V1;

/// The engine configuration: Ewasm contract rules, keccak256 at `0x..09`, no `debug`
/// imports.
pub const ENGINE_CONFIG: ssvm_engine::Config = ssvm_engine::Config::contract(SCHEDULE);

/// The largest init code a deploy accepts (EIP-3860: twice the deployed-code limit).
pub const MAX_INIT_CODE_LEN: u32 = 2 * ssvm_engine::limits::MAX_DEPLOYED_CODE_SIZE as u32;

/// The largest deployed code (EIP-170).
pub const MAX_CODE_LEN: u32 = ssvm_engine::limits::MAX_DEPLOYED_CODE_SIZE as u32;

/// The highest number of nested storage layers a runtime may use for contract calls:
/// FRAME allows 255, and an extrinsic and its top-level execution take two.
pub const MAX_SUPPORTED_CALL_DEPTH: u32 = 250;

/// The account id type of a runtime.
pub type AccountIdOf<T> = <T as frame_system::Config>::AccountId;

/// The balance type of the pallet's currency.
pub type BalanceOf<T> = <<T as Config>::Currency as Inspect<AccountIdOf<T>>>::Balance;

/// Deployed code.
pub type CodeVec = BoundedVec<u8, ConstU32<MAX_CODE_LEN>>;

/// What the pallet knows about a stored code.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen, Debug)]
pub struct CodeInfo {
    /// The code's length in bytes.
    pub len: u32,
    /// How many contracts use it.
    pub refcount: u64,
}

/// What the pallet knows about a contract.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, MaxEncodedLen, Debug)]
pub struct ContractInfo {
    /// keccak256 of the contract's code; zero while its init code runs or when it
    /// deployed empty code.
    pub code_hash: H256,
    /// The account or contract that deployed it.
    pub deployer: H160,
    /// The version of the gas schedule it was deployed under.
    pub schedule_version: u32,
    /// The id of its storage child trie.
    pub trie_id: H256,
}

// The pallet macros expand to fully qualified paths.
#[allow(unused_qualifications)]
#[frame_support::pallet]
pub mod pallet {
    use super::*;
    use frame_system::pallet_prelude::*;

    /// The in-code storage version.
    const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

    #[pallet::pallet]
    #[pallet::storage_version(STORAGE_VERSION)]
    pub struct Pallet<T>(_);

    /// The pallet's configuration.
    #[pallet::config]
    pub trait Config: frame_system::Config {
        /// The currency contract values are paid in.
        type Currency: Mutate<Self::AccountId>;

        /// The clock `getBlockTimestamp` reads (pallet-timestamp).
        type UnixTime: frame_support::traits::UnixTime;

        /// How accounts and Ethereum addresses map onto each other.
        type AddressMapping: AddressMapping<Self::AccountId>;

        /// The chain id contracts see (`getChainId`).
        #[pallet::constant]
        type ChainId: Get<u64>;

        /// The gas price contracts see (`getTxGasPrice`). Fees are paid in weight; this
        /// is informational.
        #[pallet::constant]
        type GasPrice: Get<u128>;

        /// The highest gas limit of one extrinsic; also the block gas limit contracts
        /// see (`getBlockGasLimit`). Its weight must fit in one block.
        #[pallet::constant]
        type MaxGasLimit: Get<u64>;

        /// The deepest nesting of contract calls (Ethereum allows 1024; a runtime's
        /// native stack and FRAME's 255 storage layers allow less). At most
        /// [`MAX_SUPPORTED_CALL_DEPTH`].
        #[pallet::constant]
        type MaxCallDepth: Get<u32>;

        /// The Wasm pages (64 KiB) of linear memory all frames of one transaction may
        /// hold together; size it to the runtime's heap.
        #[pallet::constant]
        type MaxMemoryPages: Get<u32>;

        /// Weights of the calls and of the gas-to-weight rule, from benchmarks.
        type WeightInfo: WeightInfo;
    }

    /// Deployed code by keccak256 hash.
    #[pallet::storage]
    pub type PristineCode<T: Config> = StorageMap<_, Identity, H256, CodeVec>;

    /// Length and reference count of deployed code by hash.
    #[pallet::storage]
    pub type CodeInfoOf<T: Config> = StorageMap<_, Identity, H256, CodeInfo>;

    /// Contracts by address.
    #[pallet::storage]
    pub type ContractInfoOf<T: Config> = StorageMap<_, Blake2_128Concat, H160, ContractInfo>;

    /// Ethereum nonces of accounts and contracts (`create` addresses).
    #[pallet::storage]
    pub type Nonces<T: Config> = StorageMap<_, Blake2_128Concat, H160, u64, ValueQuery>;

    /// The account behind each address that has used the pallet.
    #[pallet::storage]
    pub type AddressToAccount<T: Config> = StorageMap<_, Blake2_128Concat, H160, T::AccountId>;

    /// A counter that makes child-trie ids unique.
    #[pallet::storage]
    pub type TrieNonce<T: Config> = StorageValue<_, u64, ValueQuery>;

    /// Storage tries of destroyed contracts, waiting to be deleted by `on_idle`.
    #[pallet::storage]
    pub type DeletionQueue<T: Config> = StorageMap<_, Twox64Concat, u64, H256>;

    /// The next position to delete from and to insert at in [`DeletionQueue`].
    #[pallet::storage]
    pub type DeletionQueueCounter<T: Config> = StorageValue<_, (u64, u64), ValueQuery>;

    #[pallet::event]
    #[pallet::generate_deposit(pub(super) fn deposit_event)]
    pub enum Event<T: Config> {
        /// A contract was deployed.
        Deployed {
            /// The deploying account's address.
            deployer: H160,
            /// The new contract's address.
            contract: H160,
            /// keccak256 of its code.
            code_hash: H256,
        },
        /// A top-level execution ended: the receipt of every `call` and `deploy` that
        /// ran, whatever its status.
        Called {
            /// The calling account's address.
            caller: H160,
            /// The called (or deployed) contract.
            contract: H160,
            /// How the execution ended; only `Success` keeps state changes.
            status: ExecStatus,
            /// Gas charged.
            gas_used: u64,
            /// The `finish`/`revert` data (empty for a successful deploy).
            output: Vec<u8>,
        },
        /// A contract emitted a log (only logs of successful executions are kept).
        ContractLog {
            /// The emitting contract.
            contract: H160,
            /// Up to four topics.
            topics: Vec<H256>,
            /// The data.
            data: Vec<u8>,
        },
        /// A contract self-destructed; its remaining storage is deleted in idle time.
        Terminated {
            /// The destroyed contract.
            contract: H160,
        },
        /// An account's address was registered, so contracts can pay it by address.
        AccountMapped {
            /// The account.
            account: T::AccountId,
            /// Its address.
            address: H160,
        },
    }

    #[pallet::error]
    pub enum Error<T> {
        /// The gas limit is above `MaxGasLimit`: lower it (a dry run through
        /// `SsvmApi.call`/`SsvmApi.deploy` reports the gas an execution uses).
        GasLimitTooHigh,
        /// The origin cannot pay the value and stay alive: lower the value or fund the
        /// account.
        InsufficientBalance,
        /// The value does not fit the currency's balance type.
        ValueTooLarge,
        /// The init code is longer than 49152 bytes (EIP-3860): deploy smaller code.
        InitCodeTooLarge,
        /// The init code is not a WebAssembly binary (bad magic or version, or
        /// malformed): upload the `.wasm` file itself, not hex or text.
        CodeNotWasm,
        /// The module uses floating-point types or instructions, which Ewasm forbids:
        /// build the contract without floats.
        CodeUsesFloats,
        /// The module uses a WebAssembly feature Ewasm does not allow (SIMD, threads,
        /// reference types, several memories or tables, ...): build for the MVP with
        /// sign-extension, bulk memory, multi-value and mutable globals only.
        CodeUsesForbiddenFeature,
        /// The module exceeds an engine limit (size, functions, locals, memory pages,
        /// nesting, ...): split or shrink it.
        CodeExceedsLimit,
        /// The module has a start function, which Ewasm forbids: move its work into
        /// `main`.
        CodeHasStartFunction,
        /// The module must export exactly `main` (a function without parameters or
        /// results) and `memory`: fix its exports.
        CodeExportsWrong,
        /// The module imports something other than EEI functions from `ethereum` and
        /// `bignum` with their exact signatures: check the import names and types.
        CodeImportsWrong,
        /// The engine rejected the module for a reason not listed above.
        CodeRejected,
    }

    #[pallet::hooks]
    impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
        fn on_idle(_block: BlockNumberFor<T>, remaining: Weight) -> Weight {
            Self::process_deletion_queue(remaining)
        }

        fn integrity_test() {
            assert!(
                T::MaxCallDepth::get() <= MAX_SUPPORTED_CALL_DEPTH,
                "MaxCallDepth must be at most {MAX_SUPPORTED_CALL_DEPTH}"
            );
            assert!(
                T::MaxMemoryPages::get() >= 1,
                "MaxMemoryPages must allow a contract's memory"
            );
            let max_weight = T::WeightInfo::call()
                .max(T::WeightInfo::deploy(MAX_INIT_CODE_LEN))
                .saturating_add(gas::gas_to_weight::<T>(T::MaxGasLimit::get()));
            let block = <T as frame_system::Config>::BlockWeights::get();
            assert!(
                max_weight.all_lte(block.max_block),
                "the weight of MaxGasLimit ({max_weight:?}) must fit in a block"
            );
        }
    }

    #[pallet::call]
    impl<T: Config> Pallet<T> {
        /// Deploys a contract: runs `init_code` as a create (its call data is the init
        /// code itself) and stores the code it returns.
        ///
        /// The address is Ethereum's: `create` from the deployer's address and nonce,
        /// or `create2` with `salt`. `value` moves to the contract first. The
        /// [`Event::Called`] receipt reports the status; [`Event::Deployed`] follows
        /// success.
        #[pallet::call_index(0)]
        #[pallet::weight(
            T::WeightInfo::deploy(init_code.len().min(MAX_INIT_CODE_LEN as usize) as u32)
                .saturating_add(gas::gas_to_weight::<T>(*gas_limit))
        )]
        pub fn deploy(
            origin: OriginFor<T>,
            init_code: Vec<u8>,
            #[pallet::compact] value: BalanceOf<T>,
            #[pallet::compact] gas_limit: u64,
            salt: Option<H256>,
        ) -> DispatchResultWithPostInfo {
            let who = ensure_signed(origin)?;
            let base =
                T::WeightInfo::deploy(init_code.len().min(MAX_INIT_CODE_LEN as usize) as u32);
            let report = Self::bare_deploy(who, init_code, value, gas_limit, salt)
                .map_err(|error| with_weight(error, base))?;
            if report.status.is_success() {
                let info = ContractInfoOf::<T>::get(report.contract);
                Self::deposit_event(Event::Deployed {
                    deployer: report.caller,
                    contract: report.contract,
                    code_hash: info.map(|i| i.code_hash).unwrap_or_default(),
                });
            }
            Ok(Self::conclude(report, base))
        }

        /// Calls contract `dest` with `input`, moving `value` to it first.
        ///
        /// A call to an address without code just moves the value. The
        /// [`Event::Called`] receipt reports the status and output.
        #[pallet::call_index(1)]
        #[pallet::weight(T::WeightInfo::call().saturating_add(gas::gas_to_weight::<T>(*gas_limit)))]
        pub fn call(
            origin: OriginFor<T>,
            dest: H160,
            input: Vec<u8>,
            #[pallet::compact] value: BalanceOf<T>,
            #[pallet::compact] gas_limit: u64,
        ) -> DispatchResultWithPostInfo {
            let who = ensure_signed(origin)?;
            let base = T::WeightInfo::call();
            let report = Self::bare_call(who, dest, input, value, gas_limit)
                .map_err(|error| with_weight(error, base))?;
            Ok(Self::conclude(report, base))
        }

        /// Registers the origin's Ethereum address, so contracts can pay it by address,
        /// and moves to it anything already paid to that address. Deploying or calling
        /// does the same.
        #[pallet::call_index(2)]
        #[pallet::weight(T::WeightInfo::map_account())]
        pub fn map_account(origin: OriginFor<T>) -> DispatchResult {
            let who = ensure_signed(origin)?;
            Self::register(&who);
            Ok(())
        }
    }
}

/// A [`DispatchErrorWithPostInfo`] that pays `weight`.
fn with_weight(error: DispatchError, weight: Weight) -> DispatchErrorWithPostInfo {
    DispatchErrorWithPostInfo {
        post_info: PostDispatchInfo {
            actual_weight: Some(weight),
            pays_fee: Pays::Yes,
        },
        error,
    }
}

/// A report with the caller's address, for the extrinsics' events.
pub struct Executed {
    /// The caller's address.
    pub caller: H160,
    /// The report.
    pub report: ExecReport,
}

impl core::ops::Deref for Executed {
    type Target = ExecReport;
    fn deref(&self) -> &ExecReport {
        &self.report
    }
}

impl<T: Config> Pallet<T> {
    /// Deploys `init_code` as `origin` and reports the outcome; what [`Pallet::deploy`]
    /// and the runtime API's dry run both run.
    pub fn bare_deploy(
        origin: T::AccountId,
        init_code: Vec<u8>,
        value: BalanceOf<T>,
        gas_limit: u64,
        salt: Option<H256>,
    ) -> Result<Executed, DispatchError> {
        ensure!(
            init_code.len() <= MAX_INIT_CODE_LEN as usize,
            Error::<T>::InitCodeTooLarge
        );
        let contract = ssvm_engine::Contract::new(&ENGINE_CONFIG, &init_code)
            .map_err(|error| Self::code_error(&error))?;
        let (caller, value) = Self::prepare(&origin, value, gas_limit)?;
        let mut ext = exec::Ext::<T>::new(caller, origin);
        ext.prime(contract);
        let report = ext.deploy(&init_code, value, gas_limit, salt);
        Ok(Executed { caller, report })
    }

    /// Calls `dest` as `origin` and reports the outcome; what [`Pallet::call`] and the
    /// runtime API's dry run both run.
    pub fn bare_call(
        origin: T::AccountId,
        dest: H160,
        input: Vec<u8>,
        value: BalanceOf<T>,
        gas_limit: u64,
    ) -> Result<Executed, DispatchError> {
        let (caller, value) = Self::prepare(&origin, value, gas_limit)?;
        let mut ext = exec::Ext::<T>::new(caller, origin);
        let report = ext.call_top(dest, &input, value, gas_limit);
        Ok(Executed { caller, report })
    }

    /// The checks before an execution: gas limit and value; registers the origin.
    fn prepare(
        origin: &T::AccountId,
        value: BalanceOf<T>,
        gas_limit: u64,
    ) -> Result<(H160, ssvm_engine::U256), DispatchError> {
        ensure!(
            gas_limit <= T::MaxGasLimit::get(),
            Error::<T>::GasLimitTooHigh
        );
        let caller = Self::register(origin);
        if !value.is_zero() {
            let spendable =
                T::Currency::reducible_balance(origin, Preservation::Preserve, Fortitude::Polite);
            ensure!(value <= spendable, Error::<T>::InsufficientBalance);
        }
        let value: u128 = value.try_into().map_err(|_| Error::<T>::ValueTooLarge)?;
        Ok((caller, ssvm_engine::U256::from(value)))
    }

    /// Deposits the events of a top-level execution and computes its weight.
    fn conclude(executed: Executed, base: Weight) -> PostDispatchInfo {
        let Executed { caller, report } = executed;
        for log in &report.logs {
            Self::deposit_event(Event::ContractLog {
                contract: log.contract,
                topics: log.topics.clone(),
                data: log.data.clone(),
            });
        }
        let gas_used = report.gas_used;
        Self::deposit_event(Event::Called {
            caller,
            contract: report.contract,
            status: report.status,
            gas_used,
            output: report.output,
        });
        PostDispatchInfo {
            actual_weight: Some(base.saturating_add(gas::gas_to_weight::<T>(gas_used))),
            pays_fee: Pays::Yes,
        }
    }

    /// Records `account`'s address in the reverse map (once) and sweeps anything paid
    /// to the address before into the account; returns the address.
    pub fn register(account: &T::AccountId) -> H160 {
        let address = T::AddressMapping::to_address(account);
        if !AddressToAccount::<T>::contains_key(address) {
            AddressToAccount::<T>::insert(address, account.clone());
            let fallback = T::AddressMapping::to_fallback_account(&address);
            if &fallback != account {
                let paid = T::Currency::balance(&fallback);
                if !paid.is_zero() {
                    // Cannot fail: the fallback account holds `paid` and may be reaped.
                    let _ =
                        T::Currency::transfer(&fallback, account, paid, Preservation::Expendable);
                }
            }
            Self::deposit_event(Event::AccountMapped {
                account: account.clone(),
                address,
            });
        }
        address
    }

    /// The account behind `address`: a registered account or the address's own.
    pub fn account_of(address: &H160) -> T::AccountId {
        AddressToAccount::<T>::get(address)
            .unwrap_or_else(|| T::AddressMapping::to_fallback_account(address))
    }

    /// The value of `contract`'s storage slot `key`, if the contract exists.
    pub fn storage(contract: H160, key: H256) -> Option<H256> {
        let info = ContractInfoOf::<T>::get(contract)?;
        Some(H256(exec::read_slot(&info.trie_id, &key.0)))
    }

    /// The code of `contract`, if it exists.
    pub fn code(contract: H160) -> Option<Vec<u8>> {
        let info = ContractInfoOf::<T>::get(contract)?;
        if info.code_hash.is_zero() {
            return Some(Vec::new());
        }
        PristineCode::<T>::get(info.code_hash).map(|code| code.into_inner())
    }

    /// The dry run of [`Pallet::bare_call`] (what the runtime API runs): its report,
    /// with [`ExecReport::gas_required`], and nothing committed.
    pub fn dry_run_call(
        origin: T::AccountId,
        dest: H160,
        input: Vec<u8>,
        value: BalanceOf<T>,
        gas_limit: u64,
    ) -> Result<ExecReport, DispatchError> {
        Self::dry_run(gas_limit, |gas| {
            Self::bare_call(origin.clone(), dest, input.clone(), value, gas)
        })
    }

    /// The dry run of [`Pallet::bare_deploy`] (what the runtime API runs): its report,
    /// with [`ExecReport::gas_required`], and nothing committed.
    pub fn dry_run_deploy(
        origin: T::AccountId,
        init_code: Vec<u8>,
        value: BalanceOf<T>,
        gas_limit: u64,
        salt: Option<H256>,
    ) -> Result<ExecReport, DispatchError> {
        Self::dry_run(gas_limit, |gas| {
            Self::bare_deploy(origin.clone(), init_code.clone(), value, gas, salt)
        })
    }

    /// Runs `execute` with `gas_limit` and then finds its gas requirement, all rolled
    /// back.
    fn dry_run(
        gas_limit: u64,
        mut execute: impl FnMut(u64) -> Result<Executed, DispatchError>,
    ) -> Result<ExecReport, DispatchError> {
        let mut report = with_transaction(|| {
            TransactionOutcome::Rollback(execute(gas_limit).map(|executed| executed.report))
        })?;
        report.gas_required = Self::gas_required(report.gas_used, execute);
        Ok(report)
    }

    /// The smallest gas limit, at most [`Config::MaxGasLimit`], with which `execute`
    /// (a [`Pallet::bare_call`] or [`Pallet::bare_deploy`] with the given limit)
    /// succeeds; `None` when it fails even with the maximum. What a client should send
    /// as the limit: the gas a call uses can be less than the limit it needs, because
    /// of the 1/64 kept back at every nested call (EIP-150), the stipend a value
    /// transfer adds, and the refund given only at the end.
    ///
    /// A binary search, as geth's `eth_estimateGas`, starting with `hint` (the gas the
    /// dry run used): every probe runs in a storage layer that is rolled back, so
    /// nothing changes, and, like a dispatched extrinsic, in one layer of its own.
    /// About 25 executions for the maximum gas limit.
    pub fn gas_required(
        hint: u64,
        mut execute: impl FnMut(u64) -> Result<Executed, DispatchError>,
    ) -> Option<u64> {
        let mut succeeds = |gas_limit: u64| {
            with_transaction(|| {
                let success = execute(gas_limit)
                    .is_ok_and(|executed| executed.report.status == ExecStatus::Success);
                TransactionOutcome::Rollback(Ok::<_, DispatchError>(success))
            })
            .unwrap_or(false)
        };
        let max = T::MaxGasLimit::get();
        // `low` has not been tried or fails; `high` succeeds.
        let (mut low, mut high) = (0, max);
        let hint = hint.min(max);
        if succeeds(hint) {
            high = hint;
        } else if succeeds(max) {
            low = hint + 1;
        } else {
            return None;
        }
        while low < high {
            let middle = low + (high - low) / 2;
            if succeeds(middle) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        Some(high)
    }

    /// The pallet error for a module the engine rejects (the details go to the log).
    fn code_error(error: &ValidationError) -> Error<T> {
        log::debug!(target: "runtime::ssvm", "code rejected: {error}");
        match error {
            ValidationError::MissingPreamble
            | ValidationError::UnsupportedVersion
            | ValidationError::InvalidWasm { .. } => Error::CodeNotWasm,
            ValidationError::Float { .. } => Error::CodeUsesFloats,
            ValidationError::FeatureForbidden { .. } => Error::CodeUsesForbiddenFeature,
            ValidationError::LimitExceeded { .. } => Error::CodeExceedsLimit,
            ValidationError::StartFunction => Error::CodeHasStartFunction,
            ValidationError::MissingMain
            | ValidationError::MainNotFunction
            | ValidationError::MainSignature
            | ValidationError::MissingMemoryExport
            | ValidationError::MemoryExportNotMemory
            | ValidationError::ExtraExport { .. } => Error::CodeExportsWrong,
            ValidationError::ImportNotFunction { .. }
            | ValidationError::ImportNamespace { .. }
            | ValidationError::UnknownImport { .. }
            | ValidationError::ImportSignature { .. } => Error::CodeImportsWrong,
            _ => Error::CodeRejected,
        }
    }

    /// Deletes queued storage tries within `remaining` weight; returns the weight used.
    fn process_deletion_queue(remaining: Weight) -> Weight {
        let base = T::WeightInfo::on_idle_delete(0);
        let per_key = T::WeightInfo::on_idle_delete(1).saturating_sub(base);
        if !remaining.all_gte(base.saturating_add(per_key)) {
            return Weight::zero();
        }
        let (next, end) = DeletionQueueCounter::<T>::get();
        if next == end {
            return T::DbWeight::get().reads(1);
        }
        let Some(trie_id) = DeletionQueue::<T>::get(next) else {
            return T::DbWeight::get().reads(2);
        };
        let budget = remaining.saturating_sub(base);
        let keys = if per_key.ref_time() == 0 {
            u32::MAX
        } else {
            (budget.ref_time() / per_key.ref_time()).min(u64::from(u32::MAX)) as u32
        };
        let removed = exec::delete_trie(&trie_id, keys);
        if removed.finished {
            DeletionQueue::<T>::remove(next);
            DeletionQueueCounter::<T>::put((next + 1, end));
        }
        T::WeightInfo::on_idle_delete(removed.keys)
    }
}
