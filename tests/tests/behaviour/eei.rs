//! Every EEI function on every execution path ([`Path`]): success, out-of-bounds
//! pointers, static mode and out of gas, with exact gas. The contracts run under the
//! Hera (unmetered) schedule, so the gas used is exactly what the EEI charges (Hera's
//! `GasSchedule`).

use ssvm_engine::world::World;
use ssvm_engine::{
    Address, Bytes32, CallKind, Config, ExecutionResult, GasSchedule, Message, Status, U256,
};
use ssvm_tests::every_path;
use ssvm_tests::paths::Path;

const CONTRACT: Address = Address([0xcc; 20]);
const SENDER: Address = Address([0x5e; 20]);
const OTHER: Address = Address([0x07; 20]);
const GAS: u64 = 1_000_000;
/// A pointer 10 bytes before the end of the one-page memory.
const EDGE: u32 = 65_526;

/// All imports any case uses; unused imports cost nothing.
const IMPORTS: &str = r#"
    (import "ethereum" "useGas" (func $useGas (param i64)))
    (import "ethereum" "getGasLeft" (func $getGasLeft (result i64)))
    (import "ethereum" "getAddress" (func $getAddress (param i32)))
    (import "ethereum" "getExternalBalance" (func $getExternalBalance (param i32 i32)))
    (import "ethereum" "getBlockHash" (func $getBlockHash (param i64 i32) (result i32)))
    (import "ethereum" "getCallDataSize" (func $getCallDataSize (result i32)))
    (import "ethereum" "callDataCopy" (func $callDataCopy (param i32 i32 i32)))
    (import "ethereum" "getCaller" (func $getCaller (param i32)))
    (import "ethereum" "getCallValue" (func $getCallValue (param i32)))
    (import "ethereum" "codeCopy" (func $codeCopy (param i32 i32 i32)))
    (import "ethereum" "getCodeSize" (func $getCodeSize (result i32)))
    (import "ethereum" "externalCodeCopy" (func $externalCodeCopy (param i32 i32 i32 i32)))
    (import "ethereum" "getExternalCodeSize" (func $getExternalCodeSize (param i32) (result i32)))
    (import "ethereum" "getBlockCoinbase" (func $getBlockCoinbase (param i32)))
    (import "ethereum" "getBlockDifficulty" (func $getBlockDifficulty (param i32)))
    (import "ethereum" "getBlockGasLimit" (func $getBlockGasLimit (result i64)))
    (import "ethereum" "getTxGasPrice" (func $getTxGasPrice (param i32)))
    (import "ethereum" "log" (func $log (param i32 i32 i32 i32 i32 i32 i32)))
    (import "ethereum" "getBlockNumber" (func $getBlockNumber (result i64)))
    (import "ethereum" "getBlockTimestamp" (func $getBlockTimestamp (result i64)))
    (import "ethereum" "getTxOrigin" (func $getTxOrigin (param i32)))
    (import "ethereum" "storageStore" (func $storageStore (param i32 i32)))
    (import "ethereum" "storageLoad" (func $storageLoad (param i32 i32)))
    (import "ethereum" "finish" (func $finish (param i32 i32)))
    (import "ethereum" "revert" (func $revert (param i32 i32)))
    (import "ethereum" "getReturnDataSize" (func $getReturnDataSize (result i32)))
    (import "ethereum" "returnDataCopy" (func $returnDataCopy (param i32 i32 i32)))
    (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
    (import "ethereum" "callCode" (func $callCode (param i64 i32 i32 i32 i32) (result i32)))
    (import "ethereum" "callDelegate" (func $callDelegate (param i64 i32 i32 i32) (result i32)))
    (import "ethereum" "callStatic" (func $callStatic (param i64 i32 i32 i32) (result i32)))
    (import "ethereum" "create" (func $create (param i32 i32 i32 i32) (result i32)))
    (import "ethereum" "create2" (func $create2 (param i32 i32 i32 i32 i32) (result i32)))
    (import "ethereum" "selfDestruct" (func $selfDestruct (param i32)))
    (import "ethereum" "getChainId" (func $getChainId (param i32)))
"#;

/// Memory layout of the test contracts: 0: an address (OTHER), 32: a key, 64: a value,
/// 96: zeros, 1000..: scratch output.
fn contract(body: &str) -> Vec<u8> {
    contract_with(body, "")
}

/// A contract with extra module fields (passive data segments named `$name`).
fn contract_with(body: &str, fields: &str) -> Vec<u8> {
    let wat = format!(
        r#"(module {IMPORTS}
            (memory (export "memory") 1)
            (data (i32.const 0) "\07\07\07\07\07\07\07\07\07\07\07\07\07\07\07\07\07\07\07\07")
            (data (i32.const 32) "\01")
            (data (i32.const 64) "\02")
            {fields}
            (func (export "main") {body}))"#
    );
    wat::parse_str(&wat).unwrap_or_else(|e| panic!("{e}\n{wat}"))
}

