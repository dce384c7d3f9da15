//! The internal code the interpreter runs: a register machine over 64-bit cells.
//!
//! # Design
//!
//! Wasm is a stack machine, but its operand stack height is known statically at every
//! instruction. The translator therefore gives every function a *frame* of 64-bit cells:
//! its parameters and locals first, then one cell per operand-stack position. Every
//! operand of an [`Op`] is a frame slot (a 16-bit index) or an immediate, so executing
//! `local.get a; local.get b; i32.add; local.set c` is one instruction
//! (`I32Add { dst: c, lhs: a, rhs: b }`) instead of four stack manipulations. This is
//! the design of wasmi since 0.32 and of wasm3; it removes most of the dispatches and
//! memory traffic of a stack interpreter. On top of it the translator fuses
//! compare-and-branch pairs, folds small constants into immediates, and retargets the
//! result of an instruction straight into the local that `local.set` would copy it to.
//!
//! Branch targets are absolute instruction indices resolved at translation time;
//! nothing is decoded at run time. The `Op` enum is 12 bytes (checked by a test) so the
//! code of a function stays dense in the cache. Gas is charged at basic-block entries
//! (see [`crate::gas`]): by an explicit [`Op::Gas`], or, to save a dispatch, by the call
//! that enters a function (its entry block) or returns to a call site (the block after
//! the call, [`Op::Call`]'s `gas_after`).
//!
//! i32 values live in the low 32 bits of a cell; producers zero-extend, consumers read
//! the low 32 bits.
//!
//! # One description
//!
//! The instruction set is data: `for_each_op!` lists every instruction with the role
//! of each field (register written or read, callee frame, result span, branch target,
//! `br_table` length, immediate), and `define_isa!` generates from it the [`Op`] enum,
//! the operand visitor [`Op::visit_operands`] (one exhaustive match, no default arm),
//! the branch-target and result accessors and the disassembler (`Display`). `verify`
//! checks each operand the visitor reports by its kind, so it cannot miss a field, and
//! registers have their own type, [`Slot`], through which alone the interpreter reads
//! and writes them. A register declared as an immediate does not compile, because
//! immediates must be [`Immediate`] and `Slot` is not:
//!
//! ```compile_fail
//! use ssvm_engine::ir::{Immediate, Slot};
//! // What the generated visitor does with an `imm(..)` field:
//! let _ = Immediate::widen(Slot(3));
//! ```
//!
//! and an immediate cannot be read as a register, because the interpreter's register
//! accesses take a `Slot`:
//!
//! ```compile_fail
//! let offset: u32 = 16;
//! let _ = ssvm_engine::ir::Slot::index(offset);
//! ```

use core::fmt;

/// A frame-relative register index: the only type the interpreter reads and writes
/// registers through, so a field that is not declared a register in `for_each_op!`
/// cannot be used as one.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[repr(transparent)]
pub struct Slot(pub u16);

impl Slot {
    /// The register's offset from the frame base.
    #[inline(always)]
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

impl fmt::Display for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "r{}", self.0)
    }
}

/// The types an `imm(..)` field may have: plain numbers. [`Slot`] is not one, so a
/// register declared as an immediate does not compile.
pub trait Immediate: Copy + Default {
    /// The value, for the disassembler.
    fn widen(self) -> i64;
}

impl Immediate for u16 {
    fn widen(self) -> i64 {
        i64::from(self)
    }
}

impl Immediate for u32 {
    fn widen(self) -> i64 {
        i64::from(self)
    }
}

impl Immediate for i32 {
    fn widen(self) -> i64 {
        i64::from(self)
    }
}

/// One field of an instruction and what it means, as [`Op::visit_operands`] reports it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Operand {
    /// A register the instruction writes (its single result).
    Write(Slot),
    /// A register the instruction reads.
    Read(Slot),
    /// The base of a callee's frame: the callee's registers start there, so it may be
    /// one past the caller's last register.
    Frame(Slot),
    /// `count` consecutive registers from `start` (the results of `ReturnMany`).
    Span {
        /// The first register.
        start: Slot,
        /// How many.
        count: u16,
    },
    /// A branch target: an absolute instruction index inside the same function.
    Target(u32),
    /// The number of entries of a `br_table` beyond its default: `len + 1` [`Op::Br`]
    /// follow the instruction.
    Table(u32),
    /// A number: a constant, an offset, a cost, or an index into one of the module's
    /// tables (checked where it is used).
    Imm(i64),
}

impl fmt::Display for Operand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Operand::Write(slot) | Operand::Read(slot) | Operand::Frame(slot) => slot.fmt(f),
            Operand::Span { start, count } => write!(f, "{start}+{count}"),
            Operand::Target(target) => write!(f, "@{target}"),
            Operand::Table(len) => write!(f, "{len}"),
            Operand::Imm(value) => write!(f, "{value}"),
        }
    }
}

