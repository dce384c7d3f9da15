//! Tests of the pallet on the mock runtime: the ERC20 flow, logs as events, value,
//! reverts and out-of-gas, invalid modules, nested calls and creates, static mode,
//! refunds, dry runs, limits, self-destruct, and exact gas.

use frame_support::dispatch::{GetDispatchInfo, PostDispatchInfo};
use frame_support::storage::{TransactionOutcome, with_transaction};
use frame_support::traits::Hooks;
use frame_support::weights::Weight;
use sp_core::{H160, H256};
use sp_runtime::{AccountId32, DispatchResult};
use ssvm_contracts::{CALLER, COUNTER, ERC20, fixtures as bad, probes};
use ssvm_engine::Backend;
use ssvm_engine::world::World;
use ssvm_engine::{Address, Bytes32, CallKind, Message, U256};

use crate::address::{AddressMapping, EthereumAddressMapping};
use crate::fixtures::{BENCH, init_code_returning, sized_contract};
use crate::gas::{Workload, code_load_gas, gas_to_weight};
use crate::mock::*;
use crate::{
    AddressToAccount, CodeInfoOf, ContractInfoOf, DeletionQueueCounter, Error, Event, ExecStatus,
    Nonces, PristineCode, WeightInfo,
};

const GAS: u64 = 5_000_000;
const SUPPLY: u128 = 1_000_000_000_000_000_000_000_000;
const BALANCE_OF: u32 = 0x70a0_8231;
const TRANSFER: u32 = 0xa905_9cbb;

fn address_of(account: &AccountId32) -> H160 {
    EthereumAddressMapping::to_address(account)
}

fn fallback(address: &H160) -> AccountId32 {
    EthereumAddressMapping::to_fallback_account(address)
}

fn word(value: u128) -> [u8; 32] {
    let mut out = [0; 32];
    out[16..].copy_from_slice(&value.to_be_bytes());
    out
}

fn address_word(address: H160) -> [u8; 32] {
    let mut out = [0; 32];
    out[12..].copy_from_slice(address.as_bytes());
    out
}

fn abi(selector: u32, args: &[[u8; 32]]) -> Vec<u8> {
    let mut out = selector.to_be_bytes().to_vec();
    for arg in args {
        out.extend_from_slice(arg);
    }
    out
}

fn ssvm_events() -> Vec<Event<Test>> {
    System::events()
        .into_iter()
        .filter_map(|record| match record.event {
            RuntimeEvent::Ssvm(event) => Some(event),
            _ => None,
        })
        .collect()
}

/// The receipt of the last execution: status, gas used, output.
fn receipt() -> (ExecStatus, u64, Vec<u8>) {
    ssvm_events()
        .into_iter()
        .rev()
        .find_map(|event| match event {
            Event::Called {
                status,
                gas_used,
                output,
                ..
            } => Some((status, gas_used, output)),
            _ => None,
        })
        .expect("a Called event")
}

/// Logs deposited since the events were last cleared: (contract, topics, data).
fn logs() -> Vec<(H160, Vec<H256>, Vec<u8>)> {
    ssvm_events()
        .into_iter()
        .filter_map(|event| match event {
            Event::ContractLog {
                contract,
                topics,
                data,
            } => Some((contract, topics, data)),
            _ => None,
        })
        .collect()
}

fn deploy_with(who: &AccountId32, init_code: &[u8], value: u128) -> H160 {
    System::reset_events();
    Ssvm::deploy(
        RuntimeOrigin::signed(who.clone()),
        init_code.to_vec(),
        value,
        GAS,
        None,
    )
    .expect("deploy dispatches");
    assert_eq!(receipt().0, ExecStatus::Success, "deploy: {:?}", receipt());
    ssvm_events()
        .into_iter()
        .find_map(|event| match event {
            Event::Deployed { contract, .. } => Some(contract),
            _ => None,
        })
        .expect("a Deployed event")
}

fn deploy(who: &AccountId32, init_code: &[u8]) -> H160 {
    deploy_with(who, init_code, 0)
}

fn call_with(
    who: &AccountId32,
    dest: H160,
    input: &[u8],
    value: u128,
    gas: u64,
) -> (ExecStatus, u64, Vec<u8>, PostDispatchInfo) {
    System::reset_events();
    let post = Ssvm::call(
        RuntimeOrigin::signed(who.clone()),
        dest,
        input.to_vec(),
        value,
        gas,
    )
    .expect("call dispatches");
    let (status, gas_used, output) = receipt();
    (status, gas_used, output, post)
}

fn call(who: &AccountId32, dest: H160, input: &[u8]) -> (ExecStatus, Vec<u8>) {
    let (status, _, output, _) = call_with(who, dest, input, 0, GAS);
    (status, output)
}

fn dry_call(who: &AccountId32, dest: H160, input: &[u8]) -> crate::ExecReport {
    Ssvm::dry_run_call(who.clone(), dest, input.to_vec(), 0, GAS).expect("dry run")
}

fn slot(contract: H160, key: [u8; 32]) -> [u8; 32] {
    Ssvm::storage(contract, H256(key))
        .expect("contract exists")
        .0
}

