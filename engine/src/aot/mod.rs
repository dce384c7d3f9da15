//! The AOT path (feature `aot`, std only): contracts compiled to native code by
//! wasmtime 48 with Cranelift, with gas, limits and results identical to the
//! interpreter's.
//!
//! A contract goes through the same [`Module::new`] as on the interpreter path
//! (validation and translation), then through the metering pass of
//! [`instrument`], which injects the translator's per-block gas charges, dynamic costs
//! and the Wasm-level call-depth and value-stack accounting, and only then to
//! Cranelift. wasmtime's fuel is never used (it is checked lazily and is not our gas);
//! SIMD, threads and the other proposals are off in wasmtime too.
//!
//! The EEI, `bignum` and `debug` functions are wasmtime host functions over the same
//! `execution::eei` code the interpreter calls, reading and writing the gas global; the
//! memory and gas handles are cached in the store, so a host call does no lookups.
//!
//! Compiled contracts are cached in memory and, with [`AotOptions::cache_dir`], on disk
//! ([`cache`]). Execution runs on a fiber with [`NATIVE_STACK`] bytes of stack: the
//! native stack limit is only a backstop far above what the Wasm-level limits allow.
//!
//! The pallet never uses this path: on-chain execution is always the interpreter.

mod cache;
mod instrument;

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, Waker};
use std::path::PathBuf;

use wasmtime::{
    Caller, Engine, Extern, Func, FuncType, Global, Instance, Linker, Memory, OptLevel, Store, Val,
    ValType,
};

pub use cache::{ENGINE_VERSION, MAGIC, WASMTIME_VERSION};
pub use instrument::InstrumentError;

use crate::execution::eei;
use crate::execution::run::conclude;
use crate::execution::{Env, Halt, charge_declared_pages};
use crate::gas::GasSchedule;
use crate::host::{ExecutionResult, Host, Message};
use crate::imports::{BIGNUM_FUNCTIONS, DEBUG_FUNCTIONS, EEI_FUNCTIONS, HostFunction, Import};
use crate::limits::{MAX_MEMORY_PAGES, WASM_PAGE_SIZE};
use crate::module::Module;
use crate::types::{Config, ModuleKind, Status, Trap, ValueType};
use crate::validation::ValidationError;

/// Bytes of native stack compiled code may use (wasmtime's `max_wasm_stack`): far above
/// what [`crate::limits::MAX_VALUE_STACK`] cells in [`crate::limits::MAX_CALL_DEPTH`]
/// frames take natively, so the Wasm-level limits always trap first.
pub const NATIVE_STACK: usize = 32 << 20;
/// Stack left on the fiber for host functions (and the host side of nested calls).
const HOST_STACK: usize = 2 << 20;

/// Settings of an [`AotEngine`].
#[derive(Clone, Debug)]
pub struct AotOptions {
    /// A directory for compiled artifacts; `None` keeps them in memory only.
    pub cache_dir: Option<PathBuf>,
    /// How many compiled contracts to keep in memory.
    pub cache_entries: usize,
}

impl Default for AotOptions {
    fn default() -> Self {
        AotOptions {
            cache_dir: None,
            cache_entries: 256,
        }
    }
}

/// Why an [`AotEngine`] could not be built or a module compiled.
#[derive(Debug)]
pub enum AotError {
    /// The code is not valid Ewasm.
    Validation(ValidationError),
    /// wasmtime or the metering pass failed (an engine bug).
    Compile(alloc::string::String),
}

impl core::fmt::Display for AotError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            AotError::Validation(error) => error.fmt(f),
            AotError::Compile(error) => write!(f, "AOT compilation failed: {error}"),
        }
    }
}

impl std::error::Error for AotError {}

/// A compiled contract.
struct Compiled {
    wasm: wasmtime::Module,
    limits: cache::Limits,
}

/// How an execution stopped inside wasmtime: carried through wasmtime's error.
#[derive(Debug)]
struct Signal(Halt);

