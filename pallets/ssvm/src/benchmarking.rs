//! Benchmarks (frame-benchmarking v2) of the calls and of the workloads behind the
//! gas-to-weight rule in [`crate::gas`].
//!
//! `weights.rs` is generated from these on the reference machine by
//! `scripts/benchmark-pallet.sh`. The workload benchmarks call the `fixtures/bench.wat`
//! contract through the `call` extrinsic with `r` repetitions of one operation, so each
//! slope is the weight of one repetition, events and storage layers included.

use alloc::vec::Vec;

use frame_benchmarking::v2::*;
use frame_support::traits::fungible::{Inspect, Mutate};
use frame_support::weights::Weight;
use frame_system::RawOrigin;
use sp_core::{H160, H256};
use sp_runtime::Saturating;

use crate::fixtures::{BENCH, sized_contract};
use crate::gas::Workload;
use crate::*;

/// A funded account.
fn funded<T: Config>(name: &'static str, index: u32) -> T::AccountId {
    let account: T::AccountId = account(name, index, 0);
    let amount = T::Currency::minimum_balance().saturating_mul(1_000_000_000u32.into());
    T::Currency::set_balance(&account, amount);
    account
}

/// Deploys `code` (which must deploy itself) as `deployer`.
fn deploy_contract<T: Config>(deployer: &T::AccountId, code: Vec<u8>) -> H160 {
    let executed =
        Pallet::<T>::bare_deploy(deployer.clone(), code, 0u32.into(), gas_limit::<T>(), None)
            .expect("deploy dispatches");
    assert_eq!(
        executed.status,
        ExecStatus::Success,
        "benchmark deploy failed"
    );
    executed.contract
}

/// The gas limit of benchmarked calls: the most a call may use (every workload's
/// highest `r` fits; the benchmarks fail otherwise).
fn gas_limit<T: Config>() -> u64 {
    T::MaxGasLimit::get().min(50_000_000)
}

/// Sets storage slots `0..r` of `contract` to `seed`, as the `StorageStore` workload
/// does (slot `i` is `i` little-endian, the value ends in the seed byte), but directly:
/// creating a thousand slots through the contract costs more gas than one call may
/// use, and the set-up is not what is measured.
fn fill_slots<T: Config>(contract: H160, r: u32, seed: u8) {
    let info = ContractInfoOf::<T>::get(contract).expect("the contract is deployed");
    let mut value = [0; 32];
    value[31] = seed;
    for i in 0..r {
        let mut slot = [0; 32];
        slot[..4].copy_from_slice(&i.to_le_bytes());
        exec::write_slot(&info.trie_id, &slot, &value);
    }
}

/// The caller and the bench contract, with block number 10 (for `getBlockHash`).
fn setup<T: Config>() -> (T::AccountId, H160) {
    frame_system::Pallet::<T>::set_block_number(10u32.into());
    let caller = funded::<T>("caller", 0);
    let bench = deploy_contract::<T>(&caller, BENCH.to_vec());
    (caller, bench)
}

/// Runs `workload` `r` times through the `call` extrinsic and checks it succeeded.
fn run<T: Config>(caller: &T::AccountId, bench: H160, input: Vec<u8>) {
    let executed =
        Pallet::<T>::bare_call(caller.clone(), bench, input, 0u32.into(), gas_limit::<T>())
            .expect("call dispatches");
    assert_eq!(executed.status, ExecStatus::Success, "workload failed");
}

#[benchmarks]
mod benchmarks {
    use super::*;

    /// The base weight of `call`: a contract that returns at once.
    #[benchmark]
    fn call() {
        let (caller, bench) = setup::<T>();
        let input = Workload::Return.input(0, &[]);
        #[extrinsic_call]
        _(
            RawOrigin::Signed(caller),
            bench,
            input,
            0u32.into(),
            gas_limit::<T>(),
        );
    }

    /// `deploy` of `c` bytes of init code that deploys itself: validation,
    /// translation and code storage.
    #[benchmark]
    fn deploy(c: Linear<0, MAX_CODE_LEN>) {
        let caller = funded::<T>("caller", 0);
        let code = sized_contract(c);
        let hash = H256(ssvm_engine::keccak256(&code).0);
        #[extrinsic_call]
        _(
            RawOrigin::Signed(caller),
            code,
            0u32.into(),
            gas_limit::<T>(),
            None,
        );
        assert!(PristineCode::<T>::contains_key(hash));
    }

    /// `map_account` sweeping a balance paid to the address before.
    #[benchmark]
    fn map_account() {
        let caller = funded::<T>("caller", 0);
        let address = T::AddressMapping::to_address(&caller);
        let fallback = T::AddressMapping::to_fallback_account(&address);
        T::Currency::set_balance(&fallback, T::Currency::minimum_balance());
        #[extrinsic_call]
        _(RawOrigin::Signed(caller.clone()));
        assert_eq!(AddressToAccount::<T>::get(address), Some(caller));
    }

    /// Loading `c` bytes of code: reading and translating it (the slope is
    /// [`crate::gas::code_load_gas`]'s weight per byte).
    #[benchmark]
    fn code_load(c: Linear<0, MAX_CODE_LEN>) {
        let caller = funded::<T>("caller", 0);
        let contract = deploy_contract::<T>(&caller, sized_contract(c));
        #[block]
        {
            run::<T>(&caller, contract, Vec::new());
        }
    }

