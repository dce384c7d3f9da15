//! Gas: one versioned [`GasSchedule`] for Wasm instructions, dynamic costs, the EEI and
//! the `bignum` extension.
//!
//! Ewasm never fixed a per-instruction price (ewasm/design `fee_schedule.md` says "1 gas
//! per opcode for now"); this schedule follows that spirit and prices every allowed
//! operator through [`operators::CostClass`]. How the engine charges it:
//!
//! - Static instruction costs are summed per basic block at translation time and charged
//!   once when the block is entered. Every call (Wasm or host) ends a block, so when a host
//!   function runs the caller has been charged exactly for the instructions executed so
//!   far, the call included. `getGasLeft` and the 1/64 rule therefore see exact gas.
//! - Dynamic costs (pages for `memory.grow` and for the memory a module declares, words
//!   for bulk memory, elements for bulk table operations, bytes copied by the EEI) are
//!   charged inside the operation, before its effect.
//! - A schedule is immutable and identified by its [`GasSchedule::version`]; a chain
//!   records the version a contract was deployed under.
//!
//! [`GasSchedule::HERA_UNMETERED`] prices every instruction at 0 and keeps the EEI
//! costs: that is Hera with metering off, which is how the Ewasm state tests were filled.

pub mod operators;

use operators::CostClass;

/// Static gas per class of Wasm instruction.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct InstructionCosts {
    /// `nop`, `block`, `loop`, `else`, `end`: they compile to nothing.
    pub structural: u32,
    /// Every other simple operator.
    pub base: u32,
    /// `i32.mul`, `i64.mul`.
    pub multiply: u32,
    /// 32-bit division and remainder.
    pub divide32: u32,
    /// 64-bit division and remainder.
    pub divide64: u32,
    /// `call`.
    pub call: u32,
    /// `call_indirect`.
    pub call_indirect: u32,
    /// The static part of `memory.grow`.
    pub memory_grow: u32,
    /// The static part of `memory.copy/fill/init`.
    pub bulk_memory: u32,
    /// The static part of `table.copy/init`.
    pub bulk_table: u32,
}

impl InstructionCosts {
    /// The static cost of one operator of the given class.
    #[inline]
    pub const fn of(&self, class: CostClass) -> u32 {
        match class {
            CostClass::Structural => self.structural,
            CostClass::Base => self.base,
            CostClass::Multiply => self.multiply,
            CostClass::Divide32 => self.divide32,
            CostClass::Divide64 => self.divide64,
            CostClass::Call => self.call,
            CostClass::CallIndirect => self.call_indirect,
            CostClass::MemoryGrow => self.memory_grow,
            CostClass::BulkMemory => self.bulk_memory,
            CostClass::BulkTable => self.bulk_table,
        }
    }

    /// Whether every instruction is free (no gas instructions need to be emitted).
    pub const fn all_zero(&self) -> bool {
        self.structural == 0
            && self.base == 0
            && self.multiply == 0
            && self.divide32 == 0
            && self.divide64 == 0
            && self.call == 0
            && self.call_indirect == 0
            && self.memory_grow == 0
            && self.bulk_memory == 0
            && self.bulk_table == 0
    }
}

/// Costs that depend on the size of an operation.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct DynamicCosts {
    /// Per 64 KiB page added by `memory.grow`, and per page a module declares (charged
    /// when it is instantiated).
    pub memory_page: u64,
    /// Per started 32-byte word of `memory.copy`, `memory.fill`, `memory.init`.
    pub bulk_memory_word: u64,
    /// Per element of `table.copy`, `table.init`.
    pub bulk_table_element: u64,
}

/// Gas per byte of code a successful create deploys (Ethereum's code deposit,
/// `G_codedeposit`); charged by hosts, which store the code.
pub const CODE_DEPOSIT_GAS_PER_BYTE: u64 = 200;

