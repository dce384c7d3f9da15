//! The metering pass: a validated module re-encoded with the interpreter's gas and
//! limits built in, for wasmtime to compile.
//!
//! The pass copies the module with wasm-encoder's re-encoder, without its custom
//! sections (which validation ignores, so this path must too) and adds:
//!
//! - three mutable globals, exported: the gas left (`i64`, compared unsigned), the
//!   Wasm call depth and the value-stack cells in use (the interpreter's frame sizes);
//! - imports from [`HELPERS`] for what traps or needs the host (running out of gas,
//!   exhausting a limit, `memory.grow`, the per-word and per-element prices of bulk
//!   operations), appended after the module's own imports (function indices shift);
//! - in every function: a prologue that counts the call depth and the frame's cells
//!   against [`MAX_CALL_DEPTH`] and [`MAX_VALUE_STACK`] and charges the entry block, a
//!   block around the body (so `return` becomes a branch to it) and an epilogue that
//!   undoes the counts;
//! - before each operator the translator recorded a [`GasPoint`] for, an inline
//!   decrement-and-check by exactly that amount: the interpreter's blocks, computed
//!   once by the translator. The gas left lives in an extra local of each function
//!   (which Cranelift keeps in a register), loaded from the gas global on entry and
//!   after every call or helper, and stored back before them and on return; a trap
//!   ends the execution with all gas spent, so the global need not be exact then.
//!
//! The memory's maximum is capped at [`MAX_MEMORY_PAGES`], the memory is also exported
//! as [`MEMORY_EXPORT`] (host functions need it whether the module exports it or not)
//! and a start function is exported instead of run by wasmtime (it must run with gas
//! set).

use alloc::string::String;
use alloc::vec::Vec;

use wasm_encoder::reencode::{self, Reencode};
use wasm_encoder::{
    BlockType, CodeSection, ConstExpr, EntityType, ExportKind, ExportSection, Function,
    GlobalSection, GlobalType, ImportSection, Instruction, MemorySection, MemoryType, SectionId,
    TypeSection, ValType,
};

use crate::limits::{MAX_CALL_DEPTH, MAX_MEMORY_PAGES, MAX_VALUE_STACK};
use crate::module::Module;
use crate::translation::GasPoint;
use crate::types::ValueType;

/// The module the helper imports come from.
pub(crate) const HELPER_MODULE: &str = "__ssvm";
/// The helper imports, in order: name, parameters, results.
pub(crate) const HELPERS: [(&str, &[ValueType], &[ValueType]); 5] = [
    ("out_of_gas", &[], &[]),
    ("exhausted", &[ValueType::I32], &[]),
    ("memory_grow", &[ValueType::I32], &[ValueType::I32]),
    ("charge_words", &[ValueType::I32], &[ValueType::I32]),
    ("charge_elements", &[ValueType::I32], &[ValueType::I32]),
];
const OUT_OF_GAS: u32 = 0;
const EXHAUSTED: u32 = 1;
const MEMORY_GROW: u32 = 2;
const CHARGE_WORDS: u32 = 3;
const CHARGE_ELEMENTS: u32 = 4;

/// The export of the gas global.
pub(crate) const GAS_EXPORT: &str = "__ssvm_gas";
/// The export of the call-depth global.
pub(crate) const DEPTH_EXPORT: &str = "__ssvm_depth";
/// The export of the value-stack global.
pub(crate) const STACK_EXPORT: &str = "__ssvm_stack";
/// The export of the memory, if the module has one.
pub(crate) const MEMORY_EXPORT: &str = "__ssvm_memory";
/// The export of a plain module's start function.
pub(crate) const START_EXPORT: &str = "__ssvm_start";

/// `exhausted`'s argument: which limit.
pub(crate) const CALL_STACK: i32 = 0;
/// `exhausted`'s argument: which limit.
pub(crate) const VALUE_STACK: i32 = 1;

/// Why instrumentation failed (an engine bug: the module was validated).
#[derive(Debug)]
pub struct InstrumentError(pub String);

impl core::fmt::Display for InstrumentError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "instrumentation failed: {}", self.0)
    }
}

impl std::error::Error for InstrumentError {}

