//! Plain modules on ssvm's interpreter and AOT path and on two references: wasmi 2.0
//! (with fuel), the differential target's reference, and wasmtime without ssvm's
//! metering, which settles a disagreement between ssvm and wasmi (wasmi has bugs of its
//! own). All run the same host functions ([`crate::generate::PLAIN_IMPORTS`]).

use std::sync::{Arc, OnceLock};

use ssvm_engine::aot::{AotEngine, AotInstance, AotOptions};
use ssvm_engine::{
    Address, Bytes32, Config, ExecutionResult, ExportKind, Host, HostTrap, Import, Instance,
    Message, Module, Trap, TxContext, U256, ValueType,
};

/// How a call (or an instantiation, for its start function) ended on an ssvm path.
pub type SsvmOutcome = Result<Vec<u64>, Trap>;

/// The AOT engine of the process (compiling is per module; the engine is shared).
pub fn aot_engine() -> &'static Arc<AotEngine> {
    static ENGINE: OnceLock<Arc<AotEngine>> = OnceLock::new();
    ENGINE.get_or_init(|| Arc::new(AotEngine::new(AotOptions::default()).expect("AOT engine")))
}

/// The host functions of generated plain modules, shared by every engine: `args` are raw
/// cells (i32 in the low half), `None` is a host trap.
pub fn call_import(name: &str, args: &[u64]) -> Option<Vec<u64>> {
    let arg = |i: usize| args.get(i).copied().unwrap_or(0);
    Some(match name {
        "add" => vec![u64::from((arg(0) as u32).wrapping_add(arg(1) as u32))],
        "mix" => vec![
            arg(0).rotate_left((arg(1) & 63) as u32) ^ 0x9e37_79b9_7f4a_7c15,
            u64::from((arg(1) as u32).wrapping_mul(31)),
        ],
        "nop" => vec![],
        "trap_if_odd" if arg(0) & 1 == 1 => return None,
        "trap_if_odd" => vec![],
        "fold" => vec![args.iter().enumerate().fold(0u64, |acc, (i, a)| {
            acc.wrapping_add(a.wrapping_mul(i as u64 + 1))
        })],
        _ => return None,
    })
}

/// A host for plain modules: no Ethereum state, imports through [`call_import`].
#[derive(Default)]
pub struct ImportHost;

impl Host for ImportHost {
    fn account_exists(&mut self, _: &Address) -> bool {
        false
    }
    fn balance(&mut self, _: &Address) -> U256 {
        U256::ZERO
    }
    fn code_size(&mut self, _: &Address) -> usize {
        0
    }
    fn code_hash(&mut self, _: &Address) -> Bytes32 {
        Bytes32::ZERO
    }
    fn copy_code(&mut self, _: &Address, _: usize, _: &mut [u8]) -> usize {
        0
    }
    fn storage(&mut self, _: &Address, _: &Bytes32) -> Bytes32 {
        Bytes32::ZERO
    }
    fn set_storage(&mut self, _: &Address, _: &Bytes32, _: &Bytes32) {}
    fn call(&mut self, _: &Message<'_>) -> ExecutionResult {
        ExecutionResult::failed(ssvm_engine::Status::Failure)
    }
    fn selfdestruct(&mut self, _: &Address, _: &Address) -> bool {
        false
    }
    fn emit_log(&mut self, _: &Address, _: &[Bytes32], _: &[u8]) {}
    fn tx_context(&mut self) -> TxContext {
        TxContext::default()
    }
    fn block_hash(&mut self, _: u64) -> Bytes32 {
        Bytes32::ZERO
    }
    fn call_external(
        &mut self,
        import: &Import,
        args: &[u64],
        results: &mut [u64],
    ) -> Result<(), HostTrap> {
        let values = call_import(&import.name, args).ok_or(HostTrap)?;
        if values.len() != results.len() {
            return Err(HostTrap);
        }
        results.copy_from_slice(&values);
        Ok(())
    }
}

/// A module instantiated on both ssvm paths.
pub struct SsvmPair<'m> {
    /// The validated module.
    pub module: &'m Module,
    /// The interpreter's instance.
    pub interpreter: Instance<'m>,
    /// The AOT path's instance.
    pub native: AotInstance,
}

/// The traps of an instantiation that failed on one path or both (interpreter, AOT).
pub type InstantiationTraps = (Option<Trap>, Option<Trap>);