fn free_balance(account: &AccountId32) -> u128 {
    Balances::free_balance(account)
}

fn erc20_balance(token: H160, owner: H160) -> u128 {
    let report = dry_call(&ALICE, token, &abi(BALANCE_OF, &[address_word(owner)]));
    assert_eq!(report.status, ExecStatus::Success);
    u128::from_be_bytes(report.output[16..].try_into().unwrap())
}

fn transfer_topic() -> H256 {
    H256(ssvm_engine::keccak256(b"Transfer(address,address,uint256)").0)
}

#[test]
fn erc20_deploys_transfers_and_logs_as_events() {
    new_test_ext().execute_with(|| {
        let alice = address_of(&ALICE);
        let bob = address_of(&BOB);
        let token = deploy(&ALICE, ERC20);
        assert_eq!(
            token,
            H160(ssvm_engine::create_address(&Address(alice.0), 0).0),
            "Ethereum's create address"
        );
        assert_eq!(Nonces::<Test>::get(alice), 1);
        assert_eq!(Ssvm::code(token).as_deref(), Some(ERC20));
        let code_hash = H256(ssvm_engine::keccak256(ERC20).0);
        assert!(ssvm_events().contains(&Event::Deployed {
            deployer: alice,
            contract: token,
            code_hash,
        }));
        assert_eq!(
            logs(),
            vec![(
                token,
                vec![transfer_topic(), H256::zero(), H256(address_word(alice))],
                word(SUPPLY).to_vec()
            )],
            "the mint is a Transfer log, deposited as an event"
        );
        assert_eq!(erc20_balance(token, alice), SUPPLY);

        let (status, output) = call(
            &ALICE,
            token,
            &abi(TRANSFER, &[address_word(bob), word(100)]),
        );
        assert_eq!(status, ExecStatus::Success);
        assert_eq!(output, word(1));
        assert_eq!(
            logs(),
            vec![(
                token,
                vec![
                    transfer_topic(),
                    H256(address_word(alice)),
                    H256(address_word(bob))
                ],
                word(100).to_vec()
            )]
        );
        assert_eq!(erc20_balance(token, bob), 100);
        assert_eq!(erc20_balance(token, alice), SUPPLY - 100);
        // The balance slot (0x01 ‖ 0^11 ‖ owner) through the runtime API's storage query.
        let mut key = [0; 32];
        key[0] = 1;
        key[12..].copy_from_slice(bob.as_bytes());
        assert_eq!(slot(token, key), word(100));
    });
}

/// The regression contracts found by fuzzing (`contracts/wat/regressions/`) deploy
/// through `bare_deploy` (the extrinsic's and the dry run's path) and run through
/// `bare_call`; each checks its own results and reverts or traps when they are wrong.
/// One of them made the runtime panic while a block was built.
#[test]
fn regression_contracts_deploy_and_run() {
    new_test_ext().execute_with(|| {
        assert!(!ssvm_contracts::regressions::ALL.is_empty());
        for (name, code) in ssvm_contracts::regressions::ALL {
            let deployed = Ssvm::bare_deploy(ALICE, code.to_vec(), 0, GAS, None)
                .unwrap_or_else(|error| panic!("{name}: {error:?}"));
            assert_eq!(
                deployed.status,
                ExecStatus::Success,
                "{name}: {:?}",
                deployed.report
            );
            assert_eq!(
                Ssvm::code(deployed.contract).as_deref(),
                Some(&code[..]),
                "{name} deploys itself"
            );
            let called = Ssvm::bare_call(ALICE, deployed.contract, Vec::new(), 0, GAS)
                .unwrap_or_else(|error| panic!("{name}: {error:?}"));
            assert_eq!(
                called.status,
                ExecStatus::Success,
                "{name}: {:?}",
                called.report
            );
        }
    });
}

#[test]
fn a_revert_keeps_state_and_pays_for_the_gas_used() {
    new_test_ext().execute_with(|| {
        let token = deploy(&ALICE, ERC20);
        let carol = address_of(&CHARLIE);
        let (status, gas_used, output, post) = call_with(
            &BOB,
            token,
            &abi(TRANSFER, &[address_word(carol), word(1)]),
            0,
            GAS,
        );
        assert_eq!(status, ExecStatus::Revert);
        assert_eq!(output, b"insufficient balance");
        assert!(
            gas_used > 0 && gas_used < GAS,
            "a revert returns unused gas"
        );
        assert_eq!(
            post.actual_weight,
            Some(<() as WeightInfo>::call() + gas_to_weight::<Test>(gas_used))
        );
        assert!(logs().is_empty());
        assert_eq!(erc20_balance(token, carol), 0);
    });
}

#[test]
fn running_out_of_gas_keeps_state_and_pays_the_whole_limit() {
    new_test_ext().execute_with(|| {
        let counter = deploy(&ALICE, COUNTER);
        let limit = 5_000;
        let (status, gas_used, output, post) = call_with(&ALICE, counter, &[], 0, limit);
        assert_eq!(status, ExecStatus::OutOfGas);
        assert_eq!(gas_used, limit);
        assert!(output.is_empty());
        assert_eq!(
            post.actual_weight,
            Some(<() as WeightInfo>::call() + gas_to_weight::<Test>(limit))
        );
        assert_eq!(slot(counter, [0; 32]), [0; 32], "the counter did not move");
    });
}