struct Setup {
    path: Path,
    config: Config,
    host: World,
    is_static: bool,
    value: U256,
    input: Vec<u8>,
    gas: u64,
}

impl Setup {
    fn new(path: Path) -> Setup {
        let config = Config::contract(GasSchedule::HERA_UNMETERED);
        let mut host = path.world(config);
        host.set_account(CONTRACT, U256::from(1_000_000u32), Vec::new());
        host.set_account(OTHER, U256::from(5u8), vec![1, 2, 3, 4, 5, 6, 7, 8]);
        host.tx.origin = SENDER;
        host.tx.coinbase = Address([0xcb; 20]);
        host.tx.number = 300;
        host.tx.difficulty = U256::from(0x0102_0304u32);
        host.tx.gas_price = U256::from(7u8);
        host.tx.chain_id = U256::from(1337u32);
        host.block_hashes.insert(299, Bytes32([0x99; 32]));
        host.block_hashes.insert(44, Bytes32([0x44; 32]));
        host.block_hashes.insert(43, Bytes32([0x43; 32]));
        Setup {
            path,
            config,
            host,
            is_static: false,
            value: U256::ZERO,
            input: vec![0xab; 40],
            gas: GAS,
        }
    }

    fn run(&mut self, body: &str) -> ExecutionResult {
        self.run_with(body, "")
    }

    fn run_with(&mut self, body: &str, fields: &str) -> ExecutionResult {
        let code = contract_with(body, fields);
        self.host.account_mut(CONTRACT).code = code.clone().into();
        let config = self.config;
        let message = Message {
            kind: CallKind::Call,
            is_static: self.is_static,
            recipient: CONTRACT,
            code_address: CONTRACT,
            sender: SENDER,
            gas: self.gas,
            value: self.value,
            input: &self.input,
            ..Message::default()
        };
        self.path.execute(config, &mut self.host, &message, &code)
    }
}

fn run(path: Path, body: &str) -> ExecutionResult {
    Setup::new(path).run(body)
}

fn used(result: &ExecutionResult) -> u64 {
    GAS - result.gas_left
}

#[track_caller]
fn success(result: &ExecutionResult, gas: u64, output: &[u8]) {
    assert_eq!(result.status, Status::Success, "{:?}", result.failure);
    assert_eq!(used(result), gas, "gas used");
    assert_eq!(result.output, output);
}

#[track_caller]
fn fails(result: &ExecutionResult, status: Status) {
    assert_eq!(result.status, status, "{:?}", result.failure);
    assert_eq!(result.gas_left, 0);
    assert!(result.output.is_empty());
}

fn finish(len: u32) -> String {
    format!("(call $finish (i32.const 1000) (i32.const {len}))")
}

fn address_getters(path: Path) {
    for (function, expected) in [
        ("getAddress", CONTRACT),
        ("getCaller", SENDER),
        ("getTxOrigin", SENDER),
        ("getBlockCoinbase", Address([0xcb; 20])),
    ] {
        success(
            &run(
                path,
                &format!("(call ${function} (i32.const 1000)) {}", finish(20)),
            ),
            2,
            &expected.0,
        );
        fails(
            &run(path, &format!("(call ${function} (i32.const {EDGE}))")),
            Status::InvalidMemoryAccess,
        );
    }
}

fn u128_and_u256_getters(path: Path) {
    let mut setup = Setup::new(path);
    setup.value = U256::from(0x0102u32);
    let result = setup.run(&format!(
        "(call $getCallValue (i32.const 1000)) {}",
        finish(16)
    ));
    success(&result, 2, &0x0102u128.to_le_bytes());
    setup.value = U256::from(1u8) << 128;
    fails(
        &setup.run("(call $getCallValue (i32.const 1000))"),
        Status::ArgumentOutOfRange,
    );
    success(
        &run(
            path,
            &format!("(call $getTxGasPrice (i32.const 1000)) {}", finish(16)),
        ),
        2,
        &7u128.to_le_bytes(),
    );
    success(
        &run(
            path,
            &format!("(call $getChainId (i32.const 1000)) {}", finish(16)),
        ),
        2,
        &1337u128.to_le_bytes(),
    );
    let mut difficulty = [0u8; 32];
    difficulty[..4].copy_from_slice(&0x0102_0304u32.to_le_bytes());
    success(
        &run(
            path,
            &format!("(call $getBlockDifficulty (i32.const 1000)) {}", finish(32)),
        ),
        2,
        &difficulty,
    );
    fails(
        &run(
            path,
            &format!("(call $getBlockDifficulty (i32.const {EDGE}))"),
        ),
        Status::InvalidMemoryAccess,
    );
}

