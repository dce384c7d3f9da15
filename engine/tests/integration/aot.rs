//! Determinism of the AOT path against the interpreter (feature `aot`): the example
//! contracts, gas boundaries found by bisection, deep recursion and the limits give the
//! same status, output, gas, refund, logs and state on both paths.

use std::rc::Rc;
use std::sync::{Arc, OnceLock};

use crate::contracts::{abi, address_word, word};
use ssvm_contracts::{BIGNUM_DEMO, CALLER, CONTRACTS, COUNTER, ERC20, probes};
use ssvm_engine::Backend;
use ssvm_engine::aot::{AotEngine, AotOptions};
use ssvm_engine::world::{Engine, World};
use ssvm_engine::{
    Address, CallKind, Config, ExecutionResult, GasSchedule, Message, Status, U256, execute,
};

const ALICE: Address = Address([0xa1; 20]);
const BOB: Address = Address([0xb0; 20]);
const GAS: u64 = 10_000_000;

/// The AOT engine all tests share.
pub(crate) fn engine() -> Arc<AotEngine> {
    static ENGINE: OnceLock<Arc<AotEngine>> = OnceLock::new();
    ENGINE
        .get_or_init(|| Arc::new(AotEngine::new(AotOptions::default()).expect("AOT engine")))
        .clone()
}

/// The AOT path as a backend.
pub(crate) fn aot() -> Backend {
    Backend::Aot(engine())
}

/// Makes `world` run contract code on the AOT path with `config`.
pub(crate) fn run_on_aot(world: &mut World, config: Config) {
    world.set_executor(Rc::new(Engine {
        config,
        backend: aot(),
    }));
}

/// Checks that executing `code` for `message` on the AOT path from the state `before`
/// gives `expected` and leaves the state the interpreter left (`after`); nested frames
/// run on the AOT path too.
pub(crate) fn same_on_aot(
    config: Config,
    mut before: World,
    after: &World,
    message: &Message<'_>,
    code: &[u8],
    expected: &ExecutionResult,
) {
    run_on_aot(&mut before, config);
    let actual = engine().execute(&config, &mut before, message, code);
    assert_eq!(&actual, expected, "AOT result");
    assert_eq!(before.state_difference(after), None, "AOT state");
    assert_eq!(before.messages, after.messages, "AOT nested messages");
}

/// Two hosts with the same accounts: one runs the interpreter, one the AOT path.
fn hosts(schedule: GasSchedule) -> [World; 2] {
    let config = Config::contract(schedule);
    let mut interpreter = World::empty(config, Backend::Interpreter);
    for account in [ALICE, BOB] {
        interpreter.set_account(account, U256::from(10u64).pow(U256::from(20u8)), Vec::new());
    }
    let mut native = interpreter.clone();
    run_on_aot(&mut native, config);
    [interpreter, native]
}

/// Sends `message` on both hosts and checks that outcomes and states agree.
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

fn deploy(hosts: &mut [World; 2], code: &[u8]) -> Address {
    let outcome = both(
        hosts,
        &Message {
            kind: CallKind::Create,
            sender: ALICE,
            gas: GAS,
            input: code,
            ..Message::default()
        },
    );
    assert_eq!(outcome.status, Status::Success, "{outcome:?}");
    outcome.create_address.expect("created")
}

fn call(to: Address, input: &[u8], gas: u64) -> Message<'_> {
    Message {
        kind: CallKind::Call,
        sender: ALICE,
        recipient: to,
        code_address: to,
        gas,
        input,
        ..Message::default()
    }
}

