//! Linear-memory address arithmetic shared by the interpreter and the EEI.
//!
//! All address arithmetic is done in `u64`, so an effective address never wraps and
//! the checks are identical on 64-bit hosts and in a 32-bit Wasm runtime.

/// The effective address of a load or store: `addr` (an i32) plus the static offset.
#[inline(always)]
pub(crate) fn effective(addr: u64, offset: u32) -> u64 {
    u64::from(addr as u32) + u64::from(offset)
}

/// The range `start..start + len` if it lies within `size`, computed without overflow.
#[inline]
pub(crate) fn range(start: u64, len: u64, size: usize) -> Option<core::ops::Range<usize>> {
    let end = start.checked_add(len)?;
    if end > size as u64 {
        return None;
    }
    Some(start as usize..end as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_checked_without_wrapping() {
        // The address is an i32: high bits of the cell are ignored; the sum never wraps.
        assert_eq!(effective(0xffff_ffff_0000_0004, 0), 4);
        assert_eq!(
            effective(u64::from(u32::MAX), u32::MAX),
            2 * u64::from(u32::MAX)
        );
        assert_eq!(range(5, 0, 5), Some(5..5));
        assert_eq!(range(6, 0, 5), None);
        assert_eq!(range(u64::MAX, 2, 5), None);
    }
}
