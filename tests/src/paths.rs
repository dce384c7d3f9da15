//! Every path a contract can execute on, for the behavioural tests that must hold on all
//! of them, as evmone instantiates its tests for every backend: the interpreter, the AOT
//! path, and `libssvm-evmc.so` loaded with dlopen and driven through the EVMC host
//! interface ([`crate::evmc_host`]).
//!
//! [`every_path!`](crate::every_path) turns each test function into one `#[test]` per
//! path (`name::interpreter`, `name::aot`, `name::evmc_library`), so a failure names the
//! path and `cargo test -- ::aot` runs one path. A [`Path`] gives a [`World`] whose contract
//! code, nested frames included, runs on that path; [`Path::transact`] and
//! [`Path::execute`] also run every message on the interpreter from the same state and
//! assert that the result and the state it leaves are the same, so a test that checks
//! only a status still compares everything.

use std::rc::Rc;
use std::sync::{Arc, OnceLock};

use ssvm_engine::aot::{AotEngine, AotOptions};
use ssvm_engine::gas::GasSchedule;
use ssvm_engine::world::{Engine, Executor, World};
use ssvm_engine::{Backend, Config, ExecutionResult, Message, ModuleKind};

use crate::evmc_host::{EvmcLibrary, built_library};

/// An execution path.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Path {
    /// The engine's interpreter.
    Interpreter,
    /// The engine's AOT path (wasmtime).
    Aot,
    /// `libssvm-evmc.so` on its default engine, loaded by path as EVMC hosts load it.
    Library,
}

impl Path {
    /// Every path, the reference (the interpreter) first.
    pub const ALL: [Path; 3] = [Path::Interpreter, Path::Aot, Path::Library];

    /// What runs contract code under `config` on this path. The library takes its
    /// configuration from options: `config` must be one it offers (contract rules,
    /// schedule V1 or Hera's, no debug imports).
    pub fn executor(self, config: Config) -> Rc<dyn Executor> {
        match self {
            Path::Interpreter => Rc::new(Engine {
                config,
                backend: Backend::Interpreter,
            }),
            Path::Aot => Rc::new(Engine {
                config,
                backend: Backend::Aot(aot_engine()),
            }),
            Path::Library => Rc::new(library(config)),
        }
    }

    /// An empty world ([`World::empty`]) whose contract code runs on this path.
    pub fn world(self, config: Config) -> World {
        let mut world = World::empty(config, Backend::Interpreter);
        world.set_executor(self.executor(config));
        world
    }

    /// [`World::transact`] on this path, checked against the interpreter (see the
    /// module docs). `config` is the configuration `world` runs with.
    pub fn transact(
        self,
        config: Config,
        world: &mut World,
        message: &Message<'_>,
    ) -> ExecutionResult {
        let mut reference = self.reference(config, world);
        let result = world.transact(message);
        if let Some(reference) = reference.as_mut() {
            let expected = reference.transact(message);
            self.assert_same(&result, &expected, world, reference, message);
        }
        result
    }

    /// Executes `code` for `message` on this path against `world` without committing
    /// (as a host's `execute`), checked against the interpreter.
    pub fn execute(
        self,
        config: Config,
        world: &mut World,
        message: &Message<'_>,
        code: &[u8],
    ) -> ExecutionResult {
        let mut reference = self.reference(config, world);
        let result = world.executor().execute(world, message, code);
        if let Some(reference) = reference.as_mut() {
            let expected = reference.executor().execute(reference, message, code);
            self.assert_same(&result, &expected, world, reference, message);
        }
        result
    }

    /// A copy of `world` that runs on the interpreter, unless this is the interpreter.
    fn reference(self, config: Config, world: &World) -> Option<World> {
        (self != Path::Interpreter).then(|| {
            let mut reference = world.clone();
            reference.set_executor(Path::Interpreter.executor(config));
            reference
        })
    }

    fn assert_same(
        self,
        result: &ExecutionResult,
        expected: &ExecutionResult,
        world: &World,
        reference: &World,
        message: &Message<'_>,
    ) {
        // The library reports statuses, not the engine's failure reasons.
        let comparable = |result: &ExecutionResult| ExecutionResult {
            failure: if self == Path::Library {
                None
            } else {
                result.failure.clone()
            },
            ..result.clone()
        };
        assert_eq!(
            comparable(result),
            comparable(expected),
            "{self:?} vs the interpreter: the result of {message:?}"
        );
        assert_eq!(
            world.state_difference(reference),
            None,
            "{self:?} vs the interpreter: the state after {message:?}"
        );
        assert_eq!(
            world.logs(),
            reference.logs(),
            "{self:?} vs the interpreter: the logs of {message:?}"
        );
        assert_eq!(
            world.messages, reference.messages,
            "{self:?} vs the interpreter: the nested messages of {message:?}"
        );
    }
}

/// The AOT engine the tests of one process share (its in-memory cache included).
pub fn aot_engine() -> Arc<AotEngine> {
    static ENGINE: OnceLock<Arc<AotEngine>> = OnceLock::new();
    ENGINE
        .get_or_init(|| Arc::new(AotEngine::new(AotOptions::default()).expect("AOT engine")))
        .clone()
}

/// The built library with the options that give `config`.
fn library(config: Config) -> EvmcLibrary {
    let metering = match config.schedule {
        GasSchedule::V1 => "true",
        GasSchedule::HERA_UNMETERED => "false",
        other => panic!("libssvm-evmc.so has no option for schedule {other:?}"),
    };
    assert!(
        config.kind == ModuleKind::Contract && !config.debug_imports,
        "libssvm-evmc.so runs contracts without debug imports, not {config:?}"
    );
    let path = built_library().expect("the built libssvm-evmc.so");
    let library = EvmcLibrary::load(&path).expect("libssvm-evmc.so loads");
    let keccak09 = if config.keccak_system_contract {
        "true"
    } else {
        "false"
    };
    for (name, value) in [("metering", metering), ("keccak09", keccak09)] {
        assert_eq!(
            library.set_option(Some(name), Some(value)),
            ssvm_evmc::ffi::evmc_set_option_result::EVMC_SET_OPTION_SUCCESS,
            "{name}={value}"
        );
    }
    library
}

/// One `#[test]` per [`Path`] for each named test function `fn name(path: Path)`:
/// `name::interpreter`, `name::aot` and `name::evmc_library`. A function left out of
/// the list is never called, which the dead-code lint reports.
///
/// ```ignore
/// fn storage_round_trips(path: Path) { /* ... */ }
/// every_path![storage_round_trips];
/// ```
#[macro_export]
macro_rules! every_path {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[test]
            fn interpreter() {
                super::$name($crate::paths::Path::Interpreter)
            }

            #[test]
            fn aot() {
                super::$name($crate::paths::Path::Aot)
            }

            #[test]
            fn evmc_library() {
                super::$name($crate::paths::Path::Library)
            }
        }
    )*};
}
