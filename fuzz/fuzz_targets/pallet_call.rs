//! libFuzzer entry point of the `pallet_call` target; see `ssvm_fuzz::targets::pallet_call`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ssvm_fuzz::targets::pallet_call::run(data));
