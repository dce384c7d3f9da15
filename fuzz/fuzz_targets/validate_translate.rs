//! libFuzzer entry point of the `validate_translate` target; see `ssvm_fuzz::targets::validate_translate`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ssvm_fuzz::targets::validate_translate::run(data));
