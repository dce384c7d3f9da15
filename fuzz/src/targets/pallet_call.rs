//! `pallet_call`: arbitrary deploys and calls through the pallet on its mock runtime.
//!
//! A sequence of extrinsics (`deploy`, `call`, `map_account`) from funded and unfunded
//! origins, with codes that are example, regression or generated contracts or raw
//! bytes, call data, values and gas limits (above `MaxGasLimit` and the balance
//! included) from the input, dispatched as the runtime dispatches them.
//!
//! Oracles: no panic; every dispatch, failed or not, pays (`Pays::Yes`) an actual weight
//! between the call's base weight and its declared weight, and an execution exactly its
//! base weight plus the weight of the gas it used; a failed dispatch and a
//! dispatch whose execution did not succeed leave the state exactly as it was (balances,
//! contracts, code, storage tries: the storage root with events cleared); total
//! issuance never changes; gas used never exceeds the limit.

use arbitrary::Unstructured;
use frame_support::dispatch::{GetDispatchInfo, Pays, PostDispatchInfo};
use frame_support::traits::{Get, UnfilteredDispatchable};
use frame_support::weights::Weight;
use pallet_ssvm::address::{AddressMapping, EthereumAddressMapping};
use pallet_ssvm::mock::{ALICE, BOB, Balances, CHARLIE, RuntimeEvent, System, Test, new_test_ext};
use pallet_ssvm::{Call, Event, ExecStatus, Nonces};
use sp_core::{H160, H256};
use sp_runtime::AccountId32;

use crate::generate;
use crate::stats::note;

/// An origin without funds.
const DAVE: AccountId32 = AccountId32::new([4; 32]);

/// Most extrinsics in one input.
const MAX_STEPS: usize = 6;

/// Runs one input; panics on a finding.
pub fn run(data: &[u8]) {
    note("pallet_call.runs");
    let mut u = Unstructured::new(data);
    new_test_ext().execute_with(|| {
        // Registration is a lasting effect of any call: do it first, so that what
        // follows can be compared with the state before it.
        for origin in [ALICE, BOB, CHARLIE, DAVE] {
            let call = Call::<Test>::map_account {};
            let _ = call.dispatch_bypass_filter(frame_system::RawOrigin::Signed(origin).into());
        }
        let issuance = Balances::total_issuance();
        let mut contracts: Vec<H160> = Vec::new();
        for _ in 0..MAX_STEPS {
            if u.is_empty() {
                break;
            }
            let Ok(step) = step(&mut u, &contracts) else {
                break;
            };
            if let Some(contract) = dispatch(step) {
                contracts.push(contract);
            }
            assert_eq!(Balances::total_issuance(), issuance, "issuance changed");
        }
    });
}

/// One extrinsic and its origin.
struct Step {
    origin: AccountId32,
    call: Call<Test>,
}

fn step(u: &mut Unstructured<'_>, contracts: &[H160]) -> arbitrary::Result<Step> {
    let origin = [ALICE, BOB, CHARLIE, DAVE][usize::from(u.int_in_range(0..=3u8)?)].clone();
    let value: u128 = match u.int_in_range(0..=7u8)? {
        0..=3 => 0,
        4 | 5 => u.int_in_range(1..=1_000_000)?,
        6 => pallet_ssvm::mock::ENDOWMENT,
        _ => u.arbitrary()?,
    };
    let limit = <Test as pallet_ssvm::Config>::MaxGasLimit::get();
    let gas_limit: u64 = match u.int_in_range(0..=7u8)? {
        0 => 0,
        1 => limit,
        2 => limit + 1,
        3 => u.arbitrary()?,
        _ => u.int_in_range(0..=2_000_000)?,
    };
    let call = match u.int_in_range(0..=9u8)? {
        0..=3 => {
            let code = match u.int_in_range(0..=5u8)? {
                0 => {
                    let all = ssvm_contracts::CONTRACTS;
                    all[usize::from(u.arbitrary::<u8>()?) % all.len()]
                        .1
                        .to_vec()
                }
                1 => {
                    let all = ssvm_contracts::regressions::ALL;
                    all[usize::from(u.arbitrary::<u8>()?) % all.len()]
                        .1
                        .to_vec()
                }
                2 | 3 => generate::contract_module(u)?.1,
                _ => {
                    let len = u.int_in_range(0..=64)?;
                    u.bytes(len)?.to_vec()
                }
            };
            let salt = if u.arbitrary()? {
                Some(H256(u.arbitrary()?))
            } else {
                None
            };
            Call::deploy {
                init_code: code,
                value,
                gas_limit,
                salt,
            }
        }
        4..=8 => {
            let dest = match contracts {
                [] => H160(u.arbitrary()?),
                _ if u.ratio(1, 8)? => H160(u.arbitrary()?),
                _ => contracts[usize::from(u.arbitrary::<u8>()?) % contracts.len()],
            };
            let len = u.int_in_range(0..=68)?;
            let input = u.bytes(len)?.to_vec();
            Call::call {
                dest,
                input,
                value,
                gas_limit,
            }
        }
        _ => Call::map_account {},
    };
    Ok(Step { origin, call })
}

