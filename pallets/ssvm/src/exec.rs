//! [`Ext`]: the engine's [`Host`] over FRAME storage, for one top-level execution.
//!
//! Every call and create, the top-level one included, runs in its own FRAME storage
//! layer (`with_transaction`): a frame that does not succeed is rolled back with all
//! its storage writes, balance transfers, created contracts and nested frames. What the
//! pallet keeps in memory during an execution (logs, written slots, self-destructs) is
//! journaled the same way by truncation. The nonce increment of a create happens before
//! its layer, so a failed create keeps it, as in Ethereum.
//!
//! After a successful top-level execution, self-destructed contracts are removed: their
//! info and nonce go, their code loses a reference, their remaining balance is burned
//! and their storage trie is queued for deletion.

use alloc::rc::Rc;
use alloc::vec::Vec;
use core::marker::PhantomData;

use frame_support::storage::TransactionOutcome;
use frame_support::storage::child::{self, ChildInfo};
use frame_support::storage::transactional::with_transaction_opaque_err;
use frame_support::traits::UnixTime;
use frame_support::traits::fungible::{Inspect, Mutate};
use frame_support::traits::tokens::{Fortitude, Precision, Preservation};
use sp_core::{Get, H160, H256};
use sp_runtime::SaturatedConversion;
use sp_runtime::traits::Zero;
use ssvm_engine::{
    Address, Bytes32, CallKind, CodeCache, Contract, ExecutionResult, Host, Message, Status,
    TxContext, U256, keccak256,
};

use crate::{
    AddressToAccount, BalanceOf, CodeInfo, CodeInfoOf, CodeVec, Config, ContractInfo,
    ContractInfoOf, ContractLog, DeletionQueue, DeletionQueueCounter, ENGINE_CONFIG, Event,
    ExecReport, ExecStatus, Nonces, Pallet, PristineCode, SCHEDULE, TrieNonce, gas,
};

/// Converts an engine address.
pub fn h160(address: &Address) -> H160 {
    H160(address.0)
}

/// Converts to an engine address.
pub fn address(h160: &H160) -> Address {
    Address(h160.0)
}

/// The child trie of storage trie `trie_id`.
fn child_info(trie_id: &H256) -> ChildInfo {
    let mut key = Vec::with_capacity(5 + 32);
    key.extend_from_slice(b"ssvm:");
    key.extend_from_slice(trie_id.as_bytes());
    ChildInfo::new_default(&key)
}

/// The child-trie key of a storage slot: `blake2_128(slot) ‖ slot`.
fn slot_key(slot: &[u8; 32]) -> [u8; 48] {
    let mut key = [0; 48];
    key[..16].copy_from_slice(&sp_io::hashing::blake2_128(slot));
    key[16..].copy_from_slice(slot);
    key
}

/// Reads a storage slot of trie `trie_id` (zero when unset).
pub fn read_slot(trie_id: &H256, slot: &[u8; 32]) -> [u8; 32] {
    child::get_raw(&child_info(trie_id), &slot_key(slot))
        .and_then(|value| value.try_into().ok())
        .unwrap_or([0; 32])
}

pub(crate) fn write_slot(trie_id: &H256, slot: &[u8; 32], value: &[u8; 32]) {
    let key = slot_key(slot);
    if value == &[0; 32] {
        child::kill(&child_info(trie_id), &key);
    } else {
        child::put_raw(&child_info(trie_id), &key, value);
    }
}

/// What one deletion step did.
pub struct Removed {
    /// Keys deleted.
    pub keys: u32,
    /// Whether the trie is now empty.
    pub finished: bool,
}

/// Deletes up to `limit` keys of trie `trie_id`.
pub fn delete_trie(trie_id: &H256, limit: u32) -> Removed {
    let result = child::clear_storage(&child_info(trie_id), Some(limit), None);
    Removed {
        keys: result.loops,
        finished: result.maybe_cursor.is_none(),
    }
}

fn status_of(status: Status) -> ExecStatus {
    match status {
        Status::Success => ExecStatus::Success,
        Status::Revert => ExecStatus::Revert,
        Status::Failure => ExecStatus::Failure,
        Status::OutOfGas => ExecStatus::OutOfGas,
        Status::InvalidMemoryAccess => ExecStatus::InvalidMemoryAccess,
        Status::StaticModeViolation => ExecStatus::StaticModeViolation,
        Status::ContractValidationFailure => ExecStatus::ContractValidationFailure,
        Status::ArgumentOutOfRange => ExecStatus::ArgumentOutOfRange,
        Status::InternalError => ExecStatus::InternalError,
    }
}