fn number_getters(path: Path) {
    for (function, expected) in [
        ("getBlockNumber", 300u64),
        ("getBlockTimestamp", 1000),
        ("getBlockGasLimit", 10_000_000),
    ] {
        let body = format!(
            "(i64.store (i32.const 1000) (call ${function})) {}",
            finish(8)
        );
        success(&run(path, &body), 2, &expected.to_le_bytes());
    }
    let body = format!(
        "(i32.store (i32.const 1000) (call $getCallDataSize)) \
         (i32.store (i32.const 1004) (call $getCodeSize)) {}",
        finish(8)
    );
    let result = run(path, &body);
    assert_eq!(&result.output[..4], &40u32.to_le_bytes());
    assert_eq!(used(&result), 4);
}

fn gas_functions(path: Path) {
    // getGasLeft reports the gas after its own charge.
    let body = format!(
        "(i64.store (i32.const 1000) (call $getGasLeft)) {}",
        finish(8)
    );
    success(&run(path, &body), 2, &(GAS - 2).to_le_bytes());
    success(&run(path, "(call $useGas (i64.const 12345))"), 12345, &[]);
    fails(
        &run(path, "(call $useGas (i64.const -5))"),
        Status::ArgumentOutOfRange,
    );
    fails(
        &run(path, &format!("(call $useGas (i64.const {}))", GAS + 1)),
        Status::OutOfGas,
    );
}

fn copies_charge_per_word_and_check_the_source(path: Path) {
    // callDataCopy: 3 + 3 × ceil(33/32) = 9.
    let result = run(
        path,
        &format!(
            "(call $callDataCopy (i32.const 1000) (i32.const 7) (i32.const 33)) {}",
            finish(33)
        ),
    );
    success(&result, 9, &[0xab; 33]);
    // Reading past the call data is an error, not zero fill.
    fails(
        &run(
            path,
            "(call $callDataCopy (i32.const 1000) (i32.const 8) (i32.const 33))",
        ),
        Status::InvalidMemoryAccess,
    );
    fails(
        &run(
            path,
            &format!("(call $callDataCopy (i32.const {EDGE}) (i32.const 0) (i32.const 11))"),
        ),
        Status::InvalidMemoryAccess,
    );
    // codeCopy of the first 8 bytes: the Wasm preamble.
    let result = run(
        path,
        &format!(
            "(call $codeCopy (i32.const 1000) (i32.const 0) (i32.const 8)) {}",
            finish(8)
        ),
    );
    success(&result, 6, b"\0asm\x01\0\0\0");
    // externalCodeCopy: 700 + 3 × 1.
    let result = run(
        path,
        &format!(
            "(call $externalCodeCopy (i32.const 0) (i32.const 1000) (i32.const 2) (i32.const 4)) {}",
            finish(4)
        ),
    );
    success(&result, 703, &[3, 4, 5, 6]);
    fails(
        &run(
            path,
            "(call $externalCodeCopy (i32.const 0) (i32.const 1000) (i32.const 6) (i32.const 4))",
        ),
        Status::InvalidMemoryAccess,
    );
    let body = format!(
        "(i32.store (i32.const 1000) (call $getExternalCodeSize (i32.const 0))) {}",
        finish(4)
    );
    success(&run(path, &body), 700, &8u32.to_le_bytes());
    // A copy that cannot be paid for.
    let mut setup = Setup::new(path);
    setup.gas = 8;
    fails(
        &setup.run("(call $callDataCopy (i32.const 1000) (i32.const 0) (i32.const 33))"),
        Status::OutOfGas,
    );
}

fn balance_and_block_hash(path: Path) {
    success(
        &run(
            path,
            &format!(
                "(call $getExternalBalance (i32.const 0) (i32.const 1000)) {}",
                finish(16)
            ),
        ),
        400,
        &5u128.to_le_bytes(),
    );
    fails(
        &run(
            path,
            &format!("(call $getExternalBalance (i32.const {EDGE}) (i32.const 1000))"),
        ),
        Status::InvalidMemoryAccess,
    );
    let hash = |n: i64| {
        run(
            path,
            &format!(
                "(i32.store (i32.const 1032) (call $getBlockHash (i64.const {n}) (i32.const 1000))) {}",
                finish(36)
            ),
        )
    };
    let previous = hash(299);
    assert_eq!(used(&previous), 800);
    assert_eq!(&previous.output[..32], &[0x99; 32]);
    assert_eq!(&previous.output[32..], &0u32.to_le_bytes());
    // Block 44 is exactly 256 blocks back: visible; 43 is not, although the host has it.
    assert_eq!(&hash(44).output[..32], &[0x44; 32]);
    let too_old = hash(43);
    assert_eq!(&too_old.output[32..], &1u32.to_le_bytes());
    assert_eq!(&too_old.output[..32], &[0; 32], "untouched on failure");
    for n in [300, 301, -1] {
        assert_eq!(&hash(n).output[32..], &1u32.to_le_bytes(), "block {n}");
    }
    // The result pointer is checked even when the hash is unavailable.
    fails(
        &run(
            path,
            &format!("(drop (call $getBlockHash (i64.const 1) (i32.const {EDGE})))"),
        ),
        Status::InvalidMemoryAccess,
    );
}

