//! Exact gas of small programs under schedule V1 and the Hera (unmetered) schedule, on
//! every execution path.
//!
//! Every expected number is derived by hand in the comments from the schedule:
//! structural markers 0, simple operators 1, mul 3, 32-bit div 8, call 5,
//! call_indirect 8, memory.grow 10 + 1024 per page, bulk memory 5 + 1 per word,
//! and 1024 per declared memory page at instantiation.

use ssvm_engine::{Config, ExecutionResult, GasSchedule, Message, Status};
use ssvm_tests::every_path;
use ssvm_tests::paths::Path;

const PAGE: u64 = 1024;

fn run(path: Path, schedule: GasSchedule, wat: &str, gas: u64) -> ExecutionResult {
    let code = wat::parse_str(wat).expect("valid WAT");
    let config = Config::contract(schedule);
    let mut host = path.world(config);
    path.execute(
        config,
        &mut host,
        &Message {
            gas,
            ..Message::default()
        },
        &code,
    )
}

fn used(path: Path, schedule: GasSchedule, wat: &str) -> u64 {
    let gas = 1_000_000;
    let result = run(path, schedule, wat, gas);
    assert_eq!(result.status, Status::Success, "{:?}", result.failure);
    gas - result.gas_left
}

fn contract(body: &str) -> String {
    format!(
        r#"(module
            (import "ethereum" "getGasLeft" (func $gas (result i64)))
            (import "ethereum" "finish" (func $finish (param i32 i32)))
            (memory (export "memory") 1)
            (table 2 funcref)
            (elem (i32.const 0) $inc $inc)
            (type $unary (func (param i32) (result i32)))
            (func $inc (param i32) (result i32)
                local.get 0     ;; 1
                i32.const 1     ;; 1
                i32.add)        ;; 1
            (func (export "main") (local i32) (local i64)
                {body}))"#
    )
}

fn straight_line_code_is_charged_per_instruction(path: Path) {
    // 4 simple operators, one page.
    let wat = contract("i32.const 1 i32.const 2 i32.add drop");
    assert_eq!(used(path, GasSchedule::V1, &wat), PAGE + 4);
    assert_eq!(used(path, GasSchedule::HERA_UNMETERED, &wat), 0);
}

fn a_host_function_sees_exact_gas(path: Path) {
    // Block 1: i32.const (1) + call (5) = 6, then getGasLeft charges 2 and reports.
    // Block 2: i64.store, i32.const, i32.const (3) + call finish (5) = 8.
    let wat = contract(
        "i32.const 0 call $gas i64.store \
         i32.const 0 i32.const 8 call $finish",
    );
    let gas = 100_000;
    let result = run(path, GasSchedule::V1, &wat, gas);
    assert_eq!(result.status, Status::Success);
    let seen = u64::from_le_bytes(result.output.try_into().unwrap());
    assert_eq!(seen, gas - PAGE - 6 - 2);
    assert_eq!(result.gas_left, gas - PAGE - 6 - 2 - 8);

    let result = run(path, GasSchedule::HERA_UNMETERED, &wat, gas);
    let seen = u64::from_le_bytes(result.output.try_into().unwrap());
    assert_eq!(seen, gas - 2);
    assert_eq!(result.gas_left, gas - 2);
}

fn loops_charge_their_body_per_iteration(path: Path) {
    // The loop body is one block of 7 operators, run 10 times.
    let wat = contract(
        "(loop $l local.get 0 i32.const 1 i32.add local.tee 0 i32.const 10 i32.lt_u br_if $l)",
    );
    assert_eq!(used(path, GasSchedule::V1, &wat), PAGE + 70);
}

fn calls_and_indirect_calls(path: Path) {
    // main: i32.const + call (6); callee 3; after the call: drop (1).
    assert_eq!(
        used(
            path,
            GasSchedule::V1,
            &contract("i32.const 5 call $inc drop")
        ),
        PAGE + 10
    );
    // main: i32.const, i32.const (2) + call_indirect (8); callee 3; drop (1).
    assert_eq!(
        used(
            path,
            GasSchedule::V1,
            &contract("i32.const 5 i32.const 1 call_indirect (type $unary) drop")
        ),
        PAGE + 14
    );
}