/// The instantiation (start function included) on both paths with `gas` each: the
/// instances, or each path's trap; and the gas left on each.
pub fn instantiate_both<'m>(
    config: &Config,
    module: &'m Module,
    bytes: &[u8],
    host: &mut ImportHost,
    gas: u64,
) -> (Result<SsvmPair<'m>, InstantiationTraps>, u64, u64) {
    let (mut interpreter_gas, mut native_gas) = (gas, gas);
    let interpreter = Instance::instantiate(module, host, &mut interpreter_gas);
    let native =
        AotInstance::instantiate(aot_engine(), config, module, bytes, host, &mut native_gas);
    let pair = match (interpreter, native) {
        (Ok(interpreter), Ok(native)) => Ok(SsvmPair {
            module,
            interpreter,
            native,
        }),
        (interpreter, native) => Err((interpreter.err(), native.err())),
    };
    (pair, interpreter_gas, native_gas)
}

impl SsvmPair<'_> {
    /// Calls export `name` (function `func`) on both paths with `gas` each.
    pub fn call(
        &mut self,
        host: &mut ImportHost,
        name: &str,
        func: u32,
        args: &[u64],
        gas: u64,
    ) -> ((SsvmOutcome, u64), (SsvmOutcome, u64)) {
        let signature = self
            .module
            .func_signature(func)
            .cloned()
            .unwrap_or_default();
        let (mut interpreter_gas, mut native_gas) = (gas, gas);
        let interpreter = self
            .interpreter
            .invoke(host, func, args, &mut interpreter_gas);
        let native = self.native.invoke(
            host,
            name,
            &signature.params,
            &signature.results,
            args,
            &mut native_gas,
        );
        ((interpreter, interpreter_gas), (native, native_gas))
    }

    /// How the two instances' memories or exported globals differ, if they do.
    pub fn state_difference(&mut self) -> Option<String> {
        let (memory, native_memory) = (self.interpreter.memory(), self.native.memory());
        if memory != native_memory {
            return Some(memory_difference(memory, native_memory));
        }
        for export in self.module.exports() {
            if let ExportKind::Global(index) = export.kind {
                let interpreter = self.interpreter.global(index);
                let native = self.native.global(&export.name);
                if interpreter != native {
                    return Some(format!(
                        "global {}: interpreter {interpreter:?}, AOT {native:?}",
                        export.name
                    ));
                }
            }
        }
        None
    }
}

/// A short description of how two memories differ.
pub fn memory_difference(a: &[u8], b: &[u8]) -> String {
    let first = a.iter().zip(b).position(|(x, y)| x != y);
    format!(
        "memories differ: {} and {} bytes, first difference at {first:?}",
        a.len(),
        b.len()
    )
}

/// How a call on a reference engine (wasmi, plain wasmtime) ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefOutcome {
    /// Returned these cells.
    Returned(Vec<u64>),
    /// Trapped with the trap ssvm has for it.
    Trapped(Trap),
    /// Ran out of fuel or stack: a resource limit, not comparable with ssvm's.
    Exhausted(&'static str),
    /// Any other error (a finding when ssvm accepted the module).
    Error(String),
}

/// The references' host trap.
#[derive(Debug)]
struct ImportTrap;

impl std::fmt::Display for ImportTrap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("host function trapped")
    }
}

impl wasmi::errors::HostError for ImportTrap {}

impl std::error::Error for ImportTrap {}

fn wasmi_outcome(error: &wasmi::Error) -> RefOutcome {
    use wasmi::TrapCode as W;
    if error.downcast_ref::<ImportTrap>().is_some() {
        return RefOutcome::Trapped(Trap::HostTrap);
    }
    match error.as_trap_code() {
        Some(W::UnreachableCodeReached) => RefOutcome::Trapped(Trap::Unreachable),
        Some(W::MemoryOutOfBounds) => RefOutcome::Trapped(Trap::MemoryOutOfBounds),
        Some(W::TableOutOfBounds) => RefOutcome::Trapped(Trap::TableOutOfBounds),
        Some(W::IndirectCallToNull) => RefOutcome::Trapped(Trap::UninitializedElement),
        Some(W::IntegerDivisionByZero) => RefOutcome::Trapped(Trap::IntegerDivisionByZero),
        Some(W::IntegerOverflow) => RefOutcome::Trapped(Trap::IntegerOverflow),
        Some(W::BadSignature) => RefOutcome::Trapped(Trap::IndirectCallTypeMismatch),
        Some(W::StackOverflow) => RefOutcome::Exhausted("stack"),
        Some(W::OutOfFuel) => RefOutcome::Exhausted("fuel"),
        _ => RefOutcome::Error(error.to_string()),
    }
}