fn storage(path: Path) {
    let mut setup = Setup::new(path);
    // Zero to non-zero: 20000.
    success(
        &setup.run("(call $storageStore (i32.const 32) (i32.const 64))"),
        20_000,
        &[],
    );
    let mut value = [0u8; 32];
    value[0] = 2;
    let mut key = [0u8; 32];
    key[0] = 1;
    assert_eq!(
        setup.host.storage_at(&CONTRACT, &Bytes32(key)),
        Bytes32(value)
    );
    // Non-zero to non-zero: 5000.
    success(
        &setup.run("(call $storageStore (i32.const 32) (i32.const 32))"),
        5_000,
        &[],
    );
    // Non-zero to zero: 5000 and a 15000 refund.
    let cleared = setup.run("(call $storageStore (i32.const 32) (i32.const 96))");
    success(&cleared, 5_000, &[]);
    assert_eq!(cleared.gas_refund, 15_000);
    // Zero to zero: 5000.
    success(
        &setup.run("(call $storageStore (i32.const 32) (i32.const 96))"),
        5_000,
        &[],
    );
    // Loads cost 200.
    setup.run("(call $storageStore (i32.const 32) (i32.const 64))");
    let loaded = setup.run(&format!(
        "(call $storageLoad (i32.const 32) (i32.const 1000)) {}",
        finish(32)
    ));
    success(&loaded, 200, &value);
    fails(
        &setup.run(&format!(
            "(call $storageLoad (i32.const {EDGE}) (i32.const 1000))"
        )),
        Status::InvalidMemoryAccess,
    );
    fails(
        &setup.run(&format!(
            "(call $storageStore (i32.const 32) (i32.const {EDGE}))"
        )),
        Status::InvalidMemoryAccess,
    );
    // Static mode.
    setup.is_static = true;
    fails(
        &setup.run("(call $storageStore (i32.const 32) (i32.const 64))"),
        Status::StaticModeViolation,
    );
    // Not enough gas for the create surcharge: nothing is written.
    let mut setup = Setup::new(path);
    setup.gas = 19_999;
    fails(
        &setup.run("(call $storageStore (i32.const 32) (i32.const 64))"),
        Status::OutOfGas,
    );
    assert_eq!(
        setup.host.storage_at(&CONTRACT, &Bytes32(key)),
        Bytes32::ZERO
    );
}

fn logs(path: Path) {
    let mut setup = Setup::new(path);
    // 375 + 2 × 375 + 8 × 5.
    let result = setup.run(
        "(call $log (i32.const 0) (i32.const 5) (i32.const 2) (i32.const 32) (i32.const 64) (i32.const 0) (i32.const 0))",
    );
    success(&result, 375 + 750 + 40, &[]);
    let log = setup.host.logs().last().unwrap();
    assert_eq!(log.address, CONTRACT);
    assert_eq!(log.data, [7; 5]);
    assert_eq!(log.topics.len(), 2);
    assert_eq!(log.topics[1].0[0], 2);
    fails(
        &run(
            path,
            "(call $log (i32.const 0) (i32.const 0) (i32.const 5) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))",
        ),
        Status::Failure,
    );
    fails(
        &run(
            path,
            &format!(
                "(call $log (i32.const 0) (i32.const 0) (i32.const 1) (i32.const {EDGE}) (i32.const 0) (i32.const 0) (i32.const 0))"
            ),
        ),
        Status::InvalidMemoryAccess,
    );
    fails(
        &run(
            path,
            &format!(
                "(call $log (i32.const {EDGE}) (i32.const 11) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))"
            ),
        ),
        Status::InvalidMemoryAccess,
    );
    let mut setup = Setup::new(path);
    setup.is_static = true;
    fails(
        &setup.run("(call $log (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))"),
        Status::StaticModeViolation,
    );
    assert!(setup.host.logs().is_empty());
}