/// The calls every scenario sends: ERC20 transfers (new and existing holders, an
/// overdraft), allowances, metadata, unknown selectors; the caller's nested calls,
/// static and delegate calls, creates and reverts; the bignum demo in its three modes.
fn scenario_inputs(
    erc20: Address,
    caller: Address,
    counter: Address,
    demo: Address,
) -> Vec<(Address, Vec<u8>)> {
    let transfer = |to, amount| abi(0xa905_9cbb, &[address_word(to), word(amount)]);
    let caller_call = |op: u8, to: Address, value: u128| {
        let mut input = vec![op];
        input.extend_from_slice(&to.0);
        if op == 1 || op == 6 {
            input.extend_from_slice(&value.to_be_bytes());
        }
        input
    };
    let mut create = vec![4u8];
    create.extend_from_slice(&0u128.to_be_bytes());
    create.extend_from_slice(COUNTER);
    let mut create2 = vec![5u8];
    create2.extend_from_slice(&0u128.to_be_bytes());
    create2.extend_from_slice(&[9; 32]);
    create2.extend_from_slice(COUNTER);
    let bignum = |mode: u8, n: u32| {
        let mut input = vec![mode];
        input.extend_from_slice(&n.to_be_bytes());
        input
    };
    vec![
        (erc20, transfer(BOB, 100)),
        (erc20, transfer(BOB, 100)),
        (erc20, transfer(ALICE, u128::MAX)),
        (erc20, abi(0x70a0_8231, &[address_word(BOB)])),
        (erc20, abi(0x095e_a7b3, &[address_word(BOB), word(50)])),
        (erc20, abi(0x1816_0ddd, &[])),
        (erc20, abi(0x95d8_9b41, &[])),
        (erc20, abi(0xdead_beef, &[])),
        (erc20, vec![1, 2]),
        (counter, Vec::new()),
        (counter, vec![0]),
        (caller, caller_call(1, counter, 0)),
        (caller, caller_call(6, counter, 0)),
        (caller, caller_call(2, counter, 0)),
        (caller, caller_call(3, counter, 0)),
        (caller, create),
        (caller, create2.clone()),
        (caller, create2),
        (demo, bignum(0, 50)),
        (demo, bignum(1, 50)),
        (demo, bignum(2, 7)),
    ]
}

#[test]
fn example_contracts_agree_on_both_paths() {
    for schedule in [GasSchedule::V1, GasSchedule::HERA_UNMETERED] {
        let mut hosts = hosts(schedule);
        let erc20 = deploy(&mut hosts, ERC20);
        let caller = deploy(&mut hosts, CALLER);
        let counter = deploy(&mut hosts, COUNTER);
        let demo = deploy(&mut hosts, BIGNUM_DEMO);
        // A second copy of each contract: deploys are deterministic on both paths too.
        for (_, code) in CONTRACTS {
            deploy(&mut hosts, code);
        }
        for (to, input) in scenario_inputs(erc20, caller, counter, demo) {
            both(&mut hosts, &call(to, &input, GAS));
        }
    }
}

/// The smallest gas limit with which `input` to `to` succeeds on `host`.
fn gas_boundary(host: &World, to: Address, input: &[u8]) -> u64 {
    let succeeds = |gas| {
        let mut host = host.clone();
        host.transact(&call(to, input, gas)).status == Status::Success
    };
    assert!(succeeds(GAS), "the call succeeds with plenty of gas");
    let (mut low, mut high) = (0, GAS);
    while low + 1 < high {
        let middle = low + (high - low) / 2;
        if succeeds(middle) {
            high = middle;
        } else {
            low = middle;
        }
    }
    high
}

#[test]
fn gas_boundaries_are_identical() {
    let mut hosts = hosts(GasSchedule::V1);
    let erc20 = deploy(&mut hosts, ERC20);
    let caller = deploy(&mut hosts, CALLER);
    let counter = deploy(&mut hosts, COUNTER);
    let transfer = abi(0xa905_9cbb, &[address_word(BOB), word(1)]);
    let mut nested = vec![1u8];
    nested.extend_from_slice(&counter.0);
    nested.extend_from_slice(&0u128.to_be_bytes());
    for (to, input) in [(erc20, transfer), (counter, Vec::new()), (caller, nested)] {
        let [interpreter, native] = &hosts;
        let expected = gas_boundary(interpreter, to, &input);
        assert_eq!(gas_boundary(native, to, &input), expected, "{to:?}");
        // One unit less fails on both, with the same status.
        let below = |host: &World| host.clone().transact(&call(to, &input, expected - 1));
        assert_eq!(below(native), below(interpreter));
    }
}

