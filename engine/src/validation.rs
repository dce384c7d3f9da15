//! The Ewasm contract rules (EWASM.md section 1) and their errors.
//!
//! Validation runs in one pass with wasmparser's validator: for every section the
//! Ewasm checks here run first (so a float or an out-of-scope proposal is reported as
//! such, not as a generic parse error), then wasmparser validates the section as
//! WebAssembly with only the Ewasm feature set enabled (floats off), then
//! [`crate::module`] records what it needs. Every failed rule has its own variant of
//! [`ValidationError`], and its message names the rule.

use alloc::string::{String, ToString};
use core::fmt;

use wasmparser::{
    ConstExpr, DataKind, ElementItems, ElementKind, ExternalKind, Operator, Payload, RefType,
    TableInit, TypeRef, ValType, WasmFeatures,
};

use crate::gas::operators::{Forbidden, OperatorClass, classify_operator};
use crate::imports::HostFunction;
use crate::limits::*;
use crate::types::{Export, ExportKind, FuncSignature, ModuleKind};

/// The WebAssembly features the Ewasm rules allow (EWASM.md section 1): MVP without
/// floats, plus sign extension, bulk memory, mutable globals and multi-value. Reference
/// types is on only for what bulk memory and rustc's output need (typed `select` of
/// integers, element expressions, the overlong `call_indirect` table index); every other
/// use of it is rejected by the checks in this module.
pub const EWASM_FEATURES: WasmFeatures = WasmFeatures::MUTABLE_GLOBAL
    .union(WasmFeatures::SIGN_EXTENSION)
    .union(WasmFeatures::MULTI_VALUE)
    .union(WasmFeatures::BULK_MEMORY)
    .union(WasmFeatures::REFERENCE_TYPES);