/// A failed frame that keeps its gas (depth and layer limits, refused transfers).
fn refused(gas: u64) -> ExecutionResult {
    ExecutionResult {
        gas_left: gas,
        ..ExecutionResult::failed(Status::Failure)
    }
}

/// A prepared contract, shared by the frames of one execution that run the same code.
type Loaded = Rc<Contract>;

/// Lengths of the in-memory journals at the start of a frame.
#[derive(Copy, Clone)]
struct Marks {
    logs: usize,
    writes: usize,
    destroyed: usize,
}

/// The host of one top-level execution. See the module docs.
pub struct Ext<T: Config> {
    origin: H160,
    origin_account: T::AccountId,
    modules: CodeCache<Loaded>,
    logs: Vec<ContractLog>,
    writes: Vec<(H160, [u8; 32])>,
    destroyed: Vec<H160>,
    memory_in_use: u32,
    tx: TxContext,
    _config: PhantomData<T>,
}

impl<T: Config> Ext<T> {
    /// A host for an execution started by `origin_account` (address `origin`).
    pub fn new(origin: H160, origin_account: T::AccountId) -> Ext<T> {
        let number: u64 = frame_system::Pallet::<T>::block_number().saturated_into();
        let tx = TxContext {
            gas_price: U256::from(T::GasPrice::get()),
            origin: address(&origin),
            coinbase: Address::ZERO,
            number,
            timestamp: T::UnixTime::now().as_secs(),
            gas_limit: T::MaxGasLimit::get(),
            difficulty: U256::ZERO,
            chain_id: U256::from(T::ChainId::get()),
        };
        Ext {
            origin,
            origin_account,
            // Never evicts: the gas of one transaction bounds what it loads, and a
            // second load of the same code must cost nothing.
            modules: CodeCache::unbounded(),
            logs: Vec::new(),
            writes: Vec::new(),
            destroyed: Vec::new(),
            memory_in_use: 0,
            tx,
            _config: PhantomData,
        }
    }

    /// Caches an already validated module, so loading it costs no gas (its weight is
    /// part of the deploy's base weight).
    pub fn prime(&mut self, contract: Contract) {
        let hash = keccak256(contract.code());
        self.modules.insert(hash, Rc::new(contract));
    }

    /// Runs a top-level deploy of `init_code`.
    pub fn deploy(
        &mut self,
        init_code: &[u8],
        value: U256,
        gas_limit: u64,
        salt: Option<H256>,
    ) -> ExecReport {
        let message = Message {
            kind: if salt.is_some() {
                CallKind::Create2
            } else {
                CallKind::Create
            },
            is_static: false,
            depth: 0,
            gas: gas_limit,
            recipient: Address::ZERO,
            sender: address(&self.origin),
            input: init_code,
            value,
            code_address: Address::ZERO,
            salt: Bytes32(salt.unwrap_or_default().0),
        };
        let contract = self.create_address(&message);
        let outcome = self.call(&message);
        self.report(outcome, gas_limit, contract)
    }

    /// Runs a top-level call of `dest`.
    pub fn call_top(
        &mut self,
        dest: H160,
        input: &[u8],
        value: U256,
        gas_limit: u64,
    ) -> ExecReport {
        let message = Message {
            kind: CallKind::Call,
            is_static: false,
            depth: 0,
            gas: gas_limit,
            recipient: address(&dest),
            sender: address(&self.origin),
            input,
            value,
            code_address: address(&dest),
            salt: Bytes32::ZERO,
        };
        let outcome = self.call(&message);
        self.report(outcome, gas_limit, dest)
    }

    /// Turns a top-level outcome into a report, applying the refund (at most half the
    /// gas used, Byzantium) and, on success, the self-destructs.
    fn report(&mut self, outcome: ExecutionResult, gas_limit: u64, contract: H160) -> ExecReport {
        let used = gas_limit.saturating_sub(outcome.gas_left);
        let success = outcome.status == Status::Success;
        let refund = if success {
            outcome.gas_refund.min(used / 2)
        } else {
            0
        };
        if success {
            self.apply_self_destructs();
        }
        let storage_changes = if success {
            let mut slots = core::mem::take(&mut self.writes);
            slots.sort_unstable();
            slots.dedup();
            slots.len() as u32
        } else {
            0
        };
        ExecReport {
            status: status_of(outcome.status),
            output: outcome.output,
            gas_used: used - refund,
            contract,
            logs: if success {
                core::mem::take(&mut self.logs)
            } else {
                Vec::new()
            },
            storage_changes,
            gas_required: None,
        }
    }

