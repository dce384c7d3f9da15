//! Whole contracts on every execution path against the interpreter: the example
//! contracts through a scenario of calls, the gas boundary of each call found by
//! bisection, the fuzzer's regression contracts, deep Wasm recursion and invalid code.
//! Every transaction is compared with the interpreter's (status, output, gas, refund,
//! logs, nested messages and state; [`Path::transact`]), so these tests assert little
//! themselves.

use ssvm_contracts::{BIGNUM_DEMO, CALLER, CONTRACTS, COUNTER, ERC20};
use ssvm_engine::world::World;
use ssvm_engine::{Address, CallKind, Config, GasSchedule, Message, Status, U256};
use ssvm_tests::every_path;
use ssvm_tests::paths::Path;

use crate::contracts::{ALICE, BOB, abi, address_word, deploy, host, word};

const GAS: u64 = 10_000_000;

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

fn example_contracts_agree(path: Path) {
    for schedule in [GasSchedule::V1, GasSchedule::HERA_UNMETERED] {
        let mut host = host(path, schedule);
        let erc20 = deploy(&mut host, ALICE, ERC20);
        let caller = deploy(&mut host, ALICE, CALLER);
        let counter = deploy(&mut host, ALICE, COUNTER);
        let demo = deploy(&mut host, ALICE, BIGNUM_DEMO);
        // A second copy of each contract: deploys are deterministic on every path too.
        for (_, code) in CONTRACTS {
            deploy(&mut host, ALICE, code);
        }
        for (to, input) in scenario_inputs(erc20, caller, counter, demo) {
            host.transact(&call(to, &input, GAS));
        }
    }
}

/// The smallest gas limit with which `input` to `to` succeeds on `world`.
fn gas_boundary(world: &World, to: Address, input: &[u8]) -> u64 {
    let succeeds = |gas| {
        let mut world = world.clone();
        world.transact(&call(to, input, gas)).status == Status::Success
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

fn gas_boundaries_are_the_interpreters(path: Path) {
    let mut host = host(path, GasSchedule::V1);
    let erc20 = deploy(&mut host, ALICE, ERC20);
    let caller = deploy(&mut host, ALICE, CALLER);
    let counter = deploy(&mut host, ALICE, COUNTER);
    let transfer = abi(0xa905_9cbb, &[address_word(BOB), word(1)]);
    let mut nested = vec![1u8];
    nested.extend_from_slice(&counter.0);
    nested.extend_from_slice(&0u128.to_be_bytes());
    let mut interpreter = host.world.clone();
    interpreter.set_executor(Path::Interpreter.executor(host.config));
    for (to, input) in [(erc20, transfer), (counter, Vec::new()), (caller, nested)] {
        let boundary = gas_boundary(&interpreter, to, &input);
        assert_eq!(gas_boundary(&host, to, &input), boundary, "{to:?}");
        // One unit less fails, as on the interpreter (which `transact` compares).
        let below = host.clone().transact(&call(to, &input, boundary - 1));
        assert_ne!(below.status, Status::Success, "{to:?} below its boundary");
    }
}

/// The regression contracts found by fuzzing (`contracts/wat/regressions/`) run and
/// deploy successfully; each checks its own results and reverts or traps when they
/// are wrong.
fn regression_contracts_succeed(path: Path) {
    let regressions = ssvm_contracts::regressions::ALL;
    assert!(!regressions.is_empty());
    for (name, code) in regressions {
        let mut host = host(path, GasSchedule::V1);
        let contract = Address([0x7a; 20]);
        host.set_account(contract, U256::ZERO, code.to_vec());
        let called = host.transact(&call(contract, &[], GAS));
        assert_eq!(called.status, Status::Success, "{name}: {called:?}");
        let deployed = host.transact(&Message {
            kind: CallKind::Create,
            sender: ALICE,
            gas: GAS,
            input: code,
            ..Message::default()
        });
        assert_eq!(deployed.status, Status::Success, "{name}: {deployed:?}");
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

fn wasm_recursion_fails_at_the_same_depth(path: Path) {
    let code = wat::parse_str(WASM_RECURSION).unwrap();
    for schedule in [GasSchedule::V1, GasSchedule::HERA_UNMETERED] {
        let mut host = host(path, schedule);
        let contract = Address([0x77; 20]);
        host.set_account(contract, U256::ZERO, code.clone());
        // main is depth 1: 1022 more calls reach the limit, 1023 exceed it.
        for n in [0u32, 1, 100, 1022, 1023, 5000] {
            let input = n.to_le_bytes();
            let outcome = host.transact(&call(contract, &input, GAS));
            let expected = if n <= 1022 {
                Status::Success
            } else {
                Status::Failure
            };
            assert_eq!(outcome.status, expected, "{n}");
        }
    }
}

fn invalid_code_fails_validation(path: Path) {
    let config = Config::contract(GasSchedule::V1);
    for code in [
        ssvm_contracts::fixtures::FLOAT,
        b"\0asm\x01\0\0\0\x01" as &[u8],
    ] {
        let message = Message {
            gas: GAS,
            ..Message::default()
        };
        let mut world = path.world(config);
        let result = path.execute(config, &mut world, &message, code);
        assert_eq!(result.status, Status::ContractValidationFailure);
        assert_eq!(result.gas_left, 0);
    }
}

every_path![
    example_contracts_agree,
    gas_boundaries_are_the_interpreters,
    regression_contracts_succeed,
    wasm_recursion_fails_at_the_same_depth,
    invalid_code_fails_validation,
];