#[test]
fn unused_gas_is_refunded_through_post_dispatch_info() {
    new_test_ext().execute_with(|| {
        let counter = deploy(&ALICE, COUNTER);
        let dispatch = RuntimeCall::Ssvm(crate::Call::call {
            dest: counter,
            input: Vec::new(),
            value: 0,
            gas_limit: GAS,
        });
        let charged_up_front = dispatch.get_dispatch_info().call_weight;
        assert_eq!(
            charged_up_front,
            <() as WeightInfo>::call() + gas_to_weight::<Test>(GAS)
        );
        let (status, gas_used, _, post) = call_with(&ALICE, counter, &[], 0, GAS);
        assert_eq!(status, ExecStatus::Success);
        let actual = post.actual_weight.expect("actual weight");
        assert_eq!(
            actual,
            <() as WeightInfo>::call() + gas_to_weight::<Test>(gas_used)
        );
        assert!(actual.ref_time() < charged_up_front.ref_time());
    });
}

/// The engine's gas and refund for each of `inputs` sent to `code` deployed on a fresh
/// [`World`].
fn engine_gas(code: &[u8], inputs: &[&[u8]]) -> Vec<(u64, u64)> {
    let mut host = World::empty(crate::ENGINE_CONFIG, Backend::Interpreter);
    let sender = Address([0xa1; 20]);
    host.set_account(sender, U256::from(1u64 << 60), Vec::new());
    let deployed = host.transact(&Message {
        kind: CallKind::Create,
        sender,
        gas: GAS,
        input: code,
        ..Message::default()
    });
    let contract = deployed.create_address.expect("deployed on the mock host");
    inputs
        .iter()
        .map(|input| {
            let outcome = host.transact(&Message {
                kind: CallKind::Call,
                sender,
                recipient: contract,
                code_address: contract,
                gas: GAS,
                input,
                ..Message::default()
            });
            (GAS - outcome.gas_left, outcome.gas_refund)
        })
        .collect()
}

#[test]
fn gas_used_is_the_engines_plus_code_loading_minus_capped_refunds() {
    new_test_ext().execute_with(|| {
        // CALLER op 7 stores a word: set a slot, then clear it (refund 15000, capped at
        // half the gas used).
        let mut set = vec![7u8];
        set.extend_from_slice(&[5; 32]);
        set.extend_from_slice(&[9; 32]);
        let mut clear = vec![7u8];
        clear.extend_from_slice(&[5; 32]);
        clear.extend_from_slice(&[0; 32]);
        let expected = engine_gas(CALLER, &[&set, &clear]);
        assert_eq!(expected[1].1, 15_000, "clearing earns the refund");
        let load = code_load_gas::<Test>(CALLER.len() as u32);
        assert!(load > 0);

        let caller = deploy(&ALICE, CALLER);
        for (input, (used, refund)) in [&set, &clear].into_iter().zip(expected) {
            let (status, gas_used, _, _) = call_with(&ALICE, caller, input, 0, GAS);
            assert_eq!(status, ExecStatus::Success);
            let total = used + load;
            assert_eq!(gas_used, total - refund.min(total / 2));
        }
    });
}

#[test]
fn value_moves_to_and_from_contracts() {
    new_test_ext().execute_with(|| {
        let caller = deploy_with(&ALICE, CALLER, 500);
        let caller_account = fallback(&caller);
        assert_eq!(
            free_balance(&caller_account),
            500,
            "value sent with a deploy"
        );
        assert_eq!(free_balance(&ALICE), ENDOWMENT - 500);

        // ALICE pays the caller 1000, which pays CHARLIE's (unregistered) address 400.
        let charlie = address_of(&CHARLIE);
        let mut input = vec![1u8];
        input.extend_from_slice(charlie.as_bytes());
        input.extend_from_slice(&400u128.to_be_bytes());
        let (status, _, output, _) = call_with(&ALICE, caller, &input, 1000, GAS);
        assert_eq!(status, ExecStatus::Success, "{output:?}");
        assert_eq!(&output[..4], &[0; 4], "the inner call succeeded");
        assert_eq!(free_balance(&caller_account), 500 + 1000 - 400);
        assert_eq!(free_balance(&ALICE), ENDOWMENT - 1500);
        assert_eq!(
            free_balance(&fallback(&charlie)),
            400,
            "held for the address"
        );
        assert_eq!(free_balance(&CHARLIE), ENDOWMENT);

        // Registering the address sweeps it into CHARLIE's account.
        frame_support::assert_ok!(Ssvm::map_account(RuntimeOrigin::signed(CHARLIE)));
        assert_eq!(AddressToAccount::<Test>::get(charlie), Some(CHARLIE));
        assert_eq!(free_balance(&CHARLIE), ENDOWMENT + 400);
        assert_eq!(free_balance(&fallback(&charlie)), 0);

        // Now payments to the address reach the account directly.
        let (status, _, _, _) = call_with(&ALICE, caller, &input, 0, GAS);
        assert_eq!(status, ExecStatus::Success);
        assert_eq!(free_balance(&CHARLIE), ENDOWMENT + 800);
        assert_eq!(free_balance(&caller_account), 700);

        // A reverted frame's transfer is undone (op 6: call, then revert).
        input[0] = 6;
        let (status, _, _, _) = call_with(&ALICE, caller, &input, 50, GAS);
        assert_eq!(status, ExecStatus::Revert);
        assert_eq!(free_balance(&CHARLIE), ENDOWMENT + 800);
        assert_eq!(free_balance(&caller_account), 700);
        assert_eq!(
            free_balance(&ALICE),
            ENDOWMENT - 1500,
            "the value came back"
        );

        // A call without code just moves value.
        let (status, gas_used, _, _) = call_with(&ALICE, address_of(&BOB), &[], 70, GAS);
        assert_eq!((status, gas_used), (ExecStatus::Success, 0));
        assert_eq!(
            free_balance(&fallback(&address_of(&BOB))),
            70,
            "BOB has not registered"
        );
    });
}

