//! Integration tests of ssvm-engine: one test binary, one module per concern.

mod shared;
mod spec;