    /// The address a create message deploys to (without changing anything).
    fn create_address(&self, message: &Message<'_>) -> H160 {
        let sender = message.sender;
        let address = if message.kind == CallKind::Create2 {
            ssvm_engine::create2_address(&sender, &message.salt, message.input)
        } else {
            ssvm_engine::create_address(&sender, Nonces::<T>::get(h160(&sender)))
        };
        h160(&address)
    }

    fn marks(&self) -> Marks {
        Marks {
            logs: self.logs.len(),
            writes: self.writes.len(),
            destroyed: self.destroyed.len(),
        }
    }

    fn rewind(&mut self, marks: Marks) {
        self.logs.truncate(marks.logs);
        self.writes.truncate(marks.writes);
        self.destroyed.truncate(marks.destroyed);
    }

    /// Moves `value` between addresses' accounts; a top-level sender stays alive.
    fn transfer(&self, from: &H160, to: &H160, value: U256, top_level: bool) -> bool {
        if value.is_zero() {
            return true;
        }
        let Ok(amount) = u128::try_from(value) else {
            return false;
        };
        let Ok(amount) = BalanceOf::<T>::try_from(amount) else {
            return false;
        };
        let from = if top_level {
            self.origin_account.clone()
        } else {
            Pallet::<T>::account_of(from)
        };
        let preservation = if top_level {
            Preservation::Preserve
        } else {
            Preservation::Expendable
        };
        T::Currency::transfer(&from, &Pallet::<T>::account_of(to), amount, preservation).is_ok()
    }

    /// The translated module of `code_hash`, charging the load gas from `gas` on a
    /// cache miss; `None` when out of gas or the code is gone.
    fn load(&mut self, code_hash: H256, gas: &mut u64) -> Result<Loaded, Status> {
        if let Some(loaded) = self.modules.get(&Bytes32(code_hash.0)) {
            return Ok(loaded);
        }
        let len = CodeInfoOf::<T>::get(code_hash).map_or(0, |info| info.len);
        let cost = gas::code_load_gas::<T>(len);
        if *gas < cost {
            *gas = 0;
            return Err(Status::OutOfGas);
        }
        *gas -= cost;
        let code = PristineCode::<T>::get(code_hash).ok_or(Status::InternalError)?;
        self.translate(code_hash, &code)
    }

    /// Loads init code (from a create message), charging the load gas on a miss.
    fn load_init_code(&mut self, init_code: &[u8], gas: &mut u64) -> Result<Loaded, Status> {
        let hash = H256(keccak256(init_code).0);
        if let Some(loaded) = self.modules.get(&Bytes32(hash.0)) {
            return Ok(loaded);
        }
        let cost = gas::code_load_gas::<T>(init_code.len() as u32);
        if *gas < cost {
            *gas = 0;
            return Err(Status::OutOfGas);
        }
        *gas -= cost;
        self.translate(hash, init_code)
    }

    fn translate(&mut self, hash: H256, code: &[u8]) -> Result<Loaded, Status> {
        let contract = Contract::new(&ENGINE_CONFIG, code).map_err(|error| {
            log::debug!(target: "runtime::ssvm", "code {hash:?} rejected: {error}");
            Status::ContractValidationFailure
        })?;
        let loaded = Rc::new(contract);
        self.modules.insert(Bytes32(hash.0), loaded.clone());
        Ok(loaded)
    }

    /// Runs `loaded` for `message` with `gas`.
    fn run(&mut self, loaded: &Loaded, message: &Message<'_>, gas: u64) -> ExecutionResult {
        let message = Message {
            gas,
            ..message.clone()
        };
        loaded.execute(self, &message)
    }

    fn run_call(&mut self, message: &Message<'_>) -> ExecutionResult {
        let top_level = message.depth == 0;
        if message.kind == CallKind::Call
            && !self.transfer(
                &h160(&message.sender),
                &h160(&message.recipient),
                message.value,
                top_level,
            )
        {
            return refused(message.gas);
        }
        let code_hash = ContractInfoOf::<T>::get(h160(&message.code_address))
            .map(|info| info.code_hash)
            .unwrap_or_default();
        if code_hash.is_zero() {
            return ExecutionResult::success(message.gas);
        }
        let mut gas = message.gas;
        match self.load(code_hash, &mut gas) {
            Ok(loaded) => self.run(&loaded, message, gas),
            Err(status) => ExecutionResult::failed(status),
        }
    }

