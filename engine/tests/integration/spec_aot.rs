//! The WebAssembly spec-test modules on both paths (feature `aot`): every module of
//! `../shared/wasm-spec-tests/*.wast` that the Ewasm rules accept and that imports only
//! `spectest` functions is instantiated on the interpreter and on the AOT path, and
//! every invocation and global read of the file runs on both with the same gas limit.
//! Results (values or the trap), gas left and the memory size must be identical. Each
//! invocation that used gas is then repeated with half of it on both paths, so that
//! out-of-gas happens at the same instruction of the same block.
//!
//! The spec assertions themselves are checked against the interpreter by `spec.rs`;
//! this test checks agreement, so it also covers what the assertions do not look at
//! (gas). Modules that import from other spec modules are counted and left out.

use std::collections::HashMap;

use ssvm_engine::aot::{AotEngine, AotInstance, AotOptions};
use ssvm_engine::{Config, ExportKind, GasSchedule, Instance, Module, Trap};
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastDirective, WastExecute};

use crate::spec::{SpecHost, cells, wast_files};

const GAS: u64 = 1 << 40;

/// A module instantiated on both paths.
struct Pair {
    module: &'static Module,
    interpreter: Instance<'static>,
    native: AotInstance,
}

type Call = (Result<Vec<u64>, Trap>, u64);

#[derive(Default)]
struct Tally {
    modules: usize,
    skipped_modules: usize,
    calls: usize,
    starved_calls: usize,
    globals: usize,
    disagreements: Vec<String>,
}

struct Differ<'a> {
    file: &'a str,
    engine: &'a AotEngine,
    config: Config,
    host: SpecHost,
    current: Option<usize>,
    pairs: Vec<Pair>,
    named: HashMap<String, usize>,
    tally: Tally,
}

impl Differ<'_> {
    fn disagree(&mut self, line: usize, what: String) {
        self.tally
            .disagreements
            .push(format!("{}:{}: {what}", self.file, line + 1));
    }

    /// Instantiates `bytes` on both paths if the engine accepts it and it imports only
    /// `spectest` functions.
    fn load(&mut self, bytes: &[u8], id: Option<String>, line: usize) {
        self.current = None;
        let Ok(module) = Module::new(&self.config, bytes) else {
            return;
        };
        if module.imports().iter().any(|i| i.module != "spectest") {
            self.tally.skipped_modules += 1;
            return;
        }
        self.tally.modules += 1;
        let module: &'static Module = Box::leak(Box::new(module));
        let (mut interpreter_gas, mut native_gas) = (GAS, GAS);
        let interpreter = Instance::instantiate(module, &mut self.host, &mut interpreter_gas);
        let native = AotInstance::instantiate(
            self.engine,
            &self.config,
            module,
            bytes,
            &mut self.host,
            &mut native_gas,
        );
        match (interpreter, native) {
            (Ok(interpreter), Ok(native)) if interpreter_gas == native_gas => {
                let index = self.pairs.len();
                self.pairs.push(Pair {
                    module,
                    interpreter,
                    native,
                });
                self.current = Some(index);
                if let Some(id) = id {
                    self.named.insert(id, index);
                }
            }
            (Err(a), Err(b)) if a == b && interpreter_gas == native_gas => {}
            (interpreter, native) => {
                let show = |r: Result<_, Trap>, gas| format!("{:?} gas {gas}", r.err());
                let what = format!(
                    "instantiation: interpreter {}, aot {}",
                    show(interpreter.map(|_| ()), interpreter_gas),
                    show(native.map(|_| ()), native_gas)
                );
                self.disagree(line, what);
            }
        }
    }

    fn target(&self, id: Option<wast::token::Id<'_>>) -> Option<usize> {
        match id {
            Some(id) => self.named.get(id.name()).copied(),
            None => self.current,
        }
    }

    /// Calls `name` on both instances of pair `index` with `gas`.
    fn call(&mut self, index: usize, name: &str, args: &[u64], gas: u64) -> Option<(Call, Call)> {
        let pair = &mut self.pairs[index];
        let func = pair.module.exported_func(name)?;
        let signature = pair.module.func_signature(func)?.clone();
        let mut interpreter_gas = gas;
        let interpreter = pair
            .interpreter
            .invoke(&mut self.host, func, args, &mut interpreter_gas);
        let mut native_gas = gas;
        let native = pair.native.invoke(
            &mut self.host,
            name,
            &signature.params,
            &signature.results,
            args,
            &mut native_gas,
        );
        Some(((interpreter, interpreter_gas), (native, native_gas)))
    }

    fn invoke(&mut self, invoke: wast::WastInvoke<'_>, line: usize) {
        let Some(index) = self.target(invoke.module) else {
            return;
        };
        let Some(args) = cells(&invoke.args) else {
            return;
        };
        let Some((interpreter, native)) = self.call(index, invoke.name, &args, GAS) else {
            return;
        };
        self.tally.calls += 1;
        if interpreter != native {
            let what = format!(
                "{}: interpreter {interpreter:?}, aot {native:?}",
                invoke.name
            );
            return self.disagree(line, what);
        }
        if let Some(what) = self.state_difference(index) {
            return self.disagree(line, format!("{}: {what}", invoke.name));
        }
        let used = GAS - interpreter.1;
        if used > 1 {
            let Some((interpreter, native)) = self.call(index, invoke.name, &args, used / 2) else {
                return;
            };
            self.tally.starved_calls += 1;
            if interpreter != native {
                let what = format!(
                    "{} with {} gas: interpreter {interpreter:?}, aot {native:?}",
                    invoke.name,
                    used / 2
                );
                return self.disagree(line, what);
            }
            if let Some(what) = self.state_difference(index) {
                let what = format!("{} with {} gas: {what}", invoke.name, used / 2);
                self.disagree(line, what);
            }
        }
    }

    /// How the memories or exported globals of pair `index` differ, if they do.
    fn state_difference(&mut self, index: usize) -> Option<String> {
        let pair = &mut self.pairs[index];
        let (memory, native_memory) = (pair.interpreter.memory(), pair.native.memory());
        if memory != native_memory {
            let first = memory.iter().zip(native_memory).position(|(a, b)| a != b);
            return Some(format!(
                "memory differs ({} bytes, aot {}; first difference at {first:?})",
                memory.len(),
                native_memory.len()
            ));
        }
        for export in pair.module.exports() {
            if let ExportKind::Global(global) = export.kind {
                let interpreter = pair.interpreter.global(global);
                let native = pair.native.global(&export.name);
                if interpreter != native {
                    return Some(format!(
                        "global {}: interpreter {interpreter:?}, aot {native:?}",
                        export.name
                    ));
                }
            }
        }
        None
    }

    fn get(&mut self, module: Option<wast::token::Id<'_>>, global: &str, line: usize) {
        let Some(index) = self.target(module) else {
            return;
        };
        let pair = &mut self.pairs[index];
        let Some(global_index) = pair.module.exports().iter().find_map(|e| match e.kind {
            ExportKind::Global(i) if e.name == global => Some(i),
            _ => None,
        }) else {
            return;
        };
        let interpreter = pair.interpreter.global(global_index);
        let native = pair.native.global(global);
        self.tally.globals += 1;
        if interpreter != native {
            self.disagree(
                line,
                format!("global {global}: interpreter {interpreter:?}, aot {native:?}"),
            );
        }
    }

    fn execute(&mut self, exec: WastExecute<'_>, line: usize) {
        match exec {
            WastExecute::Invoke(invoke) => self.invoke(invoke, line),
            WastExecute::Get { module, global, .. } => self.get(module, global, line),
            WastExecute::Wat(_) => {}
        }
    }

    fn directive(&mut self, directive: WastDirective<'_>, text: &str) {
        let (line, _) = directive.span().linecol_in(text);
        match directive {
            WastDirective::Module(mut module) => {
                let id = match &module {
                    QuoteWat::Wat(wast::Wat::Module(m)) => m.id.map(|id| id.name().to_string()),
                    _ => None,
                };
                match module.encode() {
                    Ok(bytes) => self.load(&bytes, id, line),
                    Err(_) => self.current = None,
                }
            }
            WastDirective::ModuleDefinition(_) | WastDirective::ModuleInstance { .. } => {
                self.tally.skipped_modules += 1;
                self.current = None;
            }
            WastDirective::Invoke(invoke) => self.invoke(invoke, line),
            WastDirective::AssertReturn { exec, .. } | WastDirective::AssertTrap { exec, .. } => {
                self.execute(exec, line)
            }
            WastDirective::AssertExhaustion { call, .. } => self.invoke(call, line),
            _ => {}
        }
    }
}

