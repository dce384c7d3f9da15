//! Linear-memory access shared by the interpreter and the EEI.
//!
//! All address arithmetic is done in `u64`, so an effective address never wraps and
//! the checks are identical on 64-bit hosts and in a 32-bit Wasm runtime.

use super::Trap;

/// The effective address of a load or store: `addr` (an i32) plus the static offset.
#[inline(always)]
pub(crate) fn effective(addr: u64, offset: u32) -> u64 {
    u64::from(addr as u32) + u64::from(offset)
}

/// Reads `N` bytes at `addr + offset`.
#[inline(always)]
pub(crate) fn load<const N: usize>(memory: &[u8], addr: u64, offset: u32) -> Result<[u8; N], Trap> {
    let start = usize::try_from(effective(addr, offset)).map_err(|_| Trap::MemoryOutOfBounds)?;
    match memory.get(start..).and_then(|rest| rest.first_chunk::<N>()) {
        Some(bytes) => Ok(*bytes),
        None => Err(Trap::MemoryOutOfBounds),
    }
}

/// Writes `N` bytes at `addr + offset`.
#[inline(always)]
pub(crate) fn store<const N: usize>(
    memory: &mut [u8],
    addr: u64,
    offset: u32,
    bytes: [u8; N],
) -> Result<(), Trap> {
    let start = usize::try_from(effective(addr, offset)).map_err(|_| Trap::MemoryOutOfBounds)?;
    match memory
        .get_mut(start..)
        .and_then(|rest| rest.first_chunk_mut::<N>())
    {
        Some(slot) => {
            *slot = bytes;
            Ok(())
        }
        None => Err(Trap::MemoryOutOfBounds),
    }
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
        let memory = [1u8, 2, 3, 4, 5];
        assert_eq!(load::<4>(&memory, 1, 0), Ok([2, 3, 4, 5]));
        assert_eq!(load::<4>(&memory, 0, 2), Err(Trap::MemoryOutOfBounds));
        assert_eq!(
            load::<1>(&memory, u64::from(u32::MAX), 1),
            Err(Trap::MemoryOutOfBounds)
        );
        // The address is an i32: high bits of the cell are ignored.
        assert_eq!(load::<1>(&memory, 0xffff_ffff_0000_0004, 0), Ok([5]));
        assert_eq!(range(5, 0, 5), Some(5..5));
        assert_eq!(range(6, 0, 5), None);
        assert_eq!(range(u64::MAX, 2, 5), None);
    }
}