    fn run_create(&mut self, message: &Message<'_>, contract: H160) -> ExecutionResult {
        let top_level = message.depth == 0;
        if ContractInfoOf::<T>::contains_key(contract) || Nonces::<T>::get(contract) != 0 {
            return ExecutionResult::failed(Status::Failure);
        }
        let trie_nonce = TrieNonce::<T>::mutate(|nonce| {
            *nonce += 1;
            *nonce
        });
        let mut seed = [0u8; 28];
        seed[..20].copy_from_slice(contract.as_bytes());
        seed[20..].copy_from_slice(&trie_nonce.to_le_bytes());
        ContractInfoOf::<T>::insert(
            contract,
            ContractInfo {
                code_hash: H256::zero(),
                deployer: h160(&message.sender),
                schedule_version: SCHEDULE.version,
                trie_id: H256(keccak256(&seed).0),
            },
        );
        Nonces::<T>::insert(contract, 1);
        frame_system::Pallet::<T>::inc_providers(&Pallet::<T>::account_of(&contract));
        if !self.transfer(&h160(&message.sender), &contract, message.value, top_level) {
            return refused(message.gas);
        }
        let mut gas = message.gas;
        let loaded = match self.load_init_code(message.input, &mut gas) {
            Ok(loaded) => loaded,
            Err(status) => return ExecutionResult::failed(status),
        };
        let inner = Message {
            recipient: address(&contract),
            code_address: address(&contract),
            ..message.clone()
        };
        let mut outcome = self.run(&loaded, &inner, gas);
        if outcome.status != Status::Success {
            return outcome;
        }
        if !outcome.output.is_empty() && !outcome.output.starts_with(b"\0asm") {
            // Only Ewasm runs here: code that is not Wasm could never be called.
            return ExecutionResult::failed(Status::ContractValidationFailure);
        }
        let Some(code) = outcome.take_deployed_code() else {
            return outcome;
        };
        // MAX_CODE_LEN is the engine's deployed-code limit, which the deposit enforced.
        let Ok(code) = CodeVec::try_from(code) else {
            return ExecutionResult::failed(Status::OutOfGas);
        };
        let code_hash = if code.is_empty() {
            H256::zero()
        } else {
            let hash = H256(keccak256(&code).0);
            let len = code.len() as u32;
            CodeInfoOf::<T>::mutate(hash, |info| match info {
                Some(info) => info.refcount += 1,
                None => *info = Some(CodeInfo { len, refcount: 1 }),
            });
            if !PristineCode::<T>::contains_key(hash) {
                PristineCode::<T>::insert(hash, code);
            }
            hash
        };
        ContractInfoOf::<T>::mutate(contract, |info| {
            if let Some(info) = info {
                info.code_hash = code_hash;
            }
        });
        outcome.create_address = Some(address(&contract));
        outcome
    }

    /// Removes the contracts that self-destructed (after a successful execution).
    fn apply_self_destructs(&mut self) {
        let mut destroyed = core::mem::take(&mut self.destroyed);
        destroyed.sort_unstable();
        destroyed.dedup();
        for contract in destroyed {
            let Some(info) = ContractInfoOf::<T>::take(contract) else {
                continue;
            };
            if !info.code_hash.is_zero() {
                let unused = CodeInfoOf::<T>::mutate_exists(info.code_hash, |entry| {
                    if let Some(code) = entry {
                        code.refcount = code.refcount.saturating_sub(1);
                        if code.refcount == 0 {
                            *entry = None;
                        }
                    }
                    entry.is_none()
                });
                if unused {
                    PristineCode::<T>::remove(info.code_hash);
                }
            }
            Nonces::<T>::remove(contract);
            let account = Pallet::<T>::account_of(&contract);
            let left = T::Currency::balance(&account);
            if !left.is_zero() {
                // Ethereum destroys what a self-destructed contract still holds.
                let _ = T::Currency::burn_from(
                    &account,
                    left,
                    Preservation::Expendable,
                    Precision::BestEffort,
                    Fortitude::Force,
                );
            }
            let _ = frame_system::Pallet::<T>::dec_providers(&account);
            DeletionQueueCounter::<T>::mutate(|(_, end)| {
                DeletionQueue::<T>::insert(*end, info.trie_id);
                *end += 1;
            });
            Pallet::<T>::deposit_event(Event::Terminated { contract });
        }
    }

    fn trie_of(&self, contract: &Address) -> Option<H256> {
        ContractInfoOf::<T>::get(h160(contract)).map(|info| info.trie_id)
    }
}

impl<T: Config> Host for Ext<T> {
    fn account_exists(&mut self, address: &Address) -> bool {
        let address = h160(address);
        ContractInfoOf::<T>::contains_key(address)
            || Nonces::<T>::get(address) != 0
            || AddressToAccount::<T>::contains_key(address)
            || !T::Currency::balance(&Pallet::<T>::account_of(&address)).is_zero()
    }