fn finish_and_revert_stop_execution(path: Path) {
    success(
        &run(
            path,
            "(call $finish (i32.const 0) (i32.const 3)) (call $useGas (i64.const 100))",
        ),
        0,
        &[7, 7, 7],
    );
    let reverted = run(
        path,
        "(call $useGas (i64.const 10)) (call $revert (i32.const 0) (i32.const 2)) (call $useGas (i64.const 100))",
    );
    assert_eq!(reverted.status, Status::Revert);
    assert_eq!(reverted.output, [7, 7]);
    assert_eq!(used(&reverted), 10, "a revert keeps the unused gas");
    fails(
        &run(
            path,
            &format!("(call $finish (i32.const {EDGE}) (i32.const 11))"),
        ),
        Status::InvalidMemoryAccess,
    );
    // Returning from main succeeds with empty output.
    success(&run(path, "(nop)"), 0, &[]);
    // A trap consumes everything.
    fails(&run(path, "(unreachable)"), Status::Failure);
}

/// A callee that finishes with its caller, its value (u128) and its call data.
const ECHO: &str = r#"(module
    (import "ethereum" "getCaller" (func $caller (param i32)))
    (import "ethereum" "getCallValue" (func $value (param i32)))
    (import "ethereum" "getAddress" (func $address (param i32)))
    (import "ethereum" "getCallDataSize" (func $size (result i32)))
    (import "ethereum" "callDataCopy" (func $copy (param i32 i32 i32)))
    (import "ethereum" "getGasLeft" (func $gas (result i64)))
    (import "ethereum" "finish" (func $finish (param i32 i32)))
    (memory (export "memory") 1)
    (func (export "main")
        (call $caller (i32.const 0))
        (call $value (i32.const 20))
        (call $address (i32.const 36))
        (i64.store (i32.const 56) (call $gas))
        (call $copy (i32.const 64) (i32.const 0) (call $size))
        (call $finish (i32.const 0) (i32.add (i32.const 64) (call $size)))))"#;

const ECHO_ADDRESS: Address = Address([0xec; 20]);

fn with_echo(path: Path) -> Setup {
    let mut setup = Setup::new(path);
    setup
        .host
        .set_account(ECHO_ADDRESS, U256::ZERO, wat::parse_str(ECHO).unwrap());
    setup
}

