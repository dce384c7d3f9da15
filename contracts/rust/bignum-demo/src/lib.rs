//! The same 256-bit modular arithmetic loop in plain Wasm and through the `bignum`
//! namespace: `x = x * x * 2^-256 mod p` (a Montgomery squaring over the BN254 base
//! field), `n` times, from `x = 3`.
//!
//! It deploys itself. Call data: one mode byte and a 4-byte big-endian iteration count.
//! Mode 0 runs the loop in plain Wasm, mode 1 calls `bignum.mulmodmont256`; both finish
//! with the 32-byte little-endian result, which must be identical. Mode 2 computes
//! `3^(2^n) mod p` with `bignum.mulmod256` (plain modular squaring).

#![no_std]

use ewasm::u256::{self, BN254_INV, BN254_P};

#[unsafe(export_name = "main")]
pub extern "C" fn main() {
    if ewasm::is_deploying() {
        ewasm::deploy_self();
    }
    if ewasm::call_data_size() < 5 {
        ewasm::revert(b"expected mode and iteration count");
    }
    let input: [u8; 5] = ewasm::call_data(0);
    let iterations = u32::from_be_bytes([input[1], input[2], input[3], input[4]]);
    let modulus = u256::to_bytes(&BN254_P);
    let inv = BN254_INV.to_le_bytes();
    let mut x = u256::to_bytes(&[3, 0, 0, 0]);
    match input[0] {
        0 => {
            let mut limbs = u256::from_bytes(&x);
            for _ in 0..iterations {
                limbs = u256::montgomery_multiply(&limbs, &limbs, &BN254_P, BN254_INV);
            }
            x = u256::to_bytes(&limbs);
        }
        1 => {
            for _ in 0..iterations {
                let mut out = [0u8; 32];
                // SAFETY: all pointers refer to 32-byte buffers (8 for `inv`).
                unsafe {
                    ewasm::sys::mulmodmont256(x.as_ptr(), x.as_ptr(), modulus.as_ptr(), inv.as_ptr(), out.as_mut_ptr())
                };
                x = out;
            }
        }
        2 => {
            for _ in 0..iterations {
                let mut out = [0u8; 32];
                // SAFETY: all pointers refer to 32-byte buffers.
                unsafe { ewasm::sys::mulmod256(x.as_ptr(), x.as_ptr(), modulus.as_ptr(), out.as_mut_ptr()) };
                x = out;
            }
        }
        _ => ewasm::revert(b"unknown mode"),
    }
    ewasm::finish(&x)
}
