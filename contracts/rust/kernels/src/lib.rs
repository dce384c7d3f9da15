//! Benchmark kernels: plain Wasm modules (no imports) exporting hashing and 256-bit
//! arithmetic loops, compiled from Rust like real contracts are. Each takes an
//! iteration count, chains its state through the iterations so nothing can be
//! skipped, and returns the first four bytes of the final state.

#![no_std]

use ewasm::u256::{self, BN254_INV, BN254_P};
use sha2::{Digest, Sha256};
use tiny_keccak::{Hasher, Keccak};

/// keccak256 over a 136-byte block (one permutation) `n` times.
#[unsafe(no_mangle)]
pub extern "C" fn keccak_loop(n: u32) -> u32 {
    let mut block = [0u8; 136];
    for _ in 0..n {
        let mut hasher = Keccak::v256();
        hasher.update(&block[..135]);
        let mut digest = [0u8; 32];
        hasher.finalize(&mut digest);
        block[..32].copy_from_slice(&digest);
    }
    u32::from_le_bytes([block[0], block[1], block[2], block[3]])
}

/// sha256 over a 32-byte message (one compression) `n` times.
#[unsafe(no_mangle)]
pub extern "C" fn sha256_loop(n: u32) -> u32 {
    let mut state = [0u8; 32];
    for _ in 0..n {
        let digest = Sha256::digest(state);
        state.copy_from_slice(&digest);
    }
    u32::from_le_bytes([state[0], state[1], state[2], state[3]])
}

/// `x = x * x * 2^-256 mod p` over the BN254 base field `n` times.
#[unsafe(no_mangle)]
pub extern "C" fn mulmod_loop(n: u32) -> u32 {
    let mut x = [3u64, 0, 0, 0];
    for _ in 0..n {
        x = u256::montgomery_multiply(&x, &x, &BN254_P, BN254_INV);
    }
    let bytes = u256::to_bytes(&x);
    u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}
