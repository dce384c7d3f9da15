//! The example contracts on every execution path: the ERC20 flow end to end, nested calls and
//! creates with journaling, and the call-depth limit.

use ssvm_contracts::{BIGNUM_DEMO, CALLER, COUNTER, ERC20};
use std::ops::{Deref, DerefMut};

use ssvm_engine::world::{Log, World};
use ssvm_engine::{
    Address, Bytes32, CallKind, Config, ExecutionResult, GasSchedule, Message, Status, U256,
};
use ssvm_tests::every_path;
use ssvm_tests::paths::Path;

pub const ALICE: Address = Address([0xa1; 20]);
pub const BOB: Address = Address([0xb0; 20]);
const CAROL: Address = Address([0xc0; 20]);
const GAS: u64 = 10_000_000;

/// A world on one path whose every transaction is checked against the interpreter
/// ([`Path::transact`]).
#[derive(Clone)]
pub struct Host {
    pub path: Path,
    pub config: Config,
    pub world: World,
}

impl Host {
    /// Sends a top-level message.
    pub fn transact(&mut self, message: &Message<'_>) -> ExecutionResult {
        self.path.transact(self.config, &mut self.world, message)
    }
}

impl Deref for Host {
    type Target = World;
    fn deref(&self) -> &World {
        &self.world
    }
}

impl DerefMut for Host {
    fn deref_mut(&mut self) -> &mut World {
        &mut self.world
    }
}

/// A world on `path` under `schedule` with three funded accounts.
pub fn host(path: Path, schedule: GasSchedule) -> Host {
    let config = Config::contract(schedule);
    let mut world = path.world(config);
    for account in [ALICE, BOB, CAROL] {
        world.set_account(account, U256::from(10u64).pow(U256::from(20u8)), Vec::new());
    }
    Host {
        path,
        config,
        world,
    }
}

pub fn deploy(host: &mut Host, sender: Address, code: &[u8]) -> Address {
    let outcome = host.transact(&Message {
        kind: CallKind::Create,
        sender,
        gas: GAS,
        input: code,
        ..Message::default()
    });
    assert_eq!(
        outcome.status,
        Status::Success,
        "deploy failed: {outcome:?}"
    );
    outcome.create_address.expect("created")
}

pub fn call(host: &mut Host, sender: Address, to: Address, input: &[u8]) -> ExecutionResult {
    host.transact(&Message {
        kind: CallKind::Call,
        sender,
        recipient: to,
        code_address: to,
        gas: GAS,
        input,
        ..Message::default()
    })
}

pub(crate) fn word(value: u128) -> [u8; 32] {
    let mut out = [0; 32];
    out[16..].copy_from_slice(&value.to_be_bytes());
    out
}

pub(crate) fn address_word(address: Address) -> [u8; 32] {
    let mut out = [0; 32];
    out[12..].copy_from_slice(&address.0);
    out
}

pub(crate) fn abi(selector: u32, args: &[[u8; 32]]) -> Vec<u8> {
    let mut out = selector.to_be_bytes().to_vec();
    for arg in args {
        out.extend_from_slice(arg);
    }
    out
}

fn topic(hex: &str) -> Bytes32 {
    let mut out = Bytes32::ZERO;
    for (i, byte) in out.0.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
    }
    out
}

const SUPPLY: u128 = 1_000_000_000_000_000_000_000_000;
const BALANCE_OF: u32 = 0x70a0_8231;
const TRANSFER: u32 = 0xa905_9cbb;
const APPROVE: u32 = 0x095e_a7b3;
const ALLOWANCE: u32 = 0xdd62_ed3e;
const TRANSFER_FROM: u32 = 0x23b8_72dd;

fn balance_of(host: &mut Host, token: Address, owner: Address) -> u128 {
    let out = call(host, ALICE, token, &abi(BALANCE_OF, &[address_word(owner)]));
    assert_eq!(out.status, Status::Success);
    u128::from_be_bytes(out.output[16..].try_into().unwrap())
}

