//! Integration tests of ssvm-engine: one test binary, one module per concern.

mod bad_input;
mod contracts;
mod docs;
mod eei;
mod gas;
mod shared;
mod spec;
