//! Wasm modules generated from fuzzer bytes with wasm-smith.
//!
//! Each configuration is a swarm: sizes, instruction kinds and encoding details are
//! drawn from the input, so that one campaign covers small and large modules, with
//! and without memories, tables, loops or calls. The feature set is the Ewasm one
//! (integer MVP, sign extension, bulk memory, multi-value, mutable globals, one memory,
//! one funcref table), except for a fraction of inputs that also enable features outside
//! it, which the engine must then reject wherever the generator used them.

use std::sync::OnceLock;

use arbitrary::{Result, Unstructured};
use wasm_smith::{Config, InstructionKind, InstructionKinds};

/// The functions a generated plain module may import (see [`crate::plain::call_import`]
/// for what they do). Only functions: Ewasm modules import nothing else.
pub const PLAIN_IMPORTS: &str = r#"(module
    (import "env" "add" (func (param i32 i32) (result i32)))
    (import "env" "mix" (func (param i64 i32) (result i64 i32)))
    (import "env" "nop" (func))
    (import "env" "trap_if_odd" (func (param i32)))
    (import "env" "fold" (func (param i32 i64 i32 i64 i32 i64) (result i64))))"#;

/// What a generated module may use.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FeatureSet {
    /// Only the Ewasm features: the engine must accept the module.
    Ewasm,
    /// The Ewasm features and others (floats, SIMD, reference types, tail calls, ...):
    /// the engine must reject the module exactly when it uses one of them.
    Wider,
}

/// A plain module (any exports, a start function, [`PLAIN_IMPORTS`]), every function,
/// global, memory and table exported. Returns the feature set and the bytes.
pub fn plain_module(u: &mut Unstructured<'_>) -> Result<(FeatureSet, Vec<u8>)> {
    let features = feature_set(u)?;
    let mut config = swarm(u, features)?;
    config.available_imports = Some(compiled(&PLAIN, PLAIN_IMPORTS));
    config.export_everything = true;
    config.allow_start_export = u.arbitrary()?;
    config.max_imports = u.int_in_range(0..=8)?;
    let module = wasm_smith::Module::new(config, u)?;
    Ok((features, module.to_bytes()))
}

/// `text` compiled once into `cell`.
fn compiled(cell: &'static OnceLock<Vec<u8>>, text: &str) -> Vec<u8> {
    cell.get_or_init(|| wat::parse_str(text).expect("a module of this file"))
        .clone()
}

static PLAIN: OnceLock<Vec<u8>> = OnceLock::new();
static EXPORTS: OnceLock<Vec<u8>> = OnceLock::new();
static EEI: OnceLock<Vec<u8>> = OnceLock::new();

/// The functions of the EEI and `bignum` a generated contract may import, with their
/// exact signatures, as an import module for wasm-smith.
pub fn contract_imports() -> Vec<u8> {
    EEI.get_or_init(contract_import_module).clone()
}

fn contract_import_module() -> Vec<u8> {
    use std::fmt::Write;
    let types = |types: &[ssvm_engine::ValueType]| {
        types
            .iter()
            .map(|t| match t {
                ssvm_engine::ValueType::I32 => "i32 ",
                ssvm_engine::ValueType::I64 => "i64 ",
            })
            .collect::<String>()
    };
    let mut text = String::from("(module\n");
    let eei = ssvm_engine::imports::EEI_FUNCTIONS
        .iter()
        .map(|f| ("ethereum", f.name, f.params, f.results));
    let bignum = ssvm_engine::imports::BIGNUM_FUNCTIONS
        .iter()
        .map(|f| ("bignum", f.name, f.params, f.results));
    for (module, name, params, results) in eei.chain(bignum) {
        let _ = writeln!(
            text,
            r#"(import "{module}" "{name}" (func (param {}) (result {})))"#,
            types(params),
            types(results)
        );
    }
    text.push(')');
    wat::parse_str(&text).expect("EEI import module")
}

/// The exports every contract has, for wasm-smith's `exports` option.
const CONTRACT_EXPORTS: &str = r#"(module (func (export "main")) (memory (export "memory") 1 16))"#;

/// An Ewasm contract (exports exactly `main` and `memory`, imports from the EEI and
/// `bignum`, no start function). Returns the feature set and the bytes.
pub fn contract_module(u: &mut Unstructured<'_>) -> Result<(FeatureSet, Vec<u8>)> {
    let features = feature_set(u)?;
    let mut config = swarm(u, features)?;
    config.available_imports = Some(contract_imports());
    config.exports = Some(compiled(&EXPORTS, CONTRACT_EXPORTS));
    config.allow_start_export = false;
    config.max_imports = u.int_in_range(0..=40)?;
    config.max_memories = 1;
    config.min_memories = 1;
    let module = wasm_smith::Module::new(config, u)?;
    Ok((features, module.to_bytes()))
}