fn to_cell(value: &wasmi::Val) -> u64 {
    match value {
        wasmi::Val::I32(v) => u64::from(*v as u32),
        wasmi::Val::I64(v) => *v as u64,
        _ => u64::MAX,
    }
}

fn from_cell(ty: &wasmi::ValType, cell: u64) -> wasmi::Val {
    match ty {
        wasmi::ValType::I64 => wasmi::Val::I64(cell as i64),
        _ => wasmi::Val::I32(cell as u32 as i32),
    }
}

fn wasmi_type(ty: ValueType) -> wasmi::ValType {
    match ty {
        ValueType::I32 => wasmi::ValType::I32,
        ValueType::I64 => wasmi::ValType::I64,
    }
}

/// wasmi configured for the Ewasm feature set (typed `select` needs reference types).
fn wasmi_engine() -> &'static wasmi::Engine {
    static ENGINE: OnceLock<wasmi::Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut config = wasmi::Config::default();
        config
            .consume_fuel(true)
            .floats(false)
            .wasm_mutable_global(true)
            .wasm_sign_extension(true)
            .wasm_multi_value(true)
            .wasm_bulk_memory(true)
            .wasm_reference_types(true)
            .wasm_saturating_float_to_int(false)
            .wasm_multi_memory(false)
            .wasm_tail_call(false)
            .wasm_extended_const(false)
            .wasm_custom_page_sizes(false)
            .wasm_memory64(false)
            .wasm_wide_arithmetic(false);
        wasmi::Engine::new(&config)
    })
}

/// A module instantiated on wasmi.
pub struct Wasmi {
    store: wasmi::Store<()>,
    instance: wasmi::Instance,
}

impl Wasmi {
    /// Compiles and instantiates `bytes` (imports from `module`'s list), running the
    /// start function with `fuel`.
    pub fn instantiate(module: &Module, bytes: &[u8], fuel: u64) -> Result<Wasmi, RefOutcome> {
        let engine = wasmi_engine();
        let wasm = wasmi::Module::new(engine, bytes)
            .map_err(|error| RefOutcome::Error(format!("compile: {error}")))?;
        let mut store = wasmi::Store::new(engine, ());
        store
            .set_fuel(fuel)
            .map_err(|error| RefOutcome::Error(error.to_string()))?;
        let mut linker = wasmi::Linker::new(engine);
        for import in module.imports() {
            let ty = wasmi::FuncType::new(
                import.signature.params.iter().copied().map(wasmi_type),
                import.signature.results.iter().copied().map(wasmi_type),
            );
            let name = import.name.clone();
            let result_types: Vec<wasmi::ValType> = import
                .signature
                .results
                .iter()
                .copied()
                .map(wasmi_type)
                .collect();
            let defined = linker.func_new(
                &import.module,
                &import.name,
                ty,
                move |_, params, results| {
                    let args: Vec<u64> = params.iter().map(to_cell).collect();
                    let values =
                        call_import(&name, &args).ok_or_else(|| wasmi::Error::host(ImportTrap))?;
                    for ((slot, value), ty) in results.iter_mut().zip(values).zip(&result_types) {
                        *slot = from_cell(ty, value);
                    }
                    Ok(())
                },
            );
            // The same import twice is defined once.
            let _ = defined;
        }
        let instance = linker
            .instantiate_and_start(&mut store, &wasm)
            .map_err(|error| wasmi_outcome(&error))?;
        Ok(Wasmi { store, instance })
    }

    /// Calls export `name` with `args` and `fuel`.
    pub fn call(&mut self, name: &str, args: &[u64], fuel: u64) -> RefOutcome {
        let Some(func) = self.instance.get_func(&self.store, name) else {
            return RefOutcome::Error(format!("no export {name}"));
        };
        if let Err(error) = self.store.set_fuel(fuel) {
            return RefOutcome::Error(error.to_string());
        }
        let ty = func.ty(&self.store);
        let params: Vec<wasmi::Val> = ty
            .params()
            .iter()
            .zip(args)
            .map(|(ty, cell)| from_cell(ty, *cell))
            .collect();
        let mut results: Vec<wasmi::Val> = ty.results().iter().map(|ty| from_cell(ty, 0)).collect();
        match func.call(&mut self.store, &params, &mut results) {
            Ok(()) => RefOutcome::Returned(results.iter().map(to_cell).collect()),
            Err(error) => wasmi_outcome(&error),
        }
    }
}

