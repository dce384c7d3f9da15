//! The AOT path (feature `aot`): the interpreter bench's kernels on native code
//! (metered exactly like the interpreter) against the interpreter, unmetered wasmtime
//! (the same compiler without our metering) and native Rust twins of the keccak256
//! and sha256 kernels (the same crates, compiled for the host); compilation time per
//! KB of contract code; loading a compiled contract from the disk cache and from
//! memory; one contract call on each path.
//!
//! `cargo bench -p ssvm-engine --features aot --bench aot`; `scripts/bench-report.py`
//! prints the tables of BENCHMARKS.md.

mod kernels;

use std::rc::Rc;
use std::sync::{Arc, OnceLock};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use kernels::WORKLOADS;
use ssvm_contracts::{BIGNUM_DEMO, CALLER, COUNTER, ERC20};
use ssvm_engine::Backend;
use ssvm_engine::aot::{AotEngine, AotInstance, AotOptions};
use ssvm_engine::world::{Engine, World};
use ssvm_engine::{
    Address, CallKind, Config, ExecutionResult, GasSchedule, Message, Module, Status,
};

fn engine() -> &'static Arc<AotEngine> {
    static ENGINE: OnceLock<Arc<AotEngine>> = OnceLock::new();
    ENGINE.get_or_init(|| Arc::new(AotEngine::new(AotOptions::default()).expect("AOT engine")))
}

fn aot(bytes: &[u8], export: &'static str) -> impl FnMut(u64) -> u64 {
    let config = Config::plain(GasSchedule::V1);
    let module = Module::new(&config, bytes).unwrap();
    let signature = module
        .func_signature(module.exported_func(export).unwrap())
        .unwrap()
        .clone();
    let mut host = World::empty(config, Backend::Interpreter);
    let mut gas = u64::MAX;
    let mut instance =
        AotInstance::instantiate(engine(), &config, &module, bytes, &mut host, &mut gas).unwrap();
    move |arg| {
        let mut gas = u64::MAX;
        let results = instance.invoke(
            &mut host,
            export,
            &signature.params,
            &signature.results,
            &[arg],
            &mut gas,
        );
        results.unwrap()[0]
    }
}

/// The module on plain wasmtime 48 with the same Cranelift settings, no metering.
fn wasmtime_unmetered(bytes: &[u8], export: &str, is_i64: bool) -> Box<dyn FnMut(u64) -> u64> {
    let mut config = wasmtime::Config::new();
    config.cranelift_opt_level(wasmtime::OptLevel::Speed);
    let engine = wasmtime::Engine::new(&config).unwrap();
    let module = wasmtime::Module::new(&engine, bytes).unwrap();
    let mut store = wasmtime::Store::new(&engine, ());
    let instance = wasmtime::Instance::new(&mut store, &module, &[]).unwrap();
    if is_i64 {
        let func = instance
            .get_typed_func::<i64, i64>(&mut store, export)
            .unwrap();
        Box::new(move |arg| func.call(&mut store, arg as i64).unwrap() as u64)
    } else {
        let func = instance
            .get_typed_func::<i32, i32>(&mut store, export)
            .unwrap();
        Box::new(move |arg| func.call(&mut store, arg as i32).unwrap() as u32 as u64)
    }
}

/// The keccak256 kernel in native Rust (tiny-keccak, as compiled into the Wasm).
fn native_keccak_loop(n: u64) -> u64 {
    use tiny_keccak::{Hasher, Keccak};
    let mut block = [0u8; 136];
    for _ in 0..n {
        let mut hasher = Keccak::v256();
        hasher.update(&block[..135]);
        let mut digest = [0u8; 32];
        hasher.finalize(&mut digest);
        block[..32].copy_from_slice(&digest);
    }
    u64::from(u32::from_le_bytes([block[0], block[1], block[2], block[3]]))
}

/// The sha256 kernel in native Rust (the sha2 crate, as compiled into the Wasm; natively
/// it uses the CPU's SHA extensions when present).
fn native_sha256_loop(n: u64) -> u64 {
    use sha2::{Digest, Sha256};
    let mut state = [0u8; 32];
    for _ in 0..n {
        let digest = Sha256::digest(state);
        state.copy_from_slice(&digest);
    }
    u64::from(u32::from_le_bytes([state[0], state[1], state[2], state[3]]))
}