fn feature_set(u: &mut Unstructured<'_>) -> Result<FeatureSet> {
    // One input in eight may use features outside the Ewasm set.
    Ok(if u.ratio(1, 8)? {
        FeatureSet::Wider
    } else {
        FeatureSet::Ewasm
    })
}

/// A swarm configuration within the engine's limits.
fn swarm(u: &mut Unstructured<'_>, features: FeatureSet) -> Result<Config> {
    let mut config = Config {
        // Sizes: small most of the time, so that a run executes many modules.
        max_types: u.int_in_range(1..=40)?,
        max_funcs: u.int_in_range(1..=40)?,
        max_globals: u.int_in_range(0..=20)?,
        max_exports: u.int_in_range(0..=40)?,
        max_element_segments: u.int_in_range(0..=10)?,
        max_elements: u.int_in_range(0..=40)?,
        max_data_segments: u.int_in_range(0..=10)?,
        max_instructions: u.int_in_range(1..=300)?,
        max_nesting_depth: u.int_in_range(1..=12)?,
        max_type_size: 100,
        max_memories: 1,
        max_tables: 1,
        // At most 16 pages, bounded, so that every engine grows memory alike (the
        // engine's 1024-page cap is tested on its own).
        max_memory32_bytes: u64::from(u.int_in_range(0..=16u32)?) * 65536,
        memory_max_size_required: true,
        max_table_elements: u.int_in_range(0..=1000)?,
        table_max_size_required: u.arbitrary()?,
        // Overlong LEB128 encodings, which validation must accept like short ones.
        min_uleb_size: u.int_in_range(1..=5)?,
        generate_custom_sections: u.arbitrary()?,
        canonicalize_nans: false,
        disallow_traps: u.ratio(1, 4)?,
        allowed_instructions: instruction_kinds(u, features)?,
        // The Ewasm feature set.
        bulk_memory_enabled: true,
        multi_value_enabled: true,
        sign_extension_ops_enabled: true,
        allow_floats: false,
        saturating_float_to_int_enabled: false,
        reference_types_enabled: false,
        simd_enabled: false,
        relaxed_simd_enabled: false,
        exceptions_enabled: false,
        threads_enabled: false,
        tail_call_enabled: false,
        gc_enabled: false,
        memory64_enabled: false,
        extended_const_enabled: false,
        wide_arithmetic_enabled: false,
        custom_page_sizes_enabled: false,
        compact_imports_enabled: false,
        ..Config::default()
    };
    if features == FeatureSet::Wider {
        config.allow_floats = u.arbitrary()?;
        config.saturating_float_to_int_enabled = config.allow_floats && u.arbitrary()?;
        config.reference_types_enabled = u.arbitrary()?;
        config.simd_enabled = u.arbitrary()?;
        config.tail_call_enabled = u.arbitrary()?;
        config.extended_const_enabled = u.arbitrary()?;
        config.wide_arithmetic_enabled = u.arbitrary()?;
        config.memory64_enabled = u.arbitrary()?;
        config.exceptions_enabled = u.arbitrary()?;
        config.threads_enabled = u.arbitrary()?;
        config.custom_page_sizes_enabled = u.arbitrary()?;
        config.max_memories = u.int_in_range(1..=2)?;
        config.max_tables = if config.reference_types_enabled {
            u.int_in_range(1..=2)?
        } else {
            1
        };
        config.max_memory64_bytes = 16 * 65536;
        config.max_tags = 4;
    }
    Ok(config)
}

fn instruction_kinds(u: &mut Unstructured<'_>, features: FeatureSet) -> Result<InstructionKinds> {
    // Swarm: each kind is left out now and then; numbers and control always stay.
    let mut kinds = vec![InstructionKind::NumericInt, InstructionKind::Control];
    for kind in [
        InstructionKind::Parametric,
        InstructionKind::Variable,
        InstructionKind::Table,
        InstructionKind::MemoryInt,
    ] {
        if u.ratio(7, 8)? {
            kinds.push(kind);
        }
    }
    if features == FeatureSet::Wider {
        kinds.extend([
            InstructionKind::Numeric,
            InstructionKind::Memory,
            InstructionKind::Vector,
            InstructionKind::Reference,
        ]);
    }
    Ok(InstructionKinds::new(&kinds))
}
