//! [`World`]: the in-memory Ethereum world state of the engine's tests, the state-test
//! runner and the fuzz targets: accounts, storage, logs and nested execution, with
//! Byzantium semantics, behind the [`Host`] trait.
//!
//! Every change goes through a journal, so a failed or reverted frame is undone
//! exactly (balances, nonces, storage, created accounts, logs, self-destructs and
//! EIP-161 touches). Ethereum's nonce rule holds: a create increments the creator's
//! nonce before the frame's snapshot, so a failed create keeps the increment (as the
//! pallet and every Ethereum client do). Contract addresses follow Ethereum
//! (`CREATE`: keccak256(rlp([sender, nonce])), `CREATE2`: EIP-1014); deployment charges
//! 200 gas per byte of code and enforces EIP-170 ([`ExecutionResult::take_deployed_code`]).
//! Nested calls and creates run the callee's code through an [`Executor`]: the engine on
//! one of its [`Backend`]s, or anything else that runs Ewasm (an EVMC library).

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::rc::Rc;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::backend::Backend;
use crate::host::{CallKind, ExecutionResult, Host, Message, TraceStep, TxContext};
use crate::types::{Address, Bytes32, Config, Status, U256, keccak256};

/// Runs contract code for a [`World`]: the world's one switch between execution paths.
pub trait Executor {
    /// Executes `code` for `message` against `world` (which is the host of nested
    /// calls).
    fn execute(&self, world: &mut World, message: &Message<'_>, code: &[u8]) -> ExecutionResult;
}

/// The engine on one backend, under one configuration.
#[derive(Clone)]
pub struct Engine {
    /// The engine configuration.
    pub config: Config,
    /// The execution path.
    pub backend: Backend,
}

impl Executor for Engine {
    fn execute(&self, world: &mut World, message: &Message<'_>, code: &[u8]) -> ExecutionResult {
        self.backend.execute(&self.config, world, message, code)
    }
}

/// An account.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Account {
    /// Balance in wei.
    pub balance: U256,
    /// Nonce.
    pub nonce: u64,
    /// Code.
    pub code: Rc<[u8]>,
    /// Storage; zero values are never stored.
    pub storage: BTreeMap<Bytes32, Bytes32>,
}

impl Account {
    /// EIP-161: no code, zero nonce, zero balance.
    pub fn is_empty(&self) -> bool {
        self.balance.is_zero() && self.nonce == 0 && self.code.is_empty()
    }
}

/// A log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Log {
    /// Emitting account.
    pub address: Address,
    /// Topics.
    pub topics: Vec<Bytes32>,
    /// Data.
    pub data: Vec<u8>,
}

#[derive(Clone)]
enum Change {
    Balance(Address, U256),
    Nonce(Address, u64),
    Storage(Address, Bytes32, Bytes32),
    /// The account did not exist (or is replaced by a fresh one): restore this.
    Account(Address, Option<Account>),
    Touched(Address),
    Log,
    SelfDestructed(Address),
}

/// The world state of one transaction (or a sequence of them). See the module docs.
#[derive(Clone)]
pub struct World {
    accounts: BTreeMap<Address, Account>,
    journal: Vec<Change>,
    logs: Vec<Log>,
    touched: BTreeSet<Address>,
    self_destructed: BTreeSet<Address>,
    /// Transaction and block context.
    pub tx: TxContext,
    /// Block hashes `getBlockHash` sees.
    pub block_hashes: BTreeMap<u64, Bytes32>,
    /// Whether a block missing from [`World::block_hashes`] hashes to keccak256 of its
    /// decimal number (the state tests' convention) rather than zero.
    pub hash_unknown_blocks: bool,
    executor: Rc<dyn Executor>,
    /// Collects the instruction trace when set.
    pub trace: Option<Vec<String>>,
    /// Lines printed through the `debug` namespace.
    pub debug_lines: Vec<String>,
    /// Every nested message the engine sent (kind, code address, gas, depth), in order.
    pub messages: Vec<(CallKind, Address, u64, u32)>,
    /// The pages of linear memory all frames may hold together (`None`: unbounded).
    pub memory_budget: Option<u32>,
    /// The pages currently held by executing frames.
    pub memory_in_use: u32,
}

