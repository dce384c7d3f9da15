//! Integer operations that can trap, with Wasm semantics.

use crate::types::Trap;

macro_rules! division {
    ($div_s:ident, $div_u:ident, $rem_s:ident, $rem_u:ident, $u:ty, $s:ty) => {
        /// Signed division; traps on zero and on `MIN / -1`.
        #[inline(always)]
        pub(crate) fn $div_s(a: $u, b: $u) -> Result<$u, Trap> {
            let (a, b) = (a as $s, b as $s);
            if b == 0 {
                Err(Trap::IntegerDivisionByZero)
            } else if a == <$s>::MIN && b == -1 {
                Err(Trap::IntegerOverflow)
            } else {
                Ok((a / b) as $u)
            }
        }

        /// Unsigned division; traps on zero.
        #[inline(always)]
        pub(crate) fn $div_u(a: $u, b: $u) -> Result<$u, Trap> {
            a.checked_div(b).ok_or(Trap::IntegerDivisionByZero)
        }

        /// Signed remainder; traps on zero, `MIN % -1` is 0.
        #[inline(always)]
        pub(crate) fn $rem_s(a: $u, b: $u) -> Result<$u, Trap> {
            if b == 0 {
                Err(Trap::IntegerDivisionByZero)
            } else {
                Ok((a as $s).wrapping_rem(b as $s) as $u)
            }
        }

        /// Unsigned remainder; traps on zero.
        #[inline(always)]
        pub(crate) fn $rem_u(a: $u, b: $u) -> Result<$u, Trap> {
            a.checked_rem(b).ok_or(Trap::IntegerDivisionByZero)
        }
    };
}

division!(i32_div_s, i32_div_u, i32_rem_s, i32_rem_u, u32, i32);
division!(i64_div_s, i64_div_u, i64_rem_s, i64_rem_u, u64, i64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn division_traps_as_wasm_specifies() {
        assert_eq!(i32_div_s(7, 0), Err(Trap::IntegerDivisionByZero));
        assert_eq!(
            i32_div_s(i32::MIN as u32, -1i32 as u32),
            Err(Trap::IntegerOverflow)
        );
        assert_eq!(i32_rem_s(i32::MIN as u32, -1i32 as u32), Ok(0));
        assert_eq!(i32_div_s(-7i32 as u32, 2), Ok(-3i32 as u32));
        assert_eq!(i32_rem_s(-7i32 as u32, 2), Ok(-1i32 as u32));
        assert_eq!(i64_div_u(u64::MAX, 2), Ok(u64::MAX / 2));
        assert_eq!(i64_rem_u(5, 0), Err(Trap::IntegerDivisionByZero));
        assert_eq!(
            i64_div_s(i64::MIN as u64, -1i64 as u64),
            Err(Trap::IntegerOverflow)
        );
    }
}
