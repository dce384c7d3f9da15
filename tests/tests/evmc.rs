//! `libssvm-evmc.so` loaded by path with dlopen, driven through an in-memory ABI-12
//! host: the checks evmc-vmtester makes, every option, every status code, the ERC20
//! flow and nested calls, and the Ewasm state tests (151/151) through the library.

#![allow(unsafe_code)]

use std::collections::BTreeMap;
use std::rc::Rc;

use ssvm_engine::world::{Account, Executor, World};
use ssvm_engine::{Address, Bytes32, CallKind, Host, Message, Status, TxContext, U256};
use ssvm_evmc::ffi::*;
use ssvm_evmc::host::{take_result, to_message};
use ssvm_tests::evmc_host::{EvmcLibrary, HOST_INTERFACE, built_library};

fn library() -> EvmcLibrary {
    EvmcLibrary::load(&built_library().expect("built libssvm-evmc.so")).expect("loads")
}

const ALICE: Address = Address([0xa1; 20]);
const BOB: Address = Address([0xb0; 20]);
const CONTRACT: Address = Address([0xcc; 20]);

fn world(vm: Rc<EvmcLibrary>) -> World {
    let mut accounts = BTreeMap::new();
    for address in [ALICE, BOB] {
        accounts.insert(
            address,
            Account {
                balance: U256::from(10u128.pow(20)),
                ..Account::default()
            },
        );
    }
    let mut world = World::new(
        accounts,
        TxContext {
            number: 10,
            gas_limit: 10_000_000,
            chain_id: U256::from(1u8),
            ..TxContext::default()
        },
        vm,
    );
    world.hash_unknown_blocks = true;
    world
}

/// Runs raw `execute` with our host over `world`; returns the released result.
fn execute(
    vm: &EvmcLibrary,
    world: &mut World,
    message: &evmc_message,
    code: &[u8],
) -> (Status, Vec<u8>, u64, u64, Address) {
    let context: *mut World = world;
    // SAFETY: our host interface with its `World` context, a valid message and code.
    let result = unsafe { vm.execute_raw(&HOST_INTERFACE, context.cast(), message, code) };
    assert!(
        result.output_size == 0 || result.release.is_some(),
        "output memory must come with a release function"
    );
    // SAFETY: the VM's result, released once.
    unsafe { take_result(result) }
}

fn call_message(gas: u64, input: &[u8]) -> evmc_message {
    to_message(&Message {
        kind: CallKind::Call,
        gas,
        recipient: CONTRACT,
        code_address: CONTRACT,
        sender: ALICE,
        input,
        ..Message::default()
    })
}

fn wat(text: &str) -> Vec<u8> {
    wat::parse_str(text).expect("valid WAT")
}

const EVMC_MESSAGE_ZERO: evmc_message = evmc_message {
    kind: evmc_call_kind::EVMC_CALL,
    flags: 0,
    depth: 0,
    gas: 0,
    recipient: evmc_address { bytes: [0; 20] },
    sender: evmc_address { bytes: [0; 20] },
    input_data: core::ptr::null(),
    input_size: 0,
    value: evmc_bytes32 { bytes: [0; 32] },
    create2_salt: evmc_bytes32 { bytes: [0; 32] },
    code_address: evmc_address { bytes: [0; 20] },
    code: core::ptr::null(),
    code_size: 0,
};

