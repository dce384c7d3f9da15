//! The AOT engine the engine's tests share, and the memory budget of in-process hosts
//! on both paths (feature `aot`). The behavioural tests (EEI, contracts, gas, contract
//! limits) run on every path, the EVMC library included, in `ssvm-tests`
//! (`tests/tests/behaviour`); a memory budget is a feature of the engine's `Host`
//! that EVMC's host interface does not have, so it is tested here.

use std::sync::{Arc, OnceLock};

use ssvm_contracts::probes;
use ssvm_engine::Backend;
use ssvm_engine::aot::{AotEngine, AotOptions};
use ssvm_engine::world::World;
use ssvm_engine::{Address, CallKind, Config, ExecutionResult, GasSchedule, Message, Status, U256};

const ALICE: Address = Address([0xa1; 20]);
const GAS: u64 = 10_000_000;
const PAGE: u64 = 1024;

/// The AOT engine all tests share.
pub(crate) fn engine() -> Arc<AotEngine> {
    static ENGINE: OnceLock<Arc<AotEngine>> = OnceLock::new();
    ENGINE
        .get_or_init(|| Arc::new(AotEngine::new(AotOptions::default()).expect("AOT engine")))
        .clone()
}

/// The AOT path as a backend.
fn aot() -> Backend {
    Backend::Aot(engine())
}

/// A host on the interpreter and one on the AOT path, with the same funded account.
fn hosts(schedule: GasSchedule) -> [World; 2] {
    let config = Config::contract(schedule);
    [Backend::Interpreter, aot()].map(|backend| {
        let mut world = World::empty(config, backend);
        world.set_account(ALICE, U256::from(10u64).pow(U256::from(20u8)), Vec::new());
        world
    })
}

/// Sends `message` to both hosts and checks that they agree.
fn both(hosts: &mut [World; 2], message: &Message<'_>) -> ExecutionResult {
    let [interpreter, native] = hosts;
    let expected = interpreter.transact(message);
    let actual = native.transact(message);
    assert_eq!(actual, expected, "outcome of {message:?}");
    assert_eq!(
        native.state_difference(interpreter),
        None,
        "state after {message:?}"
    );
    expected
}

#[test]
fn memory_growth_and_budgets_agree() {
    for budget in [None, Some(3)] {
        let [mut interpreter, mut native] = hosts(GasSchedule::V1);
        interpreter.memory_budget = budget;
        native.memory_budget = budget;
        let contract = Address([0x79; 20]);
        interpreter.set_account(contract, U256::ZERO, probes::MEMORY.to_vec());
        native.set_account(contract, U256::ZERO, probes::MEMORY.to_vec());
        let mut hosts = [interpreter, native];
        for pages in [0u32, 1, 2, 5, 1023, 1024, 70_000] {
            let message = Message {
                kind: CallKind::Call,
                sender: ALICE,
                recipient: contract,
                code_address: contract,
                gas: GAS,
                input: &pages.to_le_bytes(),
                ..Message::default()
            };
            both(&mut hosts, &message);
            assert_eq!(hosts[1].memory_in_use, 0, "every page is released");
        }
    }
}

#[test]
fn a_host_memory_budget_refuses_pages_without_charging_them() {
    let run_with_budget = |wat: &str, budget: u32| {
        let code = wat::parse_str(wat).expect("valid WAT");
        let config = Config::contract(GasSchedule::V1);
        let message = Message {
            gas: 1_000_000,
            ..Message::default()
        };
        let [interpreter, native] = [Backend::Interpreter, aot()].map(|backend| {
            let mut host = World::empty(config, backend.clone());
            host.memory_budget = Some(budget);
            let result = backend.execute(&config, &mut host, &message, &code);
            assert_eq!(host.memory_in_use, 0, "every page is returned at the end");
            result
        });
        assert_eq!(native, interpreter, "AOT vs the interpreter");
        (interpreter, message.gas)
    };
    // Budget 2: the declared page fits, growing by 2 does not: -1, no page charge.
    let wat = contract("i32.const 2 memory.grow i32.const -1 i32.ne (if (then unreachable))");
    let (result, gas) = run_with_budget(&wat, 2);
    assert_eq!(result.status, Status::Success);
    assert_eq!(gas - result.gas_left, PAGE + 14);
    // Budget 3: the grow succeeds and pays for its pages (then traps on the check).
    let (result, _) = run_with_budget(&wat, 3);
    assert_eq!(result.status, Status::Failure);
    // Budget 0: the declared page is refused at instantiation.
    let (result, _) = run_with_budget(&contract("nop"), 0);
    assert_eq!(result.status, Status::Failure);
    assert_eq!(
        result.failure.map(|f| f.to_string()).as_deref(),
        Some("the host's memory budget is exhausted")
    );
}

/// A contract with one page of memory whose `main` is `body`.
fn contract(body: &str) -> String {
    format!(r#"(module (memory (export "memory") 1) (func (export "main") {body}))"#)
}
