//! Every limit of `ssvm_engine::limits` at its maximum and one above, on both execution
//! paths (feature `aot`).
//!
//! At the maximum a module must validate, instantiate and run on the interpreter and on
//! the AOT path with identical results, gas and memory: a limit that Cranelift cannot
//! compile at its maximum would let one path run what the other refuses, a consensus
//! split. One above, validation (which both paths share) must reject it with the
//! limit's own error. Runtime limits (call depth, value stack, memory growth) trap at the
//! same call on both paths. These are limits of modules, which EVMC cannot reach; the
//! contract-level limits run on every path, the EVMC library included, in `ssvm-tests`
//! (`tests/tests/behaviour`): EIP-170 in `limits`, log topics and block-hash history in
//! `eei::logs` and `eei::balance_and_block_hash`, the nested call depth in
//! `contracts::call_depth_is_limited_to_1024`.

use ssvm_engine::aot::AotInstance;
use ssvm_engine::limits::*;
use ssvm_engine::validation::Limit;
use ssvm_engine::{Config, GasSchedule, Instance, Module, Trap, ValidationError};

use crate::aot::engine;
use crate::spec::SpecHost;

const GAS: u64 = 1 << 40;

fn config() -> Config {
    Config::plain(GasSchedule::V1)
}

fn wasm(wat: &str) -> Vec<u8> {
    wat::parse_str(wat).unwrap_or_else(|error| panic!("{error}"))
}

/// What one call returned: values or the trap, and the gas left.
type Outcome = (Result<Vec<u64>, Trap>, u64);

/// Instantiates `bytes` on both paths, calls `func` with `args` on each and checks that
/// results, gas, memory and the instantiation agree. Returns the common outcome.
fn run_both(bytes: &[u8], func: &str, args: &[u64]) -> Outcome {
    let module = Module::new(&config(), bytes)
        .unwrap_or_else(|error| panic!("module at the limit rejected: {error}"));
    let export = module.exported_func(func).expect("exported function");
    let signature = module.func_signature(export).expect("signature").clone();
    let mut host = SpecHost::default();
    let (mut interpreter_gas, mut native_gas) = (GAS, GAS);
    let mut interpreter = Instance::instantiate(&module, &mut host, &mut interpreter_gas)
        .unwrap_or_else(|trap| panic!("interpreter instantiation trapped: {trap}"));
    let mut native = AotInstance::instantiate(
        &engine(),
        &config(),
        &module,
        bytes,
        &mut host,
        &mut native_gas,
    )
    .unwrap_or_else(|trap| panic!("AOT instantiation failed: {trap}"));
    assert_eq!(interpreter_gas, native_gas, "gas after instantiation");
    let expected = interpreter.invoke(&mut host, export, args, &mut interpreter_gas);
    let actual = native.invoke(
        &mut host,
        func,
        &signature.params,
        &signature.results,
        args,
        &mut native_gas,
    );
    assert_eq!(actual, expected, "results of {func}");
    assert_eq!(native_gas, interpreter_gas, "gas left after {func}");
    assert!(
        native.memory() == interpreter.memory(),
        "memory after {func}"
    );
    (expected, interpreter_gas)
}

/// Checks that `bytes` is rejected for exceeding `limit`.
fn rejected(bytes: &[u8], limit: Limit) {
    match Module::new(&config(), bytes) {
        Err(ValidationError::LimitExceeded { limit: actual, .. }) => {
            assert_eq!(actual, limit, "rejected for another limit")
        }
        Err(other) => panic!("expected {} to be exceeded, got: {other}", limit.name()),
        Ok(_) => panic!("{} exceeded but the module was accepted", limit.name()),
    }
}

/// A module of `n` repetitions of `item` plus `rest`, with an exported `f`.
fn repeated(n: u32, item: &str, rest: &str) -> Vec<u8> {
    let mut text = String::from("(module\n");
    for _ in 0..n {
        text.push_str(item);
        text.push('\n');
    }
    text.push_str(rest);
    text.push(')');
    wasm(&text)
}