fn out_of_gas_at_the_exact_boundary(path: Path) {
    let wat = contract("i32.const 5 call $inc drop");
    let exact = PAGE + 10;
    let enough = run(path, GasSchedule::V1, &wat, exact);
    assert_eq!(enough.status, Status::Success);
    assert_eq!(enough.gas_left, 0);
    let short = run(path, GasSchedule::V1, &wat, exact - 1);
    assert_eq!(short.status, Status::OutOfGas);
    assert_eq!(short.gas_left, 0);
    // Not even the declared page can be paid for.
    let nothing = run(path, GasSchedule::V1, &wat, PAGE - 1);
    assert_eq!(nothing.status, Status::OutOfGas);
}

fn branches_charge_only_the_path_taken(path: Path) {
    // Entry block: local.get, if (2); the else block: four operators (4).
    let wat = contract(
        "local.get 0 (if (then i32.const 1 drop) (else i32.const 2 drop i32.const 3 drop))",
    );
    assert_eq!(used(path, GasSchedule::V1, &wat), PAGE + 6);
    // With the condition true: entry (2) + i32.const 1 (1) + then block (2).
    let wat = contract(
        "i32.const 1 local.set 0 local.get 0 \
         (if (then i32.const 1 drop) (else i32.const 2 drop i32.const 3 drop))",
    );
    assert_eq!(used(path, GasSchedule::V1, &wat), PAGE + 6);
}

fn arithmetic_prices(path: Path) {
    // 3 × 1 + div_u 8.
    assert_eq!(
        used(
            path,
            GasSchedule::V1,
            &contract("i32.const 7 i32.const 2 i32.div_u drop")
        ),
        PAGE + 11
    );
    // 3 × 1 + mul 3.
    assert_eq!(
        used(
            path,
            GasSchedule::V1,
            &contract("i64.const 7 i64.const 2 i64.mul drop")
        ),
        PAGE + 6
    );
}

fn memory_grow_pays_per_page_granted(path: Path) {
    // i32.const, drop (2) + memory.grow (10) + 2 pages.
    assert_eq!(
        used(
            path,
            GasSchedule::V1,
            &contract("i32.const 2 memory.grow drop")
        ),
        PAGE + 12 + 2 * PAGE
    );
    // A refused grow (beyond the limit) returns -1 and pays no pages.
    let wat = contract("i32.const 5000 memory.grow i32.const -1 i32.ne (if (then unreachable))");
    // const, grow, const, ne, if = 1 + 10 + 1 + 1 + 1.
    assert_eq!(used(path, GasSchedule::V1, &wat), PAGE + 14);
    // Under the Hera schedule growing is free.
    assert_eq!(
        used(
            path,
            GasSchedule::HERA_UNMETERED,
            &contract("i32.const 2 memory.grow drop")
        ),
        0
    );
}

fn bulk_memory_pays_per_word(path: Path) {
    // 3 × i32.const + memory.fill (5) + ceil(100 / 32) = 4 words.
    assert_eq!(
        used(
            path,
            GasSchedule::V1,
            &contract("i32.const 0 i32.const 7 i32.const 100 memory.fill")
        ),
        PAGE + 8 + 4
    );
    // Copying 64 bytes: 2 words.
    assert_eq!(
        used(
            path,
            GasSchedule::V1,
            &contract("i32.const 0 i32.const 100 i32.const 64 memory.copy")
        ),
        PAGE + 8 + 2
    );
}

fn eei_gas_is_exact_under_both_schedules(path: Path) {
    // useGas(1000) under Hera: only the EEI cost.
    let wat = r#"(module
        (import "ethereum" "useGas" (func $use (param i64)))
        (memory (export "memory") 1)
        (func (export "main") i64.const 1000 call $use))"#;
    assert_eq!(used(path, GasSchedule::HERA_UNMETERED, wat), 1000);
    // V1: page + const + call + 1000.
    assert_eq!(used(path, GasSchedule::V1, wat), PAGE + 6 + 1000);
    // Negative gas is out of range.
    let wat = wat.replace("i64.const 1000", "i64.const -1");
    let result = run(path, GasSchedule::V1, &wat, 100_000);
    assert_eq!(result.status, Status::ArgumentOutOfRange);
    assert_eq!(result.gas_left, 0);
}

every_path![
    straight_line_code_is_charged_per_instruction,
    a_host_function_sees_exact_gas,
    loops_charge_their_body_per_iteration,
    calls_and_indirect_calls,
    out_of_gas_at_the_exact_boundary,
    branches_charge_only_the_path_taken,
    arithmetic_prices,
    memory_grow_pays_per_page_granted,
    bulk_memory_pays_per_word,
    eei_gas_is_exact_under_both_schedules,
];
