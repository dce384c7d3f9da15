//! An independent statement of the Ewasm feature set, the acceptance oracle.
//!
//! The engine decides with its own checks and wasmparser's validator. This module
//! decides again from EWASM.md section 1, walking the module with wasmparser's parser
//! (not its validator) and a whitelist written here: integer MVP operators, sign
//! extension, bulk memory, multi-value block types, mutable globals, one memory, one
//! funcref table, typed `select` of integers, function imports only. A module valid
//! WebAssembly (checked separately, with every feature on) is an Ewasm module exactly
//! when [`ewasm_violation`] finds nothing.

use wasmparser::{
    BlockType, CompositeInnerType, ConstExpr, DataKind, ElementItems, ElementKind, MemArg,
    MemArgTarget, Operator, Parser, Payload, RefType, TableInit, TypeRef, ValType, Validator,
    WasmFeatures,
};

/// Whether `bytes` is a valid WebAssembly module with every proposal wasmparser knows
/// enabled (floats included).
pub fn is_valid_wasm(bytes: &[u8]) -> bool {
    Validator::new_with_features(WasmFeatures::all())
        .validate_all(bytes)
        .is_ok()
}

/// The first construct of `bytes` outside the Ewasm feature set, if any (or why the
/// bytes could not be read).
pub fn ewasm_violation(bytes: &[u8]) -> Option<String> {
    let mut tables = 0;
    let mut memories = 0;
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = match payload {
            Ok(payload) => payload,
            Err(error) => return Some(format!("unreadable: {error}")),
        };
        if let Some(violation) = payload_violation(payload, &mut tables, &mut memories) {
            return Some(violation);
        }
    }
    None
}

fn int(ty: ValType) -> bool {
    matches!(ty, ValType::I32 | ValType::I64)
}

fn funcref(ty: RefType) -> bool {
    ty == RefType::FUNCREF
}