#[test]
fn module_size() {
    // A custom section pads a small module to exactly `size` bytes.
    let sized = |size: usize| {
        let mut bytes = wasm(r#"(module (func (export "f") (result i32) i32.const 7))"#);
        // id, 4-byte LEB size, name length, name "p", then the padding.
        let header = 1 + 4 + 1 + 1;
        let payload = size - bytes.len() - header;
        let section_len = (payload + 2) as u32;
        bytes.push(0);
        for shift in 0..4 {
            let byte = ((section_len >> (7 * shift)) & 0x7f) as u8;
            bytes.push(if shift < 3 { byte | 0x80 } else { byte });
        }
        bytes.extend([1, b'p']);
        bytes.resize(size, 0);
        bytes
    };
    let at_limit = sized(MAX_MODULE_SIZE);
    assert_eq!(at_limit.len(), MAX_MODULE_SIZE);
    assert_eq!(run_both(&at_limit, "f", &[]).0, Ok(vec![7]));
    rejected(&sized(MAX_MODULE_SIZE + 1), Limit::ModuleSize);
}

#[test]
fn types() {
    // `n - 1` distinct types (none can be shared: the bits of `i` as 15 parameters of
    // type i32 or i64) and the exported function's.
    let module = |n: u32| {
        let mut text = String::from("(module\n");
        for i in 0..n - 1 {
            let params: String = (0..15)
                .map(|bit| if i >> bit & 1 == 1 { "i64 " } else { "i32 " })
                .collect();
            text.push_str(&format!("(type (func (param {params})))\n"));
        }
        text.push_str(r#"(func (export "f") (result i32) i32.const 1))"#);
        wasm(&text)
    };
    assert_eq!(run_both(&module(MAX_TYPES), "f", &[]).0, Ok(vec![1]));
    rejected(&module(MAX_TYPES + 1), Limit::Types);
}

#[test]
fn functions() {
    // The last function calls the first, so every index is in use.
    let module = |n: u32| {
        repeated(
            n - 1,
            "(func (result i32) i32.const 3)",
            r#"(func (export "f") (result i32) call 0)"#,
        )
    };
    assert_eq!(run_both(&module(MAX_FUNCTIONS), "f", &[]).0, Ok(vec![3]));
    rejected(&module(MAX_FUNCTIONS + 1), Limit::Functions);
}

#[test]
fn imports() {
    let module = |n: u32| {
        repeated(
            n,
            r#"(import "spectest" "print_i32" (func (param i32)))"#,
            &format!(
                r#"(func (export "f") (result i32) i32.const 5 call {} i32.const 5)"#,
                n - 1
            ),
        )
    };
    assert_eq!(run_both(&module(MAX_IMPORTS), "f", &[]).0, Ok(vec![5]));
    rejected(&module(MAX_IMPORTS + 1), Limit::Imports);
}

#[test]
fn exports() {
    let module = |n: u32| {
        let mut text = String::from(r#"(module (func $f (result i32) i32.const 9)"#);
        for i in 0..n {
            let name = if i == 0 {
                "f".to_string()
            } else {
                format!("f{i}")
            };
            text.push_str(&format!(r#"(export "{name}" (func $f))"#));
        }
        text.push(')');
        wasm(&text)
    };
    assert_eq!(run_both(&module(MAX_EXPORTS), "f", &[]).0, Ok(vec![9]));
    rejected(&module(MAX_EXPORTS + 1), Limit::Exports);
}

#[test]
fn params_and_results() {
    // `f` passes its parameters to `g`, which returns its last parameter and as many
    // copies of it as there are results.
    let params = |n: u32| {
        let types = "i64 ".repeat(n as usize);
        let gets: String = (0..n).map(|i| format!("local.get {i} ")).collect();
        wasm(&format!(
            r#"(module
                (func $g (param {types}) (result i64) local.get {last})
                (func (export "f") (param {types}) (result i64) {gets} call $g))"#,
            last = n - 1
        ))
    };
    let args: Vec<u64> = (1..=u64::from(MAX_PARAMS)).collect();
    assert_eq!(
        run_both(&params(MAX_PARAMS), "f", &args).0,
        Ok(vec![u64::from(MAX_PARAMS)])
    );
    rejected(&params(MAX_PARAMS + 1), Limit::Params);

    let results = |n: u32| {
        let types = "i64 ".repeat(n as usize);
        let consts: String = (0..n).map(|i| format!("i64.const {i} ")).collect();
        wasm(&format!(
            r#"(module
                (func $g (result {types}) {consts})
                (func (export "f") (result {types}) call $g))"#
        ))
    };
    let expected: Vec<u64> = (0..u64::from(MAX_RESULTS)).collect();
    assert_eq!(run_both(&results(MAX_RESULTS), "f", &[]).0, Ok(expected));
    rejected(&results(MAX_RESULTS + 1), Limit::Results);
}

#[test]
fn locals() {
    // One i32 parameter plus `n - 1` locals; the last local is written and read.
    let module = |n: u32| {
        wasm(&format!(
            r#"(module (func (export "f") (param i32) (result i32) (local {locals})
                local.get 0 local.set {last} local.get {last}))"#,
            locals = "i32 ".repeat(n as usize - 1),
            last = n - 1
        ))
    };
    assert_eq!(run_both(&module(MAX_LOCALS), "f", &[11]).0, Ok(vec![11]));
    rejected(&module(MAX_LOCALS + 1), Limit::Locals);
}

#[test]
fn frame_slots() {
    // A frame is the locals plus the deepest operand stack: one local, then `n - 1`
    // values on the stack at once, summed pairwise from the top.
    let module = |n: u32| {
        let depth = n - 1;
        let mut body = "local.get 0 ".repeat(depth as usize);
        body.push_str(&"i32.add ".repeat(depth as usize - 1));
        wasm(&format!(
            r#"(module (func (export "f") (param i32) (result i32) {body}))"#
        ))
    };
    let depth = MAX_FRAME_SLOTS - 1;
    assert_eq!(
        run_both(&module(MAX_FRAME_SLOTS), "f", &[3]).0,
        Ok(vec![u64::from(3 * depth)])
    );
    rejected(&module(MAX_FRAME_SLOTS + 1), Limit::FrameSlots);
}

#[test]
fn nesting_depth() {
    let module = |n: u32| {
        let body = format!(
            "{}i32.const 4 br {} {}",
            "block (result i32) ".repeat(n as usize),
            n - 1,
            "end ".repeat(n as usize)
        );
        wasm(&format!(
            r#"(module (func (export "f") (result i32) {body}))"#
        ))
    };
    assert_eq!(
        run_both(&module(MAX_NESTING_DEPTH), "f", &[]).0,
        Ok(vec![4])
    );
    rejected(&module(MAX_NESTING_DEPTH + 1), Limit::NestingDepth);
}

#[test]
fn globals() {
    let module = |n: u32| {
        repeated(
            n,
            "(global (mut i64) (i64.const 2))",
            &format!(
                r#"(func (export "f") (result i64)
                    global.get 0 global.get {last} i64.add global.set {last} global.get {last})"#,
                last = n - 1
            ),
        )
    };
    assert_eq!(run_both(&module(MAX_GLOBALS), "f", &[]).0, Ok(vec![4]));
    rejected(&module(MAX_GLOBALS + 1), Limit::Globals);
}

