//! [`MockHost`]: an in-memory [`Host`] with accounts, storage, logs and nested
//! execution, for tests and examples.
//!
//! Nested calls and creates run the engine again on the callee's code. Each nested
//! frame works on a snapshot: when the callee fails or reverts, the accounts, logs and
//! self-destruct set are restored to what they were before the call, so a failed frame
//! leaves no trace (value transfers included). Contract addresses follow Ethereum
//! (`CREATE`: keccak256(rlp([sender, nonce])), `CREATE2`: EIP-1014); deployment charges
//! 200 gas per byte of code and enforces EIP-170.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::execution::run::{ExecutionResult, execute};
use crate::host::{Address, Bytes32, CallKind, CallOutcome, Host, Message, TxContext, U256};
use crate::types::{Config, Status, keccak256};

/// An account of the mock state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Account {
    /// Balance.
    pub balance: U256,
    /// Nonce.
    pub nonce: u64,
    /// Code.
    pub code: Vec<u8>,
    /// Storage (zero values are removed).
    pub storage: BTreeMap<Bytes32, Bytes32>,
}

impl Account {
    fn is_empty(&self) -> bool {
        self.balance.is_zero() && self.nonce == 0 && self.code.is_empty()
    }
}

/// A log emitted by a contract.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Log {
    /// The emitting contract.
    pub address: Address,
    /// Topics.
    pub topics: Vec<Bytes32>,
    /// Data.
    pub data: Vec<u8>,
}

#[derive(Clone)]
struct Snapshot {
    accounts: BTreeMap<Address, Account>,
    logs: usize,
    selfdestructs: BTreeSet<Address>,
}

/// An in-memory host. See the module docs.
#[derive(Clone, Debug)]
pub struct MockHost {
    /// The engine configuration nested executions use.
    pub config: Config,
    /// The world state.
    pub accounts: BTreeMap<Address, Account>,
    /// Logs emitted (and not reverted) so far.
    pub logs: Vec<Log>,
    /// Transaction and block context.
    pub tx: TxContext,
    /// Hashes `getBlockHash` can see.
    pub block_hashes: BTreeMap<u64, Bytes32>,
    /// Accounts that self-destructed in this transaction.
    pub selfdestructs: BTreeSet<Address>,
    /// Lines printed through the `debug` namespace.
    pub debug_lines: Vec<String>,
    /// Every nested message the engine sent (kind, recipient, gas, depth), in order.
    pub messages: Vec<(CallKind, Address, u64, u32)>,
    /// The pages of linear memory all frames may hold together (`None`: unbounded).
    pub memory_budget: Option<u32>,
    /// The pages currently held by executing frames.
    pub memory_in_use: u32,
    /// Runs contract code: the interpreter ([`execute`]) unless a test sets another
    /// execution path.
    pub runner: Runner,
}