/// The instruction set, as data: every instruction with its fields and the role of
/// each field. It calls `$generate!` with the list; `define_isa!` turns it into
/// [`Op`], its operand visitor, its branch-target and result accessors and its
/// disassembler, so none of them can miss a field. The roles:
///
/// - `write`: a register the instruction writes, its single result ([`Slot`]);
/// - `read`: a register it reads ([`Slot`]);
/// - `frame`: the base register of a callee's frame ([`Slot`]);
/// - `span(count)`: the first of `count` registers, `count` being another field;
/// - `target`: a branch target (`u32`);
/// - `table`: the number of `br_table` entries that follow (`u32`);
/// - `imm(T)`: a number of type `T`, which must be an [`Immediate`].
///
/// Adding an instruction is one line here and one arm in the interpreter (whose
/// `match` has no wildcard and whose register accesses take only a [`Slot`]).
macro_rules! for_each_op {
    ($generate:ident) => {
        $generate! {
            // ---- gas, control ----
            /// Charge the static cost of the basic block that starts here.
            Gas { amount: imm(u32) },
            Unreachable,
            Br { target: target },
            BrIfNez32 { cond: read, target: target },
            BrIfEqz32 { cond: read, target: target },
            BrIfNez64 { cond: read, target: target },
            BrIfEqz64 { cond: read, target: target },
            /// Jumps to the `min(index, len)`-th of the `len + 1` [`Op::Br`] that follow.
            BrTable { index: read, len: table },
            Return,
            ReturnReg { src: read },
            ReturnMany { src: span(count), count: imm(u16) },
            /// Calls defined function `func` with its frame at `base`; `gas_after` is the
            /// static cost of the block that follows, charged when the callee returns.
            Call { func: imm(u32), base: frame, gas_after: imm(u32) },
            CallIndirect { type_id: imm(u32), base: frame, index: read },
            /// Calls imported function `import`; `gas_after` as for [`Op::Call`].
            CallHost { import: imm(u32), base: frame, gas_after: imm(u32) },
            // ---- fused compare-and-branch: branch when the comparison holds ----
            BrIfI32Eq { lhs: read, rhs: read, target: target },
            BrIfI32Ne { lhs: read, rhs: read, target: target },
            BrIfI32LtS { lhs: read, rhs: read, target: target },
            BrIfI32LtU { lhs: read, rhs: read, target: target },
            BrIfI32GtS { lhs: read, rhs: read, target: target },
            BrIfI32GtU { lhs: read, rhs: read, target: target },
            BrIfI32LeS { lhs: read, rhs: read, target: target },
            BrIfI32LeU { lhs: read, rhs: read, target: target },
            BrIfI32GeS { lhs: read, rhs: read, target: target },
            BrIfI32GeU { lhs: read, rhs: read, target: target },
            BrIfI32EqImm { lhs: read, imm: imm(i32), target: target },
            BrIfI32NeImm { lhs: read, imm: imm(i32), target: target },
            BrIfI32LtSImm { lhs: read, imm: imm(i32), target: target },
            BrIfI32LtUImm { lhs: read, imm: imm(i32), target: target },
            BrIfI32GtSImm { lhs: read, imm: imm(i32), target: target },
            BrIfI32GtUImm { lhs: read, imm: imm(i32), target: target },
            BrIfI32LeSImm { lhs: read, imm: imm(i32), target: target },
            BrIfI32LeUImm { lhs: read, imm: imm(i32), target: target },
            BrIfI32GeSImm { lhs: read, imm: imm(i32), target: target },
            BrIfI32GeUImm { lhs: read, imm: imm(i32), target: target },
            BrIfI64Eq { lhs: read, rhs: read, target: target },
            BrIfI64Ne { lhs: read, rhs: read, target: target },
            BrIfI64LtS { lhs: read, rhs: read, target: target },
            BrIfI64LtU { lhs: read, rhs: read, target: target },
            BrIfI64GtS { lhs: read, rhs: read, target: target },
            BrIfI64GtU { lhs: read, rhs: read, target: target },
            BrIfI64LeS { lhs: read, rhs: read, target: target },
            BrIfI64LeU { lhs: read, rhs: read, target: target },
            BrIfI64GeS { lhs: read, rhs: read, target: target },
            BrIfI64GeU { lhs: read, rhs: read, target: target },
            BrIfI64EqImm { lhs: read, imm: imm(i32), target: target },
            BrIfI64NeImm { lhs: read, imm: imm(i32), target: target },
            BrIfI64LtSImm { lhs: read, imm: imm(i32), target: target },
            BrIfI64LtUImm { lhs: read, imm: imm(i32), target: target },
            BrIfI64GtSImm { lhs: read, imm: imm(i32), target: target },
            BrIfI64GtUImm { lhs: read, imm: imm(i32), target: target },
            BrIfI64LeSImm { lhs: read, imm: imm(i32), target: target },
            BrIfI64LeUImm { lhs: read, imm: imm(i32), target: target },
            BrIfI64GeSImm { lhs: read, imm: imm(i32), target: target },
            BrIfI64GeUImm { lhs: read, imm: imm(i32), target: target },
            // ---- moves, constants, globals, select ----
            Copy { dst: write, src: read },
            ConstI32 { dst: write, value: imm(u32) },
            ConstI64 { dst: write, lo: imm(u32), hi: imm(u32) },
            GlobalGet { dst: write, global: imm(u32) },
            GlobalSet { src: read, global: imm(u32) },
            /// `dst = if cond != 0 { if_true } else { if_false }`.
            Select { dst: write, cond: read, if_true: read, if_false: read },
            // ---- i32 arithmetic ----
            I32Add { dst: write, lhs: read, rhs: read },
            I32Sub { dst: write, lhs: read, rhs: read },
            I32Mul { dst: write, lhs: read, rhs: read },
            I32DivS { dst: write, lhs: read, rhs: read },
            I32DivU { dst: write, lhs: read, rhs: read },
            I32RemS { dst: write, lhs: read, rhs: read },
            I32RemU { dst: write, lhs: read, rhs: read },
            I32And { dst: write, lhs: read, rhs: read },
            I32Or { dst: write, lhs: read, rhs: read },
            I32Xor { dst: write, lhs: read, rhs: read },
            I32Shl { dst: write, lhs: read, rhs: read },
            I32ShrS { dst: write, lhs: read, rhs: read },
            I32ShrU { dst: write, lhs: read, rhs: read },
            I32Rotl { dst: write, lhs: read, rhs: read },
            I32Rotr { dst: write, lhs: read, rhs: read },
            I32Eq { dst: write, lhs: read, rhs: read },
            I32Ne { dst: write, lhs: read, rhs: read },
            I32LtS { dst: write, lhs: read, rhs: read },
            I32LtU { dst: write, lhs: read, rhs: read },
            I32GtS { dst: write, lhs: read, rhs: read },
            I32GtU { dst: write, lhs: read, rhs: read },
            I32LeS { dst: write, lhs: read, rhs: read },
            I32LeU { dst: write, lhs: read, rhs: read },
            I32GeS { dst: write, lhs: read, rhs: read },
            I32GeU { dst: write, lhs: read, rhs: read },
            I32AddImm { dst: write, lhs: read, imm: imm(i32) },
            I32SubImm { dst: write, lhs: read, imm: imm(i32) },
            I32MulImm { dst: write, lhs: read, imm: imm(i32) },
            I32DivSImm { dst: write, lhs: read, imm: imm(i32) },
            I32DivUImm { dst: write, lhs: read, imm: imm(i32) },
            I32RemSImm { dst: write, lhs: read, imm: imm(i32) },
            I32RemUImm { dst: write, lhs: read, imm: imm(i32) },
            I32AndImm { dst: write, lhs: read, imm: imm(i32) },
            I32OrImm { dst: write, lhs: read, imm: imm(i32) },
            I32XorImm { dst: write, lhs: read, imm: imm(i32) },
            I32ShlImm { dst: write, lhs: read, imm: imm(i32) },
            I32ShrSImm { dst: write, lhs: read, imm: imm(i32) },
            I32ShrUImm { dst: write, lhs: read, imm: imm(i32) },
            I32RotlImm { dst: write, lhs: read, imm: imm(i32) },
            I32RotrImm { dst: write, lhs: read, imm: imm(i32) },
            I32EqImm { dst: write, lhs: read, imm: imm(i32) },
            I32NeImm { dst: write, lhs: read, imm: imm(i32) },
            I32LtSImm { dst: write, lhs: read, imm: imm(i32) },
            I32LtUImm { dst: write, lhs: read, imm: imm(i32) },
            I32GtSImm { dst: write, lhs: read, imm: imm(i32) },
            I32GtUImm { dst: write, lhs: read, imm: imm(i32) },
            I32LeSImm { dst: write, lhs: read, imm: imm(i32) },
            I32LeUImm { dst: write, lhs: read, imm: imm(i32) },
            I32GeSImm { dst: write, lhs: read, imm: imm(i32) },
            I32GeUImm { dst: write, lhs: read, imm: imm(i32) },
            // ---- i64 arithmetic (immediates are sign-extended i32) ----
            I64Add { dst: write, lhs: read, rhs: read },
            I64Sub { dst: write, lhs: read, rhs: read },
            I64Mul { dst: write, lhs: read, rhs: read },
            I64DivS { dst: write, lhs: read, rhs: read },
            I64DivU { dst: write, lhs: read, rhs: read },
            I64RemS { dst: write, lhs: read, rhs: read },
            I64RemU { dst: write, lhs: read, rhs: read },
            I64And { dst: write, lhs: read, rhs: read },
            I64Or { dst: write, lhs: read, rhs: read },
            I64Xor { dst: write, lhs: read, rhs: read },
            I64Shl { dst: write, lhs: read, rhs: read },
            I64ShrS { dst: write, lhs: read, rhs: read },
            I64ShrU { dst: write, lhs: read, rhs: read },
            I64Rotl { dst: write, lhs: read, rhs: read },
            I64Rotr { dst: write, lhs: read, rhs: read },
            I64Eq { dst: write, lhs: read, rhs: read },
            I64Ne { dst: write, lhs: read, rhs: read },
            I64LtS { dst: write, lhs: read, rhs: read },
            I64LtU { dst: write, lhs: read, rhs: read },
            I64GtS { dst: write, lhs: read, rhs: read },
            I64GtU { dst: write, lhs: read, rhs: read },
            I64LeS { dst: write, lhs: read, rhs: read },
            I64LeU { dst: write, lhs: read, rhs: read },
            I64GeS { dst: write, lhs: read, rhs: read },
            I64GeU { dst: write, lhs: read, rhs: read },
            I64AddImm { dst: write, lhs: read, imm: imm(i32) },
            I64SubImm { dst: write, lhs: read, imm: imm(i32) },
            I64MulImm { dst: write, lhs: read, imm: imm(i32) },
            I64DivSImm { dst: write, lhs: read, imm: imm(i32) },
            I64DivUImm { dst: write, lhs: read, imm: imm(i32) },
            I64RemSImm { dst: write, lhs: read, imm: imm(i32) },
            I64RemUImm { dst: write, lhs: read, imm: imm(i32) },
            I64AndImm { dst: write, lhs: read, imm: imm(i32) },
            I64OrImm { dst: write, lhs: read, imm: imm(i32) },
            I64XorImm { dst: write, lhs: read, imm: imm(i32) },
            I64ShlImm { dst: write, lhs: read, imm: imm(i32) },
            I64ShrSImm { dst: write, lhs: read, imm: imm(i32) },
            I64ShrUImm { dst: write, lhs: read, imm: imm(i32) },
            I64RotlImm { dst: write, lhs: read, imm: imm(i32) },
            I64RotrImm { dst: write, lhs: read, imm: imm(i32) },
            I64EqImm { dst: write, lhs: read, imm: imm(i32) },
            I64NeImm { dst: write, lhs: read, imm: imm(i32) },
            I64LtSImm { dst: write, lhs: read, imm: imm(i32) },
            I64LtUImm { dst: write, lhs: read, imm: imm(i32) },
            I64GtSImm { dst: write, lhs: read, imm: imm(i32) },
            I64GtUImm { dst: write, lhs: read, imm: imm(i32) },
            I64LeSImm { dst: write, lhs: read, imm: imm(i32) },
            I64LeUImm { dst: write, lhs: read, imm: imm(i32) },
            I64GeSImm { dst: write, lhs: read, imm: imm(i32) },
            I64GeUImm { dst: write, lhs: read, imm: imm(i32) },
            // ---- fused pairs (crypto kernels: keccak's chi, sha256's sigma, theta) ----
            /// `dst = lhs & !rhs`.
            I32AndNot { dst: write, lhs: read, rhs: read },
            /// `dst = lhs & !rhs`.
            I64AndNot { dst: write, lhs: read, rhs: read },
            /// `dst = lhs ^ rotl(src, imm)`.
            I32XorRotlImm { dst: write, lhs: read, src: read, imm: imm(i32) },
            /// `dst = lhs ^ rotl(src, imm)`.
            I64XorRotlImm { dst: write, lhs: read, src: read, imm: imm(i32) },
            /// `dst = lhs & imm` with `imm` zero-extended (32-bit masks of 64-bit values).
            I64AndImmU32 { dst: write, lhs: read, imm: imm(u32) },
            /// Loads at `(base + index) mod 2^32 + offset`: an `i32.add` fused into its load.
            I32LoadIdx { dst: write, base: read, index: read, offset: imm(u32) },
            I64LoadIdx { dst: write, base: read, index: read, offset: imm(u32) },
            I32Load8UIdx { dst: write, base: read, index: read, offset: imm(u32) },
            /// Stores at `(base + index) mod 2^32 + offset`.
            I32StoreIdx { base: read, index: read, value: read, offset: imm(u32) },
            I64StoreIdx { base: read, index: read, value: read, offset: imm(u32) },
            I32Store8Idx { base: read, index: read, value: read, offset: imm(u32) },
            // ---- unary ----
            I32Eqz { dst: write, src: read },
            I64Eqz { dst: write, src: read },
            I32Clz { dst: write, src: read },
            I32Ctz { dst: write, src: read },
            I32Popcnt { dst: write, src: read },
            I64Clz { dst: write, src: read },
            I64Ctz { dst: write, src: read },
            I64Popcnt { dst: write, src: read },
            I32WrapI64 { dst: write, src: read },
            I64ExtendI32S { dst: write, src: read },
            I32Extend8S { dst: write, src: read },
            I32Extend16S { dst: write, src: read },
            I64Extend8S { dst: write, src: read },
            I64Extend16S { dst: write, src: read },
            I64Extend32S { dst: write, src: read },
            // ---- memory: effective address = (addr as u32) + offset, never wrapping ----
            I32Load { dst: write, addr: read, offset: imm(u32) },
            I64Load { dst: write, addr: read, offset: imm(u32) },
            I32Load8S { dst: write, addr: read, offset: imm(u32) },
            I32Load8U { dst: write, addr: read, offset: imm(u32) },
            I32Load16S { dst: write, addr: read, offset: imm(u32) },
            I32Load16U { dst: write, addr: read, offset: imm(u32) },
            I64Load8S { dst: write, addr: read, offset: imm(u32) },
            I64Load8U { dst: write, addr: read, offset: imm(u32) },
            I64Load16S { dst: write, addr: read, offset: imm(u32) },
            I64Load16U { dst: write, addr: read, offset: imm(u32) },
            I64Load32S { dst: write, addr: read, offset: imm(u32) },
            I64Load32U { dst: write, addr: read, offset: imm(u32) },
            I32Store { addr: read, value: read, offset: imm(u32) },
            I64Store { addr: read, value: read, offset: imm(u32) },
            I32Store8 { addr: read, value: read, offset: imm(u32) },
            I32Store16 { addr: read, value: read, offset: imm(u32) },
            I64Store8 { addr: read, value: read, offset: imm(u32) },
            I64Store16 { addr: read, value: read, offset: imm(u32) },
            I64Store32 { addr: read, value: read, offset: imm(u32) },
            I32StoreImm { addr: read, value: imm(i32), offset: imm(u32) },
            I64StoreImm { addr: read, value: imm(i32), offset: imm(u32) },
            I32Store8Imm { addr: read, value: imm(i32), offset: imm(u32) },
            I32Store16Imm { addr: read, value: imm(i32), offset: imm(u32) },
            I64Store8Imm { addr: read, value: imm(i32), offset: imm(u32) },
            I64Store16Imm { addr: read, value: imm(i32), offset: imm(u32) },
            I64Store32Imm { addr: read, value: imm(i32), offset: imm(u32) },
            MemorySize { dst: write },
            MemoryGrow { dst: write, delta: read },
            MemoryCopy { dst: read, src: read, len: read },
            MemoryFill { dst: read, value: read, len: read },
            MemoryInit { segment: imm(u32), dst: read, src: read, len: read },
            DataDrop { segment: imm(u32) },
            TableCopy { dst: read, src: read, len: read },
            TableInit { segment: imm(u32), dst: read, src: read, len: read },
            ElemDrop { segment: imm(u32) },
        }
    };
}