    #[benchmark]
    fn instructions(r: Linear<0, 100_000>) {
        let (caller, bench) = setup::<T>();
        let input = Workload::Loop.input(r, &[]);
        #[extrinsic_call]
        call(
            RawOrigin::Signed(caller),
            bench,
            input,
            0u32.into(),
            gas_limit::<T>(),
        );
    }

    #[benchmark]
    fn storage_load(r: Linear<0, 1_000>) {
        let (caller, bench) = setup::<T>();
        fill_slots::<T>(bench, r, 1);
        let input = Workload::StorageLoad.input(r, &[]);
        #[extrinsic_call]
        call(
            RawOrigin::Signed(caller),
            bench,
            input,
            0u32.into(),
            gas_limit::<T>(),
        );
    }

    #[benchmark]
    fn storage_store(r: Linear<0, 1_000>) {
        let (caller, bench) = setup::<T>();
        fill_slots::<T>(bench, r, 1);
        let input = Workload::StorageStore.input(r, &[2]);
        #[extrinsic_call]
        call(
            RawOrigin::Signed(caller),
            bench,
            input,
            0u32.into(),
            gas_limit::<T>(),
        );
    }

    #[benchmark]
    fn nested_call(r: Linear<0, 1_000>) {
        let (caller, bench) = setup::<T>();
        let input = Workload::Call.input(r, bench.as_bytes());
        #[extrinsic_call]
        call(
            RawOrigin::Signed(caller),
            bench,
            input,
            0u32.into(),
            gas_limit::<T>(),
        );
    }

    #[benchmark]
    fn balance(r: Linear<0, 1_000>) {
        let (caller, bench) = setup::<T>();
        let input = Workload::Balance.input(r, T::AddressMapping::to_address(&caller).as_bytes());
        #[extrinsic_call]
        call(
            RawOrigin::Signed(caller),
            bench,
            input,
            0u32.into(),
            gas_limit::<T>(),
        );
    }

    #[benchmark]
    fn code_copy(r: Linear<0, 1_000>) {
        let (caller, bench) = setup::<T>();
        let large = deploy_contract::<T>(&caller, sized_contract(MAX_CODE_LEN));
        let input = Workload::CodeCopy.input(r, large.as_bytes());
        #[extrinsic_call]
        call(
            RawOrigin::Signed(caller),
            bench,
            input,
            0u32.into(),
            gas_limit::<T>(),
        );
    }

    #[benchmark]
    fn block_hash(r: Linear<0, 1_000>) {
        let (caller, bench) = setup::<T>();
        let input = Workload::BlockHash.input(r, &[]);
        #[extrinsic_call]
        call(
            RawOrigin::Signed(caller),
            bench,
            input,
            0u32.into(),
            gas_limit::<T>(),
        );
    }

    #[benchmark]
    fn log(r: Linear<0, 1_000>) {
        let (caller, bench) = setup::<T>();
        let input = Workload::Log.input(r, &[]);
        #[extrinsic_call]
        call(
            RawOrigin::Signed(caller),
            bench,
            input,
            0u32.into(),
            gas_limit::<T>(),
        );
    }

    #[benchmark]
    fn mulmod(r: Linear<0, 10_000>) {
        let (caller, bench) = setup::<T>();
        let input = Workload::MulMod.input(r, &[]);
        #[extrinsic_call]
        call(
            RawOrigin::Signed(caller),
            bench,
            input,
            0u32.into(),
            gas_limit::<T>(),
        );
    }

    /// One `on_idle` step deleting a destroyed contract's storage of `k` keys.
    #[benchmark]
    fn on_idle_delete(k: Linear<0, 1_000>) {
        let trie_id = H256([7; 32]);
        for key in 0..k {
            let mut slot = [0u8; 32];
            slot[..4].copy_from_slice(&key.to_le_bytes());
            exec::write_slot(&trie_id, &slot, &[1; 32]);
        }
        DeletionQueue::<T>::insert(0, trie_id);
        DeletionQueueCounter::<T>::put((0, 1));
        #[block]
        {
            Pallet::<T>::process_deletion_queue(Weight::MAX);
        }
        assert_eq!(DeletionQueueCounter::<T>::get(), (1, 1));
    }

    impl_benchmark_test_suite!(Pallet, mock::new_test_ext(), mock::Test);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::{Test, new_test_ext};

    #[test]
    fn filled_slots_are_the_slots_the_contract_stores() {
        new_test_ext().execute_with(|| {
            let (caller, by_contract) = setup::<Test>();
            let by_fill = deploy_contract::<Test>(&caller, BENCH.to_vec());
            run::<Test>(&caller, by_contract, Workload::StorageStore.input(3, &[7]));
            fill_slots::<Test>(by_fill, 3, 7);
            for i in 0..4u32 {
                let mut slot = H256::zero();
                slot.0[..4].copy_from_slice(&i.to_le_bytes());
                let stored = Pallet::<Test>::storage(by_contract, slot);
                assert_eq!(stored, Pallet::<Test>::storage(by_fill, slot), "slot {i}");
                assert_eq!(stored.unwrap().0[31], if i < 3 { 7 } else { 0 }, "slot {i}");
            }
        });
    }
}
