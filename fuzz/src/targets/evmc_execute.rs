//! `evmc_execute`: arbitrary EVMC messages and code through the library's `execute`.
//!
//! The VM is `libssvm-evmc`'s own, created through its rlib (`evmc_create_ssvm_evmc`),
//! with options from the input (`metering`, `engine`, `evm1mode`, `keccak09`); the host
//! is the state-test runner's ABI-12 host over an in-memory [`World`]. Messages have
//! arbitrary kinds (unknown ones included), flags, depths and gas (negative included),
//! values, addresses and input; code is generated, an example contract, raw bytes or
//! not Wasm at all.
//!
//! Oracles: no crash (a panic inside `execute` is caught by the library, but the
//! fuzzer's panic hook aborts first); a defined status code; `gas_left` within
//! `[0, gas]` and 0 unless SUCCESS or REVERT; output only with SUCCESS or REVERT; a
//! refund only with SUCCESS; REJECTED for unknown kinds, INTERNAL_ERROR for negative
//! gas, FAILURE or REJECTED (by `evm1mode`) for code without the Wasm preamble. Every
//! valid message must end exactly as the engine called directly on an identical world
//! ends (status, output, gas, refund, accounts and logs): the adapter converts and
//! adds nothing.

use std::collections::BTreeMap;
use std::ffi::CString;
use std::rc::Rc;

use arbitrary::Unstructured;
use ssvm_engine::Backend;
use ssvm_engine::world::{Account, Engine as InProcess, Executor, World};
use ssvm_engine::{
    Bytes32, CallKind, Config, ExecutionResult, GasSchedule, Message, Status, TxContext, U256,
};
use ssvm_evmc::ffi::*;
use ssvm_evmc::host::{take_result, to_message};
use ssvm_tests::evmc_host::{execute_on_world, result_of};

use crate::generate;
use crate::stats::note;
use crate::targets::contract::{CONTRACT, SENDER, low_address};

/// The library's VM, created once per thread and never destroyed.
struct EvmcVm(*mut evmc_vm);

impl EvmcVm {
    fn new() -> EvmcVm {
        EvmcVm(ssvm_evmc::evmc_create_ssvm_evmc())
    }

    fn set_option(&self, name: &str, value: &str) {
        let (name, value) = (
            CString::new(name).expect("no NUL"),
            CString::new(value).expect("no NUL"),
        );
        // SAFETY: `self.0` is a live VM of the library; the strings are NUL-terminated
        // and outlive the call.
        let set = unsafe { (*self.0).set_option }.expect("set_option");
        // SAFETY: as above.
        let result = unsafe { set(self.0, name.as_ptr(), value.as_ptr()) };
        assert_eq!(
            result,
            evmc_set_option_result::EVMC_SET_OPTION_SUCCESS,
            "{name:?}={value:?}"
        );
    }
}

thread_local! {
    /// One VM per engine, so that the AOT engine and the caches persist across inputs.
    static VMS: [EvmcVm; 2] = [EvmcVm::new(), EvmcVm::new()];
}

/// The library as an [`Executor`] of the world, for nested calls.
struct Library(*mut evmc_vm);

impl Executor for Library {
    fn execute(&self, world: &mut World, message: &Message<'_>, code: &[u8]) -> ExecutionResult {
        // SAFETY: a live VM of the library; the result is taken once.
        unsafe { result_of(execute_on_world(self.0, world, &to_message(message), code)) }
    }
}

/// The world of every execution: the sender, the contract, the example contracts at the
/// low addresses.
fn world(code: &[u8], vm: Rc<dyn Executor>) -> World {
    let mut accounts = BTreeMap::new();
    let account = |balance: u64, code: &[u8]| Account {
        balance: U256::from(balance),
        nonce: 1,
        code: code.into(),
        storage: BTreeMap::new(),
    };
    accounts.insert(SENDER, account(u64::MAX, &[]));
    accounts.insert(CONTRACT, account(1000, code));
    accounts.insert(low_address(0), account(7, ssvm_contracts::COUNTER));
    accounts.insert(low_address(1), account(0, ssvm_contracts::CALLER));
    accounts.insert(low_address(2), account(1, ssvm_contracts::ERC20));
    accounts.insert(low_address(3), account(0, code));
    let tx = TxContext {
        origin: SENDER,
        number: 10,
        timestamp: 1_000,
        gas_limit: 10_000_000,
        chain_id: U256::from(1u8),
        gas_price: U256::from(1u8),
        ..TxContext::default()
    };
    let mut world = World::new(accounts, tx, vm);
    world.hash_unknown_blocks = true;
    world
}