/// EEI costs (Byzantium, as Hera charges them; ewasm/design `eth_interface.md`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct EeiCosts {
    /// Simple getters (`getAddress`, `getCallDataSize`, ...).
    pub base: u64,
    /// The static part of `callDataCopy`, `codeCopy`, `returnDataCopy`.
    pub verylow: u64,
    /// Per started 32-byte word copied.
    pub copy_word: u64,
    /// `getExternalBalance`.
    pub balance: u64,
    /// `getExternalCodeSize`, and the static part of `externalCodeCopy`.
    pub extcode: u64,
    /// `getBlockHash`.
    pub blockhash: u64,
    /// `storageLoad`.
    pub storage_load: u64,
    /// `storageStore` of a non-zero value over a zero value.
    pub storage_store_create: u64,
    /// Any other `storageStore`.
    pub storage_store_change: u64,
    /// Refund for clearing a storage slot.
    pub storage_clear_refund: u64,
    /// The static part of `log`.
    pub log: u64,
    /// Per log topic.
    pub log_topic: u64,
    /// Per byte of log data.
    pub log_data_byte: u64,
    /// The static part of every call.
    pub call: u64,
    /// Added to `call`/`callCode` when value is transferred.
    pub value_transfer: u64,
    /// Gas added to the callee's budget when value is transferred.
    pub value_stipend: u64,
    /// Added to a value-transferring `call` (and `selfDestruct`) to a new account.
    pub new_account: u64,
    /// `create`, `create2`.
    pub create: u64,
    /// Per started word of init code hashed by `create2` (EIP-1014).
    pub create2_word: u64,
    /// `selfDestruct`.
    pub selfdestruct: u64,
    /// Refund for the first self-destruct of an account.
    pub selfdestruct_refund: u64,
    /// The keccak256 system contract at `0x..09`: static part (EVM `SHA3`).
    pub keccak256: u64,
    /// Per started 32-byte word hashed by the keccak256 system contract.
    pub keccak256_word: u64,
}

impl EeiCosts {
    /// Byzantium prices, identical to Hera 0.6.
    pub const BYZANTIUM: EeiCosts = EeiCosts {
        base: 2,
        verylow: 3,
        copy_word: 3,
        balance: 400,
        extcode: 700,
        blockhash: 800,
        storage_load: 200,
        storage_store_create: 20_000,
        storage_store_change: 5_000,
        storage_clear_refund: 15_000,
        log: 375,
        log_topic: 375,
        log_data_byte: 8,
        call: 700,
        value_transfer: 9_000,
        value_stipend: 2_300,
        new_account: 25_000,
        create: 32_000,
        create2_word: 6,
        selfdestruct: 5_000,
        selfdestruct_refund: 24_000,
        keccak256: 30,
        keccak256_word: 6,
    };
}

/// Fixed costs of the native 256-bit operations (`bignum` namespace, EWASM.md section 4).
///
/// They follow the EVM's prices for the same operations (`ADD` 3, `MUL`/`DIV` 5,
/// `ADDMOD`/`MULMOD` 8, `LT`/`EQ` 3) so that a contract pays what the EVM would for the
/// arithmetic; `exp256` charges like `EXP`: a static part plus a part per significant byte
/// of the exponent.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct BignumCosts {
    /// `add256`, `sub256`.
    pub add: u64,
    /// `mul256`.
    pub mul: u64,
    /// `div256`, `mod256`.
    pub div: u64,
    /// `addmod256`, `mulmod256`.
    pub modular: u64,
    /// `mulmodmont256` (Montgomery multiplication).
    pub montgomery: u64,
    /// `lt256`, `eq256`.
    pub compare: u64,
    /// The static part of `exp256`.
    pub exp: u64,
    /// Per significant byte of the exponent of `exp256`.
    pub exp_byte: u64,
}

impl BignumCosts {
    /// The prices of schedule version 1.
    pub const V1: BignumCosts = BignumCosts {
        add: 3,
        mul: 5,
        div: 5,
        modular: 8,
        montgomery: 8,
        compare: 3,
        exp: 10,
        exp_byte: 50,
    };
}

