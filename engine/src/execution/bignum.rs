//! Native 256-bit integer operations: the `bignum` import namespace (EWASM.md section 4).
//!
//! Operands and results are 32-byte **little-endian** unsigned integers in linear
//! memory, addressed by i32 pointers. Arithmetic is modulo 2^256 with the EVM's
//! conventions: division and remainder by zero give 0, `addmod`/`mulmod` with modulus 0
//! give 0. Every operation costs a fixed amount from [`BignumCosts`] (`exp256`: a fixed
//! part plus a part per significant byte of the exponent, like the EVM's `EXP`).
//!
//! `mulmodmont256(a, b, m, inv, out)` is Montgomery multiplication for elliptic-curve
//! field arithmetic: `out = a * b * 2^-256 mod m`, for odd `m` and `a, b < m`; `inv`
//! points to 8 bytes holding `-m^-1 mod 2^64` (little-endian), the constant every
//! word-wise Montgomery implementation precomputes. Inputs outside the precondition give
//! a deterministic but meaningless result, never a trap.
//!
//! Arithmetic uses `ruint` (see BENCHMARKS.md for the comparison with primitive-types).

use super::{Env, Halt, memory};
use crate::gas::BignumCosts;
use crate::host::{Host, U256};
use crate::imports::{BIGNUM_FUNCTIONS, BignumFunction};
use crate::types::Trap;

fn load(memory: &[u8], ptr: u64) -> Result<U256, Trap> {
    let range = memory::range(ptr, 32, memory.len()).ok_or(Trap::InvalidMemoryAccess)?;
    let mut bytes = [0u8; 32];
    bytes.copy_from_slice(&memory[range]);
    Ok(U256::from_le_bytes(bytes))
}

fn store(memory: &mut [u8], ptr: u64, value: U256) -> Result<(), Trap> {
    let range = memory::range(ptr, 32, memory.len()).ok_or(Trap::InvalidMemoryAccess)?;
    memory[range].copy_from_slice(&value.to_le_bytes::<32>());
    Ok(())
}

/// Runs one operation; `args` holds the pointer arguments and receives the result.
pub(crate) fn execute<H: Host + ?Sized>(
    function: BignumFunction,
    costs: &BignumCosts,
    args: &mut [u64],
    memory: &mut [u8],
    env: &mut Env<'_, H>,
) -> Result<(), Halt> {
    use BignumFunction as B;
    let ptr = |i: usize| u64::from(args[i] as u32);
    let static_cost = BIGNUM_FUNCTIONS[function as usize].gas.cost(costs);
    env.charge(static_cost)?;
    let a = load(memory, ptr(0))?;
    let b = load(memory, ptr(1))?;
    match function {
        B::Lt256 => args[0] = u64::from(a < b),
        B::Eq256 => args[0] = u64::from(a == b),
        B::AddMod256 | B::MulMod256 => {
            let m = load(memory, ptr(2))?;
            let result = if function == B::AddMod256 {
                a.add_mod(b, m)
            } else {
                a.mul_mod(b, m)
            };
            store(memory, ptr(3), result)?;
        }
        B::MulModMont256 => {
            let m = load(memory, ptr(2))?;
            let range = memory::range(ptr(3), 8, memory.len()).ok_or(Trap::InvalidMemoryAccess)?;
            let mut inv = [0u8; 8];
            inv.copy_from_slice(&memory[range]);
            let result = montgomery_multiply(a, b, m, u64::from_le_bytes(inv));
            store(memory, ptr(4), result)?;
        }
        B::Exp256 => {
            let significant_bytes = u64::from(b.bit_len().div_ceil(8) as u32);
            env.charge(costs.exp_byte * significant_bytes)?;
            store(memory, ptr(2), a.wrapping_pow(b))?;
        }
        B::Add256 | B::Sub256 | B::Mul256 | B::Div256 | B::Mod256 => {
            let result = match function {
                B::Add256 => a.wrapping_add(b),
                B::Sub256 => a.wrapping_sub(b),
                B::Mul256 => a.wrapping_mul(b),
                B::Div256 => a.checked_div(b).unwrap_or(U256::ZERO),
                _ => a.checked_rem(b).unwrap_or(U256::ZERO),
            };
            store(memory, ptr(2), result)?;
        }
    }
    Ok(())
}

/// `a * b * 2^-256 mod m` by word-wise Montgomery reduction (CIOS), with
/// `inv = -m^-1 mod 2^64`. `m = 0` gives 0.
pub fn montgomery_multiply(a: U256, b: U256, m: U256, inv: u64) -> U256 {
    if m.is_zero() {
        return U256::ZERO;
    }
    let a = a.as_limbs();
    let b = b.as_limbs();
    let n = m.as_limbs();
    // t has 4 limbs plus two carry words.
    let mut t = [0u64; 6];
    for &ai in a {
        let mut carry = 0u64;
        for j in 0..4 {
            let wide = u128::from(t[j]) + u128::from(ai) * u128::from(b[j]) + u128::from(carry);
            t[j] = wide as u64;
            carry = (wide >> 64) as u64;
        }
        let wide = u128::from(t[4]) + u128::from(carry);
        t[4] = wide as u64;
        t[5] = (wide >> 64) as u64;

        let factor = t[0].wrapping_mul(inv);
        let wide = u128::from(t[0]) + u128::from(factor) * u128::from(n[0]);
        let mut carry = (wide >> 64) as u64;
        for j in 1..4 {
            let wide = u128::from(t[j]) + u128::from(factor) * u128::from(n[j]) + u128::from(carry);
            t[j - 1] = wide as u64;
            carry = (wide >> 64) as u64;
        }
        let wide = u128::from(t[4]) + u128::from(carry);
        t[3] = wide as u64;
        t[4] = t[5].wrapping_add((wide >> 64) as u64);
        t[5] = 0;
    }
    let result = U256::from_limbs([t[0], t[1], t[2], t[3]]);
    if t[4] != 0 || result >= m {
        result.wrapping_sub(m)
    } else {
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// -m^-1 mod 2^64 by Newton iteration.
    fn neg_inverse(m0: u64) -> u64 {
        let mut inv = 1u64;
        for _ in 0..6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(m0.wrapping_mul(inv)));
        }
        inv.wrapping_neg()
    }

    #[test]
    fn montgomery_matches_the_definition() {
        // The BN254 base field modulus.
        let m: U256 = "0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47"
            .parse()
            .unwrap();
        let inv = neg_inverse(m.as_limbs()[0]);
        // 2^256 mod m.
        let r = U256::MAX.reduce_mod(m).add_mod(U256::from(1u8), m);
        let r_inv = r.inv_mod(m).unwrap();
        for (a, b) in [
            (U256::from(3u8), U256::from(5u8)),
            (m - U256::from(1u8), m - U256::from(2u8)),
            (U256::from(123456789u64), m - U256::from(987654321u64)),
        ] {
            let expected = a.mul_mod(b, m).mul_mod(r_inv, m);
            assert_eq!(montgomery_multiply(a, b, m, inv), expected);
        }
        assert_eq!(
            montgomery_multiply(U256::from(1u8), U256::from(1u8), U256::ZERO, 0),
            U256::ZERO
        );
    }
}