/// The storage root with the events (which every dispatch adds) cleared.
fn state_root() -> Vec<u8> {
    System::reset_events();
    sp_io::storage::root(sp_runtime::StateVersion::V1)
}

/// The last execution's receipt: status, gas used, contract.
fn receipt() -> Option<(ExecStatus, u64, H160)> {
    System::events()
        .into_iter()
        .rev()
        .find_map(|record| match record.event {
            RuntimeEvent::Ssvm(Event::Called {
                status,
                gas_used,
                contract,
                ..
            }) => Some((status, gas_used, contract)),
            _ => None,
        })
}

/// Dispatches `step` and checks the oracles; returns a contract it deployed.
fn dispatch(step: Step) -> Option<H160> {
    let info = step.call.get_dispatch_info();
    let (base, gas_limit, is_deploy) = match &step.call {
        Call::deploy {
            init_code,
            gas_limit,
            ..
        } => {
            let len = init_code.len().min(pallet_ssvm::MAX_INIT_CODE_LEN as usize) as u32;
            (
                <() as pallet_ssvm::WeightInfo>::deploy(len),
                *gas_limit,
                true,
            )
        }
        Call::call { gas_limit, .. } => {
            (<() as pallet_ssvm::WeightInfo>::call(), *gas_limit, false)
        }
        _ => (Weight::zero(), 0, false),
    };
    let deployer = EthereumAddressMapping::to_address(&step.origin);
    let nonce = Nonces::<Test>::get(deployer);
    let had_nonce = Nonces::<Test>::contains_key(deployer);
    let before = state_root();
    let origin = frame_system::RawOrigin::Signed(step.origin).into();
    let outcome = step.call.dispatch_bypass_filter(origin);
    let post: PostDispatchInfo = match &outcome {
        Ok(post) => *post,
        Err(error) => error.post_info,
    };
    assert_eq!(
        post.pays_fee,
        Pays::Yes,
        "a dispatch went unpaid: {outcome:?}"
    );
    let actual = post.calc_actual_weight(&info);
    assert!(
        actual.all_lte(info.call_weight),
        "actual weight {actual:?} above the declared {:?}",
        info.call_weight
    );
    if base != Weight::zero() {
        assert!(
            actual.all_gte(base),
            "actual weight {actual:?} below the base {base:?}"
        );
    }
    let receipt = receipt();
    let succeeded = match (&outcome, receipt) {
        (Err(_), _) => {
            note("pallet_call.dispatch_errors");
            false
        }
        (Ok(_), Some((status, gas_used, contract))) => {
            assert!(
                gas_used <= gas_limit,
                "gas used {gas_used} above the limit {gas_limit}"
            );
            // The fee rule: the base weight plus the gas used, nothing more or less.
            let charged = base.saturating_add(pallet_ssvm::gas::gas_to_weight::<Test>(gas_used));
            assert_eq!(actual, charged, "weight charged for {gas_used} gas");
            note(match status {
                ExecStatus::Success => "pallet_call.succeeded",
                ExecStatus::Revert => "pallet_call.reverted",
                _ => "pallet_call.failed",
            });
            if status == ExecStatus::Success {
                return is_deploy.then_some(contract);
            }
            false
        }
        (Ok(_), None) => true,
    };
    if !succeeded {
        if is_deploy && receipt.is_some() {
            // Ethereum keeps the deployer's nonce increment of a failed create.
            assert_eq!(Nonces::<Test>::get(deployer), nonce + 1, "deployer's nonce");
            if had_nonce {
                Nonces::<Test>::insert(deployer, nonce);
            } else {
                Nonces::<Test>::remove(deployer);
            }
        }
        assert!(
            state_root() == before,
            "state changed by a dispatch that did not succeed: {outcome:?}, {receipt:?}"
        );
    }
    None
}