#[test]
fn requests_that_cannot_run_fail_with_an_error_and_pay_the_base_weight() {
    new_test_ext().execute_with(|| {
        let counter = deploy(&ALICE, COUNTER);
        let base = Some(<() as WeightInfo>::call());
        let error = Ssvm::call(
            RuntimeOrigin::signed(BOB),
            counter,
            Vec::new(),
            ENDOWMENT,
            GAS,
        )
        .unwrap_err();
        assert_eq!(error.error, Error::<Test>::InsufficientBalance.into());
        assert_eq!(error.post_info.actual_weight, base);
        let error = Ssvm::call(
            RuntimeOrigin::signed(BOB),
            counter,
            Vec::new(),
            0,
            100_000_001,
        )
        .unwrap_err();
        assert_eq!(error.error, Error::<Test>::GasLimitTooHigh.into());
        assert_eq!(error.post_info.actual_weight, base);
    });
}

#[test]
fn invalid_modules_are_rejected_with_a_clear_error_and_no_state_change() {
    new_test_ext().execute_with(|| {
        let too_large = vec![0u8; crate::MAX_INIT_CODE_LEN as usize + 1];
        let cases: [(&[u8], Error<Test>); 8] = [
            (bad::FLOAT, Error::CodeUsesFloats),
            (bad::START_FUNCTION, Error::CodeHasStartFunction),
            (bad::MISSING_MAIN, Error::CodeExportsWrong),
            (bad::EXTRA_EXPORT, Error::CodeExportsWrong),
            (bad::UNKNOWN_NAMESPACE, Error::CodeImportsWrong),
            (bad::BAD_IMPORT_SIGNATURE, Error::CodeImportsWrong),
            (b"0061736d01000000", Error::CodeNotWasm),
            (&too_large, Error::InitCodeTooLarge),
        ];
        for (code, expected) in cases {
            let root = sp_io::storage::root(sp_runtime::StateVersion::V1);
            let error = Ssvm::deploy(RuntimeOrigin::signed(ALICE), code.to_vec(), 5, GAS, None)
                .unwrap_err();
            assert_eq!(error.error, expected.into());
            let len = code.len().min(crate::MAX_INIT_CODE_LEN as usize) as u32;
            assert_eq!(
                error.post_info.actual_weight,
                Some(<() as WeightInfo>::deploy(len)),
                "only the base weight"
            );
            assert_eq!(sp_io::storage::root(sp_runtime::StateVersion::V1), root);
        }
        assert_eq!(Nonces::<Test>::get(address_of(&ALICE)), 0);
        assert_eq!(ContractInfoOf::<Test>::iter().count(), 0);
    });
}

#[test]
fn deployed_code_must_be_valid_ewasm() {
    new_test_ext().execute_with(|| {
        for code in [&b"not wasm"[..], bad::FLOAT] {
            System::reset_events();
            frame_support::assert_ok!(Ssvm::deploy(
                RuntimeOrigin::signed(ALICE),
                init_code_returning(code),
                0,
                GAS,
                None
            ));
            let (status, gas_used, _) = receipt();
            assert_eq!(status, ExecStatus::ContractValidationFailure);
            assert_eq!(gas_used, GAS, "a failure uses all gas");
        }
        assert_eq!(ContractInfoOf::<Test>::iter().count(), 0);
        assert_eq!(PristineCode::<Test>::iter().count(), 0);
        assert_eq!(
            Nonces::<Test>::get(address_of(&ALICE)),
            2,
            "a failed deploy still uses its nonce"
        );
    });
}

/// CALLER's input for op 1/6 (call), 2 (static), 3 (delegate) on `to`.
fn caller_input(op: u8, to: H160, value: u128) -> Vec<u8> {
    let mut input = vec![op];
    input.extend_from_slice(to.as_bytes());
    if op == 1 || op == 6 {
        input.extend_from_slice(&value.to_be_bytes());
    }
    input
}

