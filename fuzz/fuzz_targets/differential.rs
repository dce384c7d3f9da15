//! libFuzzer entry point of the `differential` target; see `ssvm_fuzz::targets::differential`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ssvm_fuzz::targets::differential::run(data));