/// Returns `bytes` (which `module` was validated and translated from) with metering.
pub(crate) fn instrument(module: &Module, bytes: &[u8]) -> Result<Vec<u8>, InstrumentError> {
    let fail = |error: &dyn core::fmt::Display| InstrumentError(alloc::format!("{error}"));
    let bytes = executable_sections(bytes).map_err(|e| fail(&e))?;
    let mut pass = Pass::new(module);
    let mut out = wasm_encoder::Module::new();
    pass.parse_core_module(&mut out, wasmparser::Parser::new(0), &bytes)
        .map_err(|e| fail(&e))?;
    Ok(out.finish())
}

/// `bytes` without its start section (the start function is exported instead) and
/// without custom sections.
///
/// Validation never looks inside a custom section, so neither may this path: the
/// re-encoder would parse a `name` section (and fail on a malformed one) and wasmtime
/// would read names and DWARF from others. Dropping them all makes the AOT path accept
/// exactly the modules the interpreter accepts.
fn executable_sections(bytes: &[u8]) -> Result<Vec<u8>, wasmparser::BinaryReaderError> {
    let mut out = wasm_encoder::Module::new();
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        let payload = payload?;
        if let Some((id, range)) = payload.as_section()
            && id != SectionId::Start as u8
            && id != SectionId::Custom as u8
        {
            out.section(&wasm_encoder::RawSection {
                id,
                data: &bytes[range.start as usize..range.end as usize],
            });
        }
    }
    Ok(out.finish())
}

struct Pass<'m> {
    module: &'m Module,
    num_imported: u32,
    /// Types added after the module's own: the helpers', then block types.
    helper_types: [u32; HELPERS.len()],
    /// Block type of each original function type's results.
    result_blocks: Vec<BlockType>,
    extra_types: Vec<(Vec<ValType>, Vec<ValType>)>,
    gas: u32,
    depth: u32,
    stack: u32,
    start: Option<u32>,
    next_defined: u32,
    seen: Vec<SectionId>,
}

fn val_type(ty: ValueType) -> ValType {
    match ty {
        ValueType::I32 => ValType::I32,
        ValueType::I64 => ValType::I64,
    }
}

/// Rank of a section in the binary format's order.
fn rank(id: SectionId) -> u8 {
    match id {
        SectionId::Type => 1,
        SectionId::Import => 2,
        SectionId::Function => 3,
        SectionId::Table => 4,
        SectionId::Memory => 5,
        SectionId::Tag => 6,
        SectionId::Global => 7,
        SectionId::Export => 8,
        SectionId::Start => 9,
        SectionId::Element => 10,
        SectionId::DataCount => 11,
        SectionId::Code => 12,
        SectionId::Data => 13,
        _ => 0,
    }
}

