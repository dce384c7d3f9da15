//! The WebAssembly core spec tests (`../shared/wasm-spec-tests/*.wast`) on the engine.
//!
//! Modules are validated as [`ModuleKind::Plain`] modules: the Ewasm feature set and
//! limits apply, the contract interface does not. Every assertion about a module the
//! engine accepts must pass. A module the spec considers valid but that uses floats or
//! a feature outside the Ewasm set must be *rejected*, and is counted by reason; a
//! valid module rejected for any other reason is a failure ("unclassified"). Imports
//! from `spectest` and from registered modules are linked like a spec interpreter
//! does (functions only; everything else is outside Ewasm).

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use ssvm_engine::{
    Address, Bytes32, Config, ExecutionResult, GasSchedule, Host, HostTrap, Import, Instance,
    Module, Trap, TxContext, U256, ValidationError, ValueType,
};
use wast::core::{WastArgCore, WastRetCore};
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastRet};

const GAS: u64 = 1 << 50;

struct Linked {
    module: &'static Module,
    instance: Instance<'static>,
    /// The registered instances this one imports functions from.
    dependencies: Vec<Rc<RefCell<Linked>>>,
}

/// Links imports to `spectest` functions and registered instances.
#[derive(Default)]
pub(crate) struct SpecHost {
    registered: HashMap<String, Rc<RefCell<Linked>>>,
    /// Names under which a module the Ewasm rules reject was registered.
    registered_rejected: Vec<String>,
}

fn spectest_signature(name: &str) -> Option<(&'static [ValueType], &'static [ValueType])> {
    match name {
        "print" => Some((&[], &[])),
        "print_i32" => Some((&[ValueType::I32], &[])),
        "print_i64" => Some((&[ValueType::I64], &[])),
        _ => None,
    }
}

impl SpecHost {
    /// Whether some import of `module` comes from a module the Ewasm rules rejected.
    fn links_to_rejected(&self, module: &Module) -> bool {
        module
            .imports()
            .iter()
            .any(|import| self.registered_rejected.contains(&import.module))
    }

    /// Whether every import of `module` resolves to a function of the right type.
    fn can_link(&self, module: &Module) -> bool {
        module.imports().iter().all(|import| {
            if import.module == "spectest" {
                return spectest_signature(&import.name)
                    .is_some_and(|(p, r)| import.signature.is(p, r));
            }
            let Some(linked) = self.registered.get(&import.module) else {
                return false;
            };
            let linked = linked.borrow();
            linked
                .module
                .exported_func(&import.name)
                .and_then(|f| linked.module.func_signature(f))
                .is_some_and(|sig| *sig == import.signature)
        })
    }
}

impl Host for SpecHost {
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
    fn call(&mut self, _: &ssvm_engine::Message<'_>) -> ExecutionResult {
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
        if import.module == "spectest" {
            return Ok(());
        }
        let linked = self
            .registered
            .get(&import.module)
            .cloned()
            .ok_or(HostTrap)?;
        let mut linked = linked.try_borrow_mut().map_err(|_| HostTrap)?;
        let func = linked.module.exported_func(&import.name).ok_or(HostTrap)?;
        let mut gas = GAS;
        let values = linked
            .instance
            .invoke(self, func, args, &mut gas)
            .map_err(|_| HostTrap)?;
        results.copy_from_slice(&values);
        Ok(())
    }
}