/// Generates the ISA from `for_each_op!`'s description (see there for the roles).
macro_rules! define_isa {
    ($(
        $(#[$attr:meta])*
        $name:ident $({ $($field:ident : $role:ident $(($($arg:tt)*))?),* $(,)? })?
    ),* $(,)?) => {
        /// One instruction of the internal code (generated from `for_each_op!`).
        #[derive(Copy, Clone, Debug, PartialEq, Eq)]
        #[allow(missing_docs)]
        pub enum Op {
            $(
                $(#[$attr])*
                $name $({ $($field: isa_field_type!($role $(($($arg)*))?)),* })?,
            )*
        }

        impl Op {
            /// The number of instructions in the ISA.
            pub const COUNT: usize = [$(stringify!($name)),*].len();

            /// The instruction's name.
            pub fn name(&self) -> &'static str {
                match self {
                    $(Op::$name { .. } => stringify!($name),)*
                }
            }

            /// Calls `visit` with the name and meaning of every field, in order.
            pub fn visit_operands(&self, mut visit: impl FnMut(&'static str, Operand)) {
                match *self {
                    $(
                        Op::$name $({ $($field),* })? => {
                            $($(visit(
                                stringify!($field),
                                isa_operand!($field, $role $(($($arg)*))?),
                            );)*)?
                        }
                    )*
                }
            }

            /// The branch target of a (possibly not yet patched) branch.
            #[allow(unused_mut, unused_assignments)]
            pub(crate) fn target_mut(&mut self) -> Option<&mut u32> {
                match self {
                    $(
                        Op::$name $({ $($field),* })? => {
                            let mut found = None;
                            $($(isa_select!(found, target, $field, $role);)*)?
                            found
                        }
                    )*
                }
            }

            /// The register the instruction writes its single result to, if any.
            #[allow(unused_mut, unused_assignments)]
            fn result_mut(&mut self) -> Option<&mut Slot> {
                match self {
                    $(
                        Op::$name $({ $($field),* })? => {
                            let mut found = None;
                            $($(isa_select!(found, write, $field, $role);)*)?
                            found
                        }
                    )*
                }
            }

            /// Every instruction once, with every register set to `slot`, every
            /// branch target and table length to `target` and every immediate to 0.
            #[cfg(test)]
            pub(crate) fn every(slot: Slot, target: u32) -> alloc::vec::Vec<Op> {
                alloc::vec![$(
                    Op::$name $({ $($field: isa_sample!(slot, target, $role)),* })?
                ),*]
            }
        }
    };
}

/// The Rust type of a field with the given role.
macro_rules! isa_field_type {
    (write) => {
        Slot
    };
    (read) => {
        Slot
    };
    (frame) => {
        Slot
    };
    (span($count:ident)) => {
        Slot
    };
    (target) => {
        u32
    };
    (table) => {
        u32
    };
    (imm($ty:ty)) => {
        $ty
    };
}

/// The [`Operand`] for field `$field` (bound by value) with the given role.
macro_rules! isa_operand {
    ($field:ident, write) => {
        Operand::Write($field)
    };
    ($field:ident, read) => {
        Operand::Read($field)
    };
    ($field:ident, frame) => {
        Operand::Frame($field)
    };
    ($field:ident, span($count:ident)) => {
        Operand::Span {
            start: $field,
            count: $count,
        }
    };
    ($field:ident, target) => {
        Operand::Target($field)
    };
    ($field:ident, table) => {
        Operand::Table($field)
    };
    ($field:ident, imm($ty:ty)) => {
        Operand::Imm(Immediate::widen($field))
    };
}

/// Stores `$field` in `$found` if its role is the one wanted.
macro_rules! isa_select {
    ($found:ident, target, $field:ident, target) => {
        $found = Some($field)
    };
    ($found:ident, write, $field:ident, write) => {
        $found = Some($field)
    };
    ($found:ident, $wanted:ident, $field:ident, $role:ident) => {
        let _ = $field;
    };
}

/// A sample value for a field of the given role (see [`Op::every`]).
#[cfg(test)]
macro_rules! isa_sample {
    ($slot:ident, $target:ident, target) => {
        $target
    };
    ($slot:ident, $target:ident, table) => {
        $target
    };
    ($slot:ident, $target:ident, imm) => {
        Default::default()
    };
    ($slot:ident, $target:ident, $register:ident) => {
        $slot
    };
}

for_each_op!(define_isa);

/// The disassembler: the instruction's name and every field as `name=value`
/// (registers `r<n>`, branch targets `@<index>`).
impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())?;
        let mut result = Ok(());
        self.visit_operands(|field, operand| {
            if result.is_ok() {
                result = write!(f, " {field}={operand}");
            }
        });
        result
    }
}