/// Stores the echo address at 200 and a value at 240 (u128 LE), makes the call, and
/// finishes with the result code followed by the return data. Returns the body and the
/// passive data segments it uses.
fn call_echo(call: &str, value: u128, gas: u64) -> (String, String) {
    let value_bytes: String = value
        .to_le_bytes()
        .iter()
        .map(|b| format!("\\{b:02x}"))
        .collect();
    let address: String = ECHO_ADDRESS
        .0
        .iter()
        .map(|b| format!("\\{b:02x}"))
        .collect();
    let body = format!(
        r#"(memory.init $address (i32.const 200) (i32.const 0) (i32.const 20))
           (memory.init $value (i32.const 240) (i32.const 0) (i32.const 16))
           (i32.store (i32.const 1000) {call_expr})
           (call $returnDataCopy (i32.const 1004) (i32.const 0) (call $getReturnDataSize))
           (call $finish (i32.const 1000) (i32.add (i32.const 4) (call $getReturnDataSize)))"#,
        call_expr = call.replace("GAS", &gas.to_string())
    );
    let fields = format!(r#"(data $address "{address}") (data $value "{value_bytes}")"#);
    (body, fields)
}

impl Setup {
    fn run_echo(&mut self, call: &str, value: u128, gas: u64) -> ExecutionResult {
        let (body, fields) = call_echo(call, value, gas);
        self.run_with(&body, &fields)
    }
}

/// The echo contract's EEI use up to and including `getGasLeft`.
const ECHO_BEFORE_GAS_LEFT: u64 = 2 + 2 + 2 + 2;
/// All of the echo contract's EEI use with empty call data: four getters, then
/// getCallDataSize, callDataCopy of 0 bytes, getCallDataSize.
const ECHO_TOTAL: u64 = ECHO_BEFORE_GAS_LEFT + 2 + 3 + 2;

fn call_kinds_set_caller_value_and_storage_context(path: Path) {
    // call with value to an existing account.
    let mut setup = with_echo(path);
    let result = setup.run_echo(
        "(call $call (i64.const GAS) (i32.const 200) (i32.const 240) (i32.const 0) (i32.const 3))",
        77,
        10_000,
    );
    assert_eq!(result.status, Status::Success, "{:?}", result.failure);
    let out = &result.output;
    assert_eq!(&out[..4], &[0, 0, 0, 0]);
    assert_eq!(&out[4..24], &CONTRACT.0, "caller");
    assert_eq!(&out[24..40], &77u128.to_le_bytes(), "value");
    assert_eq!(&out[40..60], &ECHO_ADDRESS.0, "address");
    assert_eq!(&out[68..71], &[7, 7, 7], "call data");
    // The callee got the requested 10000 plus the 2300 stipend, and spent some of it.
    let callee_gas = u64::from_le_bytes(out[60..68].try_into().unwrap());
    assert_eq!(callee_gas, 10_000 + 2_300 - ECHO_BEFORE_GAS_LEFT);
    assert_eq!(setup.host.balance_of(&ECHO_ADDRESS), U256::from(77u8));

    // callDelegate keeps the caller and value of the current frame.
    let mut setup = with_echo(path);
    setup.value = U256::from(5u8);
    let result = setup.run_echo(
        "(call $callDelegate (i64.const GAS) (i32.const 200) (i32.const 0) (i32.const 3))",
        0,
        10_000,
    );
    let out = &result.output;
    assert_eq!(&out[4..24], &SENDER.0);
    assert_eq!(&out[24..40], &5u128.to_le_bytes());
    assert_eq!(&out[40..60], &CONTRACT.0, "runs in the caller's context");

    // callCode runs the callee's code in our context, as us.
    let mut setup = with_echo(path);
    let result = setup.run_echo(
        "(call $callCode (i64.const GAS) (i32.const 200) (i32.const 240) (i32.const 0) (i32.const 3))",
        3,
        10_000,
    );
    let out = &result.output;
    assert_eq!(&out[4..24], &CONTRACT.0);
    assert_eq!(&out[40..60], &CONTRACT.0);
    assert_eq!(
        setup.host.balance_of(&CONTRACT),
        U256::from(1_000_000u32),
        "no transfer"
    );

    // callStatic: no value, static flag set.
    let mut setup = with_echo(path);
    let result = setup.run_echo(
        "(call $callStatic (i64.const GAS) (i32.const 200) (i32.const 0) (i32.const 3))",
        0,
        10_000,
    );
    assert_eq!(&result.output[24..40], &[0; 16]);
}

fn call_gas_rules(path: Path) {
    // Gas: 700 static + min(requested, all but 1/64) forwarded, unused gas returned.
    let mut setup = with_echo(path);
    let result = setup.run_echo(
        "(call $call (i64.const GAS) (i32.const 200) (i32.const 240) (i32.const 0) (i32.const 0))",
        0,
        5_000,
    );
    // The callee returns 64 bytes: copying them costs 3 + 3 × 2 words; the caller
    // also asks getReturnDataSize twice.
    let return_copy = 3 + 3 * 2;
    assert_eq!(used(&result), 700 + ECHO_TOTAL + 2 + return_copy + 2);

    // A huge request is capped at all but 1/64 of what is left.
    let mut setup = with_echo(path);
    let result = setup.run_echo(
        "(call $call (i64.const GAS) (i32.const 200) (i32.const 240) (i32.const 0) (i32.const 0))",
        0,
        u64::MAX >> 1,
    );
    let forwarded =
        u64::from_le_bytes(result.output[60..68].try_into().unwrap()) + ECHO_BEFORE_GAS_LEFT;
    let left_after_static = GAS - 700;
    assert_eq!(forwarded, left_after_static - left_after_static / 64);

    // Value to an account that does not exist: 700 + 9000 + 25000. The callee (no
    // code) receives the 2300 stipend and returns it unused, as in the EVM.
    let mut setup = Setup::new(path);
    let result = setup.run_with(
        &format!(
            "(memory.init $to (i32.const 200) (i32.const 0) (i32.const 20))
             (i32.store (i32.const 240) (i32.const 1))
             (i32.store (i32.const 1000) (call $call (i64.const 0) (i32.const 200) (i32.const 240) (i32.const 0) (i32.const 0))) {}",
            finish(4)
        ),
        r#"(data $to "\09\09\09\09\09\09\09\09\09\09\09\09\09\09\09\09\09\09\09\08")"#,
    );
    success(&result, 700 + 9_000 + 25_000 - 2_300, &0u32.to_le_bytes());

    // Not enough balance: result 1, the value-transfer charge is kept.
    let mut setup = with_echo(path);
    let result = setup.run_echo(
        "(call $call (i64.const GAS) (i32.const 200) (i32.const 240) (i32.const 0) (i32.const 0))",
        2_000_000,
        1_000,
    );
    assert_eq!(&result.output[..4], &1u32.to_le_bytes());
    assert_eq!(used(&result), 700 + 9_000 + 2 + 2 + 3, "no gas forwarded");

    // Value from a static frame is a violation; negative gas is out of range.
    let mut setup = with_echo(path);
    setup.is_static = true;
    fails(
        &setup.run_echo(
            "(call $call (i64.const GAS) (i32.const 200) (i32.const 240) (i32.const 0) (i32.const 0))",
            1,
            1_000,
        ),
        Status::StaticModeViolation,
    );
    let mut setup = with_echo(path);
    fails(
        &setup.run_echo(
            "(call $call (i64.const -1) (i32.const 200) (i32.const 240) (i32.const 0) (i32.const 0))",
            0,
            0,
        ),
        Status::ArgumentOutOfRange,
    );
    // Out-of-bounds call data.
    let mut setup = with_echo(path);
    fails(
        &setup.run_echo(
            &format!("(call $call (i64.const GAS) (i32.const 200) (i32.const 240) (i32.const {EDGE}) (i32.const 11))"),
            0,
            1_000,
        ),
        Status::InvalidMemoryAccess,
    );
}

fn keccak_system_contract(path: Path) {
    // keccak256 at 0x..09: 700 + 30 + 6 × 1 word, output in the return data.
    let body = format!(
        r#"(i32.store8 (i32.const 219) (i32.const 9))
           (i32.store (i32.const 1000)
               (call $call (i64.const 1000) (i32.const 200) (i32.const 96) (i32.const 0) (i32.const 5)))
           (call $returnDataCopy (i32.const 1004) (i32.const 0) (i32.const 32)) {}"#,
        finish(36)
    );
    let result = run(path, &body);
    assert_eq!(result.status, Status::Success);
    assert_eq!(&result.output[..4], &[0, 0, 0, 0]);
    assert_eq!(&result.output[4..], &ssvm_engine::keccak256(&[7; 5]).0);
    assert_eq!(used(&result), 700 + 36 + 3 + 3);
    // Without enough forwarded gas the call fails, its 35 gas are gone and there is
    // no return data.
    let starved = run(
        path,
        &format!(
            r#"(i32.store8 (i32.const 219) (i32.const 9))
           (i32.store (i32.const 1000)
               (call $call (i64.const 35) (i32.const 200) (i32.const 96) (i32.const 0) (i32.const 5)))
           (i32.store (i32.const 1004) (call $getReturnDataSize)) {}"#,
            finish(8)
        ),
    );
    success(&starved, 700 + 35 + 2, &[1, 0, 0, 0, 0, 0, 0, 0]);
    // With the switch off, 0x..09 is an ordinary (empty) account.
    let mut setup = Setup::new(path);
    setup.config.keccak_system_contract = false;
    setup.host.set_executor(path.executor(setup.config));
    let code = contract(&body);
    let config = setup.config;
    let message = Message {
        recipient: CONTRACT,
        code_address: CONTRACT,
        gas: GAS,
        ..Message::default()
    };
    let result = path.execute(config, &mut setup.host, &message, &code);
    assert_eq!(
        result.status,
        Status::InvalidMemoryAccess,
        "no return data to copy"
    );
}

fn create_and_create2(path: Path) {
    let counter = ssvm_contracts::COUNTER;
    let hex: String = counter.iter().map(|b| format!("\\{b:02x}")).collect();
    let fields = format!(r#"(data $code "{hex}")"#);
    let body = |create: &str| {
        format!(
            r#"(memory.init $code (i32.const 2000) (i32.const 0) (i32.const {len}))
               (i32.store (i32.const 1000) {create})
               (i32.store (i32.const 1024) (call $getReturnDataSize))
               {finish}"#,
            len = counter.len(),
            finish = finish(28)
        )
    };
    let mut setup = Setup::new(path);
    let result = setup.run_with(
        &body(&format!(
            "(call $create (i32.const 96) (i32.const 2000) (i32.const {}) (i32.const 1004))",
            counter.len()
        )),
        &fields,
    );
    assert_eq!(result.status, Status::Success, "{:?}", result.failure);
    assert_eq!(&result.output[..4], &[0, 0, 0, 0]);
    let created = ssvm_engine::create_address(&CONTRACT, 0);
    assert_eq!(&result.output[4..24], &created.0);
    assert_eq!(&result.output[24..], &[0, 0, 0, 0], "return data cleared");
    assert_eq!(&setup.host.accounts()[&created].code[..], counter);

    // create2 charges 6 per word of init code on top of 32000.
    let mut setup = Setup::new(path);
    setup.gas = 100_000_000;
    let with_create2 = setup.run_with(
        &body(&format!(
            "(call $create2 (i32.const 96) (i32.const 2000) (i32.const {}) (i32.const 32) (i32.const 1004))",
            counter.len()
        )),
        &fields,
    );
    assert_eq!(&with_create2.output[..4], &[0, 0, 0, 0]);
    let mut salt = [0u8; 32];
    salt[31] = 1; // the little-endian u256 1 at offset 32 is the big-endian word 1
    let expected = ssvm_engine::create2_address(&CONTRACT, &Bytes32(salt), counter);
    assert_eq!(&with_create2.output[4..24], &expected.0);

    // Static frames cannot create.
    let mut setup = Setup::new(path);
    setup.is_static = true;
    fails(
        &setup.run(
            "(drop (call $create (i32.const 96) (i32.const 0) (i32.const 0) (i32.const 1004)))",
        ),
        Status::StaticModeViolation,
    );
    // Init code that reverts: result 2 and its output in the return data.
    let mut setup = Setup::new(path);
    let reverting = wat::parse_str(
        r#"(module (import "ethereum" "revert" (func $revert (param i32 i32)))
            (memory (export "memory") 1) (data (i32.const 0) "no")
            (func (export "main") (call $revert (i32.const 0) (i32.const 2))))"#,
    )
    .unwrap();
    let hex: String = reverting.iter().map(|b| format!("\\{b:02x}")).collect();
    let result = setup.run_with(
        &format!(
            r#"(memory.init $code (i32.const 2000) (i32.const 0) (i32.const {len}))
               (i32.store (i32.const 1000) (call $create (i32.const 96) (i32.const 2000) (i32.const {len}) (i32.const 1004)))
               (call $returnDataCopy (i32.const 1004) (i32.const 0) (call $getReturnDataSize))
               {finish}"#,
            len = reverting.len(),
            finish = finish(6)
        ),
        &format!(r#"(data $code "{hex}")"#),
    );
    assert_eq!(&result.output[..4], &2u32.to_le_bytes());
    assert_eq!(&result.output[4..], b"no");
}

fn self_destruct(path: Path) {
    let mut setup = Setup::new(path);
    // The beneficiary (OTHER) exists: 5000; the refund is granted once.
    let result = setup.run("(call $selfDestruct (i32.const 0)) (unreachable)");
    success(&result, 5_000, &[]);
    assert_eq!(result.gas_refund, 24_000);
    assert_eq!(setup.host.balance_of(&OTHER), U256::from(1_000_005u32));
    let again = setup.run("(call $selfDestruct (i32.const 0))");
    assert_eq!(
        again.gas_refund, 0,
        "only the first self-destruct is refunded"
    );
    // A beneficiary that does not exist costs 25000 more.
    let mut setup = Setup::new(path);
    let result = setup.run("(call $selfDestruct (i32.const 96))");
    success(&result, 30_000, &[]);
    let mut setup = Setup::new(path);
    setup.is_static = true;
    fails(
        &setup.run("(call $selfDestruct (i32.const 0))"),
        Status::StaticModeViolation,
    );
    fails(
        &run(path, &format!("(call $selfDestruct (i32.const {EDGE}))")),
        Status::InvalidMemoryAccess,
    );
}

fn deploy_output_must_be_valid_ewasm(path: Path) {
    let config = Config::contract(GasSchedule::V1);
    let mut host = path.world(config);
    let deploy = |host: &mut World, returned: &[u8]| {
        let hex: String = returned.iter().map(|b| format!("\\{b:02x}")).collect();
        let init = wat::parse_str(format!(
            r#"(module (import "ethereum" "finish" (func $finish (param i32 i32)))
                (memory (export "memory") 1) (data (i32.const 0) "{hex}")
                (func (export "main") (call $finish (i32.const 0) (i32.const {}))))"#,
            returned.len()
        ))
        .unwrap();
        path.execute(
            config,
            host,
            &Message {
                kind: CallKind::Create,
                gas: 1_000_000,
                input: &init,
                ..Message::default()
            },
            &init,
        )
    };
    assert_eq!(
        deploy(&mut host, ssvm_contracts::COUNTER).status,
        Status::Success
    );
    let invalid = deploy(&mut host, ssvm_contracts::fixtures::FLOAT);
    assert_eq!(invalid.status, Status::ContractValidationFailure);
    assert_eq!(invalid.gas_left, 0);
    // Output without the Wasm preamble is stored as it is.
    assert_eq!(deploy(&mut host, b"not wasm").status, Status::Success);
    // Empty code is a successful no-op.
    let empty = path.execute(
        config,
        &mut host,
        &Message {
            gas: 123,
            ..Message::default()
        },
        &[],
    );
    assert_eq!((empty.status, empty.gas_left), (Status::Success, 123));
}

every_path![
    address_getters,
    u128_and_u256_getters,
    number_getters,
    gas_functions,
    copies_charge_per_word_and_check_the_source,
    balance_and_block_hash,
    storage,
    logs,
    finish_and_revert_stop_execution,
    call_kinds_set_caller_value_and_storage_context,
    call_gas_rules,
    keccak_system_contract,
    create_and_create2,
    self_destruct,
    deploy_output_must_be_valid_ewasm,
];
