//! The `bignum` extension: the same modular-arithmetic loop (Montgomery squaring over
//! the BN254 field) in plain Wasm and through `bignum.mulmodmont256`, both on the
//! interpreter (`contracts/rust/bignum-demo`); and the two 256-bit libraries the engine
//! could use natively (ruint, primitive-types) on division and mulmod.
//!
//! `cargo bench -p ssvm-engine --bench bignum`

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ssvm_engine::Backend;
use ssvm_engine::world::World;
use ssvm_engine::{Address, CallKind, Config, GasSchedule, Message, Status, U256};

const ITERATIONS: u32 = 2_000;

fn deploy() -> (World, Address) {
    let mut host = World::empty(Config::contract(GasSchedule::V1), Backend::Interpreter);
    let outcome = host.transact(&Message {
        kind: CallKind::Create,
        gas: 10_000_000,
        input: ssvm_contracts::BIGNUM_DEMO,
        ..Message::default()
    });
    assert_eq!(outcome.status, Status::Success);
    (host, outcome.create_address.unwrap())
}

fn montgomery_loop(c: &mut Criterion) {
    let (mut host, demo) = deploy();
    let mut group = c.benchmark_group("montgomery-loop");
    group.sample_size(20);
    for (mode, name) in [(0u8, "plain-wasm"), (1, "bignum")] {
        let mut input = vec![mode];
        input.extend_from_slice(&ITERATIONS.to_be_bytes());
        group.bench_function(BenchmarkId::new(name, ITERATIONS), |b| {
            b.iter(|| {
                let outcome = host.transact(&Message {
                    kind: CallKind::Call,
                    recipient: demo,
                    code_address: demo,
                    gas: 1_000_000_000,
                    input: &input,
                    ..Message::default()
                });
                assert_eq!(outcome.status, Status::Success);
                outcome.output
            })
        });
    }
    group.finish();
}

/// Deterministic pseudo-random 256-bit operands.
fn operands(n: usize) -> Vec<[u64; 4]> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    (0..n)
        .map(|_| {
            core::array::from_fn(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state
            })
        })
        .collect()
}

fn libraries(c: &mut Criterion) {
    let values = operands(256);
    let ruint: Vec<U256> = values.iter().map(|l| U256::from_limbs(*l)).collect();
    let ptypes: Vec<primitive_types::U256> =
        values.iter().map(|l| primitive_types::U256(*l)).collect();
    // Divisors of every size: shift the operand right by 0..255 bits.
    let ruint_div: Vec<U256> = ruint
        .iter()
        .enumerate()
        .map(|(i, v)| (*v >> i) | U256::from(1u8))
        .collect();
    let ptypes_div: Vec<primitive_types::U256> = ptypes
        .iter()
        .enumerate()
        .map(|(i, v)| (*v >> i) | primitive_types::U256::one())
        .collect();
    let mut group = c.benchmark_group("u256-div");
    group.bench_function("ruint", |b| {
        b.iter(|| {
            ruint
                .iter()
                .zip(&ruint_div)
                .fold(U256::ZERO, |acc, (a, d)| acc ^ (*a / *d))
        })
    });
    group.bench_function("primitive-types", |b| {
        b.iter(|| {
            ptypes
                .iter()
                .zip(&ptypes_div)
                .fold(primitive_types::U256::zero(), |acc, (a, d)| acc ^ (*a / *d))
        })
    });
    group.finish();
    let mut group = c.benchmark_group("u256-mulmod");
    group.bench_function("ruint", |b| {
        b.iter(|| {
            ruint
                .windows(3)
                .fold(U256::ZERO, |acc, w| acc ^ w[0].mul_mod(w[1], w[2]))
        })
    });
    group.bench_function("primitive-types", |b| {
        b.iter(|| {
            ptypes
                .windows(3)
                .fold(primitive_types::U256::zero(), |acc, w| {
                    let product = w[0].full_mul(w[1]);
                    let reduced = product % primitive_types::U512::from(w[2]);
                    acc ^ primitive_types::U256::try_from(reduced).unwrap()
                })
        })
    });
    group.finish();
}

criterion_group!(benches, montgomery_loop, libraries);
criterion_main!(benches);