fn erc20_end_to_end(path: Path) {
    let transfer_topic = topic("ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
    let approval_topic = topic("8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925");
    assert_eq!(
        transfer_topic,
        ssvm_engine::keccak256(b"Transfer(address,address,uint256)")
    );
    assert_eq!(
        approval_topic,
        ssvm_engine::keccak256(b"Approval(address,address,uint256)")
    );

    let mut host = host(path, GasSchedule::V1);
    let token = deploy(&mut host, ALICE, ERC20);
    assert_eq!(
        &host.accounts()[&token].code[..],
        ERC20,
        "deploys its own code"
    );
    assert_eq!(
        host.logs(),
        vec![Log {
            address: token,
            topics: vec![transfer_topic, Bytes32::ZERO, Bytes32(address_word(ALICE))],
            data: word(SUPPLY).to_vec(),
        }]
    );
    assert_eq!(balance_of(&mut host, token, ALICE), SUPPLY);
    let supply = call(&mut host, BOB, token, &abi(0x1816_0ddd, &[]));
    assert_eq!(supply.output, word(SUPPLY));

    // Transfer to a new holder, then again: the second costs 15000 less (SSTORE
    // 20000 for a zero slot becoming non-zero versus 5000).
    host.clear_logs();
    let first = call(
        &mut host,
        ALICE,
        token,
        &abi(TRANSFER, &[address_word(BOB), word(100)]),
    );
    assert_eq!(first.status, Status::Success);
    assert_eq!(first.output, word(1));
    assert_eq!(
        host.logs(),
        vec![Log {
            address: token,
            topics: vec![
                transfer_topic,
                Bytes32(address_word(ALICE)),
                Bytes32(address_word(BOB))
            ],
            data: word(100).to_vec(),
        }]
    );
    let second = call(
        &mut host,
        ALICE,
        token,
        &abi(TRANSFER, &[address_word(BOB), word(100)]),
    );
    assert_eq!(GAS - first.gas_left - (GAS - second.gas_left), 15_000);
    assert_eq!(balance_of(&mut host, token, BOB), 200);
    assert_eq!(balance_of(&mut host, token, ALICE), SUPPLY - 200);

    // Overdraft reverts with a reason and changes nothing.
    host.clear_logs();
    let overdraft = call(
        &mut host,
        BOB,
        token,
        &abi(TRANSFER, &[address_word(CAROL), word(201)]),
    );
    assert_eq!(overdraft.status, Status::Revert);
    assert_eq!(overdraft.output, b"insufficient balance");
    assert!(overdraft.gas_left > 0, "a revert returns unused gas");
    assert!(host.logs().is_empty());
    assert_eq!(balance_of(&mut host, token, BOB), 200);
    assert_eq!(balance_of(&mut host, token, CAROL), 0);

    // Allowances.
    let approve = call(
        &mut host,
        ALICE,
        token,
        &abi(APPROVE, &[address_word(CAROL), word(50)]),
    );
    assert_eq!(approve.status, Status::Success);
    assert_eq!(host.logs().last().unwrap().topics[0], approval_topic);
    let allowance = call(
        &mut host,
        BOB,
        token,
        &abi(ALLOWANCE, &[address_word(ALICE), address_word(CAROL)]),
    );
    assert_eq!(allowance.output, word(50));
    let spend = call(
        &mut host,
        CAROL,
        token,
        &abi(
            TRANSFER_FROM,
            &[address_word(ALICE), address_word(CAROL), word(30)],
        ),
    );
    assert_eq!(spend.status, Status::Success);
    assert_eq!(balance_of(&mut host, token, CAROL), 30);
    let left = call(
        &mut host,
        BOB,
        token,
        &abi(ALLOWANCE, &[address_word(ALICE), address_word(CAROL)]),
    );
    assert_eq!(left.output, word(20));
    let too_much = call(
        &mut host,
        CAROL,
        token,
        &abi(
            TRANSFER_FROM,
            &[address_word(ALICE), address_word(CAROL), word(21)],
        ),
    );
    assert_eq!(too_much.status, Status::Revert);
    assert_eq!(too_much.output, b"allowance exceeded");

    // Metadata and errors.
    assert_eq!(
        call(&mut host, BOB, token, &abi(0x313c_e567, &[])).output,
        word(18)
    );
    let symbol = call(&mut host, BOB, token, &abi(0x95d8_9b41, &[])).output;
    assert_eq!(&symbol[64..68], b"SSVM");
    assert_eq!(
        call(&mut host, BOB, token, &abi(0xdead_beef, &[])).status,
        Status::Revert
    );
    assert_eq!(call(&mut host, BOB, token, &[1, 2]).status, Status::Revert);
}

fn counter_value(host: &Host, counter: Address) -> u128 {
    u128::from_be_bytes(
        host.storage_at(&counter, &Bytes32::ZERO).0[16..]
            .try_into()
            .unwrap(),
    )
}

/// Caller operation 1/6: call `to` with `value` and `data`.
fn caller_call(op: u8, to: Address, value: u128, data: &[u8]) -> Vec<u8> {
    let mut input = vec![op];
    input.extend_from_slice(&to.0);
    input.extend_from_slice(&value.to_be_bytes());
    input.extend_from_slice(data);
    input
}

fn nested_calls_and_journaling(path: Path) {
    let mut host = host(path, GasSchedule::V1);
    let caller = deploy(&mut host, ALICE, CALLER);
    let counter = deploy(&mut host, ALICE, COUNTER);
    assert_eq!(
        host.storage_at(&counter, &Bytes32([0xff; 32])).0[31],
        1,
        "deployed"
    );

    // call: the counter runs and increments its own storage.
    let out = call(&mut host, ALICE, caller, &caller_call(1, counter, 0, &[]));
    assert_eq!(out.status, Status::Success);
    assert_eq!(&out.output[..4], &[0, 0, 0, 0], "result code 0");
    assert_eq!(&out.output[4..], &word(1));
    assert_eq!(counter_value(&host, counter), 1);

    // call then revert: the callee's increment is undone with the caller's frame.
    let out = call(&mut host, ALICE, caller, &caller_call(6, counter, 0, &[]));
    assert_eq!(out.status, Status::Revert);
    assert_eq!(&out.output[4..], &word(2), "the callee did run");
    assert_eq!(counter_value(&host, counter), 1, "and was rolled back");

    // A failed callee (static call into a storing contract) is rolled back alone.
    let mut input = vec![2];
    input.extend_from_slice(&counter.0);
    let out = call(&mut host, ALICE, caller, &input);
    assert_eq!(out.status, Status::Success);
    assert_eq!(
        &out.output[..4],
        &1i32.to_be_bytes(),
        "static-mode violation = 1"
    );
    assert_eq!(counter_value(&host, counter), 1);

    // Delegate call: the counter's code on the caller's storage.
    let mut input = vec![3];
    input.extend_from_slice(&counter.0);
    let out = call(&mut host, ALICE, caller, &input);
    assert_eq!(&out.output[..4], &[0, 0, 0, 0]);
    assert_eq!(counter_value(&host, caller), 1);
    assert_eq!(counter_value(&host, counter), 1);

    // Value travels with a call and comes back with a revert.
    let before = host.balance_of(&ALICE);
    let paid = host.transact(&Message {
        kind: CallKind::Call,
        sender: ALICE,
        recipient: caller,
        code_address: caller,
        gas: GAS,
        value: U256::from(1000u32),
        input: &caller_call(1, counter, 400, &[]),
        ..Message::default()
    });
    assert_eq!(paid.status, Status::Success);
    assert_eq!(host.balance_of(&caller), U256::from(600u32));
    assert_eq!(host.balance_of(&counter), U256::from(400u32));
    assert_eq!(host.balance_of(&ALICE), before - U256::from(1000u32));
    let reverted = call(&mut host, ALICE, caller, &caller_call(6, counter, 100, &[]));
    assert_eq!(reverted.status, Status::Revert);
    assert_eq!(
        host.balance_of(&counter),
        U256::from(400u32),
        "reverted transfer"
    );
}

fn nested_creates(path: Path) {
    let mut host = host(path, GasSchedule::V1);
    let caller = deploy(&mut host, ALICE, CALLER);

    let mut input = vec![4];
    input.extend_from_slice(&0u128.to_be_bytes());
    input.extend_from_slice(COUNTER);
    let out = call(&mut host, ALICE, caller, &input);
    assert_eq!(out.status, Status::Success);
    // A contract's nonce starts at 1, so its first create uses nonce 1.
    let expected = ssvm_engine::create_address(&caller, 1);
    assert_eq!(out.output, expected.0);
    assert_eq!(&host.accounts()[&expected].code[..], COUNTER);

    let mut input = vec![5];
    input.extend_from_slice(&0u128.to_be_bytes());
    let salt_le = [7u8; 32];
    input.extend_from_slice(&salt_le);
    input.extend_from_slice(COUNTER);
    let out = call(&mut host, ALICE, caller, &input);
    assert_eq!(out.status, Status::Success);
    let mut salt_be = salt_le;
    salt_be.reverse();
    let expected = ssvm_engine::create2_address(&caller, &Bytes32(salt_be), COUNTER);
    assert_eq!(out.output, expected.0);
    // The same salt again collides.
    let again = call(&mut host, ALICE, caller, &input);
    assert_eq!(again.status, Status::Revert);
    assert_eq!(&again.output[..4], &1i32.to_be_bytes());

    // Init code that is not valid Ewasm fails the create and leaves nothing behind.
    let mut input = vec![4];
    input.extend_from_slice(&0u128.to_be_bytes());
    input.extend_from_slice(ssvm_contracts::fixtures::FLOAT);
    let accounts = host.accounts().len();
    let out = call(&mut host, ALICE, caller, &input);
    assert_eq!(out.status, Status::Revert);
    assert_eq!(&out.output[..4], &1i32.to_be_bytes());
    assert_eq!(host.accounts().len(), accounts);
}

fn call_depth_is_limited_to_1024(path: Path) {
    // Each nested execution takes 4-8 KiB of native stack (measured: 1024 levels fit
    // in 8 MiB, not in 4 MiB); run on a thread with room to spare.
    let handle = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            let code = ssvm_contracts::probes::RECURSE.to_vec();
            let mut host = host(path, GasSchedule::HERA_UNMETERED);
            let contract = Address([0x77; 20]);
            host.set_account(contract, U256::ZERO, code);
            let out = host.transact(&Message {
                kind: CallKind::Call,
                sender: ALICE,
                recipient: contract,
                code_address: contract,
                // Each level keeps 1/64 and pays ~712 for its own calls: reaching depth
                // 1024 takes about 4.5e11 gas.
                gas: 10_000_000_000_000,
                ..Message::default()
            });
            assert_eq!(out.status, Status::Success);
            let stored = host.storage_at(&contract, &Bytes32::ZERO);
            assert_eq!(u32::from_le_bytes(stored.0[..4].try_into().unwrap()), 1024);
            let deepest = host.messages.iter().map(|m| m.3).max();
            assert_eq!(deepest, Some(1024));
        })
        .unwrap();
    handle.join().unwrap();
}

fn bignum_matches_plain_wasm(path: Path) {
    let mut host = host(path, GasSchedule::V1);
    let demo = deploy(&mut host, ALICE, BIGNUM_DEMO);
    let run = |host: &mut Host, mode: u8, n: u32| {
        let mut input = vec![mode];
        input.extend_from_slice(&n.to_be_bytes());
        let out = call(host, ALICE, demo, &input);
        assert_eq!(out.status, Status::Success, "{out:?}");
        out.output
    };
    for n in [0, 1, 2, 17, 100] {
        assert_eq!(run(&mut host, 0, n), run(&mut host, 1, n), "{n} iterations");
    }
    // mulmod256: 3^(2^n) mod p; for n = 3 that is 3^8 = 6561.
    let mut expected = [0u8; 32];
    expected[..2].copy_from_slice(&6561u16.to_le_bytes());
    assert_eq!(run(&mut host, 2, 3), expected);
}

every_path![
    erc20_end_to_end,
    nested_calls_and_journaling,
    nested_creates,
    call_depth_is_limited_to_1024,
    bignum_matches_plain_wasm,
];