impl Op {
    /// The register this instruction writes its single result to, if it has exactly
    /// one register result and no other effect on registers.
    pub(crate) fn result_slot(&self) -> Option<Slot> {
        let mut copy = *self;
        copy.result_mut().map(|dst| *dst)
    }

    /// Rewrites the result register; returns false for instructions without one.
    pub(crate) fn set_result_slot(&mut self, new: Slot) -> bool {
        match self.result_mut() {
            Some(dst) => {
                *dst = new;
                true
            }
            None => false,
        }
    }

    /// Turns a comparison (or `eqz`) that produced a branch condition into the fused
    /// branch taken when the comparison is `expect`.
    pub(crate) fn fuse_branch(&self, expect: bool, target: u32) -> Option<Op> {
        use Op::*;
        macro_rules! pick {
            ($lhs:expr, $rhs:expr, $yes:ident, $no:ident) => {
                if expect {
                    $yes {
                        lhs: $lhs,
                        rhs: $rhs,
                        target,
                    }
                } else {
                    $no {
                        lhs: $lhs,
                        rhs: $rhs,
                        target,
                    }
                }
            };
        }
        macro_rules! pick_imm {
            ($lhs:expr, $imm:expr, $yes:ident, $no:ident) => {
                if expect {
                    $yes {
                        lhs: $lhs,
                        imm: $imm,
                        target,
                    }
                } else {
                    $no {
                        lhs: $lhs,
                        imm: $imm,
                        target,
                    }
                }
            };
        }
        Some(match *self {
            I32Eqz { src, .. } => {
                if expect {
                    BrIfEqz32 { cond: src, target }
                } else {
                    BrIfNez32 { cond: src, target }
                }
            }
            I64Eqz { src, .. } => {
                if expect {
                    BrIfEqz64 { cond: src, target }
                } else {
                    BrIfNez64 { cond: src, target }
                }
            }
            I32Eq { lhs, rhs, .. } => pick!(lhs, rhs, BrIfI32Eq, BrIfI32Ne),
            I32Ne { lhs, rhs, .. } => pick!(lhs, rhs, BrIfI32Ne, BrIfI32Eq),
            I32LtS { lhs, rhs, .. } => pick!(lhs, rhs, BrIfI32LtS, BrIfI32GeS),
            I32LtU { lhs, rhs, .. } => pick!(lhs, rhs, BrIfI32LtU, BrIfI32GeU),
            I32GtS { lhs, rhs, .. } => pick!(lhs, rhs, BrIfI32GtS, BrIfI32LeS),
            I32GtU { lhs, rhs, .. } => pick!(lhs, rhs, BrIfI32GtU, BrIfI32LeU),
            I32LeS { lhs, rhs, .. } => pick!(lhs, rhs, BrIfI32LeS, BrIfI32GtS),
            I32LeU { lhs, rhs, .. } => pick!(lhs, rhs, BrIfI32LeU, BrIfI32GtU),
            I32GeS { lhs, rhs, .. } => pick!(lhs, rhs, BrIfI32GeS, BrIfI32LtS),
            I32GeU { lhs, rhs, .. } => pick!(lhs, rhs, BrIfI32GeU, BrIfI32LtU),
            I32EqImm { lhs, imm, .. } => pick_imm!(lhs, imm, BrIfI32EqImm, BrIfI32NeImm),
            I32NeImm { lhs, imm, .. } => pick_imm!(lhs, imm, BrIfI32NeImm, BrIfI32EqImm),
            I32LtSImm { lhs, imm, .. } => pick_imm!(lhs, imm, BrIfI32LtSImm, BrIfI32GeSImm),
            I32LtUImm { lhs, imm, .. } => pick_imm!(lhs, imm, BrIfI32LtUImm, BrIfI32GeUImm),
            I32GtSImm { lhs, imm, .. } => pick_imm!(lhs, imm, BrIfI32GtSImm, BrIfI32LeSImm),
            I32GtUImm { lhs, imm, .. } => pick_imm!(lhs, imm, BrIfI32GtUImm, BrIfI32LeUImm),
            I32LeSImm { lhs, imm, .. } => pick_imm!(lhs, imm, BrIfI32LeSImm, BrIfI32GtSImm),
            I32LeUImm { lhs, imm, .. } => pick_imm!(lhs, imm, BrIfI32LeUImm, BrIfI32GtUImm),
            I32GeSImm { lhs, imm, .. } => pick_imm!(lhs, imm, BrIfI32GeSImm, BrIfI32LtSImm),
            I32GeUImm { lhs, imm, .. } => pick_imm!(lhs, imm, BrIfI32GeUImm, BrIfI32LtUImm),
            I64Eq { lhs, rhs, .. } => pick!(lhs, rhs, BrIfI64Eq, BrIfI64Ne),
            I64Ne { lhs, rhs, .. } => pick!(lhs, rhs, BrIfI64Ne, BrIfI64Eq),
            I64LtS { lhs, rhs, .. } => pick!(lhs, rhs, BrIfI64LtS, BrIfI64GeS),
            I64LtU { lhs, rhs, .. } => pick!(lhs, rhs, BrIfI64LtU, BrIfI64GeU),
            I64GtS { lhs, rhs, .. } => pick!(lhs, rhs, BrIfI64GtS, BrIfI64LeS),
            I64GtU { lhs, rhs, .. } => pick!(lhs, rhs, BrIfI64GtU, BrIfI64LeU),
            I64LeS { lhs, rhs, .. } => pick!(lhs, rhs, BrIfI64LeS, BrIfI64GtS),
            I64LeU { lhs, rhs, .. } => pick!(lhs, rhs, BrIfI64LeU, BrIfI64GtU),
            I64GeS { lhs, rhs, .. } => pick!(lhs, rhs, BrIfI64GeS, BrIfI64LtS),
            I64GeU { lhs, rhs, .. } => pick!(lhs, rhs, BrIfI64GeU, BrIfI64LtU),
            I64EqImm { lhs, imm, .. } => pick_imm!(lhs, imm, BrIfI64EqImm, BrIfI64NeImm),
            I64NeImm { lhs, imm, .. } => pick_imm!(lhs, imm, BrIfI64NeImm, BrIfI64EqImm),
            I64LtSImm { lhs, imm, .. } => pick_imm!(lhs, imm, BrIfI64LtSImm, BrIfI64GeSImm),
            I64LtUImm { lhs, imm, .. } => pick_imm!(lhs, imm, BrIfI64LtUImm, BrIfI64GeUImm),
            I64GtSImm { lhs, imm, .. } => pick_imm!(lhs, imm, BrIfI64GtSImm, BrIfI64LeSImm),
            I64GtUImm { lhs, imm, .. } => pick_imm!(lhs, imm, BrIfI64GtUImm, BrIfI64LeUImm),
            I64LeSImm { lhs, imm, .. } => pick_imm!(lhs, imm, BrIfI64LeSImm, BrIfI64GtSImm),
            I64LeUImm { lhs, imm, .. } => pick_imm!(lhs, imm, BrIfI64LeUImm, BrIfI64GtUImm),
            I64GeSImm { lhs, imm, .. } => pick_imm!(lhs, imm, BrIfI64GeSImm, BrIfI64LtSImm),
            I64GeUImm { lhs, imm, .. } => pick_imm!(lhs, imm, BrIfI64GeUImm, BrIfI64LtUImm),
            _ => return None,
        })
    }
}