/// How a [`MockHost`] runs contract code.
pub type Runner = fn(&Config, &mut MockHost, &Message<'_>, &[u8]) -> ExecutionResult;

impl MockHost {
    /// An empty world with block number 1 and chain id 1.
    pub fn new(config: Config) -> MockHost {
        MockHost {
            config,
            accounts: BTreeMap::new(),
            logs: Vec::new(),
            tx: TxContext {
                number: 1,
                timestamp: 1_000,
                gas_limit: 10_000_000,
                chain_id: U256::from(1u8),
                gas_price: U256::from(1u8),
                ..TxContext::default()
            },
            block_hashes: BTreeMap::new(),
            selfdestructs: BTreeSet::new(),
            debug_lines: Vec::new(),
            messages: Vec::new(),
            memory_budget: None,
            memory_in_use: 0,
            runner: |config, host, message, code| execute(config, host, message, code),
        }
    }

    /// Creates or replaces an account holding `code` and `balance`.
    pub fn set_account(&mut self, address: Address, balance: U256, code: Vec<u8>) {
        let account = self.accounts.entry(address).or_default();
        account.balance = balance;
        account.code = code;
    }

    /// A storage slot of `address` (zero when unset).
    pub fn storage_at(&self, address: &Address, key: &Bytes32) -> Bytes32 {
        self.accounts
            .get(address)
            .and_then(|a| a.storage.get(key))
            .copied()
            .unwrap_or_default()
    }

    /// The balance of `address`.
    pub fn balance_of(&self, address: &Address) -> U256 {
        self.accounts
            .get(address)
            .map(|a| a.balance)
            .unwrap_or_default()
    }

    /// Sends a top-level message (depth 0), as a transaction would, and returns its
    /// outcome. State changes stand only if it succeeds.
    pub fn transact(&mut self, message: &Message<'_>) -> CallOutcome {
        self.call(message)
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            accounts: self.accounts.clone(),
            logs: self.logs.len(),
            selfdestructs: self.selfdestructs.clone(),
        }
    }

    fn restore(&mut self, snapshot: Snapshot) {
        self.accounts = snapshot.accounts;
        self.logs.truncate(snapshot.logs);
        self.selfdestructs = snapshot.selfdestructs;
    }

    fn transfer(&mut self, from: &Address, to: &Address, value: &U256) -> bool {
        if value.is_zero() {
            self.accounts.entry(*to).or_default();
            return true;
        }
        let Some(sender) = self.accounts.get_mut(from) else {
            return false;
        };
        if sender.balance < *value {
            return false;
        }
        sender.balance -= *value;
        let recipient = self.accounts.entry(*to).or_default();
        recipient.balance = recipient.balance.saturating_add(*value);
        true
    }

    fn run_create(&mut self, message: &Message<'_>) -> CallOutcome {
        let nonce = self.accounts.get(&message.sender).map_or(0, |a| a.nonce);
        let address = if message.kind == CallKind::Create2 {
            crate::host::create2_address(&message.sender, &message.salt, message.input)
        } else {
            crate::host::create_address(&message.sender, nonce)
        };
        self.accounts.entry(message.sender).or_default().nonce += 1;
        let collision = self
            .accounts
            .get(&address)
            .is_some_and(|a| a.nonce != 0 || !a.code.is_empty());
        if collision || !self.transfer(&message.sender, &address, &message.value) {
            return CallOutcome::failure();
        }
        self.accounts.entry(address).or_default().nonce = 1;
        let config = self.config;
        let inner = Message {
            recipient: address,
            code_address: address,
            ..message.clone()
        };
        let mut outcome = CallOutcome::from((self.runner)(&config, self, &inner, message.input));
        if let Some(code) = outcome.take_deployed_code() {
            self.accounts.entry(address).or_default().code = code;
            outcome.create_address = Some(address);
        }
        outcome
    }
}

impl Host for MockHost {
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
            .map(|a| a.code.as_slice())
            .unwrap_or(&[]);
        let available = code.get(offset..).unwrap_or(&[]);
        let n = available.len().min(buffer.len());
        buffer[..n].copy_from_slice(&available[..n]);
        n
    }

    fn storage(&mut self, address: &Address, key: &Bytes32) -> Bytes32 {
        self.storage_at(address, key)
    }

    fn set_storage(&mut self, address: &Address, key: &Bytes32, value: &Bytes32) {
        let storage = &mut self.accounts.entry(*address).or_default().storage;
        if value.is_zero() {
            storage.remove(key);
        } else {
            storage.insert(*key, *value);
        }
    }

    fn call(&mut self, message: &Message<'_>) -> CallOutcome {
        self.messages.push((
            message.kind,
            message.code_address,
            message.gas,
            message.depth,
        ));
        let snapshot = self.snapshot();
        let outcome = if message.kind.is_create() {
            self.run_create(message)
        } else if message.kind == CallKind::Call
            && !self.transfer(&message.sender, &message.recipient, &message.value)
        {
            CallOutcome::failure()
        } else {
            let code = self
                .accounts
                .get(&message.code_address)
                .map(|a| a.code.clone())
                .unwrap_or_default();
            let config = self.config;
            CallOutcome::from((self.runner)(&config, self, message, &code))
        };
        if outcome.status != Status::Success {
            self.restore(snapshot);
        }
        outcome
    }

    fn selfdestruct(&mut self, address: &Address, beneficiary: &Address) -> bool {
        let balance = self.balance_of(address);
        if address != beneficiary {
            self.transfer(address, beneficiary, &balance);
        } else if let Some(account) = self.accounts.get_mut(address) {
            account.balance = U256::ZERO;
        }
        self.selfdestructs.insert(*address)
    }

    fn emit_log(&mut self, address: &Address, topics: &[Bytes32], data: &[u8]) {
        self.logs.push(Log {
            address: *address,
            topics: topics.to_vec(),
            data: data.to_vec(),
        });
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

    fn tx_context(&mut self) -> TxContext {
        self.tx.clone()
    }

    fn block_hash(&mut self, number: u64) -> Bytes32 {
        self.block_hashes.get(&number).copied().unwrap_or_default()
    }

    fn debug_print(&mut self, line: &str) {
        self.debug_lines.push(line.to_string());
    }
}