#[test]
fn vmtester_checks() {
    let vm = library();
    assert_eq!(vm.abi_version(), 12);
    assert_eq!(vm.name().as_deref(), Some("ssvm"));
    assert_eq!(vm.version().as_deref(), Some(env!("CARGO_PKG_VERSION")));
    assert_eq!(vm.capabilities(), EVMC_CAPABILITY_EWASM);
    // Unknown names (with any value, or none) and a null name.
    for value in [Some("v"), Some("x"), None] {
        assert_eq!(
            vm.set_option(Some("unknown_option_csk9twq"), value),
            evmc_set_option_result::EVMC_SET_OPTION_INVALID_NAME
        );
    }
    assert_eq!(
        vm.set_option(None, Some("true")),
        evmc_set_option_result::EVMC_SET_OPTION_INVALID_NAME
    );
    // Known names with bad or missing values.
    for name in ["metering", "evm1mode", "engine", "keccak09"] {
        for value in [Some("GjNOONsbUl"), None] {
            assert_eq!(
                vm.set_option(Some(name), value),
                evmc_set_option_result::EVMC_SET_OPTION_INVALID_VALUE,
                "{name}={value:?}"
            );
        }
    }
    // execute_call / execute_create with a zero message and non-Wasm code.
    let code = [0xfe, 0x00];
    let mut world = world(Rc::new(library()));
    for kind in [evmc_call_kind::EVMC_CALL, evmc_call_kind::EVMC_CREATE] {
        let message = evmc_message {
            kind,
            gas: 65_536,
            ..EVMC_MESSAGE_ZERO
        };
        let context: *mut World = &mut world;
        // SAFETY: valid host, context, message and code.
        let result = unsafe { vm.execute_raw(&HOST_INTERFACE, context.cast(), &message, &code) };
        assert_eq!(result.status_code, evmc_status_code::EVMC_FAILURE);
        assert_eq!(result.gas_left, 0);
        assert!(result.output_data.is_null() && result.output_size == 0);
        assert_eq!(result.create_address, evmc_address::default());
        // SAFETY: released once.
        unsafe { take_result(result) };
    }
    // Several instances coexist and are destroyed independently (Drop).
    let other = library();
    drop(vm);
    assert_eq!(other.abi_version(), 12);
}