fn payload_violation(payload: Payload<'_>, tables: &mut u32, memories: &mut u32) -> Option<String> {
    let err = |e: wasmparser::BinaryReaderError| Some(format!("unreadable: {e}"));
    match payload {
        Payload::TypeSection(reader) => {
            for group in reader {
                let group = match group {
                    Ok(group) => group,
                    Err(e) => return err(e),
                };
                if group.is_explicit_rec_group() {
                    return Some("recursion group".into());
                }
                for ty in group.types() {
                    if !ty.is_final || !ty.supertype_idxs.is_empty() || ty.composite_type.shared {
                        return Some("GC type".into());
                    }
                    let CompositeInnerType::Func(func) = &ty.composite_type.inner else {
                        return Some("non-function type".into());
                    };
                    if !func.params().iter().chain(func.results()).all(|t| int(*t)) {
                        return Some(format!("function type {func}"));
                    }
                }
            }
        }
        Payload::ImportSection(reader) => {
            for import in reader.into_imports() {
                match import {
                    Ok(import) if matches!(import.ty, TypeRef::Func(_)) => {}
                    Ok(import) => return Some(format!("import of {:?}", import.ty)),
                    Err(e) => return err(e),
                }
            }
        }
        Payload::TableSection(reader) => {
            for table in reader {
                let table = match table {
                    Ok(table) => table,
                    Err(e) => return err(e),
                };
                *tables += 1;
                if *tables > 1 || !funcref(table.ty.element_type) || table.ty.table64 {
                    return Some(format!("table {:?}", table.ty));
                }
                if table.ty.shared || !matches!(table.init, TableInit::RefNull) {
                    return Some("table with an initializer or shared".into());
                }
            }
        }
        Payload::MemorySection(reader) => {
            for memory in reader {
                let memory = match memory {
                    Ok(memory) => memory,
                    Err(e) => return err(e),
                };
                *memories += 1;
                if *memories > 1 || memory.memory64 || memory.shared {
                    return Some(format!("memory {memory:?}"));
                }
                if memory.page_size_log2.is_some() {
                    return Some("custom page size".into());
                }
            }
        }
        Payload::TagSection(_) => return Some("exception tags".into()),
        Payload::GlobalSection(reader) => {
            for global in reader {
                let global = match global {
                    Ok(global) => global,
                    Err(e) => return err(e),
                };
                if !int(global.ty.content_type) || global.ty.shared {
                    return Some(format!("global {:?}", global.ty));
                }
                if let Some(v) = const_violation(&global.init_expr) {
                    return Some(v);
                }
            }
        }
        Payload::ExportSection(reader) => {
            for export in reader {
                match export {
                    Ok(export) if export.kind == wasmparser::ExternalKind::Tag => {
                        return Some("tag export".into());
                    }
                    Ok(_) => {}
                    Err(e) => return err(e),
                }
            }
        }
        Payload::ElementSection(reader) => {
            for element in reader {
                let element = match element {
                    Ok(element) => element,
                    Err(e) => return err(e),
                };
                if let ElementKind::Active {
                    table_index,
                    offset_expr,
                } = &element.kind
                {
                    if table_index.unwrap_or(0) != 0 {
                        return Some("element segment for a second table".into());
                    }
                    if let Some(v) = const_violation(offset_expr) {
                        return Some(v);
                    }
                }
                if let ElementItems::Expressions(ty, exprs) = element.items {
                    if !funcref(ty) {
                        return Some(format!("element segment of {ty:?}"));
                    }
                    for expr in exprs {
                        match expr {
                            Ok(expr) => {
                                if let Some(v) = const_violation(&expr) {
                                    return Some(v);
                                }
                            }
                            Err(e) => return err(e),
                        }
                    }
                }
            }
        }
        Payload::DataSection(reader) => {
            for data in reader {
                let data = match data {
                    Ok(data) => data,
                    Err(e) => return err(e),
                };
                if let DataKind::Active {
                    memory_index,
                    offset_expr,
                } = &data.kind
                {
                    if *memory_index != 0 {
                        return Some("data segment for a second memory".into());
                    }
                    if let Some(v) = const_violation(offset_expr) {
                        return Some(v);
                    }
                }
            }
        }
        Payload::CodeSectionEntry(body) => {
            let locals = match body.get_locals_reader() {
                Ok(locals) => locals,
                Err(e) => return err(e),
            };
            for local in locals {
                match local {
                    Ok((_, ty)) if int(ty) => {}
                    Ok((_, ty)) => return Some(format!("local of type {ty}")),
                    Err(e) => return err(e),
                }
            }
            let mut reader = match body.get_operators_reader() {
                Ok(reader) => reader,
                Err(e) => return err(e),
            };
            while !reader.eof() {
                match reader.read() {
                    Ok(op) => {
                        if let Some(v) = operator_violation(&op) {
                            return Some(v);
                        }
                    }
                    Err(e) => return err(e),
                }
            }
        }
        Payload::ComponentSection { .. }
        | Payload::ModuleSection { .. }
        | Payload::InstanceSection(_)
        | Payload::CoreTypeSection(_)
        | Payload::ComponentInstanceSection(_)
        | Payload::ComponentAliasSection(_)
        | Payload::ComponentTypeSection(_)
        | Payload::ComponentCanonicalSection(_)
        | Payload::ComponentStartSection { .. }
        | Payload::ComponentImportSection(_)
        | Payload::ComponentExportSection(_) => return Some("component model".into()),
        _ => {}
    }
    None
}

/// Constant expressions: integer constants and function references only.
fn const_violation(expr: &ConstExpr<'_>) -> Option<String> {
    let mut reader = expr.get_operators_reader();
    while !reader.eof() {
        match reader.read() {
            Ok(
                Operator::I32Const { .. }
                | Operator::I64Const { .. }
                | Operator::RefFunc { .. }
                | Operator::End,
            ) => {}
            Ok(Operator::RefNull { hty }) if hty == wasmparser::HeapType::FUNC => {}
            Ok(other) => return Some(format!("constant expression with {other:?}")),
            Err(e) => return Some(format!("unreadable: {e}")),
        }
    }
    None
}

macro_rules! define_proposal_of {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        /// The proposal an operator comes from and its name, as wasmparser lists them.
        fn proposal_of(op: &Operator<'_>) -> (&'static str, &'static str) {
            match op {
                $( Operator::$op { .. } => (stringify!($proposal), stringify!($op)), )*
                #[allow(unreachable_patterns)]
                _ => ("unknown", "unknown"),
            }
        }
    };
}
wasmparser::for_each_operator!(define_proposal_of);

