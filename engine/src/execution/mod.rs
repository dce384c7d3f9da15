//! Execution: instantiating a [`Module`] and running it.
//!
//! An [`Instance`] owns the mutable state of one execution (linear memory, globals, the
//! table, dropped segments); the register stack and call frames live in
//! [`interpreter`]. Instantiation follows the Wasm spec (element segments, then data
//! segments, then the start function), and for contracts charges the declared memory
//! pages at the schedule's page price before allocating them.

pub(crate) mod bignum;
pub(crate) mod contract;
pub(crate) mod eei;
#[allow(unsafe_code)]
pub(crate) mod interpreter;
pub(crate) mod memory;
pub(crate) mod numeric;
pub(crate) mod run;

use alloc::vec;
use alloc::vec::Vec;

use crate::gas::GasSchedule;
use crate::host::{Host, Message};
use crate::limits::{MAX_MEMORY_PAGES, WASM_PAGE_SIZE};
use crate::module::{Module, SegmentMode};
use crate::types::Trap;

/// How a run of the interpreter loop ended other than by returning.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Halt {
    /// `finish` (or `selfDestruct`): success with the output in [`Env::output`].
    Finish,
    /// `revert`: revert with the output in [`Env::output`].
    Revert,
    /// An error.
    Trap(Trap),
}

impl From<Trap> for Halt {
    #[inline]
    fn from(trap: Trap) -> Halt {
        Halt::Trap(trap)
    }
}

/// Everything the EEI needs besides memory: the host, the message, gas and buffers.
pub(crate) struct Env<'e, H: Host + ?Sized> {
    pub host: &'e mut H,
    pub message: &'e Message<'e>,
    /// The code being executed (`codeCopy`, `getCodeSize`).
    pub code: &'e [u8],
    /// Whether calls to `0x..09` compute keccak256 natively.
    pub keccak_system_contract: bool,
    pub gas: u64,
    pub refund: u64,
    pub return_data: Vec<u8>,
    pub output: Vec<u8>,
}

impl<H: Host + ?Sized> Env<'_, H> {
    /// Charges `amount` gas or fails with out-of-gas.
    #[inline]
    pub fn charge(&mut self, amount: u64) -> Result<(), Trap> {
        if self.gas < amount {
            self.gas = 0;
            return Err(Trap::OutOfGas);
        }
        self.gas -= amount;
        Ok(())
    }
}

/// Charges the memory pages a module declares (its initial size) at the schedule's
/// page price, on instantiation; out of gas leaves `gas` at 0. Both execution paths
/// charge through this.
pub(crate) fn charge_declared_pages(
    schedule: &GasSchedule,
    pages: u32,
    gas: &mut u64,
) -> Result<(), Trap> {
    let cost = u64::from(pages).saturating_mul(schedule.dynamic.memory_page);
    if *gas < cost {
        *gas = 0;
        return Err(Trap::OutOfGas);
    }
    *gas -= cost;
    Ok(())
}

/// The mutable state of one instantiated module.
pub struct Instance<'m> {
    pub(crate) module: &'m Module,
    pub(crate) memory: Vec<u8>,
    pub(crate) memory_max_pages: u32,
    pub(crate) globals: Vec<u64>,
    pub(crate) table: Vec<Option<u32>>,
    pub(crate) data_dropped: Vec<bool>,
    pub(crate) elem_dropped: Vec<bool>,
}

impl<'m> Instance<'m> {
    /// Allocates memory, globals and the table and applies the active segments.
    ///
    /// `gas` pays for the declared memory pages at the schedule's page price.
    pub(crate) fn new(module: &'m Module, gas: &mut u64) -> Result<Instance<'m>, Trap> {
        let (pages, memory_max_pages) = match module.memory {
            Some(limits) => (limits.initial, limits.maximum.min(MAX_MEMORY_PAGES)),
            None => (0, 0),
        };
        charge_declared_pages(&module.schedule, pages, gas)?;
        let table_size = module.table.map_or(0, |limits| limits.initial);
        let mut instance = Instance {
            module,
            memory: vec![0; pages as usize * WASM_PAGE_SIZE as usize],
            memory_max_pages,
            globals: module.globals.iter().map(|g| g.value).collect(),
            table: vec![None; table_size as usize],
            data_dropped: vec![false; module.data.len()],
            elem_dropped: vec![false; module.elements.len()],
        };
        for (index, segment) in module.elements.iter().enumerate() {
            match segment.mode {
                SegmentMode::Active { offset } => {
                    let range = memory::range(
                        u64::from(offset),
                        segment.items.len() as u64,
                        instance.table.len(),
                    )
                    .ok_or(Trap::TableOutOfBounds)?;
                    instance.table[range].copy_from_slice(&segment.items);
                    instance.elem_dropped[index] = true;
                }
                SegmentMode::Declared => instance.elem_dropped[index] = true,
                SegmentMode::Passive => {}
            }
        }
        for (index, segment) in module.data.iter().enumerate() {
            if let SegmentMode::Active { offset } = segment.mode {
                let range = memory::range(
                    u64::from(offset),
                    segment.bytes.len() as u64,
                    instance.memory.len(),
                )
                .ok_or(Trap::MemoryOutOfBounds)?;
                instance.memory[range].copy_from_slice(&segment.bytes);
                instance.data_dropped[index] = true;
            }
        }
        Ok(instance)
    }

    /// The linear memory.
    pub fn memory(&self) -> &[u8] {
        &self.memory
    }

    /// The size of the linear memory in Wasm pages.
    pub fn memory_pages(&self) -> u32 {
        (self.memory.len() / WASM_PAGE_SIZE as usize) as u32
    }

    /// The current value of global `index` as a raw cell.
    pub fn global(&self, index: u32) -> Option<u64> {
        self.globals.get(index as usize).copied()
    }
}