/// Runs one input; panics on a finding.
pub fn run(data: &[u8]) {
    note("evmc_execute.runs");
    let mut u = Unstructured::new(data);
    let metering = u.ratio(7, 8).unwrap_or(true);
    let aot = u.ratio(1, 3).unwrap_or(false);
    let fallback = u.arbitrary().unwrap_or(false);
    let keccak09 = u.arbitrary().unwrap_or(false);
    let kind = match u.int_in_range(0..=15u8).unwrap_or(0) {
        0..=7 => 0,
        8 => 1,
        9 => 2,
        10 => 3,
        11 => 4,
        12 => 5,
        _ => u.arbitrary::<i32>().unwrap_or(-1),
    };
    let flags = if u.ratio(1, 5).unwrap_or(false) {
        EVMC_STATIC
    } else if u.ratio(1, 20).unwrap_or(false) {
        u.arbitrary().unwrap_or(0)
    } else {
        0
    };
    let depth = match u.int_in_range(0..=9u8).unwrap_or(0) {
        0..=6 => 0,
        7 => 1023,
        8 => 1024,
        _ => u.arbitrary().unwrap_or(-1),
    };
    let gas: i64 = match u.int_in_range(0..=19u8).unwrap_or(0) {
        0 => -u.int_in_range(1..=i64::MAX).unwrap_or(1),
        1 => i64::MAX,
        2 => 0,
        _ => u.int_in_range(0..=2_000_000).unwrap_or(0),
    };
    let value = if u.ratio(1, 4).unwrap_or(false) {
        U256::from(u.arbitrary::<u128>().unwrap_or(0))
    } else {
        U256::from(u.int_in_range(0..=100u32).unwrap_or(0))
    };
    let input_len = u.int_in_range(0..=64usize).unwrap_or(0);
    let input = u.bytes(input_len).unwrap_or(&[]).to_vec();
    let recipient = if u.ratio(1, 8).unwrap_or(false) {
        low_address(u.int_in_range(0..=3).unwrap_or(0))
    } else {
        CONTRACT
    };
    let code: Vec<u8> = match u.int_in_range(0..=9u8).unwrap_or(0) {
        0..=3 => match generate::contract_module(&mut u) {
            Ok((_, code)) => code,
            Err(_) => return,
        },
        4 | 5 => {
            let contracts = ssvm_contracts::CONTRACTS;
            let index = usize::from(u.arbitrary::<u8>().unwrap_or(0)) % contracts.len();
            contracts[index].1.to_vec()
        }
        6 => Vec::new(),
        7 => vec![0x60, 0x00, 0x60, 0x00, 0xf3],
        _ => u.take_rest().to_vec(),
    };
    check(
        &Options {
            metering,
            aot,
            fallback,
            keccak09,
        },
        kind,
        flags,
        depth,
        gas,
        &Message {
            kind: CallKind::Call,
            is_static: false,
            depth: 0,
            gas: 0,
            recipient,
            sender: SENDER,
            input: &input,
            value,
            code_address: recipient,
            salt: Bytes32([3; 32]),
        },
        &code,
    );
}

/// The VM options of one execution.
struct Options {
    metering: bool,
    aot: bool,
    fallback: bool,
    keccak09: bool,
}

