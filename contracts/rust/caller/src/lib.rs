//! A contract that calls and creates other contracts, for nested-execution tests.
//!
//! It deploys itself (the module is its own init code). Each call's first byte selects
//! an operation; value amounts are 16-byte big-endian, addresses 20 bytes:
//!
//! | op | arguments | effect |
//! |---|---|---|
//! | 1 | address, value, data | `call`; finishes with the 4-byte result code and the return data |
//! | 2 | address, data | `callStatic`; same output |
//! | 3 | address, data | `callDelegate`; same output |
//! | 4 | value, init code | `create`; finishes with the address, reverts with the code |
//! | 5 | value, salt (32, little-endian u256), init code | `create2`; likewise |
//! | 6 | address, value, data | `call`, then revert with the same output |
//! | 7 | key (32), value (32) | `storageStore`, finishes empty |

#![no_std]

use ewasm::Address;

fn address(data: &[u8]) -> Address {
    let mut out = [0; 20];
    out.copy_from_slice(&data[..20]);
    out
}

fn value(data: &[u8]) -> u128 {
    let mut out = [0; 16];
    out.copy_from_slice(&data[..16]);
    u128::from_be_bytes(out)
}

/// The result code followed by the return data.
fn call_output(result: i32) -> &'static [u8] {
    let size = ewasm::return_data_size();
    let out = ewasm::scratch(4 + size);
    out[..4].copy_from_slice(&result.to_be_bytes());
    ewasm::return_data_copy(&mut out[4..], 0);
    out
}

#[unsafe(export_name = "main")]
pub extern "C" fn main() {
    if ewasm::is_deploying() {
        ewasm::deploy_self();
    }
    let input = ewasm::call_data_all();
    let Some((&op, args)) = input.split_first() else {
        ewasm::revert(b"missing operation");
    };
    let gas = ewasm::gas_left();
    let need = |n: usize| {
        if args.len() < n {
            ewasm::revert(b"short input");
        }
    };
    match op {
        1 | 6 => {
            need(36);
            let result = ewasm::call(gas, &address(args), value(&args[20..]), &args[36..]);
            let output = call_output(result);
            if op == 6 {
                ewasm::revert(output);
            }
            ewasm::finish(output)
        }
        2 => {
            need(20);
            ewasm::finish(call_output(ewasm::call_static(gas, &address(args), &args[20..])))
        }
        3 => {
            need(20);
            ewasm::finish(call_output(ewasm::call_delegate(gas, &address(args), &args[20..])))
        }
        4 => {
            need(16);
            match ewasm::create(value(args), &args[16..]) {
                Ok(created) => ewasm::finish(&created),
                Err(code) => ewasm::revert(call_output(code)),
            }
        }
        5 => {
            need(48);
            let mut salt = [0; 32];
            salt.copy_from_slice(&args[16..48]);
            match ewasm::create2(value(args), &args[48..], &salt) {
                Ok(created) => ewasm::finish(&created),
                Err(code) => ewasm::revert(call_output(code)),
            }
        }
        7 => {
            need(64);
            let mut key = [0; 32];
            let mut word = [0; 32];
            key.copy_from_slice(&args[..32]);
            word.copy_from_slice(&args[32..64]);
            ewasm::storage_store(&key, &word);
            ewasm::finish(&[])
        }
        _ => ewasm::revert(b"unknown operation"),
    }
}