#[test]
fn spec_modules_agree_on_both_paths() {
    let Some(shared) = crate::shared::shared_dir("WebAssembly spec tests on the AOT path") else {
        return;
    };
    let total = on_big_stack(move || run(&wast_files(&shared.join("wasm-spec-tests"))));
    assert!(total.calls > 6_000, "too few calls compared");
}

/// The regression fixtures found by fuzzing agree on both paths, gas and memory
/// included, with their gas-starved repetitions.
#[test]
fn regression_fixtures_agree_on_both_paths() {
    let total = on_big_stack(|| run(&crate::spec::regression_files()));
    assert_eq!(total.skipped_modules, 0);
    assert!(total.calls > 0 && total.starved_calls > 0);
}

/// Runs `f` on a thread with room for deep recursion (assert_exhaustion needs native
/// stack on the interpreter side).
fn on_big_stack(f: impl FnOnce() -> Tally + Send + 'static) -> Tally {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

/// Runs `files` on both paths, prints the tally and fails on any disagreement.
fn run(files: &[std::path::PathBuf]) -> Tally {
    let engine = AotEngine::new(AotOptions::default()).expect("AOT engine");
    let mut total = Tally::default();
    for path in files {
        let text = std::fs::read_to_string(path).expect("readable .wast");
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let mut lexer = wast::lexer::Lexer::new(&text);
        lexer.allow_confusing_unicode(true);
        let Ok(buffer) = ParseBuffer::new_with_lexer(lexer) else {
            continue;
        };
        let Ok(wast) = parser::parse::<Wast<'_>>(&buffer) else {
            continue;
        };
        let mut differ = Differ {
            file: &name,
            engine: &engine,
            config: Config::plain(GasSchedule::V1),
            host: SpecHost::default(),
            current: None,
            pairs: Vec::new(),
            named: HashMap::new(),
            tally: Tally::default(),
        };
        for directive in wast.directives {
            differ.directive(directive, &text);
        }
        let tally = differ.tally;
        total.modules += tally.modules;
        total.skipped_modules += tally.skipped_modules;
        total.calls += tally.calls;
        total.starved_calls += tally.starved_calls;
        total.globals += tally.globals;
        total.disagreements.extend(tally.disagreements);
    }
    println!(
        "spec tests (interpreter vs aot): {} modules, {} calls (+{} with half the gas), {} \
         global reads compared; {} disagreements; {} modules importing other modules left out",
        total.modules,
        total.calls,
        total.starved_calls,
        total.globals,
        total.disagreements.len(),
        total.skipped_modules
    );
    for disagreement in total.disagreements.iter().take(40) {
        println!("  DISAGREE {disagreement}");
    }
    assert!(total.disagreements.is_empty());
    total
}