#[test]
fn null_ish_calls_are_internal_errors() {
    let vm = library();
    let mut world = world(Rc::new(library()));
    let context: *mut World = &mut world;
    let code = wat(r#"(module (memory (export "memory") 1) (func (export "main")))"#);
    let execute = |host: *const evmc_host_interface, message: *const evmc_message, code: &[u8]| {
        // SAFETY: the VM must cope with the null pointers and bad values given here.
        let result = unsafe { vm.execute_raw(host, context.cast(), message, code) };
        let status = result.status_code;
        // SAFETY: released once.
        unsafe { take_result(result) };
        status
    };
    let message = call_message(1_000, &[]);
    assert_eq!(
        execute(core::ptr::null(), &message, &code),
        evmc_status_code::EVMC_INTERNAL_ERROR
    );
    assert_eq!(
        execute(&HOST_INTERFACE, core::ptr::null(), &code),
        evmc_status_code::EVMC_INTERNAL_ERROR
    );
    let negative = evmc_message { gas: -1, ..message };
    assert_eq!(
        execute(&HOST_INTERFACE, &negative, &code),
        evmc_status_code::EVMC_INTERNAL_ERROR
    );
    let bad_input = evmc_message {
        input_size: 4,
        ..message
    };
    assert_eq!(
        execute(&HOST_INTERFACE, &bad_input, &code),
        evmc_status_code::EVMC_INTERNAL_ERROR
    );
    let eof = evmc_message {
        kind: evmc_call_kind::EVMC_EOFCREATE,
        ..message
    };
    assert_eq!(
        execute(&HOST_INTERFACE, &eof, &code),
        evmc_status_code::EVMC_REJECTED
    );
    // Empty code succeeds with all gas.
    let empty = {
        // SAFETY: valid arguments.
        let result = unsafe { vm.execute_raw(&HOST_INTERFACE, context.cast(), &message, &[]) };
        (result.status_code, result.gas_left)
    };
    assert_eq!(empty, (evmc_status_code::EVMC_SUCCESS, 1_000));
}

#[test]
fn every_status_code() {
    let vm = library();
    let contract = |body: &str| {
        wat(&format!(
            r#"(module
                (import "ethereum" "useGas" (func $useGas (param i64)))
                (import "ethereum" "storageStore" (func $store (param i32 i32)))
                (import "ethereum" "finish" (func $finish (param i32 i32)))
                (import "ethereum" "revert" (func $revert (param i32 i32)))
                (memory (export "memory") 1)
                (func (export "main") {body}))"#
        ))
    };
    let cases: &[(&str, u64, bool, evmc_status_code)] = &[
        (
            "(call $finish (i32.const 0) (i32.const 4))",
            100_000,
            false,
            evmc_status_code::EVMC_SUCCESS,
        ),
        (
            "(call $revert (i32.const 0) (i32.const 4))",
            100_000,
            false,
            evmc_status_code::EVMC_REVERT,
        ),
        (
            "(unreachable)",
            100_000,
            false,
            evmc_status_code::EVMC_FAILURE,
        ),
        (
            "(call $useGas (i64.const 1000000))",
            100_000,
            false,
            evmc_status_code::EVMC_OUT_OF_GAS,
        ),
        (
            "(call $finish (i32.const 65535) (i32.const 4))",
            100_000,
            false,
            evmc_status_code::EVMC_INVALID_MEMORY_ACCESS,
        ),
        (
            "(call $store (i32.const 0) (i32.const 0))",
            100_000,
            true,
            evmc_status_code::EVMC_STATIC_MODE_VIOLATION,
        ),
        (
            "(call $useGas (i64.const -1))",
            100_000,
            false,
            evmc_status_code::EVMC_ARGUMENT_OUT_OF_RANGE,
        ),
    ];
    let mut world = world(Rc::new(library()));
    for &(body, gas, is_static, expected) in cases {
        let code = contract(body);
        let message = evmc_message {
            flags: if is_static { EVMC_STATIC } else { 0 },
            ..call_message(gas, &[])
        };
        let context: *mut World = &mut world;
        // SAFETY: valid arguments.
        let result = unsafe { vm.execute_raw(&HOST_INTERFACE, context.cast(), &message, &code) };
        assert_eq!(result.status_code, expected, "{body}");
        if expected == evmc_status_code::EVMC_SUCCESS || expected == evmc_status_code::EVMC_REVERT {
            assert!(result.gas_left > 0);
            assert_eq!(result.output_size, 4);
        } else {
            assert_eq!(result.gas_left, 0, "{body}");
            assert_eq!(result.output_size, 0, "{body}");
        }
        // SAFETY: released once.
        unsafe { take_result(result) };
    }
    // Invalid code and non-Wasm code.
    let invalid =
        wat(r#"(module (memory (export "memory") 1) (func (export "main") (drop (f32.const 1))))"#);
    let (status, ..) = execute(&vm, &mut world, &call_message(10_000, &[]), &invalid);
    assert_eq!(status, Status::ContractValidationFailure);
    assert_eq!(
        vm.set_option(Some("evm1mode"), Some("fallback")),
        evmc_set_option_result::EVMC_SET_OPTION_SUCCESS
    );
    let context: *mut World = &mut world;
    // SAFETY: valid arguments.
    let rejected = unsafe {
        vm.execute_raw(
            &HOST_INTERFACE,
            context.cast(),
            &call_message(10_000, &[]),
            &[0x60, 0x00],
        )
    };
    assert_eq!(rejected.status_code, evmc_status_code::EVMC_REJECTED);
    assert_eq!(rejected.gas_left, 0);
}

#[test]
fn options_change_behaviour() {
    let vm = library();
    let mut world = world(Rc::new(library()));
    let loop_code = wat(r#"(module (memory (export "memory") 1)
            (func (export "main") (local i32)
                (loop $l (br_if $l (i32.lt_u (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (i32.const 100))))))"#);
    let gas_used = |vm: &EvmcLibrary, world: &mut World| {
        let (status, _, gas_left, ..) =
            execute(vm, world, &call_message(1_000_000, &[]), &loop_code);
        assert_eq!(status, Status::Success);
        1_000_000 - gas_left
    };
    // Default: metering on (schedule V1: one page and the loop's instructions).
    let metered = gas_used(&vm, &mut world);
    assert!(metered > 1024 + 100, "metered: {metered}");
    assert_eq!(
        vm.set_option(Some("metering"), Some("false")),
        evmc_set_option_result::EVMC_SET_OPTION_SUCCESS
    );
    assert_eq!(
        gas_used(&vm, &mut world),
        0,
        "unmetered: only the EEI costs gas"
    );
    assert_eq!(
        vm.set_option(Some("metering"), Some("true")),
        evmc_set_option_result::EVMC_SET_OPTION_SUCCESS
    );
    assert_eq!(gas_used(&vm, &mut world), metered);

    // engine: the AOT path charges exactly what the interpreter does, with or without
    // an on-disk cache (a second library instance loads the artifact from it). The
    // options take effect in either order: a directory set after `engine=aot` rebuilds
    // the engine.
    assert_eq!(
        vm.set_option(Some("engine"), Some("aot")),
        evmc_set_option_result::EVMC_SET_OPTION_SUCCESS
    );
    assert_eq!(gas_used(&vm, &mut world), metered, "aot, in-memory cache");
    let cache = std::env::temp_dir().join(format!("ssvm-evmc-aot-{}", std::process::id()));
    let engine = ("engine", "aot");
    let directory = ("aot_cache_dir", cache.to_str().unwrap());
    let mut artifact = None;
    for (run, options) in [
        ("compiles", [engine, directory]),
        ("loads", [directory, engine]),
    ] {
        let vm = library();
        for (name, value) in options {
            assert_eq!(
                vm.set_option(Some(name), Some(value)),
                evmc_set_option_result::EVMC_SET_OPTION_SUCCESS
            );
        }
        assert_eq!(gas_used(&vm, &mut world), metered, "aot that {run}");
        let artifacts: Vec<_> = std::fs::read_dir(&cache)
            .unwrap()
            .map(|entry| {
                let entry = entry.unwrap();
                (entry.path(), entry.metadata().unwrap().modified().unwrap())
            })
            .collect();
        assert_eq!(artifacts.len(), 1, "one compiled contract on disk");
        // The second instance loads the artifact the first wrote, untouched.
        assert_eq!(
            *artifact.get_or_insert(artifacts[0].clone()),
            artifacts[0],
            "{run}"
        );
    }
    std::fs::remove_dir_all(&cache).ok();
    assert_eq!(
        vm.set_option(Some("aot_cache_dir"), Some("")),
        evmc_set_option_result::EVMC_SET_OPTION_INVALID_VALUE
    );
    assert_eq!(
        vm.set_option(Some("engine"), Some("interpreter")),
        evmc_set_option_result::EVMC_SET_OPTION_SUCCESS
    );
    assert_eq!(gas_used(&vm, &mut world), metered);

    // keccak09: off, 0x..09 is an empty account; on, it hashes.
    let keccak_call = wat(r#"(module
            (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
            (import "ethereum" "getReturnDataSize" (func $size (result i32)))
            (import "ethereum" "returnDataCopy" (func $copy (param i32 i32 i32)))
            (import "ethereum" "finish" (func $finish (param i32 i32)))
            (memory (export "memory") 1)
            (func (export "main")
                (i32.store8 (i32.const 19) (i32.const 9))
                (drop (call $call (i64.const 10000) (i32.const 0) (i32.const 100) (i32.const 200) (i32.const 3)))
                (call $copy (i32.const 300) (i32.const 0) (call $size))
                (call $finish (i32.const 300) (call $size))))"#);
    let (_, output, ..) = execute(&vm, &mut world, &call_message(100_000, &[]), &keccak_call);
    assert!(output.is_empty(), "keccak09 is off by default");
    assert_eq!(
        vm.set_option(Some("keccak09"), Some("true")),
        evmc_set_option_result::EVMC_SET_OPTION_SUCCESS
    );
    let (_, output, ..) = execute(&vm, &mut world, &call_message(100_000, &[]), &keccak_call);
    assert_eq!(output, ssvm_engine::keccak256(&[0, 0, 0]).0);

    // evm1mode: reject (default) is FAILURE, fallback is REJECTED.
    let evm = [0x60, 0x01, 0x60, 0x00, 0x55];
    let (status, ..) = execute(&vm, &mut world, &call_message(1_000, &[]), &evm);
    assert_eq!(status, Status::Failure);
}

fn transact(
    world: &mut World,
    kind: CallKind,
    to: Address,
    input: &[u8],
    sender: Address,
) -> ssvm_engine::ExecutionResult {
    world.call(&Message {
        kind,
        gas: 5_000_000,
        recipient: to,
        code_address: to,
        sender,
        input,
        ..Message::default()
    })
}

fn abi(selector: u32, args: &[[u8; 32]]) -> Vec<u8> {
    let mut out = selector.to_be_bytes().to_vec();
    for arg in args {
        out.extend_from_slice(arg);
    }
    out
}

fn word(address: Address) -> [u8; 32] {
    let mut out = [0; 32];
    out[12..].copy_from_slice(&address.0);
    out
}

#[test]
fn erc20_and_nested_calls_through_the_library() {
    let vm = Rc::new(library());
    assert_eq!(
        vm.set_option(Some("metering"), Some("true")),
        evmc_set_option_result::EVMC_SET_OPTION_SUCCESS
    );
    let mut world = world(vm.clone());
    let deployed = transact(
        &mut world,
        CallKind::Create,
        Address::ZERO,
        ssvm_contracts::ERC20,
        ALICE,
    );
    assert_eq!(deployed.status, Status::Success, "{deployed:?}");
    let token = deployed.create_address.expect("created");
    assert_eq!(&world.accounts()[&token].code[..], ssvm_contracts::ERC20);
    let mut amount = [0u8; 32];
    amount[31] = 42;
    let transfer = transact(
        &mut world,
        CallKind::Call,
        token,
        &abi(0xa905_9cbb, &[word(BOB), amount]),
        ALICE,
    );
    assert_eq!(transfer.status, Status::Success);
    let balance = transact(
        &mut world,
        CallKind::Call,
        token,
        &abi(0x70a0_8231, &[word(BOB)]),
        ALICE,
    );
    assert_eq!(balance.output, amount);
    let log = world.logs().last().expect("Transfer log");
    assert_eq!(log.address, token);
    assert_eq!(log.topics[2], Bytes32(word(BOB)));
    let overdraft = transact(
        &mut world,
        CallKind::Call,
        token,
        &abi(0xa905_9cbb, &[word(ALICE), [0xff; 32]]),
        BOB,
    );
    assert_eq!(overdraft.status, Status::Revert);
    assert_eq!(overdraft.output, b"insufficient balance");

    // Nested: the caller contract calls the counter through the host; a revert in
    // the caller undoes the counter's increment.
    let caller = transact(
        &mut world,
        CallKind::Create,
        Address::ZERO,
        ssvm_contracts::CALLER,
        ALICE,
    )
    .create_address
    .expect("caller deployed");
    let counter = transact(
        &mut world,
        CallKind::Create,
        Address::ZERO,
        ssvm_contracts::COUNTER,
        ALICE,
    )
    .create_address
    .expect("counter deployed");
    let mut input = vec![1];
    input.extend_from_slice(&counter.0);
    input.extend_from_slice(&0u128.to_be_bytes());
    let out = transact(&mut world, CallKind::Call, caller, &input, ALICE);
    assert_eq!(out.status, Status::Success);
    assert_eq!(&out.output[..4], &[0, 0, 0, 0]);
    assert_eq!(world.storage(&counter, &Bytes32::ZERO).0[31], 1);
    input[0] = 6;
    let reverted = transact(&mut world, CallKind::Call, caller, &input, ALICE);
    assert_eq!(reverted.status, Status::Revert);
    assert_eq!(
        world.storage(&counter, &Bytes32::ZERO).0[31],
        1,
        "rolled back"
    );
    // The callee ran in the library too: the VM's execute was re-entered.
    assert_eq!(&reverted.output[4 + 31..], &[2]);
}

#[test]
fn ewasm_state_tests_through_the_library() {
    state_tests_through_the_library("interpreter");
}

#[test]
fn ewasm_state_tests_through_the_library_on_aot() {
    state_tests_through_the_library("aot");
}

fn state_tests_through_the_library(engine: &'static str) {
    let Some(shared) = ssvm_tests::shared_dir("Ewasm state tests through libssvm-evmc.so") else {
        return;
    };
    let result = std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(move || {
            let vm = library();
            for (name, value) in [("metering", "false"), ("engine", engine)] {
                assert_eq!(
                    vm.set_option(Some(name), Some(value)),
                    evmc_set_option_result::EVMC_SET_OPTION_SUCCESS
                );
            }
            let options = ssvm_tests::statetest::Options {
                vm: Rc::new(vm) as Rc<dyn Executor>,
                trace: false,
            };
            let dir = shared.join("ewasm-tests/GeneralStateTests");
            let (mut passed, mut failed) = (0, Vec::new());
            for file in ssvm_tests::json_files(&dir).unwrap() {
                let tests = ssvm_tests::statetest::read_file(&file).unwrap();
                for (name, test) in &tests {
                    for case in ssvm_tests::statetest::run_test(name, test, &options) {
                        if case.pass {
                            passed += 1;
                        } else {
                            failed.push(format!("{name}: {:?}", case.error));
                        }
                    }
                }
            }
            (passed, failed)
        })
        .unwrap()
        .join()
        .unwrap();
    let (passed, failed) = result;
    for failure in &failed {
        println!("FAIL {failure}");
    }
    println!(
        "state tests: {passed} passed, {} failed (Ewasm suite, through libssvm-evmc.so, \
         engine={engine})",
        failed.len()
    );
    assert!(failed.is_empty());
    assert_eq!(passed, 151);
}
