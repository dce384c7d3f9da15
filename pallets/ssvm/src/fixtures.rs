//! Contracts for the benchmarks and tests: the workload contract `fixtures/bench.wat`
//! (committed compiled, checked against its source by a test) and contracts of any size
//! generated with wasm-encoder.

use alloc::vec::Vec;

use wasm_encoder::{
    BlockType, CodeSection, ConstExpr, DataSection, EntityType, ExportKind, ExportSection,
    Function, FunctionSection, ImportSection, Instruction, MemArg, MemArgTarget, MemorySection,
    MemoryType, Module, TypeSection, ValType,
};

/// `fixtures/bench.wat`, compiled: see [`crate::gas::Workload`].
pub const BENCH: &[u8] = include_bytes!("../fixtures/bench.wasm");

/// The bytes one filler unit adds to a generated contract.
const FILLER_UNIT: [Instruction<'static>; 4] = [
    Instruction::LocalGet(0),
    Instruction::If(BlockType::Empty),
    Instruction::Else,
    Instruction::End,
];

/// A contract of at most `len` bytes and at least `len - 6` (but at least ~200) that deploys itself (called with call
/// data starting with `\0asm`, that is with its init code, it returns its own code) and
/// otherwise returns at once.
///
/// Its bulk is an uncalled function of `local.get; if; else; end` units, among the
/// most expensive Wasm to translate per byte (measured: about 34 ns per byte natively,
/// against 21-37 for real contracts), so the `code_load` and `deploy` benchmarks
/// measure a worst case.
pub fn sized_contract(len: u32) -> Vec<u8> {
    let base = encode(0);
    // Each unit is 2 + 2 + 1 + 1 bytes; the section sizes' LEBs may grow by a few.
    let mut units = (len as usize).saturating_sub(base.len()) / 6;
    loop {
        let code = encode(units);
        if code.len() <= (len as usize).max(base.len()) || units == 0 {
            return code;
        }
        units -= 1;
    }
}

fn encode(units: usize) -> Vec<u8> {
    let mut module = Module::new();
    let mut types = TypeSection::new();
    types.ty().function([], []); // 0: main, filler
    types
        .ty()
        .function([ValType::I32, ValType::I32, ValType::I32], []); // 1: copies
    types.ty().function([], [ValType::I32]); // 2: sizes
    types.ty().function([ValType::I32, ValType::I32], []); // 3: finish
    module.section(&types);
    let mut imports = ImportSection::new();
    imports.import("ethereum", "getCallDataSize", EntityType::Function(2));
    imports.import("ethereum", "callDataCopy", EntityType::Function(1));
    imports.import("ethereum", "getCodeSize", EntityType::Function(2));
    imports.import("ethereum", "codeCopy", EntityType::Function(1));
    imports.import("ethereum", "finish", EntityType::Function(3));
    module.section(&imports);
    let (call_data_size, call_data_copy, code_size, code_copy, finish) = (0, 1, 2, 3, 4);
    let mut functions = FunctionSection::new();
    functions.function(0);
    functions.function(0);
    module.section(&functions);
    let mut memories = MemorySection::new();
    memories.memory(MemoryType {
        minimum: 1,
        maximum: None,
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    module.section(&memories);
    let mut exports = ExportSection::new();
    exports.export("main", ExportKind::Func, 5);
    exports.export("memory", ExportKind::Memory, 0);
    module.section(&exports);

    use Instruction as I;
    let mut main = Function::new([]);
    for instruction in [
        I::Call(call_data_size),
        I::I32Const(4),
        I::I32GeU,
        I::If(BlockType::Empty),
        I::I32Const(0),
        I::I32Const(0),
        I::I32Const(4),
        I::Call(call_data_copy),
        I::I32Const(0),
        I::I32Load(MemArg {
            offset: 0,
            align: 2,
            target: MemArgTarget::Memory(0),
            ordering: None,
        }),
        I::I32Const(0x6d73_6100),
        I::I32Eq,
        I::If(BlockType::Empty),
        I::I32Const(0),
        I::I32Const(0),
        I::Call(code_size),
        I::Call(code_copy),
        I::I32Const(0),
        I::Call(code_size),
        I::Call(finish),
        I::End,
        I::End,
        I::End,
    ] {
        main.instruction(&instruction);
    }
    let mut filler = Function::new([(1, ValType::I32)]);
    for _ in 0..units {
        for instruction in &FILLER_UNIT {
            filler.instruction(instruction);
        }
    }
    filler.instruction(&Instruction::End);
    let mut code = CodeSection::new();
    code.function(&main);
    code.function(&filler);
    module.section(&code);
    module.finish()
}

/// Init code that deploys `code`: it holds `code` in a data segment and returns it.
pub fn init_code_returning(code: &[u8]) -> Vec<u8> {
    let mut module = Module::new();
    let mut types = TypeSection::new();
    types.ty().function([], []);
    types.ty().function([ValType::I32, ValType::I32], []);
    module.section(&types);
    let mut imports = ImportSection::new();
    imports.import("ethereum", "finish", EntityType::Function(1));
    module.section(&imports);
    let mut functions = FunctionSection::new();
    functions.function(0);
    module.section(&functions);
    let mut memories = MemorySection::new();
    memories.memory(MemoryType {
        minimum: (code.len() as u64).div_ceil(65536).max(1),
        maximum: None,
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    module.section(&memories);
    let mut exports = ExportSection::new();
    exports.export("main", ExportKind::Func, 1);
    exports.export("memory", ExportKind::Memory, 0);
    module.section(&exports);
    let mut main = Function::new([]);
    main.instruction(&Instruction::I32Const(0));
    main.instruction(&Instruction::I32Const(code.len() as i32));
    main.instruction(&Instruction::Call(0));
    main.instruction(&Instruction::End);
    let mut bodies = CodeSection::new();
    bodies.function(&main);
    module.section(&bodies);
    let mut data = DataSection::new();
    data.active(0, &ConstExpr::i32_const(0), code.iter().copied());
    module.section(&data);
    module.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bench_wasm_is_compiled_from_bench_wat() {
        let source = include_str!("../fixtures/bench.wat");
        let compiled = wat::parse_str(source).expect("bench.wat parses");
        if std::env::var_os("SSVM_UPDATE_FIXTURES").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/bench.wasm");
            std::fs::write(path, &compiled).expect("write bench.wasm");
            return;
        }
        assert!(
            compiled == BENCH,
            "fixtures/bench.wasm is stale: run with SSVM_UPDATE_FIXTURES=1"
        );
    }

    #[test]
    fn sized_contracts_are_valid_and_about_the_size_asked() {
        for len in [0, 1_000, 24_576, 49_152] {
            let code = sized_contract(len);
            ssvm_engine::Module::new(&crate::ENGINE_CONFIG, &code).expect("valid Ewasm");
            let target = (len as usize).max(encode(0).len());
            assert!(
                code.len() <= target && code.len() + 6 >= target,
                "{len}: {}",
                code.len()
            );
        }
    }
}
