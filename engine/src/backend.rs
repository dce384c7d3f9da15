//! The one switch between the engine's execution paths: the interpreter (always; the
//! only path on chain) and, with the `aot` feature, native code compiled by wasmtime.
//! Both give the same status, output, state changes and gas for every input (the
//! differential tests and fuzz targets hold them to it), so a host picks one by speed.

#[cfg(feature = "aot")]
use alloc::sync::Arc;

use crate::execution::run::{ExecutionResult, execute};
use crate::host::{Host, Message};
use crate::types::Config;

/// An execution path.
#[derive(Clone)]
pub enum Backend {
    /// The interpreter ([`crate::execute`]).
    Interpreter,
    /// Native code ([`crate::aot::AotEngine`], which caches what it compiles).
    #[cfg(feature = "aot")]
    Aot(Arc<crate::aot::AotEngine>),
}

impl Backend {
    /// The path's name, as hosts and runners spell it (`interpreter`, `aot`).
    pub fn name(&self) -> &'static str {
        match self {
            Backend::Interpreter => "interpreter",
            #[cfg(feature = "aot")]
            Backend::Aot(_) => "aot",
        }
    }

    /// Executes `code` for `message` with `config` on this path.
    pub fn execute(
        &self,
        config: &Config,
        host: &mut dyn Host,
        message: &Message<'_>,
        code: &[u8],
    ) -> ExecutionResult {
        match self {
            Backend::Interpreter => execute(config, host, message, code),
            #[cfg(feature = "aot")]
            Backend::Aot(engine) => engine.execute(config, host, message, code),
        }
    }
}

impl core::fmt::Debug for Backend {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}