/// Checks the invariants the interpreter relies on for one translated function, whose
/// instructions are `code[start..end]` and whose frame has `frame_size` registers:
/// every register operand lies inside the frame, every branch target inside the
/// function, every `br_table` is followed by its entries, and the last instruction
/// ends control flow. Translation guarantees all of this; checking it once per module
/// is what makes the interpreter's unchecked accesses sound.
pub(crate) fn verify(code: &[Op], start: usize, end: usize, frame_size: u32) -> bool {
    let Some(function) = code.get(start..end) else {
        return false;
    };
    let terminator = matches!(
        function.last(),
        Some(
            Op::Return
                | Op::ReturnReg { .. }
                | Op::ReturnMany { .. }
                | Op::Br { .. }
                | Op::Unreachable
        )
    );
    terminator
        && function.iter().enumerate().all(|(at, op)| {
            let mut valid = true;
            op.visit_operands(|_, operand| {
                valid &= operand_is_valid(operand, frame_size, start..end, at, function.len())
            });
            valid
        })
}

/// Whether one operand of the instruction at `at` (relative to the function's start)
/// is within bounds: the rule for every [`Operand`] kind, with no default.
fn operand_is_valid(
    operand: Operand,
    frame_size: u32,
    function: core::ops::Range<usize>,
    at: usize,
    function_len: usize,
) -> bool {
    let in_frame = |slot: Slot| u32::from(slot.0) < frame_size;
    match operand {
        Operand::Write(slot) | Operand::Read(slot) => in_frame(slot),
        // A callee's frame may begin right after the caller's.
        Operand::Frame(base) => u32::from(base.0) <= frame_size,
        Operand::Span { start, count } => u32::from(start.0) + u32::from(count) <= frame_size,
        Operand::Target(target) => function.contains(&(target as usize)),
        // The `len + 1` entries that follow the `br_table` are inside the function.
        Operand::Table(len) => (at as u64 + 1 + u64::from(len)) < function_len as u64,
        // Indices into the module's tables are checked where they are used.
        Operand::Imm(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::string::String;

    #[test]
    fn instructions_are_twelve_bytes() {
        assert_eq!(size_of::<Op>(), 12);
    }

    #[test]
    fn every_instruction_is_described_once() {
        let every = Op::every(Slot(0), 0);
        assert_eq!(every.len(), Op::COUNT);
        let mut names: alloc::vec::Vec<&str> = every.iter().map(Op::name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Op::COUNT);
    }

    /// The visitor reports every register field: as many register operands as the
    /// compiler-derived `Debug` shows `Slot` fields, each of which `verify` checks.
    #[test]
    fn the_visitor_reports_every_register_field() {
        for op in Op::every(Slot(7), 0) {
            let fields = format!("{op:?}").matches("Slot(").count();
            let mut registers = 0;
            let mut writes = 0;
            op.visit_operands(|_, operand| match operand {
                Operand::Write(_) => {
                    registers += 1;
                    writes += 1;
                }
                Operand::Read(_) | Operand::Frame(_) | Operand::Span { .. } => registers += 1,
                Operand::Target(_) | Operand::Table(_) | Operand::Imm(_) => {}
            });
            assert_eq!(registers, fields, "{op:?}");
            assert!(writes <= 1, "{op:?} writes more than one register");
            assert_eq!(op.result_slot().is_some(), writes == 1, "{op:?}");
        }
    }

    /// `verify` accepts every instruction whose operands are in bounds and rejects every
    /// instruction with a register out of its frame or a branch out of its function.
    #[test]
    fn verify_checks_every_operand() {
        let in_bounds = |op: Op| verify(&[op, Op::Return], 0, 2, 1);
        for op in Op::every(Slot(0), 0) {
            assert!(in_bounds(op), "{op:?} rejected with operands in bounds");
        }
        for op in Op::every(Slot(2), 0) {
            let has_register = format!("{op:?}").contains("Slot(");
            assert_eq!(in_bounds(op), !has_register, "{op:?}");
        }
        for mut op in Op::every(Slot(0), 0) {
            if let Some(target) = op.target_mut() {
                *target = 2;
                assert!(!in_bounds(op), "{op:?} branches out of its function");
            }
        }
        let table = Op::BrTable {
            index: Slot(0),
            len: 1,
        };
        assert!(
            !in_bounds(table),
            "a br_table needs len + 1 entries after it"
        );
    }

    #[test]
    fn the_disassembler_names_every_field() {
        let op = Op::I32StoreIdx {
            base: Slot(1),
            index: Slot(2),
            value: Slot(3),
            offset: 16,
        };
        assert_eq!(
            format!("{op}"),
            "I32StoreIdx base=r1 index=r2 value=r3 offset=16"
        );
        let branch = Op::BrIfI64LtUImm {
            lhs: Slot(4),
            imm: -1,
            target: 9,
        };
        assert_eq!(format!("{branch}"), "BrIfI64LtUImm lhs=r4 imm=-1 target=@9");
        assert_eq!(format!("{}", Op::Return), "Return");
        let every: String = Op::every(Slot(0), 0)
            .iter()
            .map(|op| format!("{op}\n"))
            .collect();
        assert_eq!(every.lines().count(), Op::COUNT);
    }

    #[test]
    fn fusing_inverts_the_comparison() {
        let lt = Op::I32LtS {
            dst: Slot(9),
            lhs: Slot(1),
            rhs: Slot(2),
        };
        assert_eq!(
            lt.fuse_branch(true, 7),
            Some(Op::BrIfI32LtS {
                lhs: Slot(1),
                rhs: Slot(2),
                target: 7
            })
        );
        assert_eq!(
            lt.fuse_branch(false, 7),
            Some(Op::BrIfI32GeS {
                lhs: Slot(1),
                rhs: Slot(2),
                target: 7
            })
        );
        let eqz = Op::I64Eqz {
            dst: Slot(3),
            src: Slot(4),
        };
        assert_eq!(
            eqz.fuse_branch(false, 1),
            Some(Op::BrIfNez64 {
                cond: Slot(4),
                target: 1
            })
        );
        assert_eq!(
            Op::I32Add {
                dst: Slot(0),
                lhs: Slot(0),
                rhs: Slot(0)
            }
            .fuse_branch(true, 0),
            None
        );
    }

    #[test]
    fn result_slots_can_be_retargeted() {
        let mut op = Op::I64AddImm {
            dst: Slot(5),
            lhs: Slot(1),
            imm: 3,
        };
        assert_eq!(op.result_slot(), Some(Slot(5)));
        assert!(op.set_result_slot(Slot(2)));
        assert_eq!(op.result_slot(), Some(Slot(2)));
        let mut store = Op::I32Store {
            addr: Slot(1),
            value: Slot(2),
            offset: 0,
        };
        assert_eq!(store.result_slot(), None);
        assert!(!store.set_result_slot(Slot(3)));
    }
}