/// Recurses `n` times (n from the call data) in Wasm, then stores `n` in slot 0.
const WASM_RECURSION: &str = r#"(module
    (import "ethereum" "callDataCopy" (func $copy (param i32 i32 i32)))
    (import "ethereum" "storageStore" (func $store (param i32 i32)))
    (memory (export "memory") 1)
    (func $down (param $n i32) (result i32)
        (if (result i32) (i32.eqz (local.get $n))
            (then (i32.const 0))
            (else (i32.add (call $down (i32.sub (local.get $n) (i32.const 1))) (i32.const 1)))))
    (func (export "main")
        (call $copy (i32.const 0) (i32.const 0) (i32.const 4))
        (i32.store (i32.const 32) (call $down (i32.load (i32.const 0))))
        (call $store (i32.const 64) (i32.const 32))))"#;

/// The regression contracts found by fuzzing (`contracts/wat/regressions/`) deploy and
/// run successfully, with identical outcomes and state, on both paths; each checks its
/// own results and reverts or traps when they are wrong.
#[test]
fn regression_contracts_succeed_on_both_paths() {
    let regressions = ssvm_contracts::regressions::ALL;
    assert!(!regressions.is_empty());
    for (name, code) in regressions {
        let mut hosts = hosts(GasSchedule::V1);
        let contract = Address([0x7a; 20]);
        for host in &mut hosts {
            host.set_account(contract, U256::ZERO, code.to_vec());
        }
        let called = both(&mut hosts, &call(contract, &[], GAS));
        assert_eq!(called.status, Status::Success, "{name}: {called:?}");
        let deployed = both(
            &mut hosts,
            &Message {
                kind: CallKind::Create,
                sender: ALICE,
                gas: GAS,
                input: code,
                ..Message::default()
            },
        );
        assert_eq!(deployed.status, Status::Success, "{name}: {deployed:?}");
    }
}

#[test]
fn recursion_fails_at_the_same_depth_on_both_paths() {
    let code = wat::parse_str(WASM_RECURSION).unwrap();
    for schedule in [GasSchedule::V1, GasSchedule::HERA_UNMETERED] {
        let [mut interpreter, mut native] = hosts(schedule);
        let contract = Address([0x77; 20]);
        interpreter.set_account(contract, U256::ZERO, code.clone());
        native.set_account(contract, U256::ZERO, code.clone());
        let mut hosts = [interpreter, native];
        // main is depth 1: 1022 more calls reach the limit, 1023 exceed it.
        for n in [0u32, 1, 100, 1022, 1023, 5000] {
            let input = n.to_le_bytes();
            let outcome = both(&mut hosts, &call(contract, &input, GAS));
            let expected = if n <= 1022 {
                Status::Success
            } else {
                Status::Failure
            };
            assert_eq!(outcome.status, expected, "{n}");
        }
    }
}

#[test]
fn nested_contract_calls_reach_the_same_depth() {
    // Each nested execution takes native stack on both paths.
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(|| {
            let [mut interpreter, mut native] = hosts(GasSchedule::HERA_UNMETERED);
            let contract = Address([0x78; 20]);
            interpreter.set_account(contract, U256::ZERO, probes::RECURSE.to_vec());
            native.set_account(contract, U256::ZERO, probes::RECURSE.to_vec());
            let mut hosts = [interpreter, native];
            let outcome = both(&mut hosts, &call(contract, &[], 10_000_000_000_000));
            assert_eq!(outcome.status, Status::Success);
        })
        .unwrap()
        .join()
        .unwrap();
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
            both(&mut hosts, &call(contract, &pages.to_le_bytes(), GAS));
            assert_eq!(hosts[1].memory_in_use, 0, "every page is released");
        }
    }
}

#[test]
fn invalid_code_fails_validation_on_both_paths() {
    for code in [
        ssvm_contracts::fixtures::FLOAT,
        b"\0asm\x01\0\0\0\x01" as &[u8],
    ] {
        let config = Config::contract(GasSchedule::V1);
        let message = Message {
            gas: GAS,
            ..Message::default()
        };
        let mut host = World::empty(config, Backend::Interpreter);
        let expected = execute(&config, &mut host, &message, code);
        let actual = engine().execute(&config, &mut host, &message, code);
        assert_eq!(actual.status, Status::ContractValidationFailure);
        assert_eq!(actual, expected);
    }
}
