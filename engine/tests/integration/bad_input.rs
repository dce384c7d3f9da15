//! Bad module bytes get typed errors, never a panic: every truncation and every single
//! bit flip of a set of seed modules, random byte mutations, and oversized or
//! over-limit modules. Modules that still validate are executed with a small gas budget.

use ssvm_engine::Backend;
use ssvm_engine::validation::Limit;
use ssvm_engine::world::World;
use ssvm_engine::{Config, GasSchedule, Message, Module, ValidationError, execute};

const SEEDS: &[&str] = &[
    r#"(module
        (import "ethereum" "storageStore" (func $store (param i32 i32)))
        (import "ethereum" "getCallDataSize" (func $size (result i32)))
        (import "ethereum" "finish" (func $finish (param i32 i32)))
        (memory (export "memory") 1)
        (data (i32.const 0) "\01\02\03")
        (func $loop (param i32) (result i32) (local i32)
            (block $out (loop $l
                (br_if $out (i32.ge_u (local.get 1) (local.get 0)))
                (local.set 1 (i32.add (local.get 1) (i32.const 1)))
                (br $l)))
            (local.get 1))
        (func (export "main")
            (i32.store (i32.const 64) (call $loop (call $size)))
            (call $store (i32.const 0) (i32.const 64))
            (call $finish (i32.const 0) (i32.const 32))))"#,
    r#"(module
        (memory (export "memory") 1 2)
        (table 3 funcref)
        (elem (i32.const 0) $a $b)
        (type $t (func (param i64) (result i64)))
        (func $a (param i64) (result i64) (i64.mul (local.get 0) (i64.const 3)))
        (func $b (param i64) (result i64) (i64.div_s (local.get 0) (i64.const 0)))
        (func (export "main")
            (drop (call_indirect (type $t) (i64.const 5) (i32.const 0)))
            (drop (memory.grow (i32.const 1)))
            (memory.fill (i32.const 0) (i32.const 9) (i32.const 100))
            (br_table 0 0 (i32.const 1))))"#,
];

fn configs() -> [Config; 2] {
    [
        Config::contract(GasSchedule::V1),
        Config::plain(GasSchedule::HERA_UNMETERED),
    ]
}

/// Validates `bytes` under every configuration and runs contracts that validate.
fn exercise(bytes: &[u8]) {
    for config in configs() {
        if Module::new(&config, bytes).is_ok() && config.kind == ssvm_engine::ModuleKind::Contract {
            let mut host = World::empty(config, Backend::Interpreter);
            let message = Message {
                gas: 50_000,
                input: &[7; 40],
                ..Message::default()
            };
            let _ = execute(&config, &mut host, &message, bytes);
        }
    }
}

fn seeds() -> Vec<Vec<u8>> {
    SEEDS.iter().map(|s| wat::parse_str(s).unwrap()).collect()
}

#[test]
fn seeds_are_valid_contracts_or_modules() {
    for seed in seeds() {
        assert!(configs().iter().any(|c| Module::new(c, &seed).is_ok()));
    }
}

#[test]
fn every_truncation_is_an_error_or_a_shorter_valid_module() {
    for seed in seeds() {
        let boundaries = section_ends(&seed);
        for len in 0..seed.len() {
            let truncated = &seed[..len];
            exercise(truncated);
            if !boundaries.contains(&len) {
                for config in configs() {
                    assert!(
                        Module::new(&config, truncated).is_err(),
                        "truncated inside a section ({len} bytes) but accepted"
                    );
                }
            }
        }
    }
}

/// Offsets at which a section ends (a module cut there can still be well-formed).
fn section_ends(bytes: &[u8]) -> Vec<usize> {
    let mut ends = vec![8];
    for payload in wasmparser::Parser::new(0).parse_all(bytes).flatten() {
        if let Some((_, range)) = payload.as_section() {
            ends.push(range.end as usize);
        }
    }
    ends
}

#[test]
fn every_bit_flip_is_handled() {
    for seed in seeds() {
        for position in 0..seed.len() {
            for bit in 0..8 {
                let mut mutated = seed.clone();
                mutated[position] ^= 1 << bit;
                exercise(&mutated);
            }
        }
    }
}

#[test]
fn random_mutations_are_handled() {
    // A fixed xorshift sequence: reproducible.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for seed in seeds() {
        for _ in 0..3_000 {
            let mut mutated = seed.clone();
            for _ in 0..(next() % 4 + 1) {
                let position = (next() as usize) % mutated.len();
                match next() % 3 {
                    0 => mutated[position] = next() as u8,
                    1 => {
                        mutated.insert(position, next() as u8);
                    }
                    _ => {
                        mutated.remove(position);
                    }
                }
                if mutated.len() < 9 {
                    break;
                }
            }
            exercise(&mutated);
        }
    }
}

#[test]
fn oversized_and_over_limit_modules_get_limit_errors() {
    let config = Config::contract(GasSchedule::V1);
    let mut huge = seeds()[0].clone();
    huge.resize(ssvm_engine::limits::MAX_MODULE_SIZE + 1, 0);
    assert_eq!(
        Module::new(&config, &huge).err(),
        Some(ValidationError::LimitExceeded {
            limit: Limit::ModuleSize,
            value: huge.len() as u64
        })
    );
    let pages =
        wat::parse_str(r#"(module (memory (export "memory") 1025) (func (export "main")))"#)
            .unwrap();
    assert!(matches!(
        Module::new(&config, &pages),
        Err(ValidationError::LimitExceeded {
            limit: Limit::MemoryPages,
            ..
        })
    ));
    // A function declaring 2^32 - 1 locals must not allocate them.
    let locals = [
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // header
        0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: () -> ()
        0x03, 0x02, 0x01, 0x00, // function section
        0x0a, 0x0a, 0x01, 0x08, 0x01, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f, 0x0b, // code
    ];
    assert!(Module::new(&Config::plain(GasSchedule::V1), &locals).is_err());
    // Deep nesting is refused by the nesting limit, not the native stack.
    let mut nested = String::from(r#"(module (memory (export "memory") 1) (func (export "main")"#);
    for _ in 0..2000 {
        nested.push_str(" (block");
    }
    for _ in 0..2000 {
        nested.push(')');
    }
    nested.push_str("))");
    let nested = wat::parse_str(&nested).unwrap();
    assert!(matches!(
        Module::new(&config, &nested),
        Err(ValidationError::LimitExceeded {
            limit: Limit::NestingDepth,
            ..
        })
    ));
}

/// The example contracts validate and each negative fixture fails its own rule.
#[test]
fn negative_fixtures_fail_their_rule() {
    use ssvm_contracts::fixtures::*;
    use ssvm_engine::{Module, ValidationError as E};
    let config = Config::contract(GasSchedule::V1);
    let rule = |bytes: &[u8]| Module::new(&config, bytes).err();
    assert!(matches!(rule(FLOAT), Some(E::Float { .. })));
    assert!(matches!(
        rule(BAD_IMPORT_SIGNATURE),
        Some(E::ImportSignature { .. })
    ));
    assert!(matches!(
        rule(UNKNOWN_NAMESPACE),
        Some(E::ImportNamespace { .. })
    ));
    assert!(matches!(rule(START_FUNCTION), Some(E::StartFunction)));
    assert!(matches!(rule(MISSING_MAIN), Some(E::MissingMain)));
    assert!(matches!(rule(EXTRA_EXPORT), Some(E::ExtraExport { .. })));
    for (name, code) in ssvm_contracts::CONTRACTS {
        assert!(Module::new(&config, code).is_ok(), "{name}");
    }
}
