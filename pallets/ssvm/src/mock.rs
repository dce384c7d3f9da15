//! A mock runtime for the pallet's tests and benchmarks, and (feature `mock`) for the
//! fuzz target of its calls: frame-system, pallet-balances (ED 1), pallet-timestamp
//! and pallet-ssvm with the dev chain's limits.

// FRAME's macros generate the runtime's standard types (`RuntimeCall`, `RuntimeEvent`,
// the pallet aliases, ...) and the parameter types without documentation.
#![allow(missing_docs)]

use frame_support::derive_impl;
use frame_support::parameter_types;
use frame_support::traits::{ConstU32, ConstU64, ConstU128};
use frame_support::weights::Weight;
use frame_support::weights::constants::WEIGHT_REF_TIME_PER_SECOND;
use sp_runtime::traits::IdentityLookup;
use sp_runtime::{AccountId32, BuildStorage};

use crate as pallet_ssvm;
use crate::address::EthereumAddressMapping;

type Block = frame_system::mocking::MockBlock<Test>;

#[frame_support::runtime]
mod runtime {
    #[runtime::runtime]
    #[runtime::derive(
        RuntimeCall,
        RuntimeEvent,
        RuntimeError,
        RuntimeOrigin,
        RuntimeFreezeReason,
        RuntimeHoldReason,
        RuntimeSlashReason,
        RuntimeLockId,
        RuntimeTask,
        RuntimeViewFunction
    )]
    pub struct Test;

    #[runtime::pallet_index(0)]
    pub type System = frame_system::Pallet<Test>;

    #[runtime::pallet_index(1)]
    pub type Timestamp = pallet_timestamp::Pallet<Test>;

    #[runtime::pallet_index(2)]
    pub type Balances = pallet_balances::Pallet<Test>;

    #[runtime::pallet_index(3)]
    pub type Ssvm = pallet_ssvm::Pallet<Test>;
}

parameter_types! {
    /// The mock's block weights: two seconds of computation per block.
    pub BlockWeights: frame_system::limits::BlockWeights =
        frame_system::limits::BlockWeights::simple_max(
            Weight::from_parts(2 * WEIGHT_REF_TIME_PER_SECOND, u64::MAX),
        );
    /// The heaviest extrinsic: what a call's gas may fill, as on the dev chain.
    pub MaxExtrinsicWeight: Weight = BlockWeights::get()
        .get(frame_support::dispatch::DispatchClass::Normal)
        .max_extrinsic
        .unwrap_or(Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND, u64::MAX));
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
    type Block = Block;
    type AccountId = AccountId32;
    type Lookup = IdentityLookup<AccountId32>;
    type AccountData = pallet_balances::AccountData<u128>;
    type BlockWeights = BlockWeights;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
    type Balance = u128;
    type ExistentialDeposit = ConstU128<1>;
    type AccountStore = System;
}

#[derive_impl(pallet_timestamp::config_preludes::TestDefaultConfig)]
impl pallet_timestamp::Config for Test {}

/// The depth cap of the mock (the dev chain's).
pub const MAX_CALL_DEPTH: u32 = 64;
/// The memory budget of the mock (the dev chain's).
pub const MAX_MEMORY_PAGES: u32 = 256;

impl pallet_ssvm::Config for Test {
    type Currency = Balances;
    type UnixTime = Timestamp;
    type AddressMapping = EthereumAddressMapping;
    type ChainId = ConstU64<42>;
    type GasPrice = ConstU128<1>;
    type MaxGasLimit = pallet_ssvm::gas::GasFittingIn<Test, MaxExtrinsicWeight>;
    type MaxCallDepth = ConstU32<MAX_CALL_DEPTH>;
    type MaxMemoryPages = ConstU32<MAX_MEMORY_PAGES>;
    type WeightInfo = ();
}

/// Accounts with funds.
pub const ALICE: AccountId32 = AccountId32::new([1; 32]);
/// Accounts with funds.
pub const BOB: AccountId32 = AccountId32::new([2; 32]);
/// Accounts with funds.
pub const CHARLIE: AccountId32 = AccountId32::new([3; 32]);
/// The endowment of each.
pub const ENDOWMENT: u128 = 1_000_000_000_000;

/// Genesis with ALICE, BOB and CHARLIE endowed, at block 1 with a timestamp.
pub fn new_test_ext() -> sp_io::TestExternalities {
    let mut storage = frame_system::GenesisConfig::<Test>::default()
        .build_storage()
        .expect("genesis builds");
    pallet_balances::GenesisConfig::<Test> {
        balances: [ALICE, BOB, CHARLIE]
            .into_iter()
            .map(|account| (account, ENDOWMENT))
            .collect(),
        ..Default::default()
    }
    .assimilate_storage(&mut storage)
    .expect("balances genesis");
    let mut ext = sp_io::TestExternalities::new(storage);
    ext.execute_with(|| {
        System::set_block_number(1);
        Timestamp::set_timestamp(1_700_000_000_000);
    });
    ext
}