/// Operators: integer MVP, sign extension, bulk memory, typed `select` of integers, on
/// memory 0 and table 0 only.
fn operator_violation(op: &Operator<'_>) -> Option<String> {
    let (proposal, name) = proposal_of(op);
    let allowed = match proposal {
        "mvp" => !name.contains("F32") && !name.contains("F64"),
        "sign_extension" | "bulk_memory" => true,
        "reference_types" => matches!(op, Operator::TypedSelect { ty } if int(*ty)),
        _ => false,
    };
    if !allowed {
        return Some(format!("operator {name} ({proposal})"));
    }
    let second = match *op {
        Operator::Block { blockty } | Operator::Loop { blockty } | Operator::If { blockty } => {
            return match blockty {
                BlockType::Type(ty) if !int(ty) => Some(format!("block type {ty}")),
                _ => None,
            };
        }
        Operator::CallIndirect { table_index, .. } => table_index != 0,
        Operator::TableInit { table, .. } => table != 0,
        Operator::TableCopy {
            dst_table,
            src_table,
        } => dst_table != 0 || src_table != 0,
        Operator::MemoryCopy { dst_mem, src_mem } => dst_mem != 0 || src_mem != 0,
        Operator::MemoryFill { mem }
        | Operator::MemoryInit { mem, .. }
        | Operator::MemorySize { mem }
        | Operator::MemoryGrow { mem } => mem != 0,
        _ => memarg_of(op).is_some_and(|memarg| {
            memarg.target != MemArgTarget::Memory(0) || memarg.ordering.is_some()
        }),
    };
    second.then(|| format!("{name} on a second memory or table"))
}

/// The memory argument of a load or store.
fn memarg_of(op: &Operator<'_>) -> Option<MemArg> {
    use Operator as O;
    match *op {
        O::I32Load { memarg }
        | O::I64Load { memarg }
        | O::I32Load8S { memarg }
        | O::I32Load8U { memarg }
        | O::I32Load16S { memarg }
        | O::I32Load16U { memarg }
        | O::I64Load8S { memarg }
        | O::I64Load8U { memarg }
        | O::I64Load16S { memarg }
        | O::I64Load16U { memarg }
        | O::I64Load32S { memarg }
        | O::I64Load32U { memarg }
        | O::I32Store { memarg }
        | O::I64Store { memarg }
        | O::I32Store8 { memarg }
        | O::I32Store16 { memarg }
        | O::I64Store8 { memarg }
        | O::I64Store16 { memarg }
        | O::I64Store32 { memarg } => Some(memarg),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_and_proposals_are_violations() {
        for wat in [
            "(module (func (result f32) f32.const 1))",
            "(module (func (param i32) (result i32) local.get 0 i32.reinterpret_f32))",
            "(module (memory 1) (memory 1))",
            "(module (table 1 externref))",
            "(module (func (result i32) ref.null func ref.is_null))",
            "(module (global f64 (f64.const 0)))",
            "(module (import \"a\" \"b\" (memory 1)))",
            "(module (func (return_call 0)))",
        ] {
            let bytes = wat::parse_str(wat).unwrap();
            assert!(ewasm_violation(&bytes).is_some(), "{wat}");
        }
    }

    #[test]
    fn the_ewasm_set_is_not_a_violation() {
        let bytes = wat::parse_str(
            r#"(module
                (import "env" "f" (func (param i32) (result i64)))
                (memory 1 2) (table 2 funcref) (global (mut i64) (i64.const 1))
                (elem (i32.const 0) func 0)
                (data (i32.const 0) "x")
                (func (param i32) (result i32 i64)
                    local.get 0 i32.extend8_s
                    i32.const 0 i32.const 0 i32.const 1 memory.fill
                    block (param i32) (result i32 i64)
                        i64.const 2
                    end
                    i64.const 3
                    local.get 0
                    select (result i64)))"#,
        )
        .unwrap();
        assert_eq!(ewasm_violation(&bytes), None);
    }
}
