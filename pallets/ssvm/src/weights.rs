//! BOOTSTRAP weights: placeholders until `scripts/benchmark-pallet.sh` generates this
//! file from the benchmarks. Never ship these.

#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::weights::Weight;

pub trait WeightInfo {
    fn call() -> Weight;
    fn deploy(c: u32) -> Weight;
    fn map_account() -> Weight;
    fn code_load(c: u32) -> Weight;
    fn instructions(r: u32) -> Weight;
    fn storage_load(r: u32) -> Weight;
    fn storage_store(r: u32) -> Weight;
    fn nested_call(r: u32) -> Weight;
    fn balance(r: u32) -> Weight;
    fn code_copy(r: u32) -> Weight;
    fn block_hash(r: u32) -> Weight;
    fn log(r: u32) -> Weight;
    fn mulmod(r: u32) -> Weight;
    fn on_idle_delete(k: u32) -> Weight;
}

pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
    fn call() -> Weight {
        Weight::from_parts(5000000000, 0)
    }
    fn deploy(c: u32) -> Weight {
        Weight::from_parts(20000000000, 0)
            .saturating_add(Weight::from_parts(100000, 0).saturating_mul(c.into()))
    }
    fn map_account() -> Weight {
        Weight::from_parts(1000000000, 0)
    }
    fn code_load(c: u32) -> Weight {
        Weight::from_parts(1000000000, 0)
            .saturating_add(Weight::from_parts(60000, 0).saturating_mul(c.into()))
    }
    fn instructions(r: u32) -> Weight {
        Weight::from_parts(1, 0)
            .saturating_add(Weight::from_parts(70000, 0).saturating_mul(r.into()))
    }
    fn storage_load(r: u32) -> Weight {
        Weight::from_parts(1, 0)
            .saturating_add(Weight::from_parts(4000000, 0).saturating_mul(r.into()))
    }
    fn storage_store(r: u32) -> Weight {
        Weight::from_parts(1, 0)
            .saturating_add(Weight::from_parts(50000000, 0).saturating_mul(r.into()))
    }
    fn nested_call(r: u32) -> Weight {
        Weight::from_parts(1, 0)
            .saturating_add(Weight::from_parts(10000000, 0).saturating_mul(r.into()))
    }
    fn balance(r: u32) -> Weight {
        Weight::from_parts(1, 0)
            .saturating_add(Weight::from_parts(3000000, 0).saturating_mul(r.into()))
    }
    fn code_copy(r: u32) -> Weight {
        Weight::from_parts(1, 0)
            .saturating_add(Weight::from_parts(30000000, 0).saturating_mul(r.into()))
    }
    fn block_hash(r: u32) -> Weight {
        Weight::from_parts(1, 0)
            .saturating_add(Weight::from_parts(3000000, 0).saturating_mul(r.into()))
    }
    fn log(r: u32) -> Weight {
        Weight::from_parts(1, 0)
            .saturating_add(Weight::from_parts(2000000, 0).saturating_mul(r.into()))
    }
    fn mulmod(r: u32) -> Weight {
        Weight::from_parts(1, 0)
            .saturating_add(Weight::from_parts(200000, 0).saturating_mul(r.into()))
    }
    fn on_idle_delete(k: u32) -> Weight {
        Weight::from_parts(1000000000, 0)
            .saturating_add(Weight::from_parts(30000000, 0).saturating_mul(k.into()))
    }
}

impl WeightInfo for () {
    fn call() -> Weight {
        Weight::from_parts(5000000000, 0)
    }
    fn deploy(c: u32) -> Weight {
        Weight::from_parts(20000000000, 0)
            .saturating_add(Weight::from_parts(100000, 0).saturating_mul(c.into()))
    }
    fn map_account() -> Weight {
        Weight::from_parts(1000000000, 0)
    }
    fn code_load(c: u32) -> Weight {
        Weight::from_parts(1000000000, 0)
            .saturating_add(Weight::from_parts(60000, 0).saturating_mul(c.into()))
    }
    fn instructions(r: u32) -> Weight {
        Weight::from_parts(1, 0)
            .saturating_add(Weight::from_parts(70000, 0).saturating_mul(r.into()))
    }
    fn storage_load(r: u32) -> Weight {
        Weight::from_parts(1, 0)
            .saturating_add(Weight::from_parts(4000000, 0).saturating_mul(r.into()))
    }
    fn storage_store(r: u32) -> Weight {
        Weight::from_parts(1, 0)
            .saturating_add(Weight::from_parts(50000000, 0).saturating_mul(r.into()))
    }
    fn nested_call(r: u32) -> Weight {
        Weight::from_parts(1, 0)
            .saturating_add(Weight::from_parts(10000000, 0).saturating_mul(r.into()))
    }
    fn balance(r: u32) -> Weight {
        Weight::from_parts(1, 0)
            .saturating_add(Weight::from_parts(3000000, 0).saturating_mul(r.into()))
    }
    fn code_copy(r: u32) -> Weight {
        Weight::from_parts(1, 0)
            .saturating_add(Weight::from_parts(30000000, 0).saturating_mul(r.into()))
    }
    fn block_hash(r: u32) -> Weight {
        Weight::from_parts(1, 0)
            .saturating_add(Weight::from_parts(3000000, 0).saturating_mul(r.into()))
    }
    fn log(r: u32) -> Weight {
        Weight::from_parts(1, 0)
            .saturating_add(Weight::from_parts(2000000, 0).saturating_mul(r.into()))
    }
    fn mulmod(r: u32) -> Weight {
        Weight::from_parts(1, 0)
            .saturating_add(Weight::from_parts(200000, 0).saturating_mul(r.into()))
    }
    fn on_idle_delete(k: u32) -> Weight {
        Weight::from_parts(1000000000, 0)
            .saturating_add(Weight::from_parts(30000000, 0).saturating_mul(k.into()))
    }
}
