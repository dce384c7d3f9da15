//! An ERC20 token as an Ewasm contract, speaking the Solidity ABI.
//!
//! Deploy it with the module itself as init code: the constructor mints the initial
//! supply, 1,000,000 tokens of 18 decimals, to the deployer, logs the mint as a
//! `Transfer` from the zero address, and returns the module as the code to store. (A
//! create's call data is its init code, so there are no constructor arguments.) Afterwards calls are dispatched on the
//! 4-byte selector: `totalSupply()`, `balanceOf(address)`, `transfer(address,uint256)`,
//! `approve(address,uint256)`, `allowance(address,address)`,
//! `transferFrom(address,address,uint256)`, `name()`, `symbol()`, `decimals()`.
//! Failures revert with a reason string.
//!
//! Storage: slot `0xff..ff` marks the contract deployed, slot `0` holds the total
//! supply, `0x01 ‖ 0^11 ‖ owner` a balance, and `keccak256(0x02 ‖ owner ‖ spender)` an
//! allowance.

#![no_std]

use ewasm::{Address, Word};
use tiny_keccak::{Hasher, Keccak};

/// keccak256("Transfer(address,address,uint256)").
const TRANSFER_TOPIC: Word = hex32("ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
/// keccak256("Approval(address,address,uint256)").
const APPROVAL_TOPIC: Word = hex32("8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925");
const TOTAL_SUPPLY: Word = [0; 32];
/// 10^24: one million tokens with 18 decimals.
const DEFAULT_SUPPLY: u128 = 1_000_000_000_000_000_000_000_000;

const fn hex32(s: &str) -> Word {
    let b = s.as_bytes();
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = (nibble(b[2 * i]) << 4) | nibble(b[2 * i + 1]);
        i += 1;
    }
    out
}

const fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => 0,
    }
}

fn word_of_address(address: &Address) -> Word {
    let mut word = [0; 32];
    word[12..].copy_from_slice(address);
    word
}

fn word_of_u128(value: u128) -> Word {
    let mut word = [0; 32];
    word[16..].copy_from_slice(&value.to_be_bytes());
    word
}

fn balance_key(owner: &Address) -> Word {
    let mut key = word_of_address(owner);
    key[0] = 0x01;
    key
}

fn allowance_key(owner: &Address, spender: &Address) -> Word {
    let mut hasher = Keccak::v256();
    hasher.update(&[0x02]);
    hasher.update(owner);
    hasher.update(spender);
    let mut key = [0; 32];
    hasher.finalize(&mut key);
    key
}

/// `a + b`, or `None` on overflow (big-endian 256-bit words).
fn checked_add(a: &Word, b: &Word) -> Option<Word> {
    let mut out = [0; 32];
    let mut carry = 0u16;
    for i in (0..32).rev() {
        let sum = u16::from(a[i]) + u16::from(b[i]) + carry;
        out[i] = sum as u8;
        carry = sum >> 8;
    }
    if carry == 0 { Some(out) } else { None }
}

/// `a - b`, or `None` when `b > a`.
fn checked_sub(a: &Word, b: &Word) -> Option<Word> {
    let mut out = [0; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let mut diff = i16::from(a[i]) - i16::from(b[i]) - borrow;
        borrow = 0;
        if diff < 0 {
            diff += 256;
            borrow = 1;
        }
        out[i] = diff as u8;
    }
    if borrow == 0 { Some(out) } else { None }
}

/// ABI argument `index` (after the selector) as an address.
fn address_arg(index: usize) -> Address {
    let word: Word = ewasm::call_data(4 + 32 * index);
    if word[..12] != [0; 12] {
        ewasm::revert(b"invalid address argument");
    }
    let mut address = [0; 20];
    address.copy_from_slice(&word[12..]);
    address
}

fn word_arg(index: usize) -> Word {
    ewasm::call_data(4 + 32 * index)
}

fn move_tokens(from: &Address, to: &Address, amount: &Word) {
    let from_key = balance_key(from);
    let Some(from_balance) = checked_sub(&ewasm::storage_load(&from_key), amount) else {
        ewasm::revert(b"insufficient balance");
    };
    ewasm::storage_store(&from_key, &from_balance);
    let to_key = balance_key(to);
    let Some(to_balance) = checked_add(&ewasm::storage_load(&to_key), amount) else {
        ewasm::revert(b"balance overflow");
    };
    ewasm::storage_store(&to_key, &to_balance);
    ewasm::log(
        amount,
        &[TRANSFER_TOPIC, word_of_address(from), word_of_address(to)],
    );
}

fn construct() -> ! {
    let supply = word_of_u128(DEFAULT_SUPPLY);
    let owner = ewasm::caller();
    ewasm::storage_store(&TOTAL_SUPPLY, &supply);
    ewasm::storage_store(&balance_key(&owner), &supply);
    ewasm::log(
        &supply,
        &[TRANSFER_TOPIC, [0; 32], word_of_address(&owner)],
    );
    ewasm::deploy_self()
}

/// ABI encoding of a short string: offset, length, padded bytes.
fn finish_string(text: &[u8]) -> ! {
    let mut out = [0u8; 96];
    out[31] = 0x20;
    out[63] = text.len() as u8;
    out[64..64 + text.len()].copy_from_slice(text);
    ewasm::finish(&out)
}

#[unsafe(export_name = "main")]
pub extern "C" fn main() {
    if ewasm::is_deploying() {
        construct();
    }
    if ewasm::call_data_size() < 4 {
        ewasm::revert(b"missing selector");
    }
    let selector: [u8; 4] = ewasm::call_data(0);
    let caller = ewasm::caller();
    match u32::from_be_bytes(selector) {
        // totalSupply()
        0x1816_0ddd => ewasm::finish(&ewasm::storage_load(&TOTAL_SUPPLY)),
        // balanceOf(address)
        0x70a0_8231 => ewasm::finish(&ewasm::storage_load(&balance_key(&address_arg(0)))),
        // transfer(address,uint256)
        0xa905_9cbb => {
            let to = address_arg(0);
            move_tokens(&caller, &to, &word_arg(1));
            ewasm::finish(&word_of_u128(1))
        }
        // approve(address,uint256)
        0x095e_a7b3 => {
            let spender = address_arg(0);
            let amount = word_arg(1);
            ewasm::storage_store(&allowance_key(&caller, &spender), &amount);
            ewasm::log(
                &amount,
                &[APPROVAL_TOPIC, word_of_address(&caller), word_of_address(&spender)],
            );
            ewasm::finish(&word_of_u128(1))
        }
        // allowance(address,address)
        0xdd62_ed3e => {
            let key = allowance_key(&address_arg(0), &address_arg(1));
            ewasm::finish(&ewasm::storage_load(&key))
        }
        // transferFrom(address,address,uint256)
        0x23b8_72dd => {
            let from = address_arg(0);
            let to = address_arg(1);
            let amount = word_arg(2);
            let key = allowance_key(&from, &caller);
            let allowed = ewasm::storage_load(&key);
            if allowed != [0xff; 32] {
                let Some(rest) = checked_sub(&allowed, &amount) else {
                    ewasm::revert(b"allowance exceeded");
                };
                ewasm::storage_store(&key, &rest);
            }
            move_tokens(&from, &to, &amount);
            ewasm::finish(&word_of_u128(1))
        }
        // name()
        0x06fd_de03 => finish_string(b"ssvm Token"),
        // symbol()
        0x95d8_9b41 => finish_string(b"SSVM"),
        // decimals()
        0x313c_e567 => ewasm::finish(&word_of_u128(18)),
        _ => ewasm::revert(b"unknown selector"),
    }
}
