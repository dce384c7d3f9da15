//! The behavioural tests, every one on every execution path ([`ssvm_tests::paths`]):
//! the interpreter, the AOT path and `libssvm-evmc.so` through the EVMC host interface.
//! Each test function becomes `name::interpreter`, `name::aot` and
//! `name::evmc_library`; on the AOT path and through the library every transaction is
//! also compared with the interpreter's.

mod agreement;
mod contracts;
mod eei;
mod gas;
mod limits;