impl World {
    /// A world with `accounts` and `tx`, executing code with `executor`.
    pub fn new(
        accounts: BTreeMap<Address, Account>,
        tx: TxContext,
        executor: Rc<dyn Executor>,
    ) -> World {
        World {
            accounts,
            journal: Vec::new(),
            logs: Vec::new(),
            touched: BTreeSet::new(),
            self_destructed: BTreeSet::new(),
            tx,
            block_hashes: BTreeMap::new(),
            hash_unknown_blocks: false,
            executor,
            trace: None,
            debug_lines: Vec::new(),
            messages: Vec::new(),
            memory_budget: None,
            memory_in_use: 0,
        }
    }

    /// An empty world at block 1 (timestamp 1000, gas limit 10M, chain id 1, gas price
    /// 1) running the engine with `config` on `backend`.
    pub fn empty(config: Config, backend: Backend) -> World {
        let tx = TxContext {
            number: 1,
            timestamp: 1_000,
            gas_limit: 10_000_000,
            chain_id: U256::from(1u8),
            gas_price: U256::from(1u8),
            ..TxContext::default()
        };
        World::new(BTreeMap::new(), tx, Rc::new(Engine { config, backend }))
    }

    /// What runs contract code in this world.
    pub fn executor(&self) -> Rc<dyn Executor> {
        self.executor.clone()
    }

    /// Creates or replaces an account holding `code` and `balance` (keeping its nonce
    /// and storage); not journaled, for setting up a world.
    pub fn set_account(&mut self, address: Address, balance: U256, code: Vec<u8>) {
        let account = self.accounts.entry(address).or_default();
        account.balance = balance;
        account.code = code.into();
    }

    /// A storage slot of `address` (zero when unset).
    pub fn storage_at(&self, address: &Address, key: &Bytes32) -> Bytes32 {
        self.accounts
            .get(address)
            .and_then(|a| a.storage.get(key))
            .copied()
            .unwrap_or_default()
    }

    /// Sends a top-level message (depth 0), as a transaction would, and commits what it
    /// left: its changes stand only if it succeeded.
    pub fn transact(&mut self, message: &Message<'_>) -> ExecutionResult {
        let outcome = self.call(message);
        self.journal.clear();
        outcome
    }

    /// Forgets the logs emitted so far (between transactions).
    pub fn clear_logs(&mut self) {
        self.logs.clear();
        self.journal.retain(|change| !matches!(change, Change::Log));
    }

    /// The accounts.
    pub fn accounts(&self) -> &BTreeMap<Address, Account> {
        &self.accounts
    }

    /// The logs of the transaction so far.
    pub fn logs(&self) -> &[Log] {
        &self.logs
    }

    /// The balance of `address`.
    pub fn balance_of(&self, address: &Address) -> U256 {
        self.accounts
            .get(address)
            .map(|a| a.balance)
            .unwrap_or_default()
    }

    /// The nonce of `address`.
    pub fn nonce_of(&self, address: &Address) -> u64 {
        self.accounts.get(address).map_or(0, |a| a.nonce)
    }

    /// A point to revert to.
    pub fn snapshot(&self) -> usize {
        self.journal.len()
    }