impl<'m> Pass<'m> {
    fn new(module: &'m Module) -> Pass<'m> {
        let base = module.types.len() as u32;
        let mut extra_types: Vec<(Vec<ValType>, Vec<ValType>)> = HELPERS
            .iter()
            .map(|(_, params, results)| {
                (
                    params.iter().copied().map(val_type).collect(),
                    results.iter().copied().map(val_type).collect(),
                )
            })
            .collect();
        let mut helper_types = [0; HELPERS.len()];
        for (i, ty) in helper_types.iter_mut().enumerate() {
            *ty = base + i as u32;
        }
        let result_blocks = module
            .types
            .iter()
            .map(|sig| match sig.results.as_slice() {
                [] => BlockType::Empty,
                [one] => BlockType::Result(val_type(*one)),
                many => {
                    extra_types.push((Vec::new(), many.iter().copied().map(val_type).collect()));
                    BlockType::FunctionType(base + extra_types.len() as u32 - 1)
                }
            })
            .collect();
        let globals = module.globals.len() as u32;
        Pass {
            module,
            num_imported: module.num_imports(),
            helper_types,
            result_blocks,
            extra_types,
            gas: globals,
            depth: globals + 1,
            stack: globals + 2,
            start: module.start,
            next_defined: 0,
            seen: Vec::new(),
        }
    }

    fn add_types(&self, types: &mut TypeSection) {
        for (params, results) in &self.extra_types {
            types
                .ty()
                .function(params.iter().copied(), results.iter().copied());
        }
    }

    fn add_imports(&self, imports: &mut ImportSection) {
        for (i, (name, _, _)) in HELPERS.iter().enumerate() {
            imports.import(
                HELPER_MODULE,
                name,
                EntityType::Function(self.helper_types[i]),
            );
        }
    }

    fn add_globals(&self, globals: &mut GlobalSection) {
        for ty in [ValType::I64, ValType::I32, ValType::I64] {
            let init = if ty == ValType::I32 {
                ConstExpr::i32_const(0)
            } else {
                ConstExpr::i64_const(0)
            };
            globals.global(
                GlobalType {
                    val_type: ty,
                    mutable: true,
                    shared: false,
                },
                &init,
            );
        }
    }

    fn add_exports(&mut self, exports: &mut ExportSection) {
        exports.export(GAS_EXPORT, ExportKind::Global, self.gas);
        exports.export(DEPTH_EXPORT, ExportKind::Global, self.depth);
        exports.export(STACK_EXPORT, ExportKind::Global, self.stack);
        if self.module.memory.is_some() {
            exports.export(MEMORY_EXPORT, ExportKind::Memory, 0);
        }
        if let Some(start) = self.start {
            exports.export(START_EXPORT, ExportKind::Func, self.shift(start));
        }
    }

    /// A function index after the helper imports were added.
    fn shift(&self, func: u32) -> u32 {
        if func >= self.num_imported {
            func + HELPERS.len() as u32
        } else {
            func
        }
    }

    /// The helper function `helper`'s index.
    fn helper(&self, helper: u32) -> u32 {
        self.num_imported + helper
    }

    /// Inserts the sections the module lacks and the pass needs before `next`.
    fn insert_missing(&mut self, module: &mut wasm_encoder::Module, next: Option<SectionId>) {
        let next_rank = next.map_or(u8::MAX, rank);
        for id in [
            SectionId::Type,
            SectionId::Import,
            SectionId::Global,
            SectionId::Export,
        ] {
            if rank(id) < next_rank && !self.seen.contains(&id) {
                self.seen.push(id);
                match id {
                    SectionId::Type => {
                        let mut types = TypeSection::new();
                        self.add_types(&mut types);
                        module.section(&types);
                    }
                    SectionId::Import => {
                        let mut imports = ImportSection::new();
                        self.add_imports(&mut imports);
                        module.section(&imports);
                    }
                    SectionId::Global => {
                        let mut globals = GlobalSection::new();
                        self.add_globals(&mut globals);
                        module.section(&globals);
                    }
                    _ => {
                        let mut exports = ExportSection::new();
                        self.add_exports(&mut exports);
                        module.section(&exports);
                    }
                }
            }
        }
    }

    /// Decrements the function's gas local by `amount`, or traps out of gas.
    fn charge(f: &mut Function, gas: u32, out_of_gas: u32, amount: u32) {
        if amount == 0 {
            return;
        }
        let amount = i64::from(amount);
        f.instruction(&Instruction::LocalGet(gas))
            .instruction(&Instruction::I64Const(amount))
            .instruction(&Instruction::I64LtU)
            .instruction(&Instruction::If(BlockType::Empty))
            .instruction(&Instruction::Call(out_of_gas))
            .instruction(&Instruction::End)
            .instruction(&Instruction::LocalGet(gas))
            .instruction(&Instruction::I64Const(amount))
            .instruction(&Instruction::I64Sub)
            .instruction(&Instruction::LocalSet(gas));
    }

    /// Stores the gas local into the gas global (before anything that reads or charges
    /// it: calls, helpers, returning).
    fn spill_gas(&self, f: &mut Function, gas: u32) {
        f.instruction(&Instruction::LocalGet(gas))
            .instruction(&Instruction::GlobalSet(self.gas));
    }

    /// Loads the gas global into the gas local (on entry and after a call or helper).
    fn reload_gas(&self, f: &mut Function, gas: u32) {
        f.instruction(&Instruction::GlobalGet(self.gas))
            .instruction(&Instruction::LocalSet(gas));
    }

    fn prologue(&self, f: &mut Function, frame_size: u32, entry_gas: u32, gas: u32) {
        self.reload_gas(f, gas);
        f.instruction(&Instruction::GlobalGet(self.depth))
            .instruction(&Instruction::I32Const(1))
            .instruction(&Instruction::I32Add)
            .instruction(&Instruction::GlobalSet(self.depth))
            .instruction(&Instruction::GlobalGet(self.depth))
            .instruction(&Instruction::I32Const(MAX_CALL_DEPTH as i32))
            .instruction(&Instruction::I32GtU)
            .instruction(&Instruction::If(BlockType::Empty))
            .instruction(&Instruction::I32Const(CALL_STACK))
            .instruction(&Instruction::Call(self.helper(EXHAUSTED)))
            .instruction(&Instruction::End)
            .instruction(&Instruction::GlobalGet(self.stack))
            .instruction(&Instruction::I64Const(i64::from(frame_size)))
            .instruction(&Instruction::I64Add)
            .instruction(&Instruction::GlobalSet(self.stack))
            .instruction(&Instruction::GlobalGet(self.stack))
            .instruction(&Instruction::I64Const(MAX_VALUE_STACK as i64))
            .instruction(&Instruction::I64GtU)
            .instruction(&Instruction::If(BlockType::Empty))
            .instruction(&Instruction::I32Const(VALUE_STACK))
            .instruction(&Instruction::Call(self.helper(EXHAUSTED)))
            .instruction(&Instruction::End);
        Self::charge(f, gas, self.helper(OUT_OF_GAS), entry_gas);
    }

    fn epilogue(&self, f: &mut Function, frame_size: u32, gas: u32) {
        self.spill_gas(f, gas);
        f.instruction(&Instruction::GlobalGet(self.depth))
            .instruction(&Instruction::I32Const(1))
            .instruction(&Instruction::I32Sub)
            .instruction(&Instruction::GlobalSet(self.depth))
            .instruction(&Instruction::GlobalGet(self.stack))
            .instruction(&Instruction::I64Const(i64::from(frame_size)))
            .instruction(&Instruction::I64Sub)
            .instruction(&Instruction::GlobalSet(self.stack));
    }
}

type Error = reencode::Error<core::convert::Infallible>;

impl Reencode for Pass<'_> {
    type Error = core::convert::Infallible;

