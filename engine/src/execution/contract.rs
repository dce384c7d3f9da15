//! A prepared contract, and the one cache type of prepared code.
//!
//! A [`Contract`] keeps a validated, translated module with the bytes it was made from
//! and the configuration it was validated under, so that a host cannot run a module
//! with other code or under another configuration than the one it was checked with.
//! [`CodeCache`] is the bounded map every host keeps prepared code in (the pallet's
//! per-transaction cache, the EVMC library's, the AOT path's compiled artifacts), keyed
//! by [`cache_key`]: the code's hash, the gas schedule's version, the module kind and
//! the flags that change validation or execution.

use alloc::collections::{BTreeMap, VecDeque};
use alloc::vec::Vec;

use super::run::execute_module;
use crate::host::{ExecutionResult, Host, Message};
use crate::module::Module;
use crate::types::{Bytes32, Config, keccak256};
use crate::validation::ValidationError;

/// A validated, translated contract with its code and configuration.
#[derive(Clone, Debug)]
pub struct Contract {
    config: Config,
    module: Module,
    code: Vec<u8>,
}

impl Contract {
    /// Validates and translates `code` under `config`.
    pub fn new(config: &Config, code: &[u8]) -> Result<Contract, ValidationError> {
        Ok(Contract {
            config: *config,
            module: Module::new(config, code)?,
            code: code.to_vec(),
        })
    }

    /// Executes the contract for `message` (see [`crate::execute`]).
    pub fn execute<H: Host + ?Sized>(
        &self,
        host: &mut H,
        message: &Message<'_>,
    ) -> ExecutionResult {
        execute_module(&self.config, &self.module, host, message, &self.code)
    }

    /// The configuration it was validated under.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The translated module.
    pub fn module(&self) -> &Module {
        &self.module
    }

    /// The code.
    pub fn code(&self) -> &[u8] {
        &self.code
    }

    /// Its key in a [`CodeCache`].
    pub fn key(&self) -> Bytes32 {
        cache_key(&self.config, &self.code)
    }
}

/// The key prepared `code` is cached under for `config`: keccak256 of the code's hash,
/// the schedule version, the module kind and the debug-imports and keccak flags.
pub fn cache_key(config: &Config, code: &[u8]) -> Bytes32 {
    let mut preimage = Vec::with_capacity(32 + 7);
    preimage.extend_from_slice(&keccak256(code).0);
    preimage.extend_from_slice(&config.schedule.version.to_le_bytes());
    preimage.extend_from_slice(&[
        config.kind as u8,
        u8::from(config.debug_imports),
        u8::from(config.keccak_system_contract),
    ]);
    keccak256(&preimage)
}

/// A bounded map of prepared code by key; when full, the entry inserted first leaves
/// first (deterministic: no hashing, no clock).
#[derive(Clone, Debug)]
pub struct CodeCache<T> {
    entries: BTreeMap<Bytes32, T>,
    order: VecDeque<Bytes32>,
    capacity: usize,
}

impl<T: Clone> CodeCache<T> {
    /// An empty cache holding at most `capacity` entries (at least one).
    pub fn new(capacity: usize) -> CodeCache<T> {
        CodeCache {
            entries: BTreeMap::new(),
            order: VecDeque::new(),
            capacity: capacity.max(1),
        }
    }

    /// An empty cache that never evicts (for caches whose size something else bounds,
    /// such as the gas of one transaction).
    pub fn unbounded() -> CodeCache<T> {
        CodeCache::new(usize::MAX)
    }

    /// The entry of `key`.
    pub fn get(&self, key: &Bytes32) -> Option<T> {
        self.entries.get(key).cloned()
    }

    /// Adds or replaces the entry of `key`, evicting the oldest entry when full.
    pub fn insert(&mut self, key: Bytes32, value: T) {
        if self.entries.insert(key, value).is_none() {
            self.order.push_back(key);
        }
        while self.order.len() > self.capacity {
            if let Some(oldest) = self.order.pop_front() {
                self.entries.remove(&oldest);
            }
        }
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.order.clear();
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gas::GasSchedule;

    #[test]
    fn the_oldest_entry_leaves_first() {
        let mut cache = CodeCache::new(2);
        let key = |n: u8| Bytes32([n; 32]);
        cache.insert(key(1), 'a');
        cache.insert(key(2), 'b');
        cache.insert(key(1), 'c');
        assert_eq!((cache.len(), cache.get(&key(1))), (2, Some('c')));
        cache.insert(key(3), 'd');
        assert_eq!(cache.get(&key(1)), None, "the first inserted left");
        assert_eq!(
            (cache.get(&key(2)), cache.get(&key(3))),
            (Some('b'), Some('d'))
        );
        cache.clear();
        assert!(cache.is_empty());
    }

    #[test]
    fn keys_separate_code_and_every_setting() {
        let v1 = Config::contract(GasSchedule::V1);
        let mut no_keccak = v1;
        no_keccak.keccak_system_contract = false;
        let mut debug = v1;
        debug.debug_imports = true;
        let keys = [
            cache_key(&v1, b"a"),
            cache_key(&v1, b"b"),
            cache_key(&Config::contract(GasSchedule::HERA_UNMETERED), b"a"),
            cache_key(&Config::plain(GasSchedule::V1), b"a"),
            cache_key(&no_keccak, b"a"),
            cache_key(&debug, b"a"),
        ];
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}