/// A complete, versioned price list.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct GasSchedule {
    /// Identifies the schedule; never reused for different prices.
    pub version: u32,
    /// A human-readable name.
    pub name: &'static str,
    /// Static instruction costs.
    pub instructions: InstructionCosts,
    /// Size-dependent costs.
    pub dynamic: DynamicCosts,
    /// EEI costs.
    pub eei: EeiCosts,
    /// `bignum` costs.
    pub bignum: BignumCosts,
}

impl GasSchedule {
    /// Hera with metering off: Wasm instructions and memory are free, EEI calls cost what
    /// Hera charges. The Ewasm state tests were filled with it.
    pub const HERA_UNMETERED: GasSchedule = GasSchedule {
        version: 0,
        name: "hera-unmetered",
        instructions: InstructionCosts {
            structural: 0,
            base: 0,
            multiply: 0,
            divide32: 0,
            divide64: 0,
            call: 0,
            call_indirect: 0,
            memory_grow: 0,
            bulk_memory: 0,
            bulk_table: 0,
        },
        dynamic: DynamicCosts {
            memory_page: 0,
            bulk_memory_word: 0,
            bulk_table_element: 0,
        },
        eei: EeiCosts::BYZANTIUM,
        bignum: BignumCosts::V1,
    };

    /// Version 1: every instruction metered.
    ///
    /// One gas per simple instruction (ewasm `fee_schedule.md`); multiplication,
    /// division and calls cost more in proportion to their machine cost; structural
    /// markers are free. Memory costs 1024 gas per 64 KiB page (half a gas per 32-byte
    /// word, a sixth of the EVM's linear memory price, since Wasm memory is allocated by
    /// the page), for declared and grown pages alike.
    pub const V1: GasSchedule = GasSchedule {
        version: 1,
        name: "ssvm-v1",
        instructions: InstructionCosts {
            structural: 0,
            base: 1,
            multiply: 3,
            divide32: 8,
            divide64: 12,
            call: 5,
            call_indirect: 8,
            memory_grow: 10,
            bulk_memory: 5,
            bulk_table: 5,
        },
        dynamic: DynamicCosts {
            memory_page: 1_024,
            bulk_memory_word: 1,
            bulk_table_element: 1,
        },
        eei: EeiCosts::BYZANTIUM,
        bignum: BignumCosts::V1,
    };

    /// Every schedule this build knows.
    pub const ALL: &'static [&'static GasSchedule] =
        &[&GasSchedule::HERA_UNMETERED, &GasSchedule::V1];

    /// Looks a schedule up by its version.
    pub fn by_version(version: u32) -> Option<&'static GasSchedule> {
        Self::ALL.iter().copied().find(|s| s.version == version)
    }

    /// The static cost of one operator of `class`.
    #[inline]
    pub const fn instruction(&self, class: CostClass) -> u32 {
        self.instructions.of(class)
    }
}

impl Default for GasSchedule {
    fn default() -> Self {
        GasSchedule::V1
    }
}

/// The number of started 32-byte words in `len` bytes.
#[inline]
pub const fn words(len: u64) -> u64 {
    len.div_ceil(32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_unique_and_resolvable() {
        for (i, a) in GasSchedule::ALL.iter().enumerate() {
            assert_eq!(GasSchedule::by_version(a.version), Some(*a));
            for b in &GasSchedule::ALL[i + 1..] {
                assert_ne!(a.version, b.version);
                assert_ne!(a.name, b.name);
            }
        }
        assert!(GasSchedule::by_version(999).is_none());
    }

    #[test]
    fn hera_schedule_prices_no_instruction() {
        assert!(GasSchedule::HERA_UNMETERED.instructions.all_zero());
        assert!(!GasSchedule::V1.instructions.all_zero());
        assert_eq!(GasSchedule::HERA_UNMETERED.eei, GasSchedule::V1.eei);
    }

    #[test]
    fn word_rounding() {
        assert_eq!(words(0), 0);
        assert_eq!(words(1), 1);
        assert_eq!(words(32), 1);
        assert_eq!(words(33), 2);
        assert_eq!(words(u32::MAX as u64), 134_217_728);
    }
}