    fn function_index(&mut self, func: u32) -> Result<u32, Error> {
        Ok(self.shift(func))
    }

    fn intersperse_section_hook(
        &mut self,
        module: &mut wasm_encoder::Module,
        _after: Option<SectionId>,
        before: Option<SectionId>,
    ) -> Result<(), Error> {
        self.insert_missing(module, before);
        if let Some(id) = before {
            self.seen.push(id);
        }
        Ok(())
    }

    fn parse_type_section(
        &mut self,
        types: &mut TypeSection,
        section: wasmparser::TypeSectionReader<'_>,
    ) -> Result<(), Error> {
        reencode::utils::parse_type_section(self, types, section)?;
        self.add_types(types);
        Ok(())
    }

    fn parse_import_section(
        &mut self,
        imports: &mut ImportSection,
        section: wasmparser::ImportSectionReader<'_>,
    ) -> Result<(), Error> {
        reencode::utils::parse_import_section(self, imports, section)?;
        self.add_imports(imports);
        Ok(())
    }

    fn parse_global_section(
        &mut self,
        globals: &mut GlobalSection,
        section: wasmparser::GlobalSectionReader<'_>,
    ) -> Result<(), Error> {
        reencode::utils::parse_global_section(self, globals, section)?;
        self.add_globals(globals);
        Ok(())
    }

    fn parse_export_section(
        &mut self,
        exports: &mut ExportSection,
        section: wasmparser::ExportSectionReader<'_>,
    ) -> Result<(), Error> {
        reencode::utils::parse_export_section(self, exports, section)?;
        self.add_exports(exports);
        Ok(())
    }

    fn parse_memory_section(
        &mut self,
        memories: &mut MemorySection,
        section: wasmparser::MemorySectionReader<'_>,
    ) -> Result<(), Error> {
        for memory in section {
            let memory = memory?;
            let cap = u64::from(MAX_MEMORY_PAGES);
            memories.memory(MemoryType {
                minimum: memory.initial,
                maximum: Some(memory.maximum.unwrap_or(cap).min(cap)),
                memory64: false,
                shared: false,
                page_size_log2: None,
            });
        }
        Ok(())
    }

