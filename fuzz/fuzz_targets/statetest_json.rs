//! libFuzzer entry point of the `statetest_json` target; see `ssvm_fuzz::targets::statetest_json`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ssvm_fuzz::targets::statetest_json::run(data));