fn kernels(c: &mut Criterion) {
    for &(name, bytes, export, arg) in WORKLOADS {
        let is_i64 = name == "fib";
        let mut group = c.benchmark_group(format!("aot-{name}"));
        group.sample_size(20);
        let mut interpreter = kernels::interpreter(GasSchedule::V1, bytes, export);
        let mut aot = aot(bytes, export);
        let mut wasmtime = wasmtime_unmetered(bytes, export, is_i64);
        let native: Option<fn(u64) -> u64> = match name {
            "keccak256" => Some(native_keccak_loop),
            "sha256" => Some(native_sha256_loop),
            _ => None,
        };
        // Every runner computes the same thing.
        let expected = interpreter(arg) as u32;
        assert_eq!(aot(arg) as u32, expected, "{name}");
        assert_eq!(wasmtime(arg) as u32, expected, "{name}");
        if let Some(native) = native {
            assert_eq!(native(arg) as u32, expected, "{name}: the native twin");
        }
        group.bench_function(BenchmarkId::new("aot-metered", arg), |b| {
            b.iter(|| aot(arg))
        });
        group.bench_function(BenchmarkId::new("interpreter-metered", arg), |b| {
            b.iter(|| interpreter(arg))
        });
        group.bench_function(BenchmarkId::new("wasmtime-unmetered", arg), |b| {
            b.iter(|| wasmtime(arg))
        });
        if let Some(native) = native {
            group.bench_function(BenchmarkId::new("native", arg), |b| {
                b.iter(|| native(std::hint::black_box(arg)))
            });
        }
        group.finish();
    }
}

const CONTRACTS: &[(&str, &[u8])] = &[
    ("counter", COUNTER),
    ("caller", CALLER),
    ("erc20", ERC20),
    ("bignum_demo", BIGNUM_DEMO),
];

/// Compiling a contract on a cache miss (validation, translation, metering pass,
/// Cranelift), next to the interpreter's validation and translation.
fn compile(c: &mut Criterion) {
    let config = Config::contract(GasSchedule::V1);
    let mut group = c.benchmark_group("aot-compile");
    group.sample_size(10);
    for &(name, code) in CONTRACTS {
        let id = format!("{name}-{}", code.len());
        group.bench_function(BenchmarkId::new("aot", &id), |b| {
            b.iter(|| engine().compile(&config, code).unwrap())
        });
        group.bench_function(BenchmarkId::new("interpreter-translate", &id), |b| {
            b.iter(|| Module::new(&config, code).unwrap())
        });
    }
    group.finish();
}

fn call_counter(host: &mut World, counter: Address) -> ExecutionResult {
    let message = Message {
        kind: CallKind::Call,
        recipient: counter,
        code_address: counter,
        gas: 1_000_000,
        ..Message::default()
    };
    let code = host.accounts()[&counter].code.clone();
    host.executor().execute(host, &message, &code)
}

/// A compiled contract loaded from the disk cache and found in memory; one call of the
/// counter contract (instantiation, two storage accesses, finish) on each path.
fn load(c: &mut Criterion) {
    let config = Config::contract(GasSchedule::V1);
    let dir = std::env::temp_dir().join(format!("ssvm-aot-bench-{}", std::process::id()));
    let cached = AotEngine::new(AotOptions {
        cache_dir: Some(dir.clone()),
        ..AotOptions::default()
    })
    .unwrap();
    let mut group = c.benchmark_group("aot-load");
    for &(name, code) in CONTRACTS {
        cached.prepare(&config, code).unwrap();
        let id = format!("{name}-{}", code.len());
        group.bench_function(BenchmarkId::new("disk", &id), |b| {
            b.iter(|| {
                cached.clear_memory_cache();
                cached.prepare(&config, code).unwrap()
            })
        });
        group.bench_function(BenchmarkId::new("memory", &id), |b| {
            b.iter(|| cached.prepare(&config, code).unwrap())
        });
    }
    group.finish();
    std::fs::remove_dir_all(&dir).ok();

    let mut group = c.benchmark_group("aot-call");
    let mut interpreted = World::empty(config, Backend::Interpreter);
    let counter = Address([0xc0; 20]);
    interpreted.set_account(counter, Default::default(), COUNTER.to_vec());
    // The first call takes the counter's deployment branch; then both paths count.
    call_counter(&mut interpreted, counter);
    let mut native = interpreted.clone();
    native.set_executor(Rc::new(Engine {
        config,
        backend: Backend::Aot(engine().clone()),
    }));
    for _ in 0..2 {
        let expected = call_counter(&mut interpreted, counter);
        assert_eq!(expected.status, Status::Success);
        assert_eq!(call_counter(&mut native, counter), expected);
    }
    group.bench_function("counter/aot", |b| {
        b.iter(|| call_counter(&mut native, counter))
    });
    group.bench_function("counter/interpreter", |b| {
        b.iter(|| call_counter(&mut interpreted, counter))
    });
    group.finish();
}

criterion_group!(benches, kernels, compile, load);
criterion_main!(benches);