    fn start_section(&mut self, start: u32) -> Result<u32, Error> {
        // Never reached: `parse_core_module` is given modules without a start section
        // (see `instrument`), but keep the index right if it were.
        Ok(self.shift(start))
    }

    fn parse_function_body(
        &mut self,
        code: &mut CodeSection,
        body: wasmparser::FunctionBody<'_>,
    ) -> Result<(), Error> {
        let defined = self.next_defined;
        self.next_defined += 1;
        let meta = self.module.functions[defined as usize];
        let mut points: Vec<GasPoint> =
            self.module.gas_points[meta.gas_points.0 as usize..meta.gas_points.1 as usize].to_vec();
        points.sort_by_key(|point| point.operator);
        let type_index = self.module.func_types[(self.num_imported + defined) as usize];
        let wrapper = self.result_blocks[type_index as usize];

        // The function's locals plus one: the gas left, kept in a local (a register
        // after Cranelift) and exchanged with the gas global around calls.
        let mut locals = Vec::new();
        let mut gas = self.module.types[type_index as usize].params.len() as u32;
        for pair in body.get_locals_reader()? {
            let (count, ty) = pair?;
            locals.push((count, self.val_type(ty)?));
            gas += count;
        }
        locals.push((1, ValType::I64));
        let mut f = Function::new(locals);
        let out_of_gas = self.helper(OUT_OF_GAS);
        self.prologue(&mut f, meta.frame_size, meta.entry_gas, gas);
        f.instruction(&Instruction::Block(wrapper));
        let mut operators = body.get_operators_reader()?;
        let mut depth: u32 = 0;
        let mut next_point = points.iter().peekable();
        let mut index: u32 = 0;
        while !operators.eof() {
            let op = operators.read()?;
            while let Some(point) = next_point.next_if(|point| point.operator == index) {
                Self::charge(&mut f, gas, out_of_gas, point.amount);
            }
            use wasmparser::Operator as O;
            match op {
                O::Return => {
                    f.instruction(&Instruction::Br(depth));
                }
                O::Block { .. } | O::Loop { .. } | O::If { .. } => {
                    let instruction = self.instruction(op)?;
                    f.instruction(&instruction);
                    depth += 1;
                }
                O::End if depth == 0 => {
                    // The body's end closes the wrapper; then the epilogue and the
                    // function's own end.
                    f.instruction(&Instruction::End);
                    self.epilogue(&mut f, meta.frame_size, gas);
                    f.instruction(&Instruction::End);
                }
                O::End => {
                    f.instruction(&Instruction::End);
                    depth -= 1;
                }
                O::Call { .. } | O::CallIndirect { .. } => {
                    let instruction = self.instruction(op)?;
                    self.spill_gas(&mut f, gas);
                    f.instruction(&instruction);
                    self.reload_gas(&mut f, gas);
                }
                O::MemoryGrow { .. } => {
                    self.spill_gas(&mut f, gas);
                    f.instruction(&Instruction::Call(self.helper(MEMORY_GROW)));
                    self.reload_gas(&mut f, gas);
                }
                O::MemoryFill { .. } | O::MemoryCopy { .. } | O::MemoryInit { .. } => {
                    self.spill_gas(&mut f, gas);
                    f.instruction(&Instruction::Call(self.helper(CHARGE_WORDS)));
                    self.reload_gas(&mut f, gas);
                    let instruction = self.instruction(op)?;
                    f.instruction(&instruction);
                }
                O::TableCopy { .. } | O::TableInit { .. } => {
                    self.spill_gas(&mut f, gas);
                    f.instruction(&Instruction::Call(self.helper(CHARGE_ELEMENTS)));
                    self.reload_gas(&mut f, gas);
                    let instruction = self.instruction(op)?;
                    f.instruction(&instruction);
                }
                other => {
                    let instruction = self.instruction(other)?;
                    f.instruction(&instruction);
                }
            }
            index += 1;
        }
        code.function(&f);
        Ok(())
    }
}