fn counter_value(contract: H160) -> u128 {
    u128::from_be_bytes(slot(contract, [0; 32])[16..].try_into().unwrap())
}

#[test]
fn nested_calls_are_journaled() {
    new_test_ext().execute_with(|| {
        let caller = deploy(&ALICE, CALLER);
        let counter = deploy(&ALICE, COUNTER);

        let (status, output) = call(&ALICE, caller, &caller_input(1, counter, 0));
        assert_eq!(status, ExecStatus::Success);
        assert_eq!(&output[..4], &[0; 4]);
        assert_eq!(&output[4..], &word(1));
        assert_eq!(counter_value(counter), 1);

        // The caller reverts after the callee ran: both are undone.
        let (status, output) = call(&ALICE, caller, &caller_input(6, counter, 0));
        assert_eq!(status, ExecStatus::Revert);
        assert_eq!(&output[4..], &word(2), "the callee did run");
        assert_eq!(counter_value(counter), 1);

        // callDelegate: the counter's code on the caller's storage.
        let (status, output) = call(&ALICE, caller, &caller_input(3, counter, 0));
        assert_eq!(status, ExecStatus::Success);
        assert_eq!(&output[..4], &[0; 4]);
        assert_eq!(counter_value(caller), 1);
        assert_eq!(counter_value(counter), 1);
    });
}

#[test]
fn static_calls_cannot_change_state() {
    new_test_ext().execute_with(|| {
        let caller = deploy(&ALICE, CALLER);
        let counter = deploy(&ALICE, COUNTER);
        let (status, output) = call(&ALICE, caller, &caller_input(2, counter, 0));
        assert_eq!(status, ExecStatus::Success, "the caller survives");
        assert_eq!(&output[..4], &1i32.to_be_bytes(), "the static call failed");
        assert_eq!(counter_value(counter), 0);
        // The counter's read-only path (non-empty call data) works statically.
        let mut input = caller_input(2, counter, 0);
        input.push(0);
        let (status, output) = call(&ALICE, caller, &input);
        assert_eq!(status, ExecStatus::Success);
        assert_eq!(&output[..4], &[0; 4]);
        assert_eq!(&output[4..], &word(0));
    });
}

#[test]
fn contracts_create_contracts() {
    new_test_ext().execute_with(|| {
        let caller = deploy(&ALICE, CALLER);
        let mut input = vec![4u8];
        input.extend_from_slice(&0u128.to_be_bytes());
        input.extend_from_slice(COUNTER);
        let (status, output) = call(&ALICE, caller, &input);
        assert_eq!(status, ExecStatus::Success);
        let created = H160(ssvm_engine::create_address(&Address(caller.0), 1).0);
        assert_eq!(output, created.as_bytes(), "a contract's first nonce is 1");
        assert_eq!(Ssvm::code(created).as_deref(), Some(COUNTER));
        assert_eq!(Nonces::<Test>::get(caller), 2);
        assert_eq!(Nonces::<Test>::get(created), 1);
        assert_eq!(
            ContractInfoOf::<Test>::get(created).map(|info| info.deployer),
            Some(caller)
        );
        let code_hash = H256(ssvm_engine::keccak256(COUNTER).0);
        assert_eq!(
            CodeInfoOf::<Test>::get(code_hash).map(|c| c.refcount),
            Some(1)
        );

        // create2 with a salt (little-endian in the call data, big-endian in the hash).
        let mut input = vec![5u8];
        input.extend_from_slice(&0u128.to_be_bytes());
        input.extend_from_slice(&[7; 32]);
        input.extend_from_slice(COUNTER);
        let (status, output) = call(&ALICE, caller, &input);
        assert_eq!(status, ExecStatus::Success);
        let expected = ssvm_engine::create2_address(&Address(caller.0), &Bytes32([7; 32]), COUNTER);
        assert_eq!(output, expected.0);
        assert_eq!(
            CodeInfoOf::<Test>::get(code_hash).map(|c| c.refcount),
            Some(2)
        );
        // The same salt again collides: the create fails, the caller reverts.
        let (status, output) = call(&ALICE, caller, &input);
        assert_eq!(status, ExecStatus::Revert);
        assert_eq!(&output[..4], &1i32.to_be_bytes());

        // Invalid init code fails the create and leaves nothing behind.
        let contracts = ContractInfoOf::<Test>::iter().count();
        let mut input = vec![4u8];
        input.extend_from_slice(&0u128.to_be_bytes());
        input.extend_from_slice(bad::FLOAT);
        let (status, _) = call(&ALICE, caller, &input);
        assert_eq!(status, ExecStatus::Revert);
        assert_eq!(ContractInfoOf::<Test>::iter().count(), contracts);
    });
}

#[test]
fn top_level_create2_uses_the_salt() {
    new_test_ext().execute_with(|| {
        let salt = H256([3; 32]);
        System::reset_events();
        frame_support::assert_ok!(Ssvm::deploy(
            RuntimeOrigin::signed(BOB),
            COUNTER.to_vec(),
            0,
            GAS,
            Some(salt)
        ));
        let expected =
            ssvm_engine::create2_address(&Address(address_of(&BOB).0), &Bytes32(salt.0), COUNTER);
        assert!(ContractInfoOf::<Test>::contains_key(H160(expected.0)));
        assert_eq!(Nonces::<Test>::get(address_of(&BOB)), 1);
    });
}

