//! A validated, translated module: the unit the engine instantiates and runs.
//!
//! [`Module::new`] makes one pass over the bytes. For each section it runs the Ewasm
//! checks of [`crate::validation`], then wasmparser's validator, then records what
//! execution needs; function bodies are validated and translated operator by operator
//! (see [`crate::translation`]). A module is immutable afterwards and can be executed
//! any number of times; translation is the expensive step, so hosts that run the same
//! code repeatedly keep the `Module`.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use wasmparser::{
    ConstExpr, DataKind, ElementItems, ElementKind, ExternalKind, FuncValidatorAllocations,
    Operator, Parser, Payload, TableInit, TypeRef, ValType, ValidPayload, Validator,
};

use crate::bignum::BignumFunction;
use crate::eei::EeiFunction;
use crate::gas::GasSchedule;
use crate::gas::operators::{OperatorClass, classify_operator};
use crate::ir::Op;
use crate::limits::*;
use crate::translation::{FuncTranslator, GasPoint, ModuleEnv};
use crate::validation::{
    EWASM_FEATURES, Feature, Limit, ValidationError, check_funcref, check_value_type,
};

/// How strictly a module is held to the Ewasm contract interface.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ModuleKind {
    /// An Ewasm contract: exports exactly `main` and `memory`, imports only from
    /// `ethereum` and `bignum` (and `debug` when enabled), no start function.
    Contract,
    /// A plain module within the Ewasm feature set and limits, with any exports, a start
    /// function allowed, and function imports resolved by the host
    /// ([`crate::Host::call_external`]). Used for the WebAssembly spec tests.
    Plain,
}

/// Engine configuration: one per chain or VM instance.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The gas schedule instructions are translated and charged with.
    pub schedule: GasSchedule,
    /// Contract rules or plain module.
    pub kind: ModuleKind,
    /// Whether contracts may import the `debug` namespace (print helpers).
    pub debug_imports: bool,
    /// Whether calls to address `0x..09` compute keccak256 natively.
    pub keccak_system_contract: bool,
}

impl Config {
    /// Contract rules under `schedule`, keccak system contract on, debug imports off.
    pub const fn contract(schedule: GasSchedule) -> Config {
        Config {
            schedule,
            kind: ModuleKind::Contract,
            debug_imports: false,
            keccak_system_contract: true,
        }
    }

    /// Plain modules under `schedule`.
    pub const fn plain(schedule: GasSchedule) -> Config {
        Config {
            schedule,
            kind: ModuleKind::Plain,
            debug_imports: false,
            keccak_system_contract: false,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config::contract(GasSchedule::V1)
    }
}

/// An Ewasm value type.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ValueType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
}

impl ValueType {
    /// The register form of a raw cell of this type: i32 values are kept zero-extended
    /// (the translator relies on it to make `i64.extend_i32_u` free).
    #[inline]
    pub fn canonical(self, cell: u64) -> u64 {
        match self {
            ValueType::I32 => u64::from(cell as u32),
            ValueType::I64 => cell,
        }
    }

    fn from_wasm(ty: ValType) -> Option<ValueType> {
        match ty {
            ValType::I32 => Some(ValueType::I32),
            ValType::I64 => Some(ValueType::I64),
            _ => None,
        }
    }
}

/// A function signature.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct FuncSignature {
    /// Parameter types.
    pub params: Vec<ValueType>,
    /// Result types.
    pub results: Vec<ValueType>,
}

impl FuncSignature {
    /// Whether the signature is exactly `params -> results`.
    pub fn is(&self, params: &[ValueType], results: &[ValueType]) -> bool {
        self.params == params && self.results == results
    }
}

/// What an imported function is bound to.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum HostFunction {
    /// An EEI function (`ethereum` namespace).
    Eei(EeiFunction),
    /// A native 256-bit operation (`bignum` namespace).
    Bignum(BignumFunction),
    /// A debug helper (`debug` namespace).
    Debug(crate::eei::DebugFunction),
    /// A function resolved by the host ([`ModuleKind::Plain`] only); the index counts
    /// the module's imports.
    External(u32),
}

