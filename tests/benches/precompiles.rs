//! The Ewasm precompiles of `../shared/ewasm-bench` (sha256, keccak256, blake2,
//! ecpairing, ed25519, ...) on the interpreter and on the AOT path: each state test's
//! transaction (a driver contract calling the precompile contract with its test
//! vectors) runs on a fresh copy of its pre-state with gas schedule V1, so both paths
//! meter every instruction; results and gas are checked to be identical first. The AOT
//! runs are warm (compiled contracts cached in memory), as in a client that has seen
//! the contract before; `aot-compile` is what a cache miss of the precompile costs.
//!
//! `cargo bench -p ssvm-tests --bench precompiles`; skipped with a message without
//! `../shared` (set SSVM_SHARED_DIR to point elsewhere).

use std::rc::Rc;
use std::sync::{Arc, OnceLock};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ssvm_engine::Backend;
use ssvm_engine::aot::{AotEngine, AotOptions};
use ssvm_engine::world::{Engine, World};
use ssvm_engine::{CallKind, Config, ExecutionResult, GasSchedule, Message};
use ssvm_tests::statetest::{self, parse_address, parse_bytes, parse_u256};

/// Gas for one transaction: the precompiles' vectors take up to ~10^10 under V1.
const GAS: u64 = 1 << 50;

fn engine() -> &'static Arc<AotEngine> {
    static ENGINE: OnceLock<Arc<AotEngine>> = OnceLock::new();
    ENGINE.get_or_init(|| Arc::new(AotEngine::new(AotOptions::default()).expect("AOT engine")))
}

/// A state test's pre-state in a world, the transaction, and the largest code
/// (the precompile itself).
struct Workload {
    name: String,
    host: World,
    message: Message<'static>,
    precompile: Vec<u8>,
}

fn workload(path: &std::path::Path) -> anyhow::Result<Workload> {
    let file = statetest::read_file(path)?;
    let (name, test) = file
        .into_iter()
        .next()
        .ok_or_else(|| anyhow::anyhow!("no test"))?;
    let mut host = World::empty(Config::contract(GasSchedule::V1), Backend::Interpreter);
    let mut precompile = Vec::new();
    for (address, account) in &test.pre {
        let code = parse_bytes(&account.code)?;
        if code.len() > precompile.len() {
            precompile = code.clone();
        }
        host.set_account(parse_address(address)?, parse_u256(&account.balance)?, code);
    }
    let transaction = &test.transaction;
    let input: &'static [u8] = Box::leak(parse_bytes(&transaction.data[0])?.into_boxed_slice());
    let to = parse_address(&transaction.to)?;
    let sender = statetest::sender_of(&parse_bytes(&transaction.secret_key)?)?;
    let message = Message {
        kind: CallKind::Call,
        sender,
        recipient: to,
        code_address: to,
        gas: GAS,
        input,
        ..Message::default()
    };
    Ok(Workload {
        name,
        host,
        message,
        precompile,
    })
}

fn run(host: &World, message: &Message<'_>, aot: bool) -> ExecutionResult {
    let mut host = host.clone();
    if aot {
        host.set_executor(Rc::new(Engine {
            config: Config::contract(GasSchedule::V1),
            backend: Backend::Aot(engine().clone()),
        }));
    }
    host.transact(message)
}

fn precompiles(c: &mut Criterion) {
    let Some(shared) = ssvm_tests::shared_dir("ewasm-bench precompile benchmarks") else {
        return;
    };
    let files = ssvm_tests::json_files(&shared.join("ewasm-bench/precompiles")).unwrap();
    for path in files {
        let workload = match workload(&path) {
            Ok(workload) => workload,
            Err(error) => {
                println!("skipping {}: {error:#}", path.display());
                continue;
            }
        };
        let expected = run(&workload.host, &workload.message, false);
        let actual = run(&workload.host, &workload.message, true);
        assert_eq!(actual, expected, "{}: both paths agree", workload.name);
        println!(
            "{}: {} with {} gas used (V1)",
            workload.name,
            expected.status.name(),
            GAS - expected.gas_left
        );
        let mut group = c.benchmark_group(format!("precompile-{}", workload.name));
        group.sample_size(10);
        let (host, message) = (&workload.host, &workload.message);
        group.bench_function("aot", |b| b.iter(|| run(host, message, true)));
        group.bench_function("interpreter", |b| b.iter(|| run(host, message, false)));
        let config = Config::contract(GasSchedule::V1);
        let code = &workload.precompile;
        group.bench_function(BenchmarkId::new("aot-compile", code.len()), |b| {
            b.iter(|| engine().compile(&config, code).unwrap())
        });
        group.finish();
    }
}

criterion_group!(benches, precompiles);
criterion_main!(benches);