#[test]
fn dry_runs_equal_real_executions() {
    new_test_ext().execute_with(|| {
        let token = deploy(&ALICE, ERC20);
        let counter = deploy(&ALICE, COUNTER);
        let bob = address_of(&BOB);
        let cases: [(H160, Vec<u8>); 4] = [
            (token, abi(TRANSFER, &[address_word(bob), word(7)])),
            (token, abi(TRANSFER, &[address_word(bob), word(SUPPLY)])),
            (counter, Vec::new()),
            (counter, vec![1]),
        ];
        for (dest, input) in cases {
            let root = sp_io::storage::root(sp_runtime::StateVersion::V1);
            let dry = dry_call(&ALICE, dest, &input);
            assert_eq!(
                sp_io::storage::root(sp_runtime::StateVersion::V1),
                root,
                "a dry run changes nothing"
            );
            let (status, gas_used, output, _) = call_with(&ALICE, dest, &input, 0, GAS);
            assert_eq!(
                (dry.status, dry.gas_used, &dry.output),
                (status, gas_used, &output)
            );
            let logs: Vec<_> = dry
                .logs
                .iter()
                .map(|log| (log.contract, log.topics.clone(), log.data.clone()))
                .collect();
            assert_eq!(logs, self::logs());
        }
        let report = dry_call(&ALICE, counter, &[]);
        assert_eq!(report.storage_changes, 1);
        assert_eq!(report.contract, counter);

        // A deploy's dry run reports the address the deploy then gets.
        let dry = Ssvm::dry_run_deploy(BOB, ERC20.to_vec(), 0, GAS, None).expect("dry run");
        assert_eq!(dry.status, ExecStatus::Success);
        assert!(dry.output.is_empty());
        let deployed = deploy(&BOB, ERC20);
        assert_eq!(dry.contract, deployed);
        assert_eq!(dry.gas_used, receipt().1);
        assert_eq!(dry.storage_changes, 3, "deployed marker, supply, balance");
    });
}