impl core::fmt::Display for Signal {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl std::error::Error for Signal {}

/// The store's data: what host functions need, as the interpreter's [`Env`] holds it.
struct State {
    /// The host of the running call; see [`State::with_env`].
    host: *mut (dyn Host + 'static),
    message: *const Message<'static>,
    code: *const [u8],
    keccak_system_contract: bool,
    schedule: GasSchedule,
    max_pages: u32,
    refund: u64,
    return_data: Vec<u8>,
    output: Vec<u8>,
    gas: Option<Global>,
    memory: Option<Memory>,
}

// SAFETY: a `State` lives in a `Store` that never leaves the thread that created it
// (the execution functions below own it from creation to drop); the raw pointers are
// only there because the store's data must be `'static` and `Send` for wasmtime's
// async calls, which run on a fiber of the same thread.
unsafe impl Send for State {}

impl State {
    fn new(
        host: &mut dyn Host,
        message: &Message<'_>,
        code: &[u8],
        config: &Config,
        max_pages: u32,
    ) -> State {
        State {
            // SAFETY: lifetime erasure only. The store holding this state is dropped
            // before the borrow of `host` ends (see `execute_compiled`), and the
            // pointer is dereferenced only while the store runs code.
            host: unsafe {
                core::mem::transmute::<*mut (dyn Host + '_), *mut (dyn Host + 'static)>(host)
            },
            message: (message as *const Message<'_>).cast(),
            code: code as *const [u8],
            keccak_system_contract: config.keccak_system_contract,
            schedule: config.schedule,
            max_pages,
            refund: 0,
            return_data: Vec::new(),
            output: Vec::new(),
            gas: None,
            memory: None,
        }
    }

    /// Runs `f` with the interpreter's [`Env`] over this state and `gas`; returns its
    /// result and the gas left.
    fn with_env<R>(&mut self, gas: u64, f: impl FnOnce(&mut Env<'_, dyn Host>) -> R) -> (R, u64) {
        // SAFETY: `host`, `message` and `code` point to the borrows `State::new` was
        // given, which outlive the store (see `State::new`); nothing else accesses
        // them while a host function runs.
        let (host, message, code) = unsafe { (&mut *self.host, &*self.message, &*self.code) };
        let mut env = Env {
            host,
            message,
            code,
            keccak_system_contract: self.keccak_system_contract,
            gas,
            refund: self.refund,
            return_data: core::mem::take(&mut self.return_data),
            output: core::mem::take(&mut self.output),
        };
        let result = f(&mut env);
        self.refund = env.refund;
        self.return_data = env.return_data;
        self.output = env.output;
        (result, env.gas)
    }
}

/// Polls `future` to completion on this thread. Nothing here ever waits: host
/// functions are synchronous and no fuel or epoch yields are configured, so the first
/// poll finishes; `async` is used only for the fiber's stack.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
        std::thread::yield_now();
    }
}

fn wasm_type(ty: ValueType) -> ValType {
    match ty {
        ValueType::I32 => ValType::I32,
        ValueType::I64 => ValType::I64,
    }
}

fn to_cell(value: &Val) -> u64 {
    match value {
        Val::I32(v) => u64::from(*v as u32),
        Val::I64(v) => *v as u64,
        _ => 0,
    }
}

fn from_cell(ty: ValueType, cell: u64) -> Val {
    match ty {
        ValueType::I32 => Val::I32(cell as u32 as i32),
        ValueType::I64 => Val::I64(cell as i64),
    }
}

fn halt(halt: Halt) -> wasmtime::Error {
    wasmtime::Error::new(Signal(halt))
}

/// The gas left in the gas global.
fn gas_left(caller: &mut Caller<'_, State>) -> wasmtime::Result<(Global, u64)> {
    let global = caller
        .data()
        .gas
        .ok_or_else(|| wasmtime::Error::msg("gas global not bound"))?;
    let gas = global.get(&mut *caller).i64().unwrap_or(0) as u64;
    Ok((global, gas))
}

/// Charges `amount` from the gas global or traps out of gas (leaving 0).
fn charge(caller: &mut Caller<'_, State>, amount: u64) -> wasmtime::Result<()> {
    let (global, gas) = gas_left(caller)?;
    if gas < amount {
        global.set(&mut *caller, Val::I64(0))?;
        return Err(halt(Halt::Trap(Trap::OutOfGas)));
    }
    global.set(&mut *caller, Val::I64((gas - amount) as i64))?;
    Ok(())
}

/// An EEI, `bignum` or `debug` function as a wasmtime host function.
fn call_builtin(
    mut caller: Caller<'_, State>,
    function: HostFunction,
    results_types: &[ValueType],
    params: &[Val],
    results: &mut [Val],
) -> wasmtime::Result<()> {
    let mut cells = [0u64; 8];
    for (cell, value) in cells.iter_mut().zip(params) {
        *cell = to_cell(value);
    }
    let (global, gas) = gas_left(&mut caller)?;
    let memory = caller.data().memory;
    let (bytes, state): (&mut [u8], &mut State) = match memory {
        Some(memory) => memory.data_and_store_mut(&mut caller),
        None => (&mut [], caller.data_mut()),
    };
    let schedule = state.schedule;
    let (outcome, gas) = state.with_env(gas, |env| {
        eei::call_builtin(function, &schedule, &mut cells, bytes, env)
    });
    global.set(&mut caller, Val::I64(gas as i64))?;
    outcome.map_err(halt)?;
    for ((value, ty), cell) in results.iter_mut().zip(results_types).zip(cells) {
        *value = from_cell(*ty, cell);
    }
    Ok(())
}

/// `memory.grow`, exactly as the interpreter does it: refused beyond the maximum,
/// out of gas before the host is asked, refused by the host's budget, else charged.
fn memory_grow(mut caller: Caller<'_, State>, delta: u32) -> wasmtime::Result<i32> {
    let Some(memory) = caller.data().memory else {
        return Ok(-1);
    };
    let pages = memory.size(&caller);
    let new_pages = pages + u64::from(delta);
    if new_pages > u64::from(caller.data().max_pages) {
        return Ok(-1);
    }
    let cost = u64::from(delta).saturating_mul(caller.data().schedule.dynamic.memory_page);
    let (global, gas) = gas_left(&mut caller)?;
    if gas < cost {
        global.set(&mut caller, Val::I64(0))?;
        return Err(halt(Halt::Trap(Trap::OutOfGas)));
    }
    if delta != 0 {
        let (granted, _) = caller
            .data_mut()
            .with_env(gas, |env| env.host.reserve_memory(delta));
        if !granted {
            return Ok(-1);
        }
    }
    global.set(&mut caller, Val::I64((gas - cost) as i64))?;
    match memory.grow(&mut caller, u64::from(delta)) {
        Ok(old) => Ok(old as i32),
        Err(_) => Ok(-1),
    }
}

fn define_helpers<T>(
    mut define: impl FnMut(&str, FuncType, HelperFn) -> Result<T, wasmtime::Error>,
    engine: &Engine,
) -> Result<Vec<T>, wasmtime::Error> {
    let mut out = Vec::new();
    for (index, (name, params, results)) in instrument::HELPERS.iter().enumerate() {
        let ty = FuncType::new(
            engine,
            params.iter().copied().map(wasm_type),
            results.iter().copied().map(wasm_type),
        );
        out.push(define(name, ty, HELPER_FNS[index])?);
    }
    Ok(out)
}

type HelperFn = fn(Caller<'_, State>, &[Val], &mut [Val]) -> wasmtime::Result<()>;

const HELPER_FNS: [HelperFn; 5] = [
    |mut caller, _, _| {
        if let Some(global) = caller.data().gas {
            global.set(&mut caller, Val::I64(0))?;
        }
        Err(halt(Halt::Trap(Trap::OutOfGas)))
    },
    |_, params, _| {
        let trap = if params.first().and_then(Val::i32) == Some(instrument::CALL_STACK) {
            Trap::CallStackExhausted
        } else {
            Trap::ValueStackExhausted
        };
        Err(halt(Halt::Trap(trap)))
    },
    |caller, params, results| {
        let delta = params.first().and_then(Val::i32).unwrap_or(0) as u32;
        results[0] = Val::I32(memory_grow(caller, delta)?);
        Ok(())
    },
    |mut caller, params, results| {
        let len = params.first().and_then(Val::i32).unwrap_or(0);
        let words = crate::gas::words(u64::from(len as u32));
        let cost = words.saturating_mul(caller.data().schedule.dynamic.bulk_memory_word);
        charge(&mut caller, cost)?;
        results[0] = Val::I32(len);
        Ok(())
    },
    |mut caller, params, results| {
        let len = params.first().and_then(Val::i32).unwrap_or(0);
        let cost =
            u64::from(len as u32).saturating_mul(caller.data().schedule.dynamic.bulk_table_element);
        charge(&mut caller, cost)?;
        results[0] = Val::I32(len);
        Ok(())
    },
];

/// Maps a wasmtime trap or error to how the execution stopped; `None` for an error
/// that is not the contract's doing.
fn stop_of(error: &wasmtime::Error) -> Option<Halt> {
    if let Some(Signal(halt)) = error.downcast_ref::<Signal>() {
        return Some(*halt);
    }
    let trap = error.downcast_ref::<wasmtime::Trap>()?;
    use wasmtime::Trap as W;
    Some(Halt::Trap(match trap {
        W::StackOverflow => Trap::CallStackExhausted,
        W::MemoryOutOfBounds => Trap::MemoryOutOfBounds,
        W::TableOutOfBounds => Trap::TableOutOfBounds,
        W::IndirectCallToNull => Trap::UninitializedElement,
        W::BadSignature => Trap::IndirectCallTypeMismatch,
        W::IntegerOverflow => Trap::IntegerOverflow,
        W::IntegerDivisionByZero => Trap::IntegerDivisionByZero,
        W::UnreachableCodeReached => Trap::Unreachable,
        _ => return None,
    }))
}

/// The engine of the AOT path: a wasmtime engine, the host functions, the cache.
pub struct AotEngine {
    engine: Engine,
    linker: Linker<State>,
    contracts: cache::Cache<Compiled>,
}

impl AotEngine {
    /// An engine with `options`.
    pub fn new(options: AotOptions) -> Result<AotEngine, AotError> {
        let fail = |error: wasmtime::Error| AotError::Compile(alloc::format!("{error:#}"));
        let mut config = wasmtime::Config::new();
        config
            .cranelift_opt_level(OptLevel::Speed)
            .consume_fuel(false)
            .wasm_simd(false)
            .wasm_relaxed_simd(false)
            .wasm_gc(false)
            .wasm_tail_call(false)
            .wasm_multi_memory(false)
            .wasm_memory64(false)
            .wasm_extended_const(false)
            .wasm_wide_arithmetic(false)
            .wasm_custom_page_sizes(false)
            .wasm_bulk_memory(true)
            .wasm_multi_value(true)
            .parallel_compilation(true)
            .max_wasm_stack(NATIVE_STACK)
            .async_stack_size(NATIVE_STACK + HOST_STACK);
        let engine = Engine::new(&config).map_err(fail)?;
        let mut linker = Linker::new(&engine);
        define_helpers(
            |name, ty, f| {
                linker
                    .func_new(instrument::HELPER_MODULE, name, ty, f)
                    .map(|_| ())
            },
            &engine,
        )
        .map_err(fail)?;
        let builtins = EEI_FUNCTIONS
            .iter()
            .map(|f| {
                (
                    "ethereum",
                    f.name,
                    HostFunction::Eei(f.function),
                    f.params,
                    f.results,
                )
            })
            .chain(BIGNUM_FUNCTIONS.iter().map(|f| {
                (
                    "bignum",
                    f.name,
                    HostFunction::Bignum(f.function),
                    f.params,
                    f.results,
                )
            }))
            .chain(DEBUG_FUNCTIONS.iter().map(|f| {
                (
                    "debug",
                    f.name,
                    HostFunction::Debug(f.function),
                    f.params,
                    f.results,
                )
            }));
        for (namespace, name, function, params, results) in builtins {
            let ty = FuncType::new(
                &engine,
                params.iter().copied().map(wasm_type),
                results.iter().copied().map(wasm_type),
            );
            linker
                .func_new(namespace, name, ty, move |caller, args, out| {
                    call_builtin(caller, function, results, args, out)
                })
                .map_err(fail)?;
        }
        Ok(AotEngine {
            engine,
            linker,
            contracts: cache::Cache::new(options.cache_entries.max(1), options.cache_dir),
        })
    }

    /// Validates, instruments and compiles `code` as a contract under `config`, or
    /// takes it from the cache.
    fn compile_contract(&self, config: &Config, code: &[u8]) -> Result<Arc<Compiled>, AotError> {
        let settings = [
            &config.schedule.version.to_le_bytes()[..],
            &[config.kind as u8, u8::from(config.debug_imports)],
        ]
        .concat();
        let key = cache::key(code, &settings);
        if let Some(compiled) = self.contracts.get(&key) {
            return Ok(compiled);
        }
        if let Some((limits, artifact)) = self.contracts.read_file(&key)
            // SAFETY: the artifact was written by `precompile_module` of an engine with
            // this configuration (the key covers the engine and wasmtime versions) and
            // its integrity was verified against the hash in the file; wasmtime checks
            // its own header and compatibility hash before loading.
            && let Ok(wasm) = unsafe { wasmtime::Module::deserialize(&self.engine, &artifact) }
        {
            let compiled = Arc::new(Compiled { wasm, limits });
            self.contracts.insert(key, compiled.clone());
            return Ok(compiled);
        }
        let (artifact, limits) = self.compile_uncached(config, code)?;
        // SAFETY: `artifact` was just produced by this engine's `precompile_module`.
        let wasm = unsafe { wasmtime::Module::deserialize(&self.engine, &artifact) }
            .map_err(|error| AotError::Compile(alloc::format!("{error:#}")))?;
        self.contracts.write_file(&key, limits, &artifact);
        let compiled = Arc::new(Compiled { wasm, limits });
        self.contracts.insert(key, compiled.clone());
        Ok(compiled)
    }

    /// Validates, translates, instruments and compiles `code` as a contract, bypassing
    /// the cache: wasmtime's serialized artifact and the memory limits.
    fn compile_uncached(
        &self,
        config: &Config,
        code: &[u8],
    ) -> Result<(Vec<u8>, cache::Limits), AotError> {
        let module = Module::new(config, code).map_err(AotError::Validation)?;
        if module
            .main
            .or_else(|| module.exported_func("main"))
            .is_none()
        {
            return Err(AotError::Validation(ValidationError::MissingMain));
        }
        let instrumented = instrument::instrument(&module, code)
            .map_err(|error| AotError::Compile(alloc::format!("{error:#}")))?;
        let artifact = self
            .engine
            .precompile_module(&instrumented)
            .map_err(|error| AotError::Compile(alloc::format!("{error:#}")))?;
        Ok((artifact, limits_of(&module)))
    }

    /// Compiles `code` as a contract from scratch, ignoring and not filling the cache,
    /// and returns the size of the native artifact: what a cache miss costs.
    pub fn compile(&self, config: &Config, code: &[u8]) -> Result<usize, AotError> {
        self.compile_uncached(config, code)
            .map(|(artifact, _)| artifact.len())
    }

    /// Forgets the compiled contracts held in memory (the cache directory is kept).
    pub fn clear_memory_cache(&self) {
        self.contracts.clear();
    }

    /// Compiles `code` (or finds it in the cache) without running it: for warming the
    /// cache and for measuring compilation.
    pub fn prepare(&self, config: &Config, code: &[u8]) -> Result<(), AotError> {
        self.compile_contract(config, code).map(|_| ())
    }

    /// Executes `code` for `message` like [`crate::execute`] does, on native code.
    pub fn execute(
        &self,
        config: &Config,
        host: &mut dyn Host,
        message: &Message<'_>,
        code: &[u8],
    ) -> ExecutionResult {
        if code.is_empty() {
            return ExecutionResult::success(message.gas);
        }
        let compiled = match self.compile_contract(config, code) {
            Ok(compiled) => compiled,
            Err(AotError::Validation(error)) => {
                return ExecutionResult::invalid(error);
            }
            Err(AotError::Compile(_)) => return ExecutionResult::failed(Status::InternalError),
        };
        let declared = compiled.limits.initial_pages;
        if declared != 0 && !host.reserve_memory(declared) {
            return ExecutionResult::trapped(Trap::MemoryBudgetExhausted);
        }
        let mut gas = message.gas;
        if let Err(trap) = charge_declared_pages(&config.schedule, declared, &mut gas) {
            host.release_memory(declared);
            return ExecutionResult::trapped(trap);
        }
        let (result, pages) = self.execute_compiled(config, &compiled, host, message, code, gas);
        host.release_memory(pages.unwrap_or(declared));
        result
    }

    /// Instantiates and runs `main`; returns the result and the final memory size.
    fn execute_compiled(
        &self,
        config: &Config,
        compiled: &Compiled,
        host: &mut dyn Host,
        message: &Message<'_>,
        code: &[u8],
        gas: u64,
    ) -> (ExecutionResult, Option<u32>) {
        let state = State::new(host, message, code, config, compiled.limits.max_pages);
        let mut store = Store::new(&self.engine, state);
        let instance = match block_on(self.linker.instantiate_async(&mut store, &compiled.wasm)) {
            Ok(instance) => instance,
            Err(error) => return (failure_of(config, message, &error), None),
        };
        let (Some(global), Some(main)) = (
            instance.get_global(&mut store, instrument::GAS_EXPORT),
            instance.get_func(&mut store, "main"),
        ) else {
            return (ExecutionResult::failed(Status::InternalError), None);
        };
        let memory = instance.get_memory(&mut store, instrument::MEMORY_EXPORT);
        store.data_mut().gas = Some(global);
        store.data_mut().memory = memory;
        if global.set(&mut store, Val::I64(gas as i64)).is_err() {
            return (ExecutionResult::failed(Status::InternalError), None);
        }
        let end = block_on(main.call_async(&mut store, &[], &mut []));
        let gas_left = global.get(&mut store).i64().unwrap_or(0) as u64;
        let pages = memory.map(|memory| memory.size(&store) as u32);
        let state = store.into_data();
        let end = match end {
            Ok(()) => Ok(()),
            Err(error) => match stop_of(&error) {
                Some(stop) => Err(stop),
                None => return (ExecutionResult::failed(Status::InternalError), pages),
            },
        };
        (
            conclude(config, message, end, state.output, gas_left, state.refund),
            pages,
        )
    }
}

/// The result of an instantiation that failed.
fn failure_of(config: &Config, message: &Message<'_>, error: &wasmtime::Error) -> ExecutionResult {
    match stop_of(error) {
        Some(stop) => conclude(config, message, Err(stop), Vec::new(), 0, 0),
        None => ExecutionResult::failed(Status::InternalError),
    }
}

fn limits_of(module: &Module) -> cache::Limits {
    match module.memory {
        Some(limits) => cache::Limits {
            initial_pages: limits.initial,
            max_pages: limits.maximum.min(MAX_MEMORY_PAGES),
        },
        None => cache::Limits {
            initial_pages: 0,
            max_pages: 0,
        },
    }
}

/// A plain module on the AOT path, for running the WebAssembly spec tests on both
/// paths: imports are resolved by [`Host::call_external`] like the interpreter's
/// [`crate::Instance`].
pub struct AotInstance {
    store: Store<State>,
    instance: Instance,
    gas: Global,
    depth: Global,
    stack: Global,
}

impl AotInstance {
    /// Instantiates `module` (validated from `bytes` as [`ModuleKind::Plain`]) and runs
    /// its start function with `gas`.
    pub fn instantiate(
        engine: &AotEngine,
        config: &Config,
        module: &Module,
        bytes: &[u8],
        host: &mut dyn Host,
        gas: &mut u64,
    ) -> Result<AotInstance, Trap> {
        debug_assert_eq!(module.kind, ModuleKind::Plain);
        let instrumented = instrument::instrument(module, bytes).map_err(|_| Trap::HostTrap)?;
        let wasm =
            wasmtime::Module::new(&engine.engine, &instrumented).map_err(|_| Trap::HostTrap)?;
        let message = Message::default();
        let limits = limits_of(module);
        let mut store = Store::new(
            &engine.engine,
            State::new(host, &message, &[], config, limits.max_pages),
        );
        charge_declared_pages(&config.schedule, limits.initial_pages, gas)?;
        let mut imports: Vec<Extern> = Vec::new();
        for import in module.imports() {
            let ty = FuncType::new(
                &engine.engine,
                import.signature.params.iter().copied().map(wasm_type),
                import.signature.results.iter().copied().map(wasm_type),
            );
            let import: Import = import.clone();
            let func = Func::new(&mut store, ty, move |caller, params, results| {
                call_external(caller, &import, params, results)
            });
            imports.push(func.into());
        }
        let helpers = define_helpers(|_, ty, f| Ok(Func::new(&mut store, ty, f)), &engine.engine)
            .map_err(|_| Trap::HostTrap)?;
        imports.extend(helpers.into_iter().map(Extern::from));
        let instance =
            block_on(Instance::new_async(&mut store, &wasm, &imports)).map_err(|error| {
                match stop_of(&error) {
                    Some(Halt::Trap(trap)) => trap,
                    _ => Trap::HostTrap,
                }
            })?;
        let global =
            |store: &mut Store<State>, name| instance.get_global(store, name).ok_or(Trap::HostTrap);
        let gas_global = global(&mut store, instrument::GAS_EXPORT)?;
        let depth = global(&mut store, instrument::DEPTH_EXPORT)?;
        let stack = global(&mut store, instrument::STACK_EXPORT)?;
        store.data_mut().gas = Some(gas_global);
        store.data_mut().memory = instance.get_memory(&mut store, instrument::MEMORY_EXPORT);
        let mut aot = AotInstance {
            store,
            instance,
            gas: gas_global,
            depth,
            stack,
        };
        if let Some(start) = aot
            .instance
            .get_func(&mut aot.store, instrument::START_EXPORT)
        {
            aot.call(host, start, &[], &[], gas)?;
        }
        Ok(aot)
    }

    /// Calls the exported function `name` with raw cell arguments.
    pub fn invoke(
        &mut self,
        host: &mut dyn Host,
        name: &str,
        params: &[ValueType],
        results: &[ValueType],
        args: &[u64],
        gas: &mut u64,
    ) -> Result<Vec<u64>, Trap> {
        let func = self
            .instance
            .get_func(&mut self.store, name)
            .ok_or(Trap::HostTrap)?;
        let args: Vec<Val> = params
            .iter()
            .zip(args)
            .map(|(ty, cell)| from_cell(*ty, *cell))
            .collect();
        self.call(host, func, &args, results, gas)
    }

    fn call(
        &mut self,
        host: &mut dyn Host,
        func: Func,
        args: &[Val],
        results: &[ValueType],
        gas: &mut u64,
    ) -> Result<Vec<u64>, Trap> {
        let fresh = State::new(host, &Message::default(), &[], &Config::default(), 0);
        {
            let state = self.store.data_mut();
            state.host = fresh.host;
        }
        let set = |store: &mut Store<State>, global: Global, value: Val| {
            global.set(store, value).map_err(|_| Trap::HostTrap)
        };
        set(&mut self.store, self.gas, Val::I64(*gas as i64))?;
        set(&mut self.store, self.depth, Val::I32(0))?;
        set(&mut self.store, self.stack, Val::I64(0))?;
        let mut out: Vec<Val> = results.iter().map(|ty| from_cell(*ty, 0)).collect();
        let outcome = block_on(func.call_async(&mut self.store, args, &mut out));
        // A trap spends all gas (the global is only exact when the call returns).
        *gas = match outcome {
            Ok(()) => self.gas.get(&mut self.store).i64().unwrap_or(0) as u64,
            Err(_) => 0,
        };
        match outcome {
            Ok(()) => Ok(out.iter().map(to_cell).collect()),
            Err(error) => Err(match stop_of(&error) {
                Some(Halt::Trap(trap)) => trap,
                _ => Trap::HostTrap,
            }),
        }
    }

    /// The value of the exported global `name` as a raw cell.
    pub fn global(&mut self, name: &str) -> Option<u64> {
        let global = self.instance.get_global(&mut self.store, name)?;
        Some(to_cell(&global.get(&mut self.store)))
    }

    /// The linear memory's size in bytes.
    pub fn memory_len(&mut self) -> usize {
        self.store.data().memory.map_or(0, |memory| {
            memory.size(&self.store) as usize * WASM_PAGE_SIZE as usize
        })
    }

    /// The linear memory's bytes (empty without a memory).
    pub fn memory(&self) -> &[u8] {
        self.store
            .data()
            .memory
            .map_or(&[], |memory| memory.data(&self.store))
    }
}

/// A plain module's imported function, resolved by the host.
fn call_external(
    mut caller: Caller<'_, State>,
    import: &Import,
    params: &[Val],
    results: &mut [Val],
) -> wasmtime::Result<()> {
    let args: Vec<u64> = params.iter().map(to_cell).collect();
    let mut cells = alloc::vec![0u64; import.signature.results.len()];
    let (outcome, _) = caller
        .data_mut()
        .with_env(0, |env| env.host.call_external(import, &args, &mut cells));
    outcome.map_err(|_| halt(Halt::Trap(Trap::HostTrap)))?;
    for ((value, ty), cell) in results.iter_mut().zip(&import.signature.results).zip(cells) {
        *value = from_cell(*ty, ty.canonical(cell));
    }
    Ok(())
}