    /// Undoes every change made after `snapshot`.
    pub fn revert(&mut self, snapshot: usize) {
        while self.journal.len() > snapshot {
            match self.journal.pop() {
                Some(Change::Balance(address, old)) => self.account_mut(address).balance = old,
                Some(Change::Nonce(address, old)) => self.account_mut(address).nonce = old,
                Some(Change::Storage(address, key, old)) => {
                    let storage = &mut self.account_mut(address).storage;
                    if old.is_zero() {
                        storage.remove(&key);
                    } else {
                        storage.insert(key, old);
                    }
                }
                Some(Change::Account(address, old)) => match old {
                    Some(account) => {
                        self.accounts.insert(address, account);
                    }
                    None => {
                        self.accounts.remove(&address);
                    }
                },
                Some(Change::Touched(address)) => {
                    self.touched.remove(&address);
                }
                Some(Change::Log) => {
                    self.logs.pop();
                }
                Some(Change::SelfDestructed(address)) => {
                    self.self_destructed.remove(&address);
                }
                None => break,
            }
        }
    }

    /// The account at `address`, created if missing; not journaled, for setting up a
    /// world between transactions.
    pub fn account_mut(&mut self, address: Address) -> &mut Account {
        self.accounts.entry(address).or_default()
    }

    /// The accounts that self-destructed in this transaction.
    pub fn self_destructed(&self) -> &BTreeSet<Address> {
        &self.self_destructed
    }

    /// Replaces what runs contract code (another backend or configuration).
    pub fn set_executor(&mut self, executor: Rc<dyn Executor>) {
        self.executor = executor;
    }

    /// How this world's state differs from `other`'s (accounts, logs, self-destructs),
    /// or `None` when they are the same: the oracle of the differential tests.
    pub fn state_difference(&self, other: &World) -> Option<String> {
        if self.accounts != other.accounts {
            let addresses: BTreeSet<&Address> =
                self.accounts.keys().chain(other.accounts.keys()).collect();
            for address in addresses {
                let (ours, theirs) = (self.accounts.get(address), other.accounts.get(address));
                if ours != theirs {
                    return Some(format!("account {address}: {ours:?} != {theirs:?}"));
                }
            }
        }
        if self.logs != other.logs {
            return Some(format!("logs: {:?} != {:?}", self.logs, other.logs));
        }
        if self.self_destructed != other.self_destructed {
            return Some(format!(
                "self-destructs: {:?} != {:?}",
                self.self_destructed, other.self_destructed
            ));
        }
        None
    }

    /// Makes sure `address` exists (journaled).
    fn ensure_account(&mut self, address: Address) {
        if !self.accounts.contains_key(&address) {
            self.journal.push(Change::Account(address, None));
            self.accounts.insert(address, Account::default());
        }
    }

    /// Marks `address` touched for EIP-161 (journaled).
    pub fn touch(&mut self, address: Address) {
        self.ensure_account(address);
        if self.touched.insert(address) {
            self.journal.push(Change::Touched(address));
        }
    }

    /// Sets a balance (journaled).
    pub fn set_balance(&mut self, address: Address, balance: U256) {
        self.ensure_account(address);
        let account = self.account_mut(address);
        let old = core::mem::replace(&mut account.balance, balance);
        self.journal.push(Change::Balance(address, old));
    }

    /// Increments a nonce (journaled).
    pub fn increment_nonce(&mut self, address: Address) {
        self.ensure_account(address);
        let account = self.account_mut(address);
        let old = account.nonce;
        account.nonce += 1;
        self.journal.push(Change::Nonce(address, old));
    }

    /// Moves `value` from `from` to `to`; false (and nothing changes) if `from` lacks it.
    pub fn transfer(&mut self, from: Address, to: Address, value: U256) -> bool {
        let available = self.balance_of(&from);
        if available < value {
            return false;
        }
        self.set_balance(from, available - value);
        let received = self.balance_of(&to).saturating_add(value);
        self.set_balance(to, received);
        true
    }

    /// Derives the new contract's address and increments the creator's nonce; this
    /// happens before the create's snapshot, so a failed create keeps the increment.
    fn begin_create(&mut self, message: &Message<'_>) -> Address {
        let sender = message.sender;
        let address = if message.kind == CallKind::Create2 {
            crate::host::create2_address(&sender, &message.salt, message.input)
        } else {
            crate::host::create_address(&sender, self.nonce_of(&sender))
        };
        self.increment_nonce(sender);
        address
    }