impl Reference for Wasmi {
    fn name(&self) -> &'static str {
        "wasmi"
    }

    fn memory(&mut self, name: &str) -> Option<&[u8]> {
        let memory = self.instance.get_memory(&self.store, name)?;
        Some(memory.data(&self.store))
    }

    fn global(&mut self, name: &str) -> Option<u64> {
        let global = self.instance.get_global(&self.store, name)?;
        Some(to_cell(&global.get(&self.store)))
    }
}

/// A reference engine's instance: its exported memory and globals.
pub trait Reference {
    /// The engine's name, for messages.
    fn name(&self) -> &'static str;
    /// The memory exported as `name`.
    fn memory(&mut self, name: &str) -> Option<&[u8]>;
    /// The global exported as `name`, as a cell.
    fn global(&mut self, name: &str) -> Option<u64>;

    /// How this instance's memory and exported globals differ from the interpreter's
    /// in `pair`.
    fn state_difference(&mut self, pair: &SsvmPair<'_>) -> Option<String> {
        let engine = self.name();
        for export in pair.module.exports() {
            match export.kind {
                ExportKind::Memory => {
                    let ours = pair.interpreter.memory();
                    let theirs = self.memory(&export.name).unwrap_or(&[]);
                    if ours != theirs {
                        return Some(format!("{engine}: {}", memory_difference(ours, theirs)));
                    }
                }
                ExportKind::Global(index) => {
                    let ours = pair.interpreter.global(index);
                    let theirs = self.global(&export.name);
                    if ours != theirs {
                        return Some(format!(
                            "global {}: interpreter {ours:?}, {engine} {theirs:?}",
                            export.name
                        ));
                    }
                }
                _ => {}
            }
        }
        None
    }
}

/// Whether `trap` is a resource limit of ssvm (gas, call depth, value stack): a stop
/// that another engine, with other limits, need not share.
pub fn is_resource(trap: Trap) -> bool {
    matches!(
        trap,
        Trap::OutOfGas | Trap::CallStackExhausted | Trap::ValueStackExhausted
    )
}

/// The values of a reference engine's call as cells.
fn wasmtime_cell(value: &wasmtime::Val) -> u64 {
    match value {
        wasmtime::Val::I32(v) => u64::from(*v as u32),
        wasmtime::Val::I64(v) => *v as u64,
        _ => u64::MAX,
    }
}

fn wasmtime_value(ty: &wasmtime::ValType, cell: u64) -> wasmtime::Val {
    match ty {
        wasmtime::ValType::I64 => wasmtime::Val::I64(cell as i64),
        _ => wasmtime::Val::I32(cell as u32 as i32),
    }
}

fn wasmtime_outcome(error: &wasmtime::Error) -> RefOutcome {
    use wasmtime::Trap as W;
    if error.downcast_ref::<ImportTrap>().is_some() {
        return RefOutcome::Trapped(Trap::HostTrap);
    }
    match error.downcast_ref::<W>() {
        Some(W::UnreachableCodeReached) => RefOutcome::Trapped(Trap::Unreachable),
        Some(W::MemoryOutOfBounds) => RefOutcome::Trapped(Trap::MemoryOutOfBounds),
        Some(W::TableOutOfBounds) => RefOutcome::Trapped(Trap::TableOutOfBounds),
        Some(W::IndirectCallToNull) => RefOutcome::Trapped(Trap::UninitializedElement),
        Some(W::IntegerDivisionByZero) => RefOutcome::Trapped(Trap::IntegerDivisionByZero),
        Some(W::IntegerOverflow) => RefOutcome::Trapped(Trap::IntegerOverflow),
        Some(W::BadSignature) => RefOutcome::Trapped(Trap::IndirectCallTypeMismatch),
        Some(W::StackOverflow) => RefOutcome::Exhausted("stack"),
        Some(W::OutOfFuel) => RefOutcome::Exhausted("fuel"),
        _ => RefOutcome::Error(format!("{error:#}")),
    }
}

