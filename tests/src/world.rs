//! [`World`]: an Ethereum world state with journaling, implementing the engine's
//! [`Host`] with Byzantium semantics.
//!
//! Every change goes through a journal, so a failed or reverted frame is undone
//! exactly (balances, nonces, storage, created accounts, logs, self-destructs and
//! EIP-161 touches). Nested calls and creates run the callee's code through a [`Vm`]:
//! the engine in process, or an EVMC library loaded from disk.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use ssvm_engine::{
    Address, Bytes32, CallKind, CallOutcome, ExecutionResult, Host, Message, Status, TraceStep,
    TxContext, U256, keccak256,
};

/// Runs contract code for a [`World`].
pub trait Vm {
    /// Executes `code` for `message` against `world` (which is the host of nested
    /// calls).
    fn execute(&self, world: &mut World, message: &Message<'_>, code: &[u8]) -> ExecutionResult;
}

/// The engine, in process.
pub struct InProcess {
    /// The engine configuration.
    pub config: ssvm_engine::Config,
}

impl Vm for InProcess {
    fn execute(&self, world: &mut World, message: &Message<'_>, code: &[u8]) -> ExecutionResult {
        ssvm_engine::execute(&self.config, world, message, code)
    }
}

/// The engine's AOT path, in process: contracts compiled to native code.
pub struct Aot {
    /// The engine configuration.
    pub config: ssvm_engine::Config,
    /// The compiler and its cache of compiled contracts.
    pub engine: ssvm_engine::aot::AotEngine,
}

impl Vm for Aot {
    fn execute(&self, world: &mut World, message: &Message<'_>, code: &[u8]) -> ExecutionResult {
        self.engine.execute(&self.config, world, message, code)
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

/// The world state of one transaction. See the module docs.
pub struct World {
    accounts: BTreeMap<Address, Account>,
    journal: Vec<Change>,
    logs: Vec<Log>,
    touched: BTreeSet<Address>,
    self_destructed: BTreeSet<Address>,
    /// Transaction and block context.
    pub tx: TxContext,
    vm: Rc<dyn Vm>,
    /// Collects the instruction trace when set.
    pub trace: Option<Vec<String>>,
}

impl World {
    /// A world with `accounts`, executing code with `vm`.
    pub fn new(accounts: BTreeMap<Address, Account>, tx: TxContext, vm: Rc<dyn Vm>) -> World {
        World {
            accounts,
            journal: Vec::new(),
            logs: Vec::new(),
            touched: BTreeSet::new(),
            self_destructed: BTreeSet::new(),
            tx,
            vm,
            trace: None,
        }
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

    fn account_mut(&mut self, address: Address) -> &mut Account {
        self.accounts.entry(address).or_default()
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
        let old = std::mem::replace(&mut account.balance, balance);
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
            ssvm_engine::create2_address(&sender, &message.salt, message.input)
        } else {
            ssvm_engine::create_address(&sender, self.nonce_of(&sender))
        };
        self.increment_nonce(sender);
        address
    }

    fn run_create(&mut self, message: &Message<'_>, address: Address) -> CallOutcome {
        let sender = message.sender;
        let collision = self
            .accounts
            .get(&address)
            .is_some_and(|a| a.nonce != 0 || !a.code.is_empty());
        if collision {
            return CallOutcome::failure();
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
            return CallOutcome::failure();
        }
        let inner = Message {
            recipient: address,
            code_address: address,
            ..message.clone()
        };
        let vm = self.vm.clone();
        let mut outcome = CallOutcome::from(vm.execute(self, &inner, message.input));
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
        for address in std::mem::take(&mut self.self_destructed) {
            self.accounts.remove(&address);
        }
        for address in std::mem::take(&mut self.touched) {
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

    fn call(&mut self, message: &Message<'_>) -> CallOutcome {
        let created = message.kind.is_create().then(|| self.begin_create(message));
        let snapshot = self.snapshot();
        let outcome = if let Some(address) = created {
            self.run_create(message, address)
        } else {
            if message.kind == CallKind::Call {
                self.touch(message.recipient);
                if !self.transfer(message.sender, message.recipient, message.value) {
                    self.revert(snapshot);
                    return CallOutcome::failure();
                }
            }
            let code = self
                .accounts
                .get(&message.code_address)
                .map(|a| a.code.clone())
                .unwrap_or_else(|| Rc::from(&[][..]));
            let vm = self.vm.clone();
            CallOutcome::from(vm.execute(self, message, &code))
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
        // The test host's convention: keccak256 of the block number's decimal string.
        keccak256(number.to_string().as_bytes())
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