    fn run_create(&mut self, message: &Message<'_>, address: Address) -> ExecutionResult {
        let sender = message.sender;
        let collision = self
            .accounts
            .get(&address)
            .is_some_and(|a| a.nonce != 0 || !a.code.is_empty());
        if collision {
            return ExecutionResult::failed(Status::Failure);
        }
        // A fresh account keeps a balance sent to its address before it existed.
        let previous = self.accounts.get(&address).cloned();
        let balance = previous.as_ref().map(|a| a.balance).unwrap_or_default();
        self.journal.push(Change::Account(address, previous));
        self.accounts.insert(
            address,
            Account {
                balance,
                nonce: 1,
                ..Account::default()
            },
        );
        self.touch(address);
        if !self.transfer(sender, address, message.value) {
            return ExecutionResult::failed(Status::Failure);
        }
        let inner = Message {
            recipient: address,
            code_address: address,
            ..message.clone()
        };
        let executor = self.executor.clone();
        let mut outcome = executor.execute(self, &inner, message.input);
        if let Some(code) = outcome.take_deployed_code() {
            let code: Rc<[u8]> = code.into();
            let old = self.accounts.get(&address).cloned();
            self.journal.push(Change::Account(address, old));
            self.account_mut(address).code = code;
            outcome.create_address = Some(address);
        }
        outcome
    }

    /// Deletes self-destructed accounts and touched empty accounts (EIP-161); call at
    /// the end of a transaction.
    pub fn finalize(&mut self) {
        for address in core::mem::take(&mut self.self_destructed) {
            self.accounts.remove(&address);
        }
        for address in core::mem::take(&mut self.touched) {
            if self.accounts.get(&address).is_some_and(Account::is_empty) {
                self.accounts.remove(&address);
            }
        }
        self.journal.clear();
    }
}

impl Host for World {
    fn account_exists(&mut self, address: &Address) -> bool {
        self.accounts.get(address).is_some_and(|a| !a.is_empty())
    }

    fn balance(&mut self, address: &Address) -> U256 {
        self.balance_of(address)
    }

    fn code_size(&mut self, address: &Address) -> usize {
        self.accounts.get(address).map_or(0, |a| a.code.len())
    }

    fn code_hash(&mut self, address: &Address) -> Bytes32 {
        match self.accounts.get(address) {
            Some(account) if !account.is_empty() => keccak256(&account.code),
            _ => Bytes32::ZERO,
        }
    }

    fn copy_code(&mut self, address: &Address, offset: usize, buffer: &mut [u8]) -> usize {
        let code = self
            .accounts
            .get(address)
            .map(|a| &a.code[..])
            .unwrap_or(&[]);
        let available = code.get(offset..).unwrap_or(&[]);
        let n = available.len().min(buffer.len());
        buffer[..n].copy_from_slice(&available[..n]);
        n
    }

    fn storage(&mut self, address: &Address, key: &Bytes32) -> Bytes32 {
        self.accounts
            .get(address)
            .and_then(|a| a.storage.get(key))
            .copied()
            .unwrap_or_default()
    }

    fn set_storage(&mut self, address: &Address, key: &Bytes32, value: &Bytes32) {
        self.ensure_account(*address);
        let storage = &mut self.account_mut(*address).storage;
        let old = if value.is_zero() {
            storage.remove(key)
        } else {
            storage.insert(*key, *value)
        };
        self.journal
            .push(Change::Storage(*address, *key, old.unwrap_or_default()));
    }