/// What became of a module definition.
enum Loaded {
    Instance(Rc<RefCell<Linked>>),
    /// Validated, not instantiated (`module definition`).
    Definition(&'static Module),
    Rejected,
}

#[derive(Default)]
struct Report {
    passed: usize,
    skipped: usize,
    modules: usize,
    rejected: BTreeMap<String, usize>,
    failures: Vec<String>,
}

fn config() -> Config {
    Config::plain(GasSchedule::V1)
}

/// Reasons a module the spec considers valid may be rejected by the Ewasm rules.
fn is_ewasm_rejection(error: &ValidationError) -> bool {
    matches!(
        error,
        ValidationError::Float { .. }
            | ValidationError::FeatureForbidden { .. }
            | ValidationError::LimitExceeded { .. }
            | ValidationError::ImportNotFunction { .. }
    )
}

/// Integer arguments as raw cells (`None` for any other argument).
pub(crate) fn cells(args: &[WastArg<'_>]) -> Option<Vec<u64>> {
    args.iter()
        .map(|arg| match arg {
            WastArg::Core(WastArgCore::I32(v)) => Some(*v as u32 as u64),
            WastArg::Core(WastArgCore::I64(v)) => Some(*v as u64),
            _ => None,
        })
        .collect()
}

fn matches(expected: &[WastRet<'_>], actual: &[u64]) -> bool {
    expected.len() == actual.len()
        && expected.iter().zip(actual).all(|(e, a)| match e {
            WastRet::Core(WastRetCore::I32(v)) => *v as u32 == *a as u32,
            WastRet::Core(WastRetCore::I64(v)) => *v as u64 == *a,
            _ => false,
        })
}

struct Runner<'f> {
    file: &'f str,
    host: SpecHost,
    current: Option<Loaded>,
    named: HashMap<String, Rc<RefCell<Linked>>>,
    rejected_named: Vec<String>,
    definitions: HashMap<String, &'static Module>,
    tainted: Vec<Rc<RefCell<Linked>>>,
    tainted_names: Vec<String>,
    report: Report,
}

enum Outcome {
    Returned(Vec<u64>),
    Trapped(Trap),
    /// The target module was rejected by the Ewasm rules.
    Skipped,
}

impl<'f> Runner<'f> {
    fn fail(&mut self, line: usize, message: String) {
        self.report
            .failures
            .push(format!("{}:{}: {message}", self.file, line + 1));
    }

    fn load(&mut self, bytes: &[u8], line: usize, instantiate: bool) -> Option<Loaded> {
        self.report.modules += 1;
        let module = match Module::new(&config(), bytes) {
            Ok(module) => module,
            Err(error) if is_ewasm_rejection(&error) => {
                *self
                    .report
                    .rejected
                    .entry(error.rule().to_string())
                    .or_default() += 1;
                self.taint_exporters(bytes);
                return Some(Loaded::Rejected);
            }
            Err(error) => {
                self.fail(
                    line,
                    format!("valid module rejected (unclassified): {error}"),
                );
                return None;
            }
        };
        if self.host.links_to_rejected(&module) {
            *self
                .report
                .rejected
                .entry("links to a module outside Ewasm".to_string())
                .or_default() += 1;
            return Some(Loaded::Rejected);
        }
        if !instantiate {
            return Some(Loaded::Definition(Box::leak(Box::new(module))));
        }
        let module: &'static Module = Box::leak(Box::new(module));
        self.instantiate_definition(module, line)
    }

    /// A rejected module that imports from registered modules may have changed their
    /// shared tables, memories or globals when instantiated: assertions on those
    /// modules can no longer be checked.
    fn taint_exporters(&mut self, bytes: &[u8]) {
        for payload in wasmparser::Parser::new(0).parse_all(bytes) {
            let Ok(wasmparser::Payload::ImportSection(reader)) = payload else {
                continue;
            };
            for import in reader.into_imports().flatten() {
                if let Some(linked) = self.host.registered.get(import.module) {
                    let linked = linked.clone();
                    let names: Vec<String> = self
                        .named
                        .iter()
                        .filter(|(_, i)| Rc::ptr_eq(i, &linked))
                        .map(|(n, _)| n.clone())
                        .collect();
                    for name in names {
                        self.named.remove(&name);
                        self.tainted_names.push(name);
                    }
                    if let Some(Loaded::Instance(current)) = &self.current
                        && Rc::ptr_eq(current, &linked)
                    {
                        self.current = Some(Loaded::Rejected);
                    }
                    self.tainted.push(linked);
                }
            }
        }
    }

    /// Whether the instance, or one it calls into, was changed by a rejected module.
    fn is_tainted(&self, instance: &Rc<RefCell<Linked>>) -> bool {
        self.tainted.iter().any(|t| Rc::ptr_eq(t, instance))
            || instance
                .borrow()
                .dependencies
                .iter()
                .any(|d| self.is_tainted(d))
    }

    fn instantiate_definition(&mut self, module: &'static Module, line: usize) -> Option<Loaded> {
        if !self.host.can_link(module) {
            self.fail(line, "module imports cannot be linked".into());
            return None;
        }
        let mut gas = GAS;
        match Instance::instantiate(module, &mut self.host, &mut gas) {
            Ok(instance) => {
                let dependencies = module
                    .imports()
                    .iter()
                    .filter_map(|import| self.host.registered.get(&import.module).cloned())
                    .collect();
                Some(Loaded::Instance(Rc::new(RefCell::new(Linked {
                    module,
                    instance,
                    dependencies,
                }))))
            }
            Err(trap) => {
                self.fail(line, format!("instantiation trapped: {trap}"));
                None
            }
        }
    }

    fn target(&self, id: Option<wast::token::Id<'_>>) -> Option<Loaded> {
        match id {
            Some(id) => {
                if self.rejected_named.iter().any(|n| n == id.name()) {
                    return Some(Loaded::Rejected);
                }
                match self.named.get(id.name()) {
                    Some(i) if self.is_tainted(i) => Some(Loaded::Rejected),
                    Some(i) => Some(Loaded::Instance(i.clone())),
                    None if self.tainted_names.iter().any(|n| n == id.name()) => {
                        Some(Loaded::Rejected)
                    }
                    None => None,
                }
            }
            None => match &self.current {
                Some(Loaded::Instance(i)) if self.is_tainted(i) => Some(Loaded::Rejected),
                Some(Loaded::Instance(i)) => Some(Loaded::Instance(i.clone())),
                Some(Loaded::Rejected) => Some(Loaded::Rejected),
                Some(Loaded::Definition(_)) | None => None,
            },
        }
    }

    fn execute(&mut self, exec: WastExecute<'_>, line: usize) -> Option<Outcome> {
        match exec {
            WastExecute::Invoke(invoke) => {
                let linked = match self.target(invoke.module) {
                    Some(Loaded::Instance(linked)) => linked,
                    Some(Loaded::Rejected) => return Some(Outcome::Skipped),
                    Some(Loaded::Definition(_)) | None => {
                        self.fail(line, "invoke without a module".into());
                        return None;
                    }
                };
                let Some(args) = cells(&invoke.args) else {
                    self.fail(line, "non-integer argument to an accepted module".into());
                    return None;
                };
                let mut linked = linked.borrow_mut();
                let Some(func) = linked.module.exported_func(invoke.name) else {
                    self.fail(line, format!("no export {}", invoke.name));
                    return None;
                };
                let mut gas = GAS;
                let linked = &mut *linked;
                Some(
                    match linked
                        .instance
                        .invoke(&mut self.host, func, &args, &mut gas)
                    {
                        Ok(values) => Outcome::Returned(values),
                        Err(trap) => Outcome::Trapped(trap),
                    },
                )
            }
            WastExecute::Get { module, global, .. } => {
                let linked = match self.target(module) {
                    Some(Loaded::Instance(linked)) => linked,
                    Some(Loaded::Rejected) => return Some(Outcome::Skipped),
                    Some(Loaded::Definition(_)) | None => return None,
                };
                let linked = linked.borrow();
                let index = linked.module.exports().iter().find_map(|e| match e.kind {
                    ssvm_engine::ExportKind::Global(i) if e.name == global => Some(i),
                    _ => None,
                })?;
                let value = linked.instance.global(index)?;
                Some(Outcome::Returned(vec![value]))
            }
            WastExecute::Wat(mut wat) => {
                let bytes = wat.encode().ok()?;
                match Module::new(&config(), &bytes) {
                    Ok(module) => {
                        let module: &'static Module = Box::leak(Box::new(module));
                        let mut gas = GAS;
                        Some(
                            match Instance::instantiate(module, &mut self.host, &mut gas) {
                                Ok(_) => Outcome::Returned(vec![]),
                                Err(trap) => Outcome::Trapped(trap),
                            },
                        )
                    }
                    Err(error) if is_ewasm_rejection(&error) => {
                        self.taint_exporters(&bytes);
                        Some(Outcome::Skipped)
                    }
                    Err(error) => {
                        self.fail(line, format!("module rejected: {error}"));
                        None
                    }
                }
            }
        }
    }

    fn directive(&mut self, directive: WastDirective<'_>, text: &str) {
        let (line, _) = directive.span().linecol_in(text);
        match directive {
            WastDirective::ModuleDefinition(mut module) => {
                let id = match &module {
                    QuoteWat::Wat(wast::Wat::Module(m)) => m.id.map(|id| id.name().to_string()),
                    _ => None,
                };
                let bytes = match module.encode() {
                    Ok(bytes) => bytes,
                    Err(error) => return self.fail(line, format!("cannot encode: {error}")),
                };
                match (self.load(&bytes, line, false), id) {
                    (Some(Loaded::Definition(module)), Some(id)) => {
                        self.definitions.insert(id, module);
                    }
                    (Some(Loaded::Rejected), Some(id)) => self.rejected_named.push(id),
                    _ => {}
                }
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                let definition = module.and_then(|m| self.definitions.get(m.name()).copied());
                let Some(definition) = definition else {
                    if let Some(name) = instance {
                        self.rejected_named.push(name.name().to_string());
                    }
                    self.current = Some(Loaded::Rejected);
                    return;
                };
                let loaded = self.instantiate_definition(definition, line);
                if let (Some(Loaded::Instance(i)), Some(name)) = (&loaded, instance) {
                    self.named.insert(name.name().to_string(), i.clone());
                }
                self.current = loaded;
            }
            WastDirective::Module(mut module) => {
                let id = match &module {
                    QuoteWat::Wat(wast::Wat::Module(m)) => m.id.map(|id| id.name().to_string()),
                    _ => None,
                };
                let bytes = match module.encode() {
                    Ok(bytes) => bytes,
                    Err(error) => return self.fail(line, format!("cannot encode: {error}")),
                };
                let loaded = self.load(&bytes, line, true);
                if let (Some(id), Some(loaded)) = (id, &loaded) {
                    match loaded {
                        Loaded::Instance(i) => {
                            self.named.insert(id, i.clone());
                        }
                        Loaded::Rejected => self.rejected_named.push(id),
                        Loaded::Definition(_) => {}
                    }
                }
                self.current = loaded;
            }
            WastDirective::Register { name, module, .. } => match self.target(module) {
                Some(Loaded::Instance(linked)) => {
                    self.host.registered.insert(name.to_string(), linked);
                }
                Some(Loaded::Rejected) => self.host.registered_rejected.push(name.to_string()),
                Some(Loaded::Definition(_)) | None => {}
            },
            WastDirective::Invoke(invoke) => {
                match self.execute(WastExecute::Invoke(invoke), line) {
                    Some(Outcome::Returned(..)) => self.report.passed += 1,
                    Some(Outcome::Skipped) => self.report.skipped += 1,
                    Some(Outcome::Trapped(trap)) => {
                        self.fail(line, format!("invoke trapped: {trap}"))
                    }
                    None => {}
                }
            }
            WastDirective::AssertReturn { exec, results, .. } => match self.execute(exec, line) {
                Some(Outcome::Returned(values)) => {
                    if matches(&results, &values) {
                        self.report.passed += 1;
                    } else {
                        self.fail(line, format!("expected {results:?}, got {values:?}"));
                    }
                }
                Some(Outcome::Skipped) => self.report.skipped += 1,
                Some(Outcome::Trapped(trap)) => {
                    self.fail(line, format!("expected {results:?}, trapped: {trap}"))
                }
                None => {}
            },
            WastDirective::AssertTrap { exec, message, .. } => match self.execute(exec, line) {
                Some(Outcome::Trapped(_)) => self.report.passed += 1,
                Some(Outcome::Skipped) => self.report.skipped += 1,
                Some(Outcome::Returned(values)) => self.fail(
                    line,
                    format!("expected trap \"{message}\", returned {values:?}"),
                ),
                None => {}
            },
            WastDirective::AssertExhaustion { call, .. } => {
                match self.execute(WastExecute::Invoke(call), line) {
                    Some(Outcome::Trapped(
                        Trap::CallStackExhausted | Trap::ValueStackExhausted,
                    )) => self.report.passed += 1,
                    Some(Outcome::Skipped) => self.report.skipped += 1,
                    Some(Outcome::Trapped(trap)) => {
                        self.fail(line, format!("expected exhaustion, trapped: {trap}"))
                    }
                    Some(Outcome::Returned(..)) => self.fail(line, "expected exhaustion".into()),
                    None => {}
                }
            }
            WastDirective::AssertMalformed { mut module, .. }
            | WastDirective::AssertInvalid { mut module, .. } => {
                let rejected = match module.encode() {
                    Ok(bytes) => Module::new(&config(), &bytes).is_err(),
                    Err(_) => true,
                };
                if rejected {
                    self.report.passed += 1;
                } else {
                    self.fail(line, "invalid or malformed module accepted".into());
                }
            }
            WastDirective::AssertUnlinkable { mut module, .. } => {
                let accepted = module
                    .encode()
                    .ok()
                    .and_then(|bytes| Module::new(&config(), &bytes).ok());
                match accepted {
                    Some(module) if self.host.can_link(&module) => {
                        self.fail(line, "unlinkable module linked".into())
                    }
                    _ => self.report.passed += 1,
                }
            }
            other => self.fail(line, format!("unsupported directive {:?}", other.span())),
        }
    }
}

/// The `.wast` files of `dir`, sorted.
pub(crate) fn wast_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("spec test directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "wast"))
        .collect();
    files.sort();
    files
}

/// The `.wast` regression fixtures of this crate (`engine/tests/regressions/`).
pub(crate) fn regression_files() -> Vec<std::path::PathBuf> {
    wast_files(&crate::shared::manifest_dir().join("tests/regressions"))
}

/// Runs every directive of `files` on the interpreter.
fn run_files(files: &[std::path::PathBuf]) -> Report {
    let mut total = Report::default();
    for path in files {
        let text = std::fs::read_to_string(path).expect("readable .wast");
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let mut lexer = wast::lexer::Lexer::new(&text);
        lexer.allow_confusing_unicode(true);
        let buffer = match ParseBuffer::new_with_lexer(lexer) {
            Ok(buffer) => buffer,
            Err(error) => {
                total
                    .failures
                    .push(format!("{name}: lexing failed: {error}"));
                continue;
            }
        };
        let wast = match parser::parse::<Wast<'_>>(&buffer) {
            Ok(wast) => wast,
            Err(error) => {
                total
                    .failures
                    .push(format!("{name}: parsing failed: {error}"));
                continue;
            }
        };
        let mut runner = Runner {
            file: &name,
            host: SpecHost::default(),
            current: None,
            named: HashMap::new(),
            rejected_named: Vec::new(),
            definitions: HashMap::new(),
            tainted: Vec::new(),
            tainted_names: Vec::new(),
            report: Report::default(),
        };
        for directive in wast.directives {
            runner.directive(directive, &text);
        }
        let report = runner.report;
        total.passed += report.passed;
        total.skipped += report.skipped;
        total.modules += report.modules;
        for (reason, n) in report.rejected {
            *total.rejected.entry(reason).or_default() += n;
        }
        total.failures.extend(report.failures);
    }
    total
}

#[test]
fn wasm_spec_tests() {
    let Some(shared) = crate::shared::shared_dir("WebAssembly spec tests") else {
        return;
    };
    let files = wast_files(&shared.join("wasm-spec-tests"));
    let total = run_files(&files);
    let rejected: usize = total.rejected.values().sum();
    println!(
        "spec tests: {} files, {} assertions passed, {} failed; {} modules, {} rejected by the Ewasm rules ({} assertions on them not run)",
        files.len(),
        total.passed,
        total.failures.len(),
        total.modules,
        rejected,
        total.skipped
    );
    for (reason, n) in &total.rejected {
        println!("  rejected: {n:5} {reason}");
    }
    for failure in total.failures.iter().take(60) {
        println!("  FAILED {failure}");
    }
    assert!(
        total.failures.is_empty(),
        "{} spec test failures",
        total.failures.len()
    );
    assert!(total.passed > 9_000, "too few assertions ran");
}

/// Every regression fixture found by fuzzing (`tests/regressions/*.wast`) passes on the
/// interpreter: all its modules are accepted and all its assertions hold.
#[test]
fn regression_fixtures() {
    let files = regression_files();
    assert!(!files.is_empty(), "no regression fixtures found");
    let report = run_files(&files);
    for failure in &report.failures {
        println!("  FAILED {failure}");
    }
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert!(
        report.rejected.is_empty(),
        "fixture modules rejected: {:?}",
        report.rejected
    );
    assert_eq!(report.skipped, 0, "assertions skipped");
    assert!(report.passed >= files.len(), "too few assertions ran");
}
