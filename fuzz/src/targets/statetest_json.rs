//! `statetest_json`: arbitrary JSON into the state-test runner.
//!
//! Inputs are raw bytes (mutated from the corpus's state tests) or state tests built
//! from the input: the right shape with fields that are hex or not, too long or too
//! short, numbers past 256 bits, indexes out of range, codes that are generated
//! contracts or junk. The file is parsed as `ssvm-statetest` parses it and every case
//! runs (metered, with the transaction's gas capped so that a run ends).
//!
//! Oracle: parsing and running give results or typed errors, never a panic.

use std::rc::Rc;

use arbitrary::Unstructured;
use serde_json::{Map, Value, json};
use ssvm_engine::Backend;
use ssvm_engine::world::Engine as InProcess;
use ssvm_engine::{Config, GasSchedule};
use ssvm_tests::statetest::{Options, TestFile, run_test};

use crate::generate;
use crate::stats::note;

/// Largest gas limit a case runs with.
const MAX_GAS: u64 = 5_000_000;

/// Runs one input; panics on a finding.
pub fn run(data: &[u8]) {
    note("statetest_json.runs");
    let (mode, rest) = data.split_first().unwrap_or((&0, &[]));
    let json: Vec<u8> = if mode % 2 == 0 {
        rest.to_vec()
    } else {
        let mut u = Unstructured::new(rest);
        match generated_test(&mut u) {
            Ok(value) => serde_json::to_vec(&value).expect("JSON value"),
            Err(_) => return,
        }
    };
    let Ok(mut file) = serde_json::from_slice::<TestFile>(&json) else {
        note("statetest_json.parse_errors");
        return;
    };
    let options = Options {
        vm: Rc::new(InProcess {
            config: Config::contract(GasSchedule::V1),
            backend: Backend::Interpreter,
        }),
        trace: mode & 2 != 0,
    };
    for (name, test) in &mut file {
        for limit in &mut test.transaction.gas_limit {
            let capped = ssvm_tests::statetest::parse_u256(limit)
                .ok()
                .and_then(|gas| u64::try_from(gas).ok())
                .is_some_and(|gas| gas <= MAX_GAS);
            if !capped {
                *limit = format!("{MAX_GAS:#x}");
            }
        }
        for case in run_test(name, test, &options) {
            note(match (&case.error, case.pass) {
                (_, true) => "statetest_json.cases_passed",
                (Some(_), _) if case.status.is_none() => "statetest_json.cases_with_errors",
                _ => "statetest_json.cases_failed",
            });
        }
    }
}

/// A hex string: `0x` and bytes, sometimes malformed.
fn hex(u: &mut Unstructured<'_>, bytes: &[u8]) -> arbitrary::Result<String> {
    let body: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(match u.int_in_range(0..=11u8)? {
        0 => body,
        1 => format!("0x{body}z"),
        2 => format!("0x{}", &body[..body.len().saturating_sub(1)]),
        3 => String::new(),
        4 => format!("0X{body}"),
        5 => format!("0x{body}{body}{body}"),
        _ => format!("0x{body}"),
    })
}

/// A number in hex (sometimes decimal, huge or malformed).
fn number(u: &mut Unstructured<'_>, max: u64) -> arbitrary::Result<Value> {
    Ok(Value::String(match u.int_in_range(0..=9u8)? {
        0 => u.arbitrary::<u64>()?.to_string(),
        1 => format!("0x{}", "f".repeat(u.int_in_range(60..=70)?)),
        2 => "-1".into(),
        3 => "0xg".into(),
        _ => format!("{:#x}", u.int_in_range(0..=max)?),
    }))
}

fn address(u: &mut Unstructured<'_>) -> arbitrary::Result<String> {
    let byte: u8 = u.int_in_range(0..=3)?;
    hex(u, &[byte; 20])
}

/// A state test of the right shape with arbitrary contents.
fn generated_test(u: &mut Unstructured<'_>) -> arbitrary::Result<Value> {
    let mut pre = Map::new();
    for _ in 0..u.int_in_range(0..=3u8)? {
        let code = match u.int_in_range(0..=3u8)? {
            0 => generate::contract_module(u)?.1,
            1 => ssvm_contracts::COUNTER.to_vec(),
            2 => Vec::new(),
            _ => {
                let len = u.int_in_range(0..=16)?;
                u.bytes(len)?.to_vec()
            }
        };
        let mut storage = Map::new();
        for _ in 0..u.int_in_range(0..=2u8)? {
            let (key, value): (u8, u8) = (u.arbitrary()?, u.arbitrary()?);
            let key = hex(u, &[key; 32])?;
            storage.insert(key, Value::String(hex(u, &[value; 32])?));
        }
        pre.insert(
            address(u)?,
            json!({
                "balance": number(u, u64::MAX)?,
                "code": hex(u, &code)?,
                "nonce": number(u, 3)?,
                "storage": storage,
            }),
        );
    }
    let data: Vec<Value> = (0..u.int_in_range(0..=2u8)?)
        .map(|_| {
            let len = u.int_in_range(0..=8)?;
            let bytes = u.bytes(len)?.to_vec();
            Ok(Value::String(hex(u, &bytes)?))
        })
        .collect::<arbitrary::Result<_>>()?;
    let index = |u: &mut Unstructured<'_>| -> arbitrary::Result<Value> {
        Ok(json!(u.int_in_range(0..=2u8)?))
    };
    let fork = if u.ratio(7, 8)? {
        "Byzantium"
    } else {
        "Istanbul"
    };
    let key_byte: u8 = u.arbitrary()?;
    Ok(json!({
        "fuzz": {
            "env": {
                "currentCoinbase": address(u)?,
                "currentDifficulty": number(u, 1 << 20)?,
                "currentGasLimit": number(u, 10_000_000)?,
                "currentNumber": number(u, 1000)?,
                "currentTimestamp": number(u, 1 << 32)?,
            },
            "pre": pre,
            "transaction": {
                "data": data,
                "gasLimit": [number(u, 2_000_000)?],
                "gasPrice": number(u, 10)?,
                "nonce": number(u, 2)?,
                "secretKey": hex(u, &[key_byte; 32])?,
                "to": if u.ratio(1, 4)? { String::new() } else { address(u)? },
                "value": [number(u, 1000)?],
            },
            "post": {
                fork: [{
                    "hash": hex(u, &[0; 32])?,
                    "logs": hex(u, &[0; 32])?,
                    "indexes": { "data": index(u)?, "gas": index(u)?, "value": index(u)? },
                }],
            },
        }
    }))
}
