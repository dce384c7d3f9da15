//! Gas and weight: the one rule that converts gas to weight, and the gas of code
//! loading.
//!
//! Contracts are metered in gas by the engine's schedule (Ethereum's prices for the
//! EEI, per-instruction prices for Wasm). The chain meters in weight. The rule: **one
//! unit of gas weighs as much as the heaviest unit of gas among the benchmarked
//! workloads**, component-wise. Each workload of `fixtures/bench.wat` repeats one
//! operation `r` times; its benchmark's slope (the weight of `r = 1` minus `r = 0`)
//! divided by the gas of one repetition ([`Workload::gas`], proven by tests) is that
//! operation's weight per gas, and [`weight_per_gas`] is the largest. So no mix of
//! operations can take longer than the weight charged for its gas; cheaper operations
//! are overcharged, the price of keeping Ethereum's gas schedule unchanged.
//!
//! Translating code to the engine's register code is linear in its size and not part
//! of the Ewasm schedule; a frame that loads code pays [`code_load_gas`], the
//! `code_load` benchmark's weight per byte converted by the same rule.

use alloc::vec::Vec;

use core::marker::PhantomData;

use frame_support::traits::Get;
use frame_support::weights::Weight;

use crate::{Config, MAX_INIT_CODE_LEN, WeightInfo};

/// A workload of `fixtures/bench.wat`: the selector in the first four bytes of its
/// call data.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Workload {
    /// Returns at once (the base call; also the callee of [`Workload::Call`]).
    Return = 0,
    /// An empty loop iteration: the cheapest instructions.
    Loop = 1,
    /// `storageLoad`.
    StorageLoad = 2,
    /// `storageStore` over a non-zero slot.
    StorageStore = 3,
    /// `call` of a contract that returns at once.
    Call = 4,
    /// `getExternalBalance`.
    Balance = 5,
    /// `externalCodeCopy` of 24000 bytes.
    CodeCopy = 6,
    /// `getBlockHash`.
    BlockHash = 7,
    /// `log` without topics or data.
    Log = 8,
    /// `mulmod256`.
    MulMod = 9,
}

impl Workload {
    /// Every repeated workload.
    pub const REPEATED: [Workload; 9] = [
        Workload::Loop,
        Workload::StorageLoad,
        Workload::StorageStore,
        Workload::Call,
        Workload::Balance,
        Workload::CodeCopy,
        Workload::BlockHash,
        Workload::Log,
        Workload::MulMod,
    ];

    /// The gas of one repetition under [`crate::SCHEDULE`]: 12 for the loop (compare,
    /// branch, dispatch, increment), the operation's EEI or bignum price, and the
    /// instructions that set up its arguments. A test measures every one.
    pub const fn gas(self) -> u64 {
        match self {
            Workload::Return => 0,
            Workload::Loop => 12,
            // 200 + 22.
            Workload::StorageLoad => 222,
            // 5000 (non-zero to non-zero) + 22.
            Workload::StorageStore => 5022,
            // 700 + the callee's 1093 (its memory page, 1024, and its instructions).
            Workload::Call => 1793,
            // 400 + 19.
            Workload::Balance => 419,
            // 700 + 3 × 750 words + 21.
            Workload::CodeCopy => 2971,
            // 800 + 28 (including getBlockNumber's 2).
            Workload::BlockHash => 828,
            // 375 + 24.
            Workload::Log => 399,
            // 8 + 20.
            Workload::MulMod => 28,
        }
    }

    /// The call data that runs this workload `r` times with `argument`.
    pub fn input(self, r: u32, argument: &[u8]) -> Vec<u8> {
        let mut input = Vec::with_capacity(8 + argument.len());
        input.extend_from_slice(&(self as u32).to_le_bytes());
        input.extend_from_slice(&r.to_le_bytes());
        input.extend_from_slice(argument);
        input
    }

    /// The benchmarked weight of `r` repetitions (plus the call around them).
    pub fn weight<T: Config>(self, r: u32) -> Weight {
        match self {
            Workload::Return => T::WeightInfo::call(),
            Workload::Loop => T::WeightInfo::instructions(r),
            Workload::StorageLoad => T::WeightInfo::storage_load(r),
            Workload::StorageStore => T::WeightInfo::storage_store(r),
            Workload::Call => T::WeightInfo::nested_call(r),
            Workload::Balance => T::WeightInfo::balance(r),
            Workload::CodeCopy => T::WeightInfo::code_copy(r),
            Workload::BlockHash => T::WeightInfo::block_hash(r),
            Workload::Log => T::WeightInfo::log(r),
            Workload::MulMod => T::WeightInfo::mulmod(r),
        }
    }
}

/// `numerator / denominator`, rounded up (0 for a zero denominator).
fn div_ceil(numerator: u64, denominator: u64) -> u64 {
    if denominator == 0 {
        0
    } else {
        numerator.div_ceil(denominator)
    }
}

/// The weight of one unit of gas. See the module docs.
pub fn weight_per_gas<T: Config>() -> Weight {
    Workload::REPEATED
        .iter()
        .fold(Weight::from_parts(1, 0), |max, &workload| {
            let slope = workload
                .weight::<T>(1)
                .saturating_sub(workload.weight::<T>(0));
            let gas = workload.gas();
            max.max(Weight::from_parts(
                div_ceil(slope.ref_time(), gas),
                div_ceil(slope.proof_size(), gas),
            ))
        })
}

/// The weight of `gas`.
pub fn gas_to_weight<T: Config>(gas: u64) -> Weight {
    weight_per_gas::<T>().saturating_mul(gas)
}

/// The gas a frame pays to load (translate) `len` bytes of code.
pub fn code_load_gas<T: Config>(len: u32) -> u64 {
    let weight = T::WeightInfo::code_load(len).saturating_sub(T::WeightInfo::code_load(0));
    let per_gas = weight_per_gas::<T>();
    div_ceil(weight.ref_time(), per_gas.ref_time())
        .max(div_ceil(weight.proof_size(), per_gas.proof_size()))
}

/// A `MaxGasLimit` that follows the weights: the most gas whose weight, on top of the
/// heavier base weight of the two calls, fits in `W` (the runtime's largest extrinsic
/// weight).
pub struct GasFittingIn<T, W>(PhantomData<(T, W)>);

impl<T: Config, W: Get<Weight>> Get<u64> for GasFittingIn<T, W> {
    fn get() -> u64 {
        let base = T::WeightInfo::call().max(T::WeightInfo::deploy(MAX_INIT_CODE_LEN));
        let room = W::get().saturating_sub(base);
        let per_gas = weight_per_gas::<T>();
        let by_time = room.ref_time() / per_gas.ref_time().max(1);
        let by_proof = room
            .proof_size()
            .checked_div(per_gas.proof_size())
            .unwrap_or(u64::MAX);
        by_time.min(by_proof)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn division_rounds_up() {
        assert_eq!(div_ceil(10, 5), 2);
        assert_eq!(div_ceil(11, 5), 3);
        assert_eq!(div_ceil(0, 5), 0);
        assert_eq!(div_ceil(7, 0), 0);
    }
}
