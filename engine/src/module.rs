//! A validated, translated module: the unit the engine instantiates and runs.
//!
//! [`Module::new`] makes one pass over the bytes. For each section it runs the Ewasm
//! checks of [`crate::validation`], then wasmparser's validator, then records what
//! execution needs; function bodies are validated and translated operator by operator
//! (see [`crate::translation`]). A module is immutable afterwards and can be executed
//! any number of times; translation is the expensive step, so hosts that run the same
//! code repeatedly keep the `Module`.

use alloc::string::ToString;
use alloc::vec::Vec;

use wasmparser::{
    ConstExpr, DataKind, ElementItems, ElementKind, ExternalKind, FuncValidatorAllocations,
    Operator, Parser, Payload, TypeRef, ValidPayload, Validator,
};

use crate::gas::GasSchedule;
use crate::gas::operators::{OperatorClass, classify_operator};
use crate::imports::{HostFunction, Import};
use crate::ir::Op;
use crate::limits::*;
use crate::translation::{FuncTranslator, GasPoint, ModuleEnv};
use crate::types::{Config, Export, ExportKind, FuncSignature, ModuleKind, ValueType};
use crate::validation::{
    EWASM_FEATURES, Feature, Limit, ValidationError, check_contract_exports, check_count,
    check_operator_types, check_value_type, resolve_contract_import,
};

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
            crate::validation::check_section(
                &payload,
                config.kind,
                builder.module.imports.len(),
                builder.module.table.is_some(),
            )?;
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
                resolve_contract_import(module, name, &signature, self.config.debug_imports)?
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
            let main = check_contract_exports(&module.exports)?;
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