#[test]
fn call_depth_is_capped() {
    // 1024 nested contract frames take more than the 2 MiB of a test thread in an
    // unoptimised build; the runtime's own stack is set by the executor.
    std::thread::Builder::new()
        .stack_size(16 << 20)
        .spawn(|| {
            new_test_ext().execute_with(|| {
                let recurse = deploy(&ALICE, probes::RECURSE);
                let (status, _) = call(&ALICE, recurse, &[]);
                assert_eq!(status, ExecStatus::Success);
                let depth = u32::from_le_bytes(slot(recurse, [0; 32])[..4].try_into().unwrap());
                assert_eq!(
                    depth, MAX_CALL_DEPTH,
                    "the frame at the cap could not call deeper"
                );
            })
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn memory_is_budgeted_per_transaction() {
    new_test_ext().execute_with(|| {
        let grow = deploy(&ALICE, probes::MEMORY);
        let grown = |pages: u32| {
            let (status, _) = call(&ALICE, grow, &pages.to_le_bytes());
            assert_eq!(status, ExecStatus::Success);
            i32::from_le_bytes(slot(grow, [0; 32])[..4].try_into().unwrap())
        };
        assert_eq!(grown(MAX_MEMORY_PAGES - 1), 1, "the budget's last page");
        assert_eq!(grown(MAX_MEMORY_PAGES), -1, "one page over");
    });
}

/// Stores 1 in slot 1 on empty call data; otherwise self-destructs in favour of the
/// address in the call data.
const DESTRUCT: &str = r#"(module
    (import "ethereum" "getCallDataSize" (func $size (result i32)))
    (import "ethereum" "callDataCopy" (func $copy (param i32 i32 i32)))
    (import "ethereum" "storageStore" (func $store (param i32 i32)))
    (import "ethereum" "selfDestruct" (func $destruct (param i32)))
    (memory (export "memory") 1)
    (data (i32.const 31) "\01")
    (data (i32.const 63) "\01")
    (func (export "main")
        (if (i32.eqz (call $size))
            (then (call $store (i32.const 0) (i32.const 32)) (return)))
        (call $copy (i32.const 100) (i32.const 0) (i32.const 20))
        (call $destruct (i32.const 100))))"#;

#[test]
fn self_destruct_removes_the_contract_and_deletes_its_storage_later() {
    new_test_ext().execute_with(|| {
        let code = wat::parse_str(DESTRUCT).unwrap();
        let contract = deploy_with(&ALICE, &init_code_returning(&code), 300);
        let (status, _) = call(&ALICE, contract, &[]);
        assert_eq!(status, ExecStatus::Success);
        let mut key = [0; 32];
        key[31] = 1;
        assert_eq!(slot(contract, key)[31], 1);
        let trie = ContractInfoOf::<Test>::get(contract).unwrap().trie_id;

        frame_support::assert_ok!(Ssvm::map_account(RuntimeOrigin::signed(BOB)));
        let (status, _) = call(&ALICE, contract, address_of(&BOB).as_bytes());
        assert_eq!(status, ExecStatus::Success);
        assert!(ssvm_events().contains(&Event::Terminated { contract }));
        assert!(!ContractInfoOf::<Test>::contains_key(contract));
        assert_eq!(Ssvm::code(contract), None);
        assert_eq!(
            free_balance(&BOB),
            ENDOWMENT + 300,
            "the beneficiary got the balance"
        );
        assert_eq!(free_balance(&fallback(&contract)), 0);
        assert_eq!(DeletionQueueCounter::<Test>::get(), (0, 1));
        assert_eq!(
            crate::exec::read_slot(&trie, &key)[31],
            1,
            "not deleted yet"
        );

        // on_idle without room does nothing; with room it deletes the trie.
        assert_eq!(Ssvm::on_idle(1, Weight::zero()), Weight::zero());
        assert_eq!(DeletionQueueCounter::<Test>::get(), (0, 1));
        Ssvm::on_idle(1, Weight::MAX);
        assert_eq!(DeletionQueueCounter::<Test>::get(), (1, 1));
        assert_eq!(crate::exec::read_slot(&trie, &key), [0; 32]);
    });
}

#[test]
fn a_reverted_self_destruct_changes_nothing() {
    new_test_ext().execute_with(|| {
        let caller = deploy(&ALICE, CALLER);
        let code = wat::parse_str(DESTRUCT).unwrap();
        let contract = deploy(&ALICE, &init_code_returning(&code));
        // CALLER op 6 calls the contract with BOB's address as data, then reverts.
        let mut input = caller_input(6, contract, 0);
        input.extend_from_slice(address_of(&BOB).as_bytes());
        let (status, _) = call(&ALICE, caller, &input);
        assert_eq!(status, ExecStatus::Revert);
        assert!(ContractInfoOf::<Test>::contains_key(contract));
        assert_eq!(DeletionQueueCounter::<Test>::get(), (0, 0));
    });
}

#[test]
fn the_runtime_api_queries() {
    new_test_ext().execute_with(|| {
        let counter = deploy(&ALICE, COUNTER);
        call(&ALICE, counter, &[]);
        assert_eq!(Ssvm::storage(counter, H256::zero()), Some(H256(word(1))));
        assert_eq!(Ssvm::storage(counter, H256([1; 32])), Some(H256::zero()));
        assert_eq!(Ssvm::code(counter).as_deref(), Some(COUNTER));
        let nobody = H160([9; 20]);
        assert_eq!(Ssvm::storage(nobody, H256::zero()), None);
        assert_eq!(Ssvm::code(nobody), None);
        assert_eq!(
            address_of(&ALICE),
            H160::from_slice(&ssvm_engine::keccak256(ALICE.as_ref()).0[12..])
        );
    });
}

/// The call data of `workload` repeated `r` times against `target`.
fn workload_input(workload: Workload, r: u32, target: H160, seed: u8) -> Vec<u8> {
    match workload {
        Workload::Call | Workload::Balance | Workload::CodeCopy => {
            workload.input(r, target.as_bytes())
        }
        _ => workload.input(r, &[seed]),
    }
}

#[test]
fn each_workload_repetition_costs_its_listed_gas() {
    new_test_ext().execute_with(|| {
        System::set_block_number(5);
        let bench = deploy(&ALICE, BENCH);
        let large = deploy(&ALICE, &sized_contract(crate::MAX_CODE_LEN));
        let gas_of = |workload: Workload, r: u32, seed: u8| {
            let target = if workload == Workload::CodeCopy {
                large
            } else {
                bench
            };
            let input = workload_input(workload, r, target, seed);
            let (status, gas_used, output, _) = call_with(&ALICE, bench, &input, 0, GAS);
            assert_eq!(status, ExecStatus::Success, "{workload:?}: {output:?}");
            gas_used
        };
        let measured: Vec<_> = Workload::REPEATED
            .iter()
            .map(|&workload| {
                // Stores are measured over slots that already hold a value.
                gas_of(workload, 10, 1);
                let base = gas_of(workload, 0, 2);
                let ten = gas_of(workload, 10, 2);
                assert_eq!((ten - base) % 10, 0, "{workload:?}");
                (workload, (ten - base) / 10)
            })
            .collect();
        let listed: Vec<_> = Workload::REPEATED.iter().map(|&w| (w, w.gas())).collect();
        assert_eq!(measured, listed);
    });
}

#[test]
fn weight_of_gas_is_the_heaviest_workload_per_gas() {
    let per_gas = crate::gas::weight_per_gas::<Test>();
    for workload in Workload::REPEATED {
        let slope = workload.weight::<Test>(1) - workload.weight::<Test>(0);
        assert!(
            per_gas.ref_time() * workload.gas() >= slope.ref_time(),
            "{workload:?} would be undercharged"
        );
    }
    assert!(Workload::REPEATED.iter().any(|workload| {
        let slope = workload.weight::<Test>(1) - workload.weight::<Test>(0);
        per_gas.ref_time() * workload.gas() < slope.ref_time() + workload.gas()
    }));
    assert_eq!(gas_to_weight::<Test>(3), per_gas * 3);
}

#[test]
fn dispatch_results_are_plain_for_map_account() {
    new_test_ext().execute_with(|| {
        let result: DispatchResult = Ssvm::map_account(RuntimeOrigin::signed(ALICE));
        assert!(result.is_ok());
        assert!(ssvm_events().contains(&Event::AccountMapped {
            account: ALICE,
            address: address_of(&ALICE)
        }));
        // Idempotent.
        System::reset_events();
        frame_support::assert_ok!(Ssvm::map_account(RuntimeOrigin::signed(ALICE)));
        assert!(ssvm_events().is_empty());
    });
}

/// The dry run's `gas_required` and `gas_used` of a call of `input` to `dest` by ALICE;
/// the dry run (its probes included) changes nothing.
fn required_for_call(dest: H160, input: &[u8], value: u128) -> (Option<u64>, u64) {
    let root = sp_io::storage::root(sp_runtime::StateVersion::V1);
    let dry = Ssvm::dry_run_call(ALICE, dest, input.to_vec(), value, GAS).expect("dry run");
    assert_eq!(sp_io::storage::root(sp_runtime::StateVersion::V1), root);
    (dry.gas_required, dry.gas_used)
}

/// The status of a dispatched call with `gas`, rolled back.
fn status_with_gas(dest: H160, input: &[u8], value: u128, gas: u64) -> ExecStatus {
    with_transaction(|| {
        let (status, ..) = call_with(&ALICE, dest, input, value, gas);
        TransactionOutcome::Rollback(Ok::<_, sp_runtime::DispatchError>(status))
    })
    .expect("rolled back")
}

#[test]
fn gas_required_is_the_smallest_limit_that_succeeds() {
    new_test_ext().execute_with(|| {
        let caller = deploy(&ALICE, CALLER);
        let counter = deploy(&ALICE, COUNTER);
        let token = deploy(&ALICE, ERC20);
        let bob = EthereumAddressMapping::to_address(&BOB);
        // Set a slot of the caller so that clearing it earns a refund.
        let mut set = vec![7u8];
        set.extend_from_slice(&[5; 32]);
        set.extend_from_slice(&[9; 32]);
        call(&ALICE, caller, &set);
        let mut clear = vec![7u8];
        clear.extend_from_slice(&[5; 32]);
        clear.extend_from_slice(&[0; 32]);
        // CALLER op 4: create with the init code that follows the value.
        let mut create = vec![4u8];
        create.extend_from_slice(&0u128.to_be_bytes());
        create.extend_from_slice(ERC20);
        // (name, contract, input, value, whether it needs more gas than it uses)
        let cases = [
            (
                "ERC20 transfer",
                token,
                abi(TRANSFER, &[address_word(bob), word(7)]),
                0,
                false,
            ),
            ("nested call", caller, caller_input(1, counter, 0), 0, false),
            // A value transfer adds the 2300 stipend to the callee's gas.
            (
                "nested call with value",
                caller,
                caller_input(1, counter, 1),
                10,
                false,
            ),
            // A create forwards all but 1/64 of the gas left and the ERC20's
            // constructor uses most of it: the 1/64 kept back is gas the caller must
            // have but does not use.
            ("nested create", caller, create, 0, true),
            // The refund is given at the end: the call needs the gas before it.
            ("storage clear (refund)", caller, clear, 0, true),
        ];
        for (name, dest, input, value, needs_more) in cases {
            let (required, used) = required_for_call(dest, &input, value);
            let required = required.unwrap_or_else(|| panic!("{name}: succeeds"));
            assert_eq!(
                status_with_gas(dest, &input, value, required),
                ExecStatus::Success,
                "{name} with gas_required {required}"
            );
            assert_ne!(
                status_with_gas(dest, &input, value, required - 1),
                ExecStatus::Success,
                "{name} with one gas less than {required}"
            );
            if needs_more {
                assert!(required > used, "{name}: required {required}, used {used}");
            } else {
                assert!(required >= used, "{name}: required {required}, used {used}");
            }
        }
        // A call that fails even with the maximum has no gas requirement.
        assert_eq!(required_for_call(token, &[1, 2], 0).0, None);
    });
}

#[test]
fn gas_required_of_a_deploy() {
    new_test_ext().execute_with(|| {
        let dry = Ssvm::dry_run_deploy(BOB, ERC20.to_vec(), 0, GAS, None).expect("dry run");
        let required = dry.gas_required.expect("the deploy succeeds");
        assert!(required >= dry.gas_used);
        let deploy_with_gas = |gas| {
            with_transaction(|| {
                System::reset_events();
                Ssvm::deploy(RuntimeOrigin::signed(BOB), ERC20.to_vec(), 0, gas, None)
                    .expect("dispatches");
                TransactionOutcome::Rollback(Ok::<_, sp_runtime::DispatchError>(receipt().0))
            })
            .expect("rolled back")
        };
        assert_eq!(deploy_with_gas(required), ExecStatus::Success);
        assert_ne!(deploy_with_gas(required - 1), ExecStatus::Success);
    });
}
