//! The Wasm kernels the interpreter and AOT benches share, and a runner for them on the
//! interpreter.

use ssvm_contracts::kernels::{FIB, LOOPS};
use ssvm_engine::Backend;
use ssvm_engine::world::World;
use ssvm_engine::{Config, GasSchedule, Instance, Module};

/// (benchmark, module, export, argument)
pub const WORKLOADS: &[(&str, &[u8], &str, u64)] = &[
    ("fib", FIB, "fib", 25),
    ("keccak256", LOOPS, "keccak_loop", 200),
    ("sha256", LOOPS, "sha256_loop", 500),
    ("mulmod256", LOOPS, "mulmod_loop", 5_000),
];

/// `export` of `bytes` (a plain module) on the interpreter with `schedule`, instantiated
/// once; each call runs with unlimited gas.
pub fn interpreter(schedule: GasSchedule, bytes: &[u8], export: &str) -> impl FnMut(u64) -> u64 {
    let config = Config::plain(schedule);
    let module: &'static Module = Box::leak(Box::new(Module::new(&config, bytes).unwrap()));
    let func = module.exported_func(export).unwrap();
    let mut host = World::empty(config, Backend::Interpreter);
    let mut gas = u64::MAX;
    let mut instance = Instance::instantiate(module, &mut host, &mut gas).unwrap();
    move |arg| {
        let mut gas = u64::MAX;
        instance.invoke(&mut host, func, &[arg], &mut gas).unwrap()[0]
    }
}
