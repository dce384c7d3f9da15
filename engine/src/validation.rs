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

use wasmparser::{RefType, ValType, WasmFeatures};

use crate::gas::operators::Forbidden;

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