/// Plain wasmtime: the module as it is, without ssvm's metering pass, with fuel only to
/// bound a run.
fn wasmtime_engine() -> &'static wasmtime::Engine {
    static ENGINE: OnceLock<wasmtime::Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut config = wasmtime::Config::new();
        config
            .consume_fuel(true)
            .wasm_simd(false)
            .wasm_relaxed_simd(false)
            .wasm_gc(false)
            .wasm_tail_call(false)
            .wasm_multi_memory(false)
            .wasm_memory64(false)
            .wasm_bulk_memory(true)
            .wasm_multi_value(true);
        wasmtime::Engine::new(&config).expect("wasmtime engine")
    })
}

/// A module instantiated on plain wasmtime.
pub struct Wasmtime {
    store: wasmtime::Store<()>,
    instance: wasmtime::Instance,
}

impl Wasmtime {
    /// Compiles and instantiates `bytes`, running the start function with `fuel`.
    pub fn instantiate(module: &Module, bytes: &[u8], fuel: u64) -> Result<Wasmtime, RefOutcome> {
        let engine = wasmtime_engine();
        let wasm = wasmtime::Module::new(engine, bytes)
            .map_err(|error| RefOutcome::Error(format!("compile: {error:#}")))?;
        let mut store = wasmtime::Store::new(engine, ());
        store
            .set_fuel(fuel)
            .map_err(|error| RefOutcome::Error(error.to_string()))?;
        let mut imports = Vec::new();
        for import in module.imports() {
            let ty = wasmtime::FuncType::new(
                engine,
                import.signature.params.iter().map(|t| wasmtime_type(*t)),
                import.signature.results.iter().map(|t| wasmtime_type(*t)),
            );
            let name = import.name.clone();
            let func = wasmtime::Func::new(&mut store, ty, move |_, params, results| {
                let args: Vec<u64> = params.iter().map(wasmtime_cell).collect();
                let values =
                    call_import(&name, &args).ok_or_else(|| wasmtime::Error::new(ImportTrap))?;
                for (slot, value) in results.iter_mut().zip(values) {
                    *slot = match slot {
                        wasmtime::Val::I64(_) => wasmtime::Val::I64(value as i64),
                        _ => wasmtime::Val::I32(value as u32 as i32),
                    };
                }
                Ok(())
            });
            imports.push(wasmtime::Extern::from(func));
        }
        let instance = wasmtime::Instance::new(&mut store, &wasm, &imports)
            .map_err(|error| wasmtime_outcome(&error))?;
        Ok(Wasmtime { store, instance })
    }

    /// Calls export `name` with `args` and `fuel`.
    pub fn call(&mut self, name: &str, args: &[u64], fuel: u64) -> RefOutcome {
        let Some(func) = self.instance.get_func(&mut self.store, name) else {
            return RefOutcome::Error(format!("no export {name}"));
        };
        if let Err(error) = self.store.set_fuel(fuel) {
            return RefOutcome::Error(error.to_string());
        }
        let ty = func.ty(&self.store);
        let params: Vec<wasmtime::Val> = ty
            .params()
            .zip(args)
            .map(|(ty, cell)| wasmtime_value(&ty, *cell))
            .collect();
        let mut results: Vec<wasmtime::Val> =
            ty.results().map(|ty| wasmtime_value(&ty, 0)).collect();
        match func.call(&mut self.store, &params, &mut results) {
            Ok(()) => RefOutcome::Returned(results.iter().map(wasmtime_cell).collect()),
            Err(error) => wasmtime_outcome(&error),
        }
    }
}

impl Reference for Wasmtime {
    fn name(&self) -> &'static str {
        "wasmtime"
    }

    fn memory(&mut self, name: &str) -> Option<&[u8]> {
        let memory = self.instance.get_memory(&mut self.store, name)?;
        Some(memory.data(&self.store))
    }

    fn global(&mut self, name: &str) -> Option<u64> {
        let global = self.instance.get_global(&mut self.store, name)?;
        Some(wasmtime_cell(&global.get(&mut self.store)))
    }
}

fn wasmtime_type(ty: ValueType) -> wasmtime::ValType {
    match ty {
        ValueType::I32 => wasmtime::ValType::I32,
        ValueType::I64 => wasmtime::ValType::I64,
    }
}