    fn call(&mut self, message: &Message<'_>) -> ExecutionResult {
        self.messages.push((
            message.kind,
            message.code_address,
            message.gas,
            message.depth,
        ));
        let created = message.kind.is_create().then(|| self.begin_create(message));
        let snapshot = self.snapshot();
        let outcome = if let Some(address) = created {
            self.run_create(message, address)
        } else {
            if message.kind == CallKind::Call {
                self.touch(message.recipient);
                if !self.transfer(message.sender, message.recipient, message.value) {
                    self.revert(snapshot);
                    return ExecutionResult::failed(Status::Failure);
                }
            }
            let code = self
                .accounts
                .get(&message.code_address)
                .map(|a| a.code.clone())
                .unwrap_or_else(|| Rc::from(&[][..]));
            let executor = self.executor.clone();
            executor.execute(self, message, &code)
        };
        if outcome.status != Status::Success {
            self.revert(snapshot);
        }
        outcome
    }

    fn selfdestruct(&mut self, address: &Address, beneficiary: &Address) -> bool {
        let balance = self.balance_of(address);
        self.touch(*beneficiary);
        if address != beneficiary {
            let received = self.balance_of(beneficiary).saturating_add(balance);
            self.set_balance(*beneficiary, received);
        }
        self.set_balance(*address, U256::ZERO);
        let first = self.self_destructed.insert(*address);
        if first {
            self.journal.push(Change::SelfDestructed(*address));
        }
        first
    }

    fn emit_log(&mut self, address: &Address, topics: &[Bytes32], data: &[u8]) {
        self.logs.push(Log {
            address: *address,
            topics: topics.to_vec(),
            data: data.to_vec(),
        });
        self.journal.push(Change::Log);
    }

    fn tx_context(&mut self) -> TxContext {
        self.tx.clone()
    }

    fn block_hash(&mut self, number: u64) -> Bytes32 {
        match self.block_hashes.get(&number) {
            Some(hash) => *hash,
            None if self.hash_unknown_blocks => keccak256(number.to_string().as_bytes()),
            None => Bytes32::ZERO,
        }
    }

    fn reserve_memory(&mut self, pages: u32) -> bool {
        let wanted = self.memory_in_use.saturating_add(pages);
        if self.memory_budget.is_some_and(|budget| wanted > budget) {
            return false;
        }
        self.memory_in_use = wanted;
        true
    }

    fn release_memory(&mut self, pages: u32) {
        self.memory_in_use = self.memory_in_use.saturating_sub(pages);
    }

    fn debug_print(&mut self, line: &str) {
        self.debug_lines.push(line.to_string());
    }

    fn tracing(&self) -> bool {
        self.trace.is_some()
    }