#[test]
fn table_elements() {
    // The last entry of the table is set and called.
    let module = |n: u32| {
        wasm(&format!(
            r#"(module
                (type $t (func (result i32)))
                (table {n} funcref)
                (func $g (result i32) i32.const 6)
                (elem (i32.const {last}) func $g)
                (func (export "f") (result i32) i32.const {last} call_indirect (type $t)))"#,
            last = n - 1
        ))
    };
    assert_eq!(
        run_both(&module(MAX_TABLE_ELEMENTS), "f", &[]).0,
        Ok(vec![6])
    );
    rejected(&module(MAX_TABLE_ELEMENTS + 1), Limit::TableElements);
}

#[test]
fn memory_pages() {
    // Declared at the maximum: the last byte is usable.
    let declared = |n: u32| {
        wasm(&format!(
            r#"(module (memory {n})
                (func (export "f") (result i32)
                    i32.const {last} i32.const 8 i32.store8 i32.const {last} i32.load8_u))"#,
            last = u64::from(n) * u64::from(WASM_PAGE_SIZE) - 1
        ))
    };
    assert_eq!(
        run_both(&declared(MAX_MEMORY_PAGES), "f", &[]).0,
        Ok(vec![8])
    );
    rejected(&declared(MAX_MEMORY_PAGES + 1), Limit::MemoryPages);

    // Grown to the maximum, and refused one page beyond (with an unbounded maximum,
    // which the engine caps).
    let grow = wasm(
        r#"(module (memory 1)
            (func (export "f") (param i32) (result i32) local.get 0 memory.grow))"#,
    );
    let last = u64::from(MAX_MEMORY_PAGES - 1);
    assert_eq!(run_both(&grow, "f", &[last]).0, Ok(vec![1]));
    assert_eq!(
        run_both(&grow, "f", &[last + 1]).0,
        Ok(vec![u64::from(u32::MAX)])
    );
}