    fn balance(&mut self, address: &Address) -> U256 {
        let balance: u128 =
            T::Currency::balance(&Pallet::<T>::account_of(&h160(address))).saturated_into();
        U256::from(balance)
    }

    fn code_size(&mut self, address: &Address) -> usize {
        let hash = self.code_hash(address);
        if hash.is_zero() {
            return 0;
        }
        CodeInfoOf::<T>::get(H256(hash.0)).map_or(0, |info| info.len as usize)
    }

    fn code_hash(&mut self, address: &Address) -> Bytes32 {
        ContractInfoOf::<T>::get(h160(address))
            .map(|info| Bytes32(info.code_hash.0))
            .unwrap_or_default()
    }

    fn copy_code(&mut self, address: &Address, offset: usize, buffer: &mut [u8]) -> usize {
        let hash = self.code_hash(address);
        if hash.is_zero() {
            return 0;
        }
        let Some(code) = PristineCode::<T>::get(H256(hash.0)) else {
            return 0;
        };
        let available = code.get(offset..).unwrap_or(&[]);
        let n = available.len().min(buffer.len());
        buffer[..n].copy_from_slice(&available[..n]);
        n
    }

    fn storage(&mut self, address: &Address, key: &Bytes32) -> Bytes32 {
        self.trie_of(address)
            .map(|trie| Bytes32(read_slot(&trie, &key.0)))
            .unwrap_or_default()
    }

    fn set_storage(&mut self, address: &Address, key: &Bytes32, value: &Bytes32) {
        // Only a contract's own code writes its storage, so the contract exists.
        if let Some(trie) = self.trie_of(address) {
            write_slot(&trie, &key.0, &value.0);
            self.writes.push((h160(address), key.0));
        }
    }

    fn call(&mut self, message: &Message<'_>) -> ExecutionResult {
        if message.depth > T::MaxCallDepth::get() {
            return refused(message.gas);
        }
        let created = message.kind.is_create().then(|| {
            let contract = self.create_address(message);
            Nonces::<T>::mutate(h160(&message.sender), |nonce| *nonce += 1);
            contract
        });
        let marks = self.marks();
        let result = with_transaction_opaque_err(|| {
            let outcome = match created {
                Some(contract) => self.run_create(message, contract),
                None => self.run_call(message),
            };
            if outcome.status == Status::Success {
                TransactionOutcome::Commit(Ok::<_, ()>(outcome))
            } else {
                TransactionOutcome::Rollback(Ok(outcome))
            }
        });
        match result {
            Ok(Ok(outcome)) => {
                if outcome.status != Status::Success {
                    self.rewind(marks);
                }
                outcome
            }
            // FRAME's layer limit: like exceeding the depth limit.
            _ => {
                self.rewind(marks);
                refused(message.gas)
            }
        }
    }

    fn selfdestruct(&mut self, address: &Address, beneficiary: &Address) -> bool {
        let contract = h160(address);
        let beneficiary = h160(beneficiary);
        if contract != beneficiary {
            let account = Pallet::<T>::account_of(&contract);
            let balance = T::Currency::balance(&account);
            if !balance.is_zero() {
                let _ = T::Currency::transfer(
                    &account,
                    &Pallet::<T>::account_of(&beneficiary),
                    balance,
                    Preservation::Expendable,
                );
            }
        }
        let first = !self.destroyed.contains(&contract);
        if first {
            self.destroyed.push(contract);
        }
        first
    }

    fn emit_log(&mut self, address: &Address, topics: &[Bytes32], data: &[u8]) {
        self.logs.push(ContractLog {
            contract: h160(address),
            topics: topics.iter().map(|topic| H256(topic.0)).collect(),
            data: data.to_vec(),
        });
    }

    fn tx_context(&mut self) -> TxContext {
        self.tx.clone()
    }

    fn block_hash(&mut self, number: u64) -> Bytes32 {
        let hash = frame_system::Pallet::<T>::block_hash(
            frame_system::pallet_prelude::BlockNumberFor::<T>::saturated_from(number),
        );
        let mut out = Bytes32::ZERO;
        let bytes = hash.as_ref();
        let n = bytes.len().min(32);
        out.0[32 - n..].copy_from_slice(&bytes[..n]);
        out
    }

    fn reserve_memory(&mut self, pages: u32) -> bool {
        let wanted = self.memory_in_use.saturating_add(pages);
        if wanted > T::MaxMemoryPages::get() {
            return false;
        }
        self.memory_in_use = wanted;
        true
    }

    fn release_memory(&mut self, pages: u32) {
        self.memory_in_use = self.memory_in_use.saturating_sub(pages);
    }
}