/// The Ewasm checks of one section, before wasmparser sees it: every feature outside
/// the Ewasm set (EWASM.md section 1) and every limit of [`crate::limits`] a section
/// header or entry can exceed. `imported_functions` and `has_table` are what earlier
/// sections declared.
pub(crate) fn check_section(
    payload: &Payload<'_>,
    kind: ModuleKind,
    imported_functions: usize,
    has_table: bool,
) -> Result<(), ValidationError> {
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
            let total = imported_functions as u64 + u64::from(reader.count());
            if total > u64::from(MAX_FUNCTIONS) {
                return Err(ValidationError::limit(Limit::Functions, total));
            }
        }
        Payload::TableSection(reader) => {
            let existing = u32::from(has_table);
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
        Payload::StartSection { .. } if kind == ModuleKind::Contract => {
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

/// What contract import `module`.`name` with `signature` is bound to: the import must
/// be in the `ethereum` or `bignum` table (or `debug`, when `debug_imports`) with
/// exactly the table's signature (EWASM.md section 1).
pub(crate) fn resolve_contract_import(
    module: &str,
    name: &str,
    signature: &FuncSignature,
    debug_imports: bool,
) -> Result<HostFunction, ValidationError> {
    let (function, params, results) = match module {
        "ethereum" => {
            let Some(eei) = crate::imports::lookup(name) else {
                return Err(unknown_import(module, name));
            };
            (HostFunction::Eei(eei.function), eei.params, eei.results)
        }
        "bignum" => {
            let Some(op) = crate::imports::lookup_bignum(name) else {
                return Err(unknown_import(module, name));
            };
            (HostFunction::Bignum(op.function), op.params, op.results)
        }
        "debug" if debug_imports => {
            let Some(debug) = crate::imports::lookup_debug(name) else {
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
    Ok(function)
}

/// A contract exports exactly `main` (a function) and `memory` (EWASM.md section 1);
/// returns `main`'s function index.
pub(crate) fn check_contract_exports(exports: &[Export]) -> Result<u32, ValidationError> {
    let mut main = None;
    let mut memory = false;
    for export in exports {
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
    Ok(main)
}

/// Rejects float and other non-Ewasm operators inside constant expressions: only
/// `i32.const`, `i64.const`, `ref.null func` and `ref.func` remain (there are no global
/// imports, so `global.get` could only read a defined global, a Wasm 3.0 extension).
pub(crate) fn check_const_expr(expr: &ConstExpr<'_>) -> Result<(), ValidationError> {
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
pub(crate) fn check_operator_types(op: &Operator<'_>, offset: u64) -> Result<(), ValidationError> {
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

pub(crate) fn check_count(count: u32, max: u32, limit: Limit) -> Result<(), ValidationError> {
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

/// A limit of [`crate::limits`] that a module exceeded.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Limit {
    /// [`crate::limits::MAX_MODULE_SIZE`].
    ModuleSize,
    /// [`crate::limits::MAX_DEPLOYED_CODE_SIZE`].
    DeployedCodeSize,
    /// [`crate::limits::MAX_TYPES`].
    Types,
    /// [`crate::limits::MAX_FUNCTIONS`].
    Functions,
    /// [`crate::limits::MAX_IMPORTS`].
    Imports,
    /// [`crate::limits::MAX_EXPORTS`].
    Exports,
    /// [`crate::limits::MAX_PARAMS`].
    Params,
    /// [`crate::limits::MAX_RESULTS`].
    Results,
    /// [`crate::limits::MAX_LOCALS`].
    Locals,
    /// [`crate::limits::MAX_FRAME_SLOTS`].
    FrameSlots,
    /// [`crate::limits::MAX_NESTING_DEPTH`].
    NestingDepth,
    /// [`crate::limits::MAX_GLOBALS`].
    Globals,
    /// [`crate::limits::MAX_TABLE_ELEMENTS`].
    TableElements,
    /// [`crate::limits::MAX_MEMORY_PAGES`].
    MemoryPages,
    /// [`crate::limits::MAX_DATA_SEGMENTS`].
    DataSegments,
    /// [`crate::limits::MAX_ELEMENT_SEGMENTS`].
    ElementSegments,
    /// [`crate::limits::MAX_BR_TABLE_TARGETS`].
    BrTableTargets,
    /// The translated code of a module (instruction count).
    CodeSize,
}

impl Limit {
    /// The limit's name.
    pub const fn name(self) -> &'static str {
        match self {
            Limit::ModuleSize => "module size",
            Limit::DeployedCodeSize => "deployed code size (EIP-170)",
            Limit::Types => "number of types",
            Limit::Functions => "number of functions",
            Limit::Imports => "number of imports",
            Limit::Exports => "number of exports",
            Limit::Params => "parameters per function",
            Limit::Results => "results per function",
            Limit::Locals => "locals per function",
            Limit::FrameSlots => "registers per function frame",
            Limit::NestingDepth => "block nesting depth",
            Limit::Globals => "number of globals",
            Limit::TableElements => "table size",
            Limit::MemoryPages => "memory pages",
            Limit::DataSegments => "number of data segments",
            Limit::ElementSegments => "number of element segments",
            Limit::BrTableTargets => "br_table targets",
            Limit::CodeSize => "translated code size",
        }
    }
}

/// A WebAssembly feature outside the Ewasm set (floats have their own variant).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Feature {
    /// SIMD (`v128`).
    Simd,
    /// Threads, atomics, shared memory.
    Threads,
    /// Reference types beyond one funcref table.
    ReferenceTypes,
    /// More than one table.
    MultipleTables,
    /// More than one memory.
    MultipleMemories,
    /// 64-bit memories or tables.
    Memory64,
    /// Custom page sizes.
    CustomPageSizes,
    /// Tail calls.
    TailCall,
    /// Exception handling.
    Exceptions,
    /// Extended constant expressions (arithmetic or `global.get` of a defined global).
    ExtendedConst,
    /// GC, typed function references, recursive types.
    Gc,
    /// Any other proposal.
    Proposal,
}

impl Feature {
    /// The feature's name.
    pub const fn name(self) -> &'static str {
        match self {
            Feature::Simd => "SIMD",
            Feature::Threads => "threads/atomics/shared memory",
            Feature::ReferenceTypes => "reference types beyond a funcref table",
            Feature::MultipleTables => "multiple tables",
            Feature::MultipleMemories => "multiple memories",
            Feature::Memory64 => "64-bit memories or tables",
            Feature::CustomPageSizes => "custom page sizes",
            Feature::TailCall => "tail calls",
            Feature::Exceptions => "exception handling",
            Feature::ExtendedConst => "extended constant expressions",
            Feature::Gc => "GC/typed function references",
            Feature::Proposal => "a Wasm proposal outside the Ewasm set",
        }
    }
}

/// Why a module is not acceptable Ewasm; one variant per rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValidationError {
    /// The code does not start with the Wasm preamble `00 61 73 6d`.
    MissingPreamble,
    /// The Wasm version is not 1.
    UnsupportedVersion,
    /// The bytes are not valid WebAssembly (decoding or validation failed).
    InvalidWasm {
        /// Byte offset of the problem.
        offset: u64,
        /// wasmparser's description.
        message: String,
    },
    /// A floating-point type or operator was used.
    Float {
        /// Byte offset of the problem.
        offset: u64,
        /// What used a float ("local type", "operator f32.add", ...).
        what: &'static str,
    },
    /// A WebAssembly feature outside the Ewasm set was used.
    FeatureForbidden {
        /// Which feature.
        feature: Feature,
        /// Byte offset of the problem.
        offset: u64,
    },
    /// A limit of [`crate::limits`] was exceeded.
    LimitExceeded {
        /// Which limit.
        limit: Limit,
        /// The offending value.
        value: u64,
    },
    /// The module has a start function.
    StartFunction,
    /// There is no `main` export.
    MissingMain,
    /// `main` is not a function.
    MainNotFunction,
    /// `main` is not of type `() -> ()`.
    MainSignature,
    /// There is no `memory` export.
    MissingMemoryExport,
    /// `memory` is not a memory.
    MemoryExportNotMemory,
    /// An export other than `main` and `memory`.
    ExtraExport {
        /// The export's name.
        name: String,
    },
    /// An import of a table, memory, global or tag.
    ImportNotFunction {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
    },
    /// An import from a module other than `ethereum` or `bignum` (or `debug` when enabled).
    ImportNamespace {
        /// Import module.
        module: String,
    },
    /// An import of a name the namespace does not have.
    UnknownImport {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
    },
    /// An import whose signature differs from the EEI table.
    ImportSignature {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
    },
    /// A bug in the engine was detected (never caused by input alone).
    Internal(&'static str),
}

impl ValidationError {
    #[cold]
    pub(crate) fn limit(limit: Limit, value: u64) -> Self {
        ValidationError::LimitExceeded { limit, value }
    }

    #[cold]
    pub(crate) fn from_wasmparser(error: wasmparser::BinaryReaderError) -> Self {
        ValidationError::InvalidWasm {
            offset: error.offset(),
            message: error.message().to_string(),
        }
    }

    #[cold]
    pub(crate) fn forbidden_operator(reason: Forbidden, offset: u64) -> Self {
        let feature = match reason {
            Forbidden::Float => {
                return ValidationError::Float {
                    offset,
                    what: "floating-point operator",
                };
            }
            Forbidden::Simd => Feature::Simd,
            Forbidden::Threads => Feature::Threads,
            Forbidden::ReferenceTypes => Feature::ReferenceTypes,
            Forbidden::TailCall => Feature::TailCall,
            Forbidden::Exceptions => Feature::Exceptions,
            Forbidden::Gc => Feature::Gc,
            Forbidden::Proposal => Feature::Proposal,
        };
        ValidationError::FeatureForbidden { feature, offset }
    }

    /// A short, stable name of the rule that failed (used to count rejections).
    pub fn rule(&self) -> &'static str {
        match self {
            ValidationError::MissingPreamble => "preamble",
            ValidationError::UnsupportedVersion => "version",
            ValidationError::InvalidWasm { .. } => "invalid wasm",
            ValidationError::Float { .. } => "floats",
            ValidationError::FeatureForbidden { feature, .. } => feature.name(),
            ValidationError::LimitExceeded { limit, .. } => limit.name(),
            ValidationError::StartFunction => "start function",
            ValidationError::MissingMain => "main export",
            ValidationError::MainNotFunction => "main is a function",
            ValidationError::MainSignature => "main signature",
            ValidationError::MissingMemoryExport => "memory export",
            ValidationError::MemoryExportNotMemory => "memory export is a memory",
            ValidationError::ExtraExport { .. } => "only main and memory exported",
            ValidationError::ImportNotFunction { .. } => "function imports only",
            ValidationError::ImportNamespace { .. } => "import namespace",
            ValidationError::UnknownImport { .. } => "known imports only",
            ValidationError::ImportSignature { .. } => "import signature",
            ValidationError::Internal(_) => "internal",
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValidationError::MissingPreamble => {
                f.write_str("code does not start with the Wasm preamble 00 61 73 6d")
            }
            ValidationError::UnsupportedVersion => f.write_str("Wasm version must be 1"),
            ValidationError::InvalidWasm { offset, message } => {
                write!(f, "invalid WebAssembly at byte {offset}: {message}")
            }
            ValidationError::Float { offset, what } => {
                write!(
                    f,
                    "floats are not allowed in Ewasm: {what} at byte {offset}"
                )
            }
            ValidationError::FeatureForbidden { feature, offset } => write!(
                f,
                "{} is outside the Ewasm feature set (byte {offset})",
                feature.name()
            ),
            ValidationError::LimitExceeded { limit, value } => {
                write!(f, "limit exceeded: {} ({value})", limit.name())
            }
            ValidationError::StartFunction => {
                f.write_str("Ewasm contracts may not have a start function")
            }
            ValidationError::MissingMain => f.write_str("Ewasm contracts must export \"main\""),
            ValidationError::MainNotFunction => f.write_str("export \"main\" must be a function"),
            ValidationError::MainSignature => {
                f.write_str("export \"main\" must have type () -> ()")
            }
            ValidationError::MissingMemoryExport => {
                f.write_str("Ewasm contracts must export their memory as \"memory\"")
            }
            ValidationError::MemoryExportNotMemory => {
                f.write_str("export \"memory\" must be a memory")
            }
            ValidationError::ExtraExport { name } => write!(
                f,
                "Ewasm contracts export only \"main\" and \"memory\", not \"{name}\""
            ),
            ValidationError::ImportNotFunction { module, name } => {
                write!(f, "only functions may be imported, not {module}.{name}")
            }
            ValidationError::ImportNamespace { module } => write!(
                f,
                "imports must come from \"ethereum\" or \"bignum\", not \"{module}\""
            ),
            ValidationError::UnknownImport { module, name } => {
                write!(f, "{module}.{name} is not a known import")
            }
            ValidationError::ImportSignature { module, name } => {
                write!(f, "{module}.{name} is imported with the wrong signature")
            }
            ValidationError::Internal(what) => write!(f, "internal engine error: {what}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ValidationError {}

/// Checks that a value type is an Ewasm integer type.
pub(crate) fn check_value_type(
    ty: ValType,
    offset: u64,
    what: &'static str,
) -> Result<(), ValidationError> {
    match ty {
        ValType::I32 | ValType::I64 => Ok(()),
        ValType::F32 | ValType::F64 => Err(ValidationError::Float { offset, what }),
        ValType::V128 => Err(ValidationError::FeatureForbidden {
            feature: Feature::Simd,
            offset,
        }),
        ValType::Ref(_) => Err(ValidationError::FeatureForbidden {
            feature: Feature::ReferenceTypes,
            offset,
        }),
    }
}

/// Checks that a reference type is the plain `funcref` of a table or element segment.
pub(crate) fn check_funcref(ty: RefType, offset: u64) -> Result<(), ValidationError> {
    if ty == RefType::FUNCREF {
        Ok(())
    } else {
        Err(ValidationError::FeatureForbidden {
            feature: Feature::ReferenceTypes,
            offset,
        })
    }
}