/// An imported function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    /// Import module name.
    pub module: String,
    /// Import field name.
    pub name: String,
    /// What it is bound to.
    pub function: HostFunction,
    /// Its signature.
    pub signature: FuncSignature,
}

/// What an export refers to.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ExportKind {
    /// A function (module function index, imports first).
    Func(u32),
    /// The memory.
    Memory,
    /// The table.
    Table,
    /// A global.
    Global(u32),
}

/// An export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    /// Export name.
    pub name: String,
    /// What it refers to.
    pub kind: ExportKind,
}

/// A defined function as the interpreter sees it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) struct FuncMeta {
    pub entry: u32,
    pub frame_size: u32,
    /// Static cost of the entry block, charged on entry.
    pub entry_gas: u32,
    pub num_params: u32,
    pub num_locals: u32,
    pub num_results: u32,
    /// This function's range of [`Module::gas_points`].
    pub gas_points: (u32, u32),
}

/// Initial and maximum size of the memory (pages) or table (elements).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) struct Limits {
    pub initial: u32,
    pub maximum: u32,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum SegmentMode {
    Active { offset: u32 },
    Passive,
    Declared,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DataSegment {
    pub mode: SegmentMode,
    pub bytes: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ElementSegment {
    pub mode: SegmentMode,
    /// Module function indices; `None` is a null reference.
    pub items: Vec<Option<u32>>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) struct GlobalDef {
    pub value: u64,
    pub mutable: bool,
}

/// A validated and translated module.
#[derive(Clone, Debug)]
pub struct Module {
    pub(crate) kind: ModuleKind,
    pub(crate) schedule: GasSchedule,
    pub(crate) types: Vec<FuncSignature>,
    pub(crate) canonical_type_ids: Vec<u32>,
    /// Type-section index of every function, imports first.
    pub(crate) func_types: Vec<u32>,
    pub(crate) imports: Vec<Import>,
    pub(crate) functions: Vec<FuncMeta>,
    pub(crate) code: Vec<Op>,
    /// Every function's gas points, in function order.
    pub(crate) gas_points: Vec<GasPoint>,
    pub(crate) memory: Option<Limits>,
    pub(crate) table: Option<Limits>,
    pub(crate) globals: Vec<GlobalDef>,
    pub(crate) data: Vec<DataSegment>,
    pub(crate) elements: Vec<ElementSegment>,
    pub(crate) exports: Vec<Export>,
    pub(crate) main: Option<u32>,
    pub(crate) start: Option<u32>,
}

impl Module {
    /// Validates `bytes` under `config` and translates them.
    pub fn new(config: &Config, bytes: &[u8]) -> Result<Module, ValidationError> {
        if bytes.len() > MAX_MODULE_SIZE {
            return Err(ValidationError::limit(
                Limit::ModuleSize,
                bytes.len() as u64,
            ));
        }
        if !bytes.starts_with(b"\0asm") {
            return Err(ValidationError::MissingPreamble);
        }
        if bytes.get(4..8) != Some(&[1, 0, 0, 0][..]) {
            return Err(ValidationError::UnsupportedVersion);
        }
        let mut builder = Builder::new(config);
        let mut validator = Validator::new_with_features(EWASM_FEATURES);
        for payload in Parser::new(0).parse_all(bytes) {
            let payload = payload.map_err(ValidationError::from_wasmparser)?;
            builder.check(&payload)?;
            let valid = validator
                .payload(&payload)
                .map_err(ValidationError::from_wasmparser)?;
            match valid {
                ValidPayload::Func(func, body) => builder.function(func, body)?,
                ValidPayload::Parser(_) => {
                    return Err(ValidationError::FeatureForbidden {
                        feature: Feature::Proposal,
                        offset: 0,
                    });
                }
                ValidPayload::Ok | ValidPayload::End(_) => builder.record(&payload)?,
            }
        }
        builder.finish()
    }

    /// The module's exports.
    pub fn exports(&self) -> &[Export] {
        &self.exports
    }

    /// The module's imported functions, in import order.
    pub fn imports(&self) -> &[Import] {
        &self.imports
    }

    /// The gas schedule the module was translated with.
    pub fn schedule(&self) -> &GasSchedule {
        &self.schedule
    }

    /// Whether the module was validated as a contract or a plain module.
    pub fn kind(&self) -> ModuleKind {
        self.kind
    }

    /// The signature of function `index` (imports first), if it exists.
    pub fn func_signature(&self, index: u32) -> Option<&FuncSignature> {
        let ty = *self.func_types.get(index as usize)?;
        self.types.get(ty as usize)
    }

    /// The exported function named `name`, if any.
    pub fn exported_func(&self, name: &str) -> Option<u32> {
        self.exports.iter().find_map(|e| match e.kind {
            ExportKind::Func(index) if e.name == name => Some(index),
            _ => None,
        })
    }

    /// Number of translated instructions (for diagnostics and benchmarks).
    pub fn code_len(&self) -> usize {
        self.code.len()
    }

    /// The translated code of defined function `index` (for diagnostics): its entry's
    /// instructions up to the next function's entry.
    pub fn translated_function(&self, index: u32) -> Option<&[Op]> {
        let start = self.functions.get(index as usize)?.entry as usize;
        let end = self
            .functions
            .get(index as usize + 1)
            .map_or(self.code.len(), |f| f.entry as usize);
        self.code.get(start..end)
    }

    pub(crate) fn num_imports(&self) -> u32 {
        self.imports.len() as u32
    }

    /// Canonical type id of function `index`.
    pub(crate) fn func_type_id(&self, index: u32) -> Option<u32> {
        let ty = *self.func_types.get(index as usize)?;
        self.canonical_type_ids.get(ty as usize).copied()
    }
}

struct Builder<'c> {
    config: &'c Config,
    module: Module,
    num_defined: u32,
    allocations: Option<FuncValidatorAllocations>,
}

impl<'c> Builder<'c> {
    fn new(config: &'c Config) -> Self {
        Builder {
            config,
            module: Module {
                kind: config.kind,
                schedule: config.schedule,
                types: Vec::new(),
                canonical_type_ids: Vec::new(),
                func_types: Vec::new(),
                imports: Vec::new(),
                functions: Vec::new(),
                code: Vec::new(),
                gas_points: Vec::new(),
                memory: None,
                table: None,
                globals: Vec::new(),
                data: Vec::new(),
                elements: Vec::new(),
                exports: Vec::new(),
                main: None,
                start: None,
            },
            num_defined: 0,
            allocations: None,
        }
    }

    /// The Ewasm checks, before wasmparser sees the payload.
    fn check(&mut self, payload: &Payload<'_>) -> Result<(), ValidationError> {
        let wasm = ValidationError::from_wasmparser;
        match payload {
            Payload::TypeSection(reader) => {
                check_count(reader.count(), MAX_TYPES, Limit::Types)?;
                for group in reader.clone().into_iter_with_offsets() {
                    let (offset, group) = group.map_err(wasm)?;
                    if group.is_explicit_rec_group() {
                        return Err(gc(offset));
                    }
                    for sub in group.types() {
                        if !sub.is_final || !sub.supertype_idxs.is_empty() {
                            return Err(gc(offset));
                        }
                        let wasmparser::CompositeInnerType::Func(func) = &sub.composite_type.inner
                        else {
                            return Err(gc(offset));
                        };
                        if sub.composite_type.shared {
                            return Err(feature(Feature::Threads, offset));
                        }
                        check_count(func.params().len() as u32, MAX_PARAMS, Limit::Params)?;
                        check_count(func.results().len() as u32, MAX_RESULTS, Limit::Results)?;
                        for &ty in func.params().iter().chain(func.results()) {
                            check_value_type(ty, offset, "function type")?;
                        }
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.clone().into_imports_with_offsets() {
                    let (offset, import) = import.map_err(wasm)?;
                    match import.ty {
                        TypeRef::Func(_) => {}
                        TypeRef::Memory(ty) if ty.memory64 => {
                            return Err(feature(Feature::Memory64, offset));
                        }
                        TypeRef::Memory(ty) if ty.shared => {
                            return Err(feature(Feature::Threads, offset));
                        }
                        TypeRef::Global(ty)
                            if !matches!(ty.content_type, ValType::I32 | ValType::I64) =>
                        {
                            check_value_type(ty.content_type, offset, "imported global")?;
                        }
                        TypeRef::Tag(_) => return Err(feature(Feature::Exceptions, offset)),
                        _ => {
                            return Err(ValidationError::ImportNotFunction {
                                module: import.module.to_string(),
                                name: import.name.to_string(),
                            });
                        }
                    }
                }
            }
            Payload::FunctionSection(reader) => {
                let total = self.module.imports.len() as u64 + u64::from(reader.count());
                if total > u64::from(MAX_FUNCTIONS) {
                    return Err(ValidationError::limit(Limit::Functions, total));
                }
            }
            Payload::TableSection(reader) => {
                let existing = u32::from(self.module.table.is_some());
                if existing + reader.count() > 1 {
                    return Err(feature(Feature::MultipleTables, reader.range().start));
                }
                for table in reader.clone() {
                    let table = table.map_err(wasm)?;
                    let offset = reader.range().start;
                    if table.ty.table64 {
                        return Err(feature(Feature::Memory64, offset));
                    }
                    if table.ty.shared {
                        return Err(feature(Feature::Threads, offset));
                    }
                    check_funcref(table.ty.element_type, offset)?;
                    if let TableInit::Expr(_) = table.init {
                        return Err(gc(offset));
                    }
                    if table.ty.initial > u64::from(MAX_TABLE_ELEMENTS) {
                        return Err(ValidationError::limit(
                            Limit::TableElements,
                            table.ty.initial,
                        ));
                    }
                }
            }
            Payload::MemorySection(reader) => {
                let offset = reader.range().start;
                if reader.count() > 1 {
                    return Err(feature(Feature::MultipleMemories, offset));
                }
                for memory in reader.clone() {
                    let memory = memory.map_err(wasm)?;
                    if memory.memory64 {
                        return Err(feature(Feature::Memory64, offset));
                    }
                    if memory.shared {
                        return Err(feature(Feature::Threads, offset));
                    }
                    if memory.page_size_log2.is_some() {
                        return Err(feature(Feature::CustomPageSizes, offset));
                    }
                    if memory.initial > u64::from(MAX_MEMORY_PAGES) {
                        return Err(ValidationError::limit(Limit::MemoryPages, memory.initial));
                    }
                }
            }
            Payload::TagSection(reader) => {
                return Err(feature(Feature::Exceptions, reader.range().start));
            }
            Payload::GlobalSection(reader) => {
                check_count(reader.count(), MAX_GLOBALS, Limit::Globals)?;
                let offset = reader.range().start;
                for global in reader.clone() {
                    let global = global.map_err(wasm)?;
                    if global.ty.shared {
                        return Err(feature(Feature::Threads, offset));
                    }
                    check_value_type(global.ty.content_type, offset, "global type")?;
                    check_const_expr(&global.init_expr)?;
                }
            }
            Payload::ExportSection(reader) => {
                check_count(reader.count(), MAX_EXPORTS, Limit::Exports)?;
                for export in reader.clone() {
                    let export = export.map_err(wasm)?;
                    if export.kind == ExternalKind::Tag {
                        return Err(feature(Feature::Exceptions, reader.range().start));
                    }
                }
            }
            Payload::StartSection { .. } if self.config.kind == ModuleKind::Contract => {
                return Err(ValidationError::StartFunction);
            }
            Payload::ElementSection(reader) => {
                check_count(reader.count(), MAX_ELEMENT_SEGMENTS, Limit::ElementSegments)?;
                let offset = reader.range().start;
                for element in reader.clone() {
                    let element = element.map_err(wasm)?;
                    if let ElementKind::Active {
                        table_index,
                        offset_expr,
                    } = &element.kind
                    {
                        if table_index.is_some_and(|index| index != 0) {
                            return Err(feature(Feature::MultipleTables, offset));
                        }
                        check_const_expr(offset_expr)?;
                    }
                    if let ElementItems::Expressions(ty, exprs) = &element.items {
                        check_funcref(*ty, offset)?;
                        for expr in exprs.clone() {
                            check_const_expr(&expr.map_err(wasm)?)?;
                        }
                    }
                }
            }
            Payload::DataSection(reader) => {
                check_count(reader.count(), MAX_DATA_SEGMENTS, Limit::DataSegments)?;
                for data in reader.clone() {
                    let data = data.map_err(wasm)?;
                    if let DataKind::Active {
                        memory_index,
                        offset_expr,
                    } = &data.kind
                    {
                        if *memory_index != 0 {
                            return Err(feature(Feature::MultipleMemories, data.range.start));
                        }
                        check_const_expr(offset_expr)?;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Records a payload wasmparser accepted.
    fn record(&mut self, payload: &Payload<'_>) -> Result<(), ValidationError> {
        let wasm = ValidationError::from_wasmparser;
        match payload {
            Payload::TypeSection(reader) => {
                for group in reader.clone() {
                    for sub in group.map_err(wasm)?.types() {
                        let func = sub.unwrap_func();
                        let signature = FuncSignature {
                            params: func
                                .params()
                                .iter()
                                .filter_map(|t| ValueType::from_wasm(*t))
                                .collect(),
                            results: func
                                .results()
                                .iter()
                                .filter_map(|t| ValueType::from_wasm(*t))
                                .collect(),
                        };
                        let canonical = self
                            .module
                            .types
                            .iter()
                            .position(|t| *t == signature)
                            .map(|i| self.module.canonical_type_ids[i])
                            .unwrap_or(self.module.types.len() as u32);
                        self.module.canonical_type_ids.push(canonical);
                        self.module.types.push(signature);
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.clone().into_imports() {
                    let import = import.map_err(wasm)?;
                    if let TypeRef::Func(type_index) = import.ty {
                        self.import(import.module, import.name, type_index)?;
                    }
                }
                check_count(
                    self.module.imports.len() as u32,
                    MAX_IMPORTS,
                    Limit::Imports,
                )?;
            }
            Payload::FunctionSection(reader) => {
                for ty in reader.clone() {
                    self.module.func_types.push(ty.map_err(wasm)?);
                }
            }
            Payload::TableSection(reader) => {
                for table in reader.clone() {
                    let table = table.map_err(wasm)?;
                    self.module.table = Some(Limits {
                        initial: table.ty.initial as u32,
                        maximum: clamp(table.ty.maximum, MAX_TABLE_ELEMENTS),
                    });
                }
            }
            Payload::MemorySection(reader) => {
                for memory in reader.clone() {
                    let memory = memory.map_err(wasm)?;
                    self.module.memory = Some(Limits {
                        initial: memory.initial as u32,
                        maximum: clamp(memory.maximum, MAX_MEMORY_PAGES),
                    });
                }
            }
            Payload::GlobalSection(reader) => {
                for global in reader.clone() {
                    let global = global.map_err(wasm)?;
                    let value = self.eval_const(&global.init_expr)?;
                    self.module.globals.push(GlobalDef {
                        value: value.bits(),
                        mutable: global.ty.mutable,
                    });
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader.clone() {
                    let export = export.map_err(wasm)?;
                    let kind = match export.kind {
                        ExternalKind::Func | ExternalKind::FuncExact => {
                            ExportKind::Func(export.index)
                        }
                        ExternalKind::Memory => ExportKind::Memory,
                        ExternalKind::Table => ExportKind::Table,
                        ExternalKind::Global => ExportKind::Global(export.index),
                        ExternalKind::Tag => {
                            return Err(ValidationError::Internal("tag export passed checks"));
                        }
                    };
                    self.module.exports.push(Export {
                        name: export.name.to_string(),
                        kind,
                    });
                }
            }
            Payload::StartSection { func, .. } => self.module.start = Some(*func),
            Payload::ElementSection(reader) => {
                for element in reader.clone() {
                    let element = element.map_err(wasm)?;
                    let mode = match &element.kind {
                        ElementKind::Active { offset_expr, .. } => SegmentMode::Active {
                            offset: self.eval_const(offset_expr)?.bits() as u32,
                        },
                        ElementKind::Passive => SegmentMode::Passive,
                        ElementKind::Declared => SegmentMode::Declared,
                    };
                    let mut items = Vec::new();
                    match &element.items {
                        ElementItems::Functions(funcs) => {
                            for func in funcs.clone() {
                                items.push(Some(func.map_err(wasm)?));
                            }
                        }
                        ElementItems::Expressions(_, exprs) => {
                            for expr in exprs.clone() {
                                match self.eval_const(&expr.map_err(wasm)?)? {
                                    ConstValue::FuncRef(f) => items.push(f),
                                    _ => {
                                        return Err(ValidationError::Internal(
                                            "non-reference element expression",
                                        ));
                                    }
                                }
                            }
                        }
                    }
                    self.module.elements.push(ElementSegment { mode, items });
                }
            }
            Payload::DataSection(reader) => {
                for data in reader.clone() {
                    let data = data.map_err(wasm)?;
                    let mode = match &data.kind {
                        DataKind::Active { offset_expr, .. } => SegmentMode::Active {
                            offset: self.eval_const(offset_expr)?.bits() as u32,
                        },
                        DataKind::Passive => SegmentMode::Passive,
                    };
                    self.module.data.push(DataSegment {
                        mode,
                        bytes: data.data.to_vec(),
                    });
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn import(&mut self, module: &str, name: &str, type_index: u32) -> Result<(), ValidationError> {
        let signature = self
            .module
            .types
            .get(type_index as usize)
            .cloned()
            .ok_or(ValidationError::Internal("import type out of range"))?;
        let function = match self.config.kind {
            ModuleKind::Plain => HostFunction::External(self.module.imports.len() as u32),
            ModuleKind::Contract => {
                let (function, params, results) = match module {
                    "ethereum" => {
                        let Some(eei) = crate::eei::lookup(name) else {
                            return Err(unknown_import(module, name));
                        };
                        (HostFunction::Eei(eei.function), eei.params, eei.results)
                    }
                    "bignum" => {
                        let Some(op) = crate::bignum::lookup(name) else {
                            return Err(unknown_import(module, name));
                        };
                        (HostFunction::Bignum(op.function), op.params, op.results)
                    }
                    "debug" if self.config.debug_imports => {
                        let Some(debug) = crate::eei::lookup_debug(name) else {
                            return Err(unknown_import(module, name));
                        };
                        (
                            HostFunction::Debug(debug.function),
                            debug.params,
                            debug.results,
                        )
                    }
                    _ => {
                        return Err(ValidationError::ImportNamespace {
                            module: module.to_string(),
                        });
                    }
                };
                if !signature.is(params, results) {
                    return Err(ValidationError::ImportSignature {
                        module: module.to_string(),
                        name: name.to_string(),
                    });
                }
                function
            }
        };
        self.module.func_types.push(type_index);
        self.module.imports.push(Import {
            module: module.to_string(),
            name: name.to_string(),
            function,
            signature,
        });
        Ok(())
    }

    fn eval_const(&self, expr: &ConstExpr<'_>) -> Result<ConstValue, ValidationError> {
        let mut value = None;
        let mut reader = expr.get_operators_reader();
        while !reader.eof() {
            let op = reader.read().map_err(ValidationError::from_wasmparser)?;
            value = match op {
                Operator::I32Const { value } => Some(ConstValue::I32(value)),
                Operator::I64Const { value } => Some(ConstValue::I64(value)),
                Operator::RefNull { .. } => Some(ConstValue::FuncRef(None)),
                Operator::RefFunc { function_index } => {
                    Some(ConstValue::FuncRef(Some(function_index)))
                }
                Operator::End => break,
                _ => return Err(ValidationError::Internal("unexpected constant operator")),
            };
        }
        value.ok_or(ValidationError::Internal("empty constant expression"))
    }

    fn function(
        &mut self,
        func: wasmparser::FuncToValidate<wasmparser::ValidatorResources>,
        body: wasmparser::FunctionBody<'_>,
    ) -> Result<(), ValidationError> {
        let wasm = ValidationError::from_wasmparser;
        let func_index = self.module.imports.len() as u32 + self.num_defined;
        self.num_defined += 1;
        let type_index = *self
            .module
            .func_types
            .get(func_index as usize)
            .ok_or(ValidationError::Internal("function without type"))?;
        let num_params = self.module.types[type_index as usize].params.len() as u32;
        let num_results = self.module.types[type_index as usize].results.len() as u32;
        let mut validator = func.into_validator(self.allocations.take().unwrap_or_default());

        let mut locals = body.get_locals_reader().map_err(wasm)?;
        let mut num_locals = u64::from(num_params);
        for _ in 0..locals.get_count() {
            let offset = locals.original_position();
            let (count, ty) = locals.read().map_err(wasm)?;
            check_value_type(ty, offset, "local type")?;
            num_locals += u64::from(count);
            if num_locals > u64::from(MAX_LOCALS) {
                return Err(ValidationError::limit(Limit::Locals, num_locals));
            }
            validator.define_locals(offset, count, ty).map_err(wasm)?;
        }
        let num_locals = num_locals as u32;

        let entry = self.module.code.len() as u32;
        let env = ModuleEnv {
            types: &self.module.types,
            canonical_type_ids: &self.module.canonical_type_ids,
            func_types: &self.module.func_types,
            num_imports: self.module.imports.len() as u32,
        };
        let mut translator = FuncTranslator::new(
            &env,
            &self.config.schedule,
            &mut self.module.code,
            type_index,
            num_locals,
        )?;
        // Decode every proposal's operators so that the Ewasm classification, not a
        // decoding error, reports what is out of scope.
        let mut reader = locals.get_binary_reader();
        reader.set_features(wasmparser::WasmFeatures::all());
        let mut operators = wasmparser::OperatorsReader::new(reader);
        while !operators.eof() {
            let (op, offset) = operators.read_with_offset().map_err(wasm)?;
            let class = match classify_operator(&op) {
                OperatorClass::Priced(class) => class,
                OperatorClass::Forbidden(reason) => {
                    return Err(ValidationError::forbidden_operator(reason, offset));
                }
            };
            check_operator_types(&op, offset)?;
            validator.op(offset, &op).map_err(wasm)?;
            translator.translate(&op, class)?;
        }
        operators.finish().map_err(wasm)?;
        let translated = translator.finish(entry)?;
        let end = self.module.code.len();
        if !crate::ir::verify(
            &self.module.code,
            entry as usize,
            end,
            translated.frame_size,
        ) {
            return Err(ValidationError::Internal(
                "translated code failed verification",
            ));
        }
        self.allocations = Some(validator.into_allocations());
        let points_start = self.module.gas_points.len() as u32;
        self.module
            .gas_points
            .extend_from_slice(&translated.gas_points);
        self.module.functions.push(FuncMeta {
            entry: translated.entry,
            frame_size: translated.frame_size,
            entry_gas: translated.entry_gas,
            num_params,
            num_locals,
            num_results,
            gas_points: (points_start, self.module.gas_points.len() as u32),
        });
        Ok(())
    }

    fn finish(self) -> Result<Module, ValidationError> {
        let mut module = self.module;
        if module.kind == ModuleKind::Contract {
            let mut main = None;
            let mut memory = false;
            for export in &module.exports {
                match (export.name.as_str(), export.kind) {
                    ("main", ExportKind::Func(index)) => main = Some(index),
                    ("main", _) => return Err(ValidationError::MainNotFunction),
                    ("memory", ExportKind::Memory) => memory = true,
                    ("memory", _) => return Err(ValidationError::MemoryExportNotMemory),
                    (other, _) => {
                        return Err(ValidationError::ExtraExport {
                            name: other.to_string(),
                        });
                    }
                }
            }
            let main = main.ok_or(ValidationError::MissingMain)?;
            if !memory {
                return Err(ValidationError::MissingMemoryExport);
            }
            match module.func_signature(main) {
                Some(sig) if sig.params.is_empty() && sig.results.is_empty() => {}
                _ => return Err(ValidationError::MainSignature),
            }
            module.main = Some(main);
        }
        Ok(module)
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum ConstValue {
    I32(i32),
    I64(i64),
    FuncRef(Option<u32>),
}

impl ConstValue {
    fn bits(self) -> u64 {
        match self {
            ConstValue::I32(v) => u64::from(v as u32),
            ConstValue::I64(v) => v as u64,
            ConstValue::FuncRef(_) => 0,
        }
    }
}

fn clamp(maximum: Option<u64>, limit: u32) -> u32 {
    maximum.map_or(limit, |m| m.min(u64::from(limit)) as u32)
}

fn check_count(count: u32, max: u32, limit: Limit) -> Result<(), ValidationError> {
    if count > max {
        Err(ValidationError::limit(limit, u64::from(count)))
    } else {
        Ok(())
    }
}

fn feature(feature: Feature, offset: impl TryInto<u64>) -> ValidationError {
    ValidationError::FeatureForbidden {
        feature,
        offset: offset.try_into().unwrap_or(0),
    }
}

fn gc(offset: u64) -> ValidationError {
    feature(Feature::Gc, offset)
}

fn unknown_import(module: &str, name: &str) -> ValidationError {
    ValidationError::UnknownImport {
        module: module.to_string(),
        name: name.to_string(),
    }
}

/// Rejects float and other non-Ewasm operators inside constant expressions: only
/// `i32.const`, `i64.const`, `ref.null func` and `ref.func` remain (there are no global
/// imports, so `global.get` could only read a defined global, a Wasm 3.0 extension).
fn check_const_expr(expr: &ConstExpr<'_>) -> Result<(), ValidationError> {
    let mut reader = expr.get_operators_reader();
    while !reader.eof() {
        let (op, offset) = reader
            .read_with_offset()
            .map_err(ValidationError::from_wasmparser)?;
        match op {
            Operator::RefNull { hty } => {
                if hty != wasmparser::HeapType::FUNC {
                    return Err(feature(Feature::ReferenceTypes, offset));
                }
            }
            Operator::RefFunc { .. }
            | Operator::I32Const { .. }
            | Operator::I64Const { .. }
            | Operator::End => {}
            Operator::GlobalGet { .. }
            | Operator::I32Add
            | Operator::I32Sub
            | Operator::I32Mul
            | Operator::I64Add
            | Operator::I64Sub
            | Operator::I64Mul => return Err(feature(Feature::ExtendedConst, offset)),
            _ => {
                if let OperatorClass::Forbidden(reason) = classify_operator(&op) {
                    return Err(ValidationError::forbidden_operator(reason, offset));
                }
            }
        }
    }
    Ok(())
}

/// Checks the types operators carry (block types, typed `select`), memory/table
/// indices and the size of `br_table`, in reachable and dead code alike.
fn check_operator_types(op: &Operator<'_>, offset: u64) -> Result<(), ValidationError> {
    match *op {
        Operator::BrTable { ref targets } if targets.len() > MAX_BR_TABLE_TARGETS => {
            return Err(ValidationError::limit(
                Limit::BrTableTargets,
                u64::from(targets.len()),
            ));
        }
        Operator::Block { blockty } | Operator::Loop { blockty } | Operator::If { blockty } => {
            if let wasmparser::BlockType::Type(ty) = blockty {
                check_value_type(ty, offset, "block type")?;
            }
        }
        Operator::TypedSelect { ty } => check_value_type(ty, offset, "select type")?,
        Operator::CallIndirect { table_index, .. } if table_index != 0 => {
            return Err(feature(Feature::MultipleTables, offset));
        }
        Operator::TableCopy {
            dst_table,
            src_table,
        } if dst_table != 0 || src_table != 0 => {
            return Err(feature(Feature::MultipleTables, offset));
        }
        Operator::TableInit { table, .. } if table != 0 => {
            return Err(feature(Feature::MultipleTables, offset));
        }
        Operator::MemoryCopy { dst_mem, src_mem } if dst_mem != 0 || src_mem != 0 => {
            return Err(feature(Feature::MultipleMemories, offset));
        }
        Operator::MemoryFill { mem }
        | Operator::MemoryInit { mem, .. }
        | Operator::MemorySize { mem }
        | Operator::MemoryGrow { mem }
            if mem != 0 =>
        {
            return Err(feature(Feature::MultipleMemories, offset));
        }
        _ => {}
    }
    Ok(())
}