#[test]
fn segments() {
    let data = |n: u32| {
        repeated(
            n,
            r#"(data "x")"#,
            &format!(
                r#"(memory 1)
                (func (export "f") (result i32)
                    i32.const 0 i32.const 0 i32.const 1 memory.init {last}
                    i32.const 0 i32.load8_u)"#,
                last = n - 1
            ),
        )
    };
    assert_eq!(
        run_both(&data(MAX_DATA_SEGMENTS), "f", &[]).0,
        Ok(vec![u64::from(b'x')])
    );
    rejected(&data(MAX_DATA_SEGMENTS + 1), Limit::DataSegments);

    let elements = |n: u32| {
        repeated(
            n,
            "(elem func $g)",
            &format!(
                r#"(type $t (func (result i32)))
                (table 1 funcref)
                (func $g (result i32) i32.const 12)
                (func (export "f") (result i32)
                    i32.const 0 i32.const 0 i32.const 1 table.init {last}
                    i32.const 0 call_indirect (type $t))"#,
                last = n - 1
            ),
        )
    };
    assert_eq!(
        run_both(&elements(MAX_ELEMENT_SEGMENTS), "f", &[]).0,
        Ok(vec![12])
    );
    rejected(&elements(MAX_ELEMENT_SEGMENTS + 1), Limit::ElementSegments);
}

#[test]
fn br_table_targets() {
    // `n` targets: the first half leave the inner block, the rest the outer one.
    let module = |n: u32| {
        let mut targets = "0 ".repeat(n as usize / 2);
        targets.push_str(&"1 ".repeat((n - n / 2) as usize));
        wasm(&format!(
            r#"(module (func (export "f") (param i32) (result i32)
                block block
                    local.get 0 br_table {targets} 0
                end i32.const 1 return end i32.const 2))"#
        ))
    };
    let at_limit = module(MAX_BR_TABLE_TARGETS);
    for (index, expected) in [
        (0, 1),
        (MAX_BR_TABLE_TARGETS / 2 - 1, 1),
        (MAX_BR_TABLE_TARGETS / 2, 2),
        (MAX_BR_TABLE_TARGETS - 1, 2),
        (MAX_BR_TABLE_TARGETS, 1),
        (u32::MAX, 1),
    ] {
        assert_eq!(
            run_both(&at_limit, "f", &[u64::from(index)]).0,
            Ok(vec![expected]),
            "index {index}"
        );
    }
    rejected(&module(MAX_BR_TABLE_TARGETS + 1), Limit::BrTableTargets);

    // In dead code too: Cranelift checks every `br_table`, reachable or not.
    let dead = |n: u32| {
        let targets = "0 ".repeat(n as usize);
        wasm(&format!(
            r#"(module (func (export "f") (result i32)
                i32.const 5 return
                block i32.const 0 br_table {targets} 0 end i32.const 6))"#
        ))
    };
    assert_eq!(
        run_both(&dead(MAX_BR_TABLE_TARGETS), "f", &[]).0,
        Ok(vec![5])
    );
    rejected(&dead(MAX_BR_TABLE_TARGETS + 1), Limit::BrTableTargets);
}

#[test]
fn call_depth() {
    // `f(n)` recurses `n` times: `n + 1` frames.
    let module = wasm(
        r#"(module (func $f (export "f") (param i32) (result i32)
            local.get 0 i32.eqz if i32.const 0 return end
            local.get 0 i32.const 1 i32.sub call $f i32.const 1 i32.add))"#,
    );
    let deepest = MAX_CALL_DEPTH as u64 - 1;
    assert_eq!(run_both(&module, "f", &[deepest]).0, Ok(vec![deepest]));
    assert_eq!(
        run_both(&module, "f", &[deepest + 1]),
        (Err(Trap::CallStackExhausted), 0)
    );
}

#[test]
fn value_stack() {
    // A frame of 2048 cells: 2046 locals (one parameter) and an operand stack two
    // deep. 512 frames fill the value stack exactly.
    let module = wasm(&format!(
        r#"(module (func $f (export "f") (param i32) (result i32) (local {})
            local.get 0 i32.eqz if i32.const 0 return end
            local.get 0 i32.const 1 i32.sub call $f))"#,
        "i64 ".repeat(2045)
    ));
    let frames = MAX_VALUE_STACK as u64 / 2048;
    assert!(frames < MAX_CALL_DEPTH as u64);
    assert_eq!(run_both(&module, "f", &[frames - 1]).0, Ok(vec![0]));
    assert_eq!(
        run_both(&module, "f", &[frames]),
        (Err(Trap::ValueStackExhausted), 0)
    );
}
