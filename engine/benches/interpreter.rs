//! Interpreter throughput: ssvm (metered with schedule V1, and unmetered) against wasmi
//! 2.0 with fuel metering, on the same Wasm kernels (`contracts/`): recursive fib, and
//! keccak256, sha256 and 256-bit Montgomery multiplication loops compiled from Rust.
//!
//! `cargo bench -p ssvm-engine --bench interpreter`; `scripts/bench-report.py` turns the
//! results into the table of BENCHMARKS.md.

mod kernels;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use kernels::{WORKLOADS, interpreter};
use ssvm_engine::GasSchedule;

fn wasmi_metered(bytes: &[u8], export: &str, is_i64: bool) -> Box<dyn FnMut(u64) -> u64> {
    let mut config = wasmi::Config::default();
    config.consume_fuel(true);
    let engine = wasmi::Engine::new(&config);
    let module = wasmi::Module::new(&engine, bytes).unwrap();
    let mut store = wasmi::Store::new(&engine, ());
    store.set_fuel(u64::MAX).unwrap();
    let linker = wasmi::Linker::<()>::new(&engine);
    let instance = linker.instantiate_and_start(&mut store, &module).unwrap();
    if is_i64 {
        let func = instance.get_typed_func::<i64, i64>(&store, export).unwrap();
        Box::new(move |arg| {
            store.set_fuel(u64::MAX).unwrap();
            func.call(&mut store, arg as i64).unwrap() as u64
        })
    } else {
        let func = instance.get_typed_func::<i32, i32>(&store, export).unwrap();
        Box::new(move |arg| {
            store.set_fuel(u64::MAX).unwrap();
            func.call(&mut store, arg as i32).unwrap() as u32 as u64
        })
    }
}

fn interpreters(c: &mut Criterion) {
    for &(name, bytes, export, arg) in WORKLOADS {
        let is_i64 = name == "fib";
        let mut group = c.benchmark_group(name);
        group.sample_size(20);
        let mut metered = interpreter(GasSchedule::V1, bytes, export);
        let mut unmetered = interpreter(GasSchedule::HERA_UNMETERED, bytes, export);
        let mut wasmi = wasmi_metered(bytes, export, is_i64);
        // All three must compute the same thing.
        let expected = wasmi(arg);
        assert_eq!(metered(arg) as u32, expected as u32, "{name}");
        assert_eq!(unmetered(arg) as u32, expected as u32, "{name}");
        group.bench_function(BenchmarkId::new("ssvm-metered", arg), |b| {
            b.iter(|| metered(arg))
        });
        group.bench_function(BenchmarkId::new("ssvm-unmetered", arg), |b| {
            b.iter(|| unmetered(arg))
        });
        group.bench_function(BenchmarkId::new("wasmi-fuel", arg), |b| {
            b.iter(|| wasmi(arg))
        });
        group.finish();
    }
}

criterion_group!(benches, interpreters);
criterion_main!(benches);
