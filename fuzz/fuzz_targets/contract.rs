//! libFuzzer entry point of the `contract` target; see `ssvm_fuzz::targets::contract`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ssvm_fuzz::targets::contract::run(data));