    fn trace(&mut self, step: &TraceStep<'_>) {
        if let Some(lines) = &mut self.trace {
            lines.push(format!(
                "depth {} call {} pc {:>6} gas {:>12}  {}",
                step.depth, step.call_depth, step.pc, step.gas_left, step.instruction
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gas::GasSchedule;

    const CREATOR: Address = Address([0xc0; 20]);
    const ALICE: Address = Address([0xa1; 20]);

    fn world() -> World {
        let mut world = World::empty(Config::contract(GasSchedule::V1), Backend::Interpreter);
        world.set_account(ALICE, U256::from(1_000_000u32), Vec::new());
        world
    }

    /// A contract whose `main` creates a contract from `init` (a module whose bytes
    /// it holds in memory) and stores the call's result code at storage key 0.
    fn creator(init: &[u8]) -> Vec<u8> {
        let hex: String = init.iter().map(|b| format!("\\{b:02x}")).collect();
        wat::parse_str(format!(
            r#"(module
                (import "ethereum" "create" (func $create (param i32 i32 i32 i32) (result i32)))
                (import "ethereum" "storageStore" (func $store (param i32 i32)))
                (memory (export "memory") 1)
                (data (i32.const 0) "{hex}")
                (func (export "main")
                    (i32.store8 (i32.const 3031)
                        (call $create (i32.const 1000) (i32.const 0) (i32.const {len}) (i32.const 2000)))
                    (call $store (i32.const 4000) (i32.const 3000))))"#,
            len = init.len()
        ))
        .unwrap()
    }

    fn call_creator(world: &mut World) -> ExecutionResult {
        world.transact(&Message {
            sender: ALICE,
            recipient: CREATOR,
            code_address: CREATOR,
            gas: 1_000_000,
            ..Message::default()
        })
    }

    /// Ethereum's nonce rule: a create increments the creator's nonce even when the
    /// create fails, and the failed frame leaves nothing else behind.
    #[test]
    fn a_failed_create_keeps_the_creators_nonce_increment() {
        let reverting = wat::parse_str(
            r#"(module
                (import "ethereum" "revert" (func $revert (param i32 i32)))
                (memory (export "memory") 1)
                (func (export "main") (call $revert (i32.const 0) (i32.const 0))))"#,
        )
        .unwrap();
        let mut world = world();
        world.set_account(CREATOR, U256::ZERO, creator(&reverting));
        let accounts_before = world.accounts().len();
        let outcome = call_creator(&mut world);
        assert_eq!(outcome.status, Status::Success, "{outcome:?}");
        assert_eq!(
            world.nonce_of(&CREATOR),
            1,
            "the failed create keeps the increment"
        );
        let mut result = [0u8; 32];
        result[31] = 2;
        assert_eq!(
            world.storage_at(&CREATOR, &Bytes32::ZERO),
            Bytes32(result),
            "create returned the revert code"
        );
        assert_eq!(
            world.accounts().len(),
            accounts_before,
            "no account was created"
        );
        // A successful create increments it again and creates the account.
        let deploying = wat::parse_str(
            r#"(module
                (import "ethereum" "finish" (func $finish (param i32 i32)))
                (memory (export "memory") 1)
                (func (export "main") (call $finish (i32.const 0) (i32.const 0))))"#,
        )
        .unwrap();
        world.set_account(CREATOR, U256::ZERO, creator(&deploying));
        assert_eq!(call_creator(&mut world).status, Status::Success);
        assert_eq!(world.nonce_of(&CREATOR), 2);
        let created = crate::host::create_address(&CREATOR, 1);
        assert_eq!(world.nonce_of(&created), 1);
    }

    /// A reverted frame undoes every kind of change: balances, nonces, storage, created
    /// accounts, logs and self-destructs; a committed transaction keeps them.
    #[test]
    fn revert_undoes_every_change_and_transact_commits() {
        let mut world = world();
        let bob = Address([0xb0; 20]);
        let start = world.clone();
        let snapshot = world.snapshot();
        assert!(world.transfer(ALICE, bob, U256::from(10u8)));
        world.increment_nonce(ALICE);
        world.set_storage(&ALICE, &Bytes32([1; 32]), &Bytes32([2; 32]));
        world.emit_log(&ALICE, &[Bytes32([3; 32])], b"data");
        assert!(world.selfdestruct(&bob, &ALICE));
        world.touch(Address([0x70; 20]));
        assert_ne!(world.state_difference(&start), None);
        world.revert(snapshot);
        assert_eq!(world.state_difference(&start), None);
        assert!(
            !world.transfer(bob, ALICE, U256::from(1u8)),
            "bob has nothing"
        );
        assert_eq!(
            world.state_difference(&start),
            None,
            "a failed transfer changes nothing"
        );
    }

    #[test]
    fn block_hashes_follow_the_table_or_the_state_tests_convention() {
        let mut world = world();
        world.block_hashes.insert(7, Bytes32([7; 32]));
        assert_eq!(world.block_hash(7), Bytes32([7; 32]));
        assert_eq!(world.block_hash(8), Bytes32::ZERO);
        world.hash_unknown_blocks = true;
        assert_eq!(world.block_hash(8), keccak256(b"8"));
    }
}