/// Executes through the library and checks the oracles. `base` gives the message's
/// addresses, input and value; `kind`, `flags`, `depth` and `gas` are raw.
fn check(
    options: &Options,
    kind: i32,
    flags: u32,
    depth: i32,
    gas: i64,
    base: &Message<'_>,
    code: &[u8],
) {
    let bool_text = |b: bool| if b { "true" } else { "false" };
    let raw_vm = VMS.with(|vms| {
        let vm = &vms[usize::from(options.aot)];
        vm.set_option("metering", bool_text(options.metering));
        vm.set_option("engine", if options.aot { "aot" } else { "interpreter" });
        vm.set_option(
            "evm1mode",
            if options.fallback {
                "fallback"
            } else {
                "reject"
            },
        );
        vm.set_option("keccak09", bool_text(options.keccak09));
        vm.0
    });
    if !options.metering
        && !code.is_empty()
        && !ssvm_contracts::CONTRACTS.iter().any(|(_, c)| *c == code)
    {
        // Without metering only the EEI costs gas: arbitrary code may loop forever.
        return;
    }
    let mut raw = to_message(base);
    raw.kind = evmc_call_kind(kind);
    raw.flags = flags;
    raw.depth = depth;
    raw.gas = gas;
    let library: Rc<dyn Executor> = Rc::new(Library(raw_vm));
    let mut world_evmc = world(code, library);
    // SAFETY: a live VM of the library; `raw`'s input is `base.input`, alive here.
    let result = unsafe { execute_on_world(raw_vm, &mut world_evmc, &raw, code) };
    let (raw_status, raw_gas_left) = (result.status_code, result.gas_left);
    // SAFETY: the result comes from `execute` and is released once here.
    let (status, output, gas_left, gas_refund, _) = unsafe { take_result(result) };
    let what = format!("kind {kind}, flags {flags}, depth {depth}, gas {gas}");

    // The rules every result keeps.
    let defined = raw_status == evmc_status_code::EVMC_REJECTED
        || ssvm_evmc::host::to_status(ssvm_evmc::host::from_status(raw_status)) == raw_status;
    assert!(defined, "{what}: undefined status {raw_status:?}");
    assert!(raw_gas_left >= 0, "{what}: negative gas left");
    if gas >= 0 {
        assert!(raw_gas_left <= gas, "{what}: more gas left than given");
    }
    if !matches!(status, Status::Success | Status::Revert) {
        assert_eq!(gas_left, 0, "{what}: gas left after {status}");
        assert!(output.is_empty(), "{what}: output after {status}");
    }
    if status != Status::Success {
        assert_eq!(gas_refund, 0, "{what}: refund after {status}");
    }

    // The verdicts on invalid messages and code: a negative gas is the host's error,
    // an unknown kind one the VM does not support.
    if gas < 0 {
        assert_eq!(
            raw_status,
            evmc_status_code::EVMC_INTERNAL_ERROR,
            "{what}: negative gas"
        );
        note("evmc_execute.negative_gas");
        return;
    }
    let engine_kind = ssvm_evmc::host::from_call_kind(evmc_call_kind(kind));
    let Some(engine_kind) = engine_kind else {
        assert_eq!(
            raw_status,
            evmc_status_code::EVMC_REJECTED,
            "{what}: unknown kind"
        );
        note("evmc_execute.rejected_kind");
        return;
    };
    if !code.is_empty() && !code.starts_with(b"\0asm") {
        let expected = if options.fallback {
            evmc_status_code::EVMC_REJECTED
        } else {
            evmc_status_code::EVMC_FAILURE
        };
        assert_eq!(raw_status, expected, "{what}: code that is not Wasm");
        note("evmc_execute.not_wasm");
        return;
    }

    // The same message straight into the engine, on an identical world.
    let mut config = Config::contract(if options.metering {
        GasSchedule::V1
    } else {
        GasSchedule::HERA_UNMETERED
    });
    config.keccak_system_contract = options.keccak09;
    let message = Message {
        kind: engine_kind,
        is_static: flags & EVMC_STATIC != 0,
        depth: u32::try_from(depth).unwrap_or(0),
        gas: gas as u64,
        ..base.clone()
    };
    let reference: Rc<dyn Executor> = Rc::new(InProcess {
        config,
        backend: Backend::Interpreter,
    });
    let mut world_engine = world(code, reference.clone());
    let expected = reference.execute(&mut world_engine, &message, code);
    assert_eq!(
        (status, &output, gas_left, gas_refund),
        (
            expected.status,
            &expected.output,
            expected.gas_left,
            expected.gas_refund
        ),
        "{what}: through EVMC vs the engine"
    );
    assert!(
        world_evmc.accounts() == world_engine.accounts(),
        "{what}: accounts differ"
    );
    assert!(
        world_evmc.logs() == world_engine.logs(),
        "{what}: logs differ"
    );
    note(match status {
        Status::Success => "evmc_execute.succeeded",
        Status::Revert => "evmc_execute.reverted",
        _ => "evmc_execute.failed",
    });
}
