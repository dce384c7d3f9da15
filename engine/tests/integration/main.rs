//! Integration tests of ssvm-engine: one test binary, one module per concern.

#[cfg(feature = "aot")]
mod aot;
mod bad_input;
mod docs;
mod layers;
#[cfg(feature = "aot")]
mod limits;
mod shared;
mod spec;
#[cfg(feature = "aot")]
mod spec_aot;
