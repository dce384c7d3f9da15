//! libFuzzer entry point of the `evmc_execute` target; see `ssvm_fuzz::targets::evmc_execute`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ssvm_fuzz::targets::evmc_execute::run(data));
