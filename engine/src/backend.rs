//! The one switch between the engine's execution paths: the interpreter (always; the
//! only path on chain), the interpreter with a shared cache of prepared contracts (std,
//! for long-lived hosts such as the EVMC library) and, with the `aot` feature, native
//! code compiled by wasmtime. All give the same status, output, state changes and gas
//! for every input (the differential tests and fuzz targets hold them to it), so a host
//! picks one by speed.

#[cfg(feature = "std")]
use alloc::sync::Arc;

use crate::execution::run::execute;
use crate::host::{ExecutionResult, Host, Message};
use crate::types::Config;

/// An execution path.
#[derive(Clone)]
pub enum Backend {
    /// The interpreter ([`crate::execute`]): every execution validates and translates.
    Interpreter,
    /// The interpreter, with prepared contracts kept in a [`ContractCache`] that clones
    /// of this backend share.
    #[cfg(feature = "std")]
    CachedInterpreter(Arc<ContractCache>),
    /// Native code ([`crate::aot::AotEngine`], which caches what it compiles).
    #[cfg(feature = "aot")]
    Aot(Arc<crate::aot::AotEngine>),
}

impl Backend {
    /// The interpreter with a new cache of at most `capacity` prepared contracts.
    #[cfg(feature = "std")]
    pub fn cached_interpreter(capacity: usize) -> Backend {
        Backend::CachedInterpreter(Arc::new(ContractCache::new(capacity)))
    }

    /// The path's name, as hosts and runners spell it (`interpreter`, `aot`); the
    /// cache does not change the path.
    pub fn name(&self) -> &'static str {
        match self {
            Backend::Interpreter => "interpreter",
            #[cfg(feature = "std")]
            Backend::CachedInterpreter(_) => "interpreter",
            #[cfg(feature = "aot")]
            Backend::Aot(_) => "aot",
        }
    }

    /// Executes `code` for `message` with `config` on this path.
    pub fn execute(
        &self,
        config: &Config,
        host: &mut dyn Host,
        message: &Message<'_>,
        code: &[u8],
    ) -> ExecutionResult {
        match self {
            Backend::Interpreter => execute(config, host, message, code),
            #[cfg(feature = "std")]
            Backend::CachedInterpreter(_) if code.is_empty() => {
                execute(config, host, message, code)
            }
            #[cfg(feature = "std")]
            Backend::CachedInterpreter(cache) => match cache.prepared(config, code) {
                Ok(contract) => contract.execute(host, message),
                Err(error) => ExecutionResult::invalid(error),
            },
            #[cfg(feature = "aot")]
            Backend::Aot(engine) => engine.execute(config, host, message, code),
        }
    }
}

impl core::fmt::Debug for Backend {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(feature = "std")]
pub use cache::ContractCache;

#[cfg(feature = "std")]
mod cache {
    use alloc::sync::Arc;
    use std::sync::Mutex;

    use crate::execution::contract::{CodeCache, Contract, cache_key};
    use crate::types::Config;
    use crate::validation::ValidationError;

    /// Prepared contracts shared between threads, by [`cache_key`].
    #[derive(Debug)]
    pub struct ContractCache {
        contracts: Mutex<CodeCache<Arc<Contract>>>,
    }

    impl ContractCache {
        /// An empty cache holding at most `capacity` contracts.
        pub fn new(capacity: usize) -> ContractCache {
            ContractCache {
                contracts: Mutex::new(CodeCache::new(capacity)),
            }
        }

        /// The prepared contract of `code` under `config`, from the cache or prepared
        /// now. The lock is not held while preparing or executing, so nested executions
        /// may re-enter; a poisoned lock only disables the cache.
        pub fn prepared(
            &self,
            config: &Config,
            code: &[u8],
        ) -> Result<Arc<Contract>, ValidationError> {
            let key = cache_key(config, code);
            if let Some(contract) = self.contracts.lock().ok().and_then(|c| c.get(&key)) {
                return Ok(contract);
            }
            let contract = Arc::new(Contract::new(config, code)?);
            if let Ok(mut contracts) = self.contracts.lock() {
                contracts.insert(key, contract.clone());
            }
            Ok(contract)
        }

        /// The number of cached contracts.
        pub fn len(&self) -> usize {
            self.contracts.lock().map_or(0, |c| c.len())
        }

        /// Whether the cache is empty.
        pub fn is_empty(&self) -> bool {
            self.len() == 0
        }
    }
}

// The in-memory world (a higher layer, std only) is the host of these tests.
#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;
    use crate::host::Failure;
    use crate::types::{Address, Status};
    use crate::validation::ValidationError;
    use crate::world::World;

    const FINISH_HI: &str = r#"(module
        (import "ethereum" "finish" (func $finish (param i32 i32)))
        (memory (export "memory") 1)
        (data (i32.const 0) "hi")
        (func (export "main") (call $finish (i32.const 0) (i32.const 2))))"#;

    fn run(backend: &Backend, code: &[u8]) -> ExecutionResult {
        let config = Config::contract(crate::gas::GasSchedule::V1);
        let mut world = World::empty(config, Backend::Interpreter);
        let message = Message {
            gas: 100_000,
            recipient: Address::from_low_u64(1),
            ..Message::default()
        };
        backend.execute(&config, &mut world, &message, code)
    }

    #[test]
    fn the_cached_interpreter_prepares_each_contract_once_with_identical_results() {
        let code = wat::parse_str(FINISH_HI).unwrap();
        let backend = Backend::cached_interpreter(4);
        let Backend::CachedInterpreter(cache) = &backend else {
            unreachable!()
        };
        let expected = run(&Backend::Interpreter, &code);
        assert_eq!(
            (expected.status, &expected.output[..]),
            (Status::Success, &b"hi"[..])
        );
        assert_eq!(run(&backend, &code), expected);
        assert_eq!(
            run(&backend.clone(), &code),
            expected,
            "clones share the cache"
        );
        assert_eq!(cache.len(), 1);
        assert_eq!(run(&backend, &[]), ExecutionResult::success(100_000));
        assert_eq!(cache.len(), 1, "empty code is not prepared");
    }

    #[test]
    fn the_cached_interpreter_reports_invalid_code_like_the_interpreter() {
        let code = wat::parse_str(r#"(module (memory (export "memory") 1))"#).unwrap();
        let expected = run(&Backend::Interpreter, &code);
        assert_eq!(expected.status, Status::ContractValidationFailure);
        assert_eq!(
            expected.failure,
            Some(Failure::Validation(ValidationError::MissingMain))
        );
        assert_eq!(run(&Backend::cached_interpreter(4), &code), expected);
    }
}
