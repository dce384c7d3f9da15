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

/// A frame-relative register index.
pub type Slot = u16;

/// One instruction of the internal code.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Op {
    // ---- gas, control ----
    /// Charge the static cost of the basic block that starts here.
    Gas {
        amount: u32,
    },
    Unreachable,
    Br {
        target: u32,
    },
    BrIfNez32 {
        cond: Slot,
        target: u32,
    },
    BrIfEqz32 {
        cond: Slot,
        target: u32,
    },
    BrIfNez64 {
        cond: Slot,
        target: u32,
    },
    BrIfEqz64 {
        cond: Slot,
        target: u32,
    },
    /// Jumps to the `min(index, len)`-th of the `len + 1` [`Op::Br`] that follow.
    BrTable {
        index: Slot,
        len: u32,
    },
    Return,
    ReturnReg {
        src: Slot,
    },
    ReturnMany {
        src: Slot,
        count: u16,
    },
    /// Calls defined function `func` with its frame at `base`; `gas_after` is the
    /// static cost of the block that follows, charged when the callee returns.
    Call {
        func: u32,
        base: Slot,
        gas_after: u32,
    },
    CallIndirect {
        type_id: u32,
        base: Slot,
        index: Slot,
    },
    /// Calls imported function `import`; `gas_after` as for [`Op::Call`].
    CallHost {
        import: u32,
        base: Slot,
        gas_after: u32,
    },

    // ---- fused compare-and-branch: branch when the comparison holds ----
    BrIfI32Eq {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrIfI32Ne {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrIfI32LtS {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrIfI32LtU {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrIfI32GtS {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrIfI32GtU {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrIfI32LeS {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrIfI32LeU {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrIfI32GeS {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrIfI32GeU {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrIfI32EqImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrIfI32NeImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrIfI32LtSImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrIfI32LtUImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrIfI32GtSImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrIfI32GtUImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrIfI32LeSImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrIfI32LeUImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrIfI32GeSImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrIfI32GeUImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrIfI64Eq {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrIfI64Ne {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrIfI64LtS {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrIfI64LtU {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrIfI64GtS {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrIfI64GtU {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrIfI64LeS {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrIfI64LeU {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrIfI64GeS {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrIfI64GeU {
        lhs: Slot,
        rhs: Slot,
        target: u32,
    },
    BrIfI64EqImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrIfI64NeImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrIfI64LtSImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrIfI64LtUImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrIfI64GtSImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrIfI64GtUImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrIfI64LeSImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrIfI64LeUImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrIfI64GeSImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },
    BrIfI64GeUImm {
        lhs: Slot,
        imm: i32,
        target: u32,
    },

    // ---- moves, constants, globals, select ----
    Copy {
        dst: Slot,
        src: Slot,
    },
    ConstI32 {
        dst: Slot,
        value: u32,
    },
    ConstI64 {
        dst: Slot,
        lo: u32,
        hi: u32,
    },
    GlobalGet {
        dst: Slot,
        global: u32,
    },
    GlobalSet {
        src: Slot,
        global: u32,
    },
    /// `dst = if cond != 0 { if_true } else { if_false }`.
    Select {
        dst: Slot,
        cond: Slot,
        if_true: Slot,
        if_false: Slot,
    },

    // ---- i32 arithmetic ----
    I32Add {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32Sub {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32Mul {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32DivS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32DivU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32RemS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32RemU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32And {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32Or {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32Xor {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32Shl {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32ShrS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32ShrU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32Rotl {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32Rotr {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32Eq {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32Ne {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32LtS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32LtU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32GtS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32GtU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32LeS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32LeU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32GeS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32GeU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I32AddImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32SubImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32MulImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32DivSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32DivUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32RemSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32RemUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32AndImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32OrImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32XorImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32ShlImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32ShrSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32ShrUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32RotlImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32RotrImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32EqImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32NeImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32LtSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32LtUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32GtSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32GtUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32LeSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32LeUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32GeSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I32GeUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },

    // ---- i64 arithmetic (immediates are sign-extended i32) ----
    I64Add {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64Sub {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64Mul {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64DivS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64DivU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64RemS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64RemU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64And {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64Or {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64Xor {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64Shl {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64ShrS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64ShrU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64Rotl {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64Rotr {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64Eq {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64Ne {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64LtS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64LtU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64GtS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64GtU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64LeS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64LeU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64GeS {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64GeU {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    I64AddImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64SubImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64MulImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64DivSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64DivUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64RemSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64RemUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64AndImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64OrImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64XorImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64ShlImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64ShrSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64ShrUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64RotlImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64RotrImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64EqImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64NeImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64LtSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64LtUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64GtSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64GtUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64LeSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64LeUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64GeSImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },
    I64GeUImm {
        dst: Slot,
        lhs: Slot,
        imm: i32,
    },

    // ---- fused pairs (crypto kernels: keccak's chi, sha256's sigma, theta) ----
    /// `dst = lhs & !rhs`.
    I32AndNot {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    /// `dst = lhs & !rhs`.
    I64AndNot {
        dst: Slot,
        lhs: Slot,
        rhs: Slot,
    },
    /// `dst = lhs ^ rotl(src, imm)`.
    I32XorRotlImm {
        dst: Slot,
        lhs: Slot,
        src: Slot,
        imm: i32,
    },
    /// `dst = lhs ^ rotl(src, imm)`.
    I64XorRotlImm {
        dst: Slot,
        lhs: Slot,
        src: Slot,
        imm: i32,
    },

    /// `dst = lhs & imm` with `imm` zero-extended (32-bit masks of 64-bit values).
    I64AndImmU32 {
        dst: Slot,
        lhs: Slot,
        imm: u32,
    },
    /// Loads at `(base + index) mod 2^32 + offset`: an `i32.add` fused into its load.
    I32LoadIdx {
        dst: Slot,
        base: Slot,
        index: Slot,
        offset: u32,
    },
    I64LoadIdx {
        dst: Slot,
        base: Slot,
        index: Slot,
        offset: u32,
    },
    I32Load8UIdx {
        dst: Slot,
        base: Slot,
        index: Slot,
        offset: u32,
    },
    /// Stores at `(base + index) mod 2^32 + offset`.
    I32StoreIdx {
        base: Slot,
        index: Slot,
        value: Slot,
        offset: u32,
    },
    I64StoreIdx {
        base: Slot,
        index: Slot,
        value: Slot,
        offset: u32,
    },
    I32Store8Idx {
        base: Slot,
        index: Slot,
        value: Slot,
        offset: u32,
    },

    // ---- unary ----
    I32Eqz {
        dst: Slot,
        src: Slot,
    },
    I64Eqz {
        dst: Slot,
        src: Slot,
    },
    I32Clz {
        dst: Slot,
        src: Slot,
    },
    I32Ctz {
        dst: Slot,
        src: Slot,
    },
    I32Popcnt {
        dst: Slot,
        src: Slot,
    },
    I64Clz {
        dst: Slot,
        src: Slot,
    },
    I64Ctz {
        dst: Slot,
        src: Slot,
    },
    I64Popcnt {
        dst: Slot,
        src: Slot,
    },
    I32WrapI64 {
        dst: Slot,
        src: Slot,
    },
    I64ExtendI32S {
        dst: Slot,
        src: Slot,
    },
    I32Extend8S {
        dst: Slot,
        src: Slot,
    },
    I32Extend16S {
        dst: Slot,
        src: Slot,
    },
    I64Extend8S {
        dst: Slot,
        src: Slot,
    },
    I64Extend16S {
        dst: Slot,
        src: Slot,
    },
    I64Extend32S {
        dst: Slot,
        src: Slot,
    },

    // ---- memory: effective address = (addr as u32) + offset, never wrapping ----
    I32Load {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    I64Load {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    I32Load8S {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    I32Load8U {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    I32Load16S {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    I32Load16U {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    I64Load8S {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    I64Load8U {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    I64Load16S {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    I64Load16U {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    I64Load32S {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    I64Load32U {
        dst: Slot,
        addr: Slot,
        offset: u32,
    },
    I32Store {
        addr: Slot,
        value: Slot,
        offset: u32,
    },
    I64Store {
        addr: Slot,
        value: Slot,
        offset: u32,
    },
    I32Store8 {
        addr: Slot,
        value: Slot,
        offset: u32,
    },
    I32Store16 {
        addr: Slot,
        value: Slot,
        offset: u32,
    },
    I64Store8 {
        addr: Slot,
        value: Slot,
        offset: u32,
    },
    I64Store16 {
        addr: Slot,
        value: Slot,
        offset: u32,
    },
    I64Store32 {
        addr: Slot,
        value: Slot,
        offset: u32,
    },
    I32StoreImm {
        addr: Slot,
        value: i32,
        offset: u32,
    },
    I64StoreImm {
        addr: Slot,
        value: i32,
        offset: u32,
    },
    I32Store8Imm {
        addr: Slot,
        value: i32,
        offset: u32,
    },
    I32Store16Imm {
        addr: Slot,
        value: i32,
        offset: u32,
    },
    I64Store8Imm {
        addr: Slot,
        value: i32,
        offset: u32,
    },
    I64Store16Imm {
        addr: Slot,
        value: i32,
        offset: u32,
    },
    I64Store32Imm {
        addr: Slot,
        value: i32,
        offset: u32,
    },
    MemorySize {
        dst: Slot,
    },
    MemoryGrow {
        dst: Slot,
        delta: Slot,
    },
    MemoryCopy {
        dst: Slot,
        src: Slot,
        len: Slot,
    },
    MemoryFill {
        dst: Slot,
        value: Slot,
        len: Slot,
    },
    MemoryInit {
        segment: u32,
        dst: Slot,
        src: Slot,
        len: Slot,
    },
    DataDrop {
        segment: u32,
    },
    TableCopy {
        dst: Slot,
        src: Slot,
        len: Slot,
    },
    TableInit {
        segment: u32,
        dst: Slot,
        src: Slot,
        len: Slot,
    },
    ElemDrop {
        segment: u32,
    },
}

impl Op {
    /// The register this instruction writes its single result to, if it has exactly
    /// one register result and no other effect on registers.
    pub(crate) fn result_slot(&self) -> Option<Slot> {
        let mut copy = *self;
        copy.dst_ref().map(|dst| *dst)
    }

    /// Rewrites the result register; returns false for instructions without one.
    pub(crate) fn set_result_slot(&mut self, new: Slot) -> bool {
        match self.dst_ref() {
            Some(dst) => {
                *dst = new;
                true
            }
            None => false,
        }
    }

    fn dst_ref(&mut self) -> Option<&mut Slot> {
        use Op::*;
        match self {
            Copy { dst, .. }
            | ConstI32 { dst, .. }
            | ConstI64 { dst, .. }
            | GlobalGet { dst, .. }
            | Select { dst, .. }
            | I32Add { dst, .. }
            | I32Sub { dst, .. }
            | I32Mul { dst, .. }
            | I32DivS { dst, .. }
            | I32DivU { dst, .. }
            | I32RemS { dst, .. }
            | I32RemU { dst, .. }
            | I32And { dst, .. }
            | I32Or { dst, .. }
            | I32Xor { dst, .. }
            | I32Shl { dst, .. }
            | I32ShrS { dst, .. }
            | I32ShrU { dst, .. }
            | I32Rotl { dst, .. }
            | I32Rotr { dst, .. }
            | I32Eq { dst, .. }
            | I32Ne { dst, .. }
            | I32LtS { dst, .. }
            | I32LtU { dst, .. }
            | I32GtS { dst, .. }
            | I32GtU { dst, .. }
            | I32LeS { dst, .. }
            | I32LeU { dst, .. }
            | I32GeS { dst, .. }
            | I32GeU { dst, .. }
            | I32AddImm { dst, .. }
            | I32SubImm { dst, .. }
            | I32MulImm { dst, .. }
            | I32DivSImm { dst, .. }
            | I32DivUImm { dst, .. }
            | I32RemSImm { dst, .. }
            | I32RemUImm { dst, .. }
            | I32AndImm { dst, .. }
            | I32OrImm { dst, .. }
            | I32XorImm { dst, .. }
            | I32ShlImm { dst, .. }
            | I32ShrSImm { dst, .. }
            | I32ShrUImm { dst, .. }
            | I32RotlImm { dst, .. }
            | I32RotrImm { dst, .. }
            | I32EqImm { dst, .. }
            | I32NeImm { dst, .. }
            | I32LtSImm { dst, .. }
            | I32LtUImm { dst, .. }
            | I32GtSImm { dst, .. }
            | I32GtUImm { dst, .. }
            | I32LeSImm { dst, .. }
            | I32LeUImm { dst, .. }
            | I32GeSImm { dst, .. }
            | I32GeUImm { dst, .. }
            | I64Add { dst, .. }
            | I64Sub { dst, .. }
            | I64Mul { dst, .. }
            | I64DivS { dst, .. }
            | I64DivU { dst, .. }
            | I64RemS { dst, .. }
            | I64RemU { dst, .. }
            | I64And { dst, .. }
            | I64Or { dst, .. }
            | I64Xor { dst, .. }
            | I64Shl { dst, .. }
            | I64ShrS { dst, .. }
            | I64ShrU { dst, .. }
            | I64Rotl { dst, .. }
            | I64Rotr { dst, .. }
            | I64Eq { dst, .. }
            | I64Ne { dst, .. }
            | I64LtS { dst, .. }
            | I64LtU { dst, .. }
            | I64GtS { dst, .. }
            | I64GtU { dst, .. }
            | I64LeS { dst, .. }
            | I64LeU { dst, .. }
            | I64GeS { dst, .. }
            | I64GeU { dst, .. }
            | I64AddImm { dst, .. }
            | I64SubImm { dst, .. }
            | I64MulImm { dst, .. }
            | I64DivSImm { dst, .. }
            | I64DivUImm { dst, .. }
            | I64RemSImm { dst, .. }
            | I64RemUImm { dst, .. }
            | I64AndImm { dst, .. }
            | I64OrImm { dst, .. }
            | I64XorImm { dst, .. }
            | I64ShlImm { dst, .. }
            | I64ShrSImm { dst, .. }
            | I64ShrUImm { dst, .. }
            | I64RotlImm { dst, .. }
            | I64RotrImm { dst, .. }
            | I64EqImm { dst, .. }
            | I64NeImm { dst, .. }
            | I64LtSImm { dst, .. }
            | I64LtUImm { dst, .. }
            | I64GtSImm { dst, .. }
            | I64GtUImm { dst, .. }
            | I64LeSImm { dst, .. }
            | I64LeUImm { dst, .. }
            | I64GeSImm { dst, .. }
            | I64GeUImm { dst, .. }
            | I64AndImmU32 { dst, .. }
            | I32LoadIdx { dst, .. }
            | I64LoadIdx { dst, .. }
            | I32Load8UIdx { dst, .. }
            | I32AndNot { dst, .. }
            | I64AndNot { dst, .. }
            | I32XorRotlImm { dst, .. }
            | I64XorRotlImm { dst, .. }
            | I32Eqz { dst, .. }
            | I64Eqz { dst, .. }
            | I32Clz { dst, .. }
            | I32Ctz { dst, .. }
            | I32Popcnt { dst, .. }
            | I64Clz { dst, .. }
            | I64Ctz { dst, .. }
            | I64Popcnt { dst, .. }
            | I32WrapI64 { dst, .. }
            | I64ExtendI32S { dst, .. }
            | I32Extend8S { dst, .. }
            | I32Extend16S { dst, .. }
            | I64Extend8S { dst, .. }
            | I64Extend16S { dst, .. }
            | I64Extend32S { dst, .. }
            | I32Load { dst, .. }
            | I64Load { dst, .. }
            | I32Load8S { dst, .. }
            | I32Load8U { dst, .. }
            | I32Load16S { dst, .. }
            | I32Load16U { dst, .. }
            | I64Load8S { dst, .. }
            | I64Load8U { dst, .. }
            | I64Load16S { dst, .. }
            | I64Load16U { dst, .. }
            | I64Load32S { dst, .. }
            | I64Load32U { dst, .. }
            | MemorySize { dst }
            | MemoryGrow { dst, .. } => Some(dst),
            _ => None,
        }
    }

    /// Calls `slot` with every register operand and `target_of` with the branch target,
    /// if any (used by [`verify`]).
    pub(crate) fn visit_operands(
        &self,
        mut slot: impl FnMut(Slot),
        mut target_of: impl FnMut(u32),
    ) {
        use Op::*;
        match self {
            Br { target, .. } => {
                target_of(*target);
            }
            BrIfNez32 { cond, target, .. }
            | BrIfEqz32 { cond, target, .. }
            | BrIfNez64 { cond, target, .. }
            | BrIfEqz64 { cond, target, .. } => {
                slot(*cond);
                target_of(*target);
            }
            BrTable { index, .. } => {
                slot(*index);
            }
            ReturnReg { src, .. } | ReturnMany { src, .. } | GlobalSet { src, .. } => {
                slot(*src);
            }
            Call { base, .. } | CallHost { base, .. } => {
                slot(*base);
            }
            CallIndirect { base, index, .. } => {
                slot(*base);
                slot(*index);
            }
            BrIfI32Eq {
                lhs, rhs, target, ..
            }
            | BrIfI32Ne {
                lhs, rhs, target, ..
            }
            | BrIfI32LtS {
                lhs, rhs, target, ..
            }
            | BrIfI32LtU {
                lhs, rhs, target, ..
            }
            | BrIfI32GtS {
                lhs, rhs, target, ..
            }
            | BrIfI32GtU {
                lhs, rhs, target, ..
            }
            | BrIfI32LeS {
                lhs, rhs, target, ..
            }
            | BrIfI32LeU {
                lhs, rhs, target, ..
            }
            | BrIfI32GeS {
                lhs, rhs, target, ..
            }
            | BrIfI32GeU {
                lhs, rhs, target, ..
            }
            | BrIfI64Eq {
                lhs, rhs, target, ..
            }
            | BrIfI64Ne {
                lhs, rhs, target, ..
            }
            | BrIfI64LtS {
                lhs, rhs, target, ..
            }
            | BrIfI64LtU {
                lhs, rhs, target, ..
            }
            | BrIfI64GtS {
                lhs, rhs, target, ..
            }
            | BrIfI64GtU {
                lhs, rhs, target, ..
            }
            | BrIfI64LeS {
                lhs, rhs, target, ..
            }
            | BrIfI64LeU {
                lhs, rhs, target, ..
            }
            | BrIfI64GeS {
                lhs, rhs, target, ..
            }
            | BrIfI64GeU {
                lhs, rhs, target, ..
            } => {
                slot(*lhs);
                slot(*rhs);
                target_of(*target);
            }
            BrIfI32EqImm { lhs, target, .. }
            | BrIfI32NeImm { lhs, target, .. }
            | BrIfI32LtSImm { lhs, target, .. }
            | BrIfI32LtUImm { lhs, target, .. }
            | BrIfI32GtSImm { lhs, target, .. }
            | BrIfI32GtUImm { lhs, target, .. }
            | BrIfI32LeSImm { lhs, target, .. }
            | BrIfI32LeUImm { lhs, target, .. }
            | BrIfI32GeSImm { lhs, target, .. }
            | BrIfI32GeUImm { lhs, target, .. }
            | BrIfI64EqImm { lhs, target, .. }
            | BrIfI64NeImm { lhs, target, .. }
            | BrIfI64LtSImm { lhs, target, .. }
            | BrIfI64LtUImm { lhs, target, .. }
            | BrIfI64GtSImm { lhs, target, .. }
            | BrIfI64GtUImm { lhs, target, .. }
            | BrIfI64LeSImm { lhs, target, .. }
            | BrIfI64LeUImm { lhs, target, .. }
            | BrIfI64GeSImm { lhs, target, .. }
            | BrIfI64GeUImm { lhs, target, .. } => {
                slot(*lhs);
                target_of(*target);
            }
            Copy { dst, src, .. }
            | I32Eqz { dst, src, .. }
            | I64Eqz { dst, src, .. }
            | I32Clz { dst, src, .. }
            | I32Ctz { dst, src, .. }
            | I32Popcnt { dst, src, .. }
            | I64Clz { dst, src, .. }
            | I64Ctz { dst, src, .. }
            | I64Popcnt { dst, src, .. }
            | I32WrapI64 { dst, src, .. }
            | I64ExtendI32S { dst, src, .. }
            | I32Extend8S { dst, src, .. }
            | I32Extend16S { dst, src, .. }
            | I64Extend8S { dst, src, .. }
            | I64Extend16S { dst, src, .. }
            | I64Extend32S { dst, src, .. } => {
                slot(*dst);
                slot(*src);
            }
            ConstI32 { dst, .. }
            | ConstI64 { dst, .. }
            | GlobalGet { dst, .. }
            | MemorySize { dst, .. } => {
                slot(*dst);
            }
            Select {
                dst,
                cond,
                if_true,
                if_false,
                ..
            } => {
                slot(*dst);
                slot(*cond);
                slot(*if_true);
                slot(*if_false);
            }
            I32Add { dst, lhs, rhs, .. }
            | I32Sub { dst, lhs, rhs, .. }
            | I32Mul { dst, lhs, rhs, .. }
            | I32DivS { dst, lhs, rhs, .. }
            | I32DivU { dst, lhs, rhs, .. }
            | I32RemS { dst, lhs, rhs, .. }
            | I32RemU { dst, lhs, rhs, .. }
            | I32And { dst, lhs, rhs, .. }
            | I32Or { dst, lhs, rhs, .. }
            | I32Xor { dst, lhs, rhs, .. }
            | I32Shl { dst, lhs, rhs, .. }
            | I32ShrS { dst, lhs, rhs, .. }
            | I32ShrU { dst, lhs, rhs, .. }
            | I32Rotl { dst, lhs, rhs, .. }
            | I32Rotr { dst, lhs, rhs, .. }
            | I32Eq { dst, lhs, rhs, .. }
            | I32Ne { dst, lhs, rhs, .. }
            | I32LtS { dst, lhs, rhs, .. }
            | I32LtU { dst, lhs, rhs, .. }
            | I32GtS { dst, lhs, rhs, .. }
            | I32GtU { dst, lhs, rhs, .. }
            | I32LeS { dst, lhs, rhs, .. }
            | I32LeU { dst, lhs, rhs, .. }
            | I32GeS { dst, lhs, rhs, .. }
            | I32GeU { dst, lhs, rhs, .. }
            | I64Add { dst, lhs, rhs, .. }
            | I64Sub { dst, lhs, rhs, .. }
            | I64Mul { dst, lhs, rhs, .. }
            | I64DivS { dst, lhs, rhs, .. }
            | I64DivU { dst, lhs, rhs, .. }
            | I64RemS { dst, lhs, rhs, .. }
            | I64RemU { dst, lhs, rhs, .. }
            | I64And { dst, lhs, rhs, .. }
            | I64Or { dst, lhs, rhs, .. }
            | I64Xor { dst, lhs, rhs, .. }
            | I64Shl { dst, lhs, rhs, .. }
            | I64ShrS { dst, lhs, rhs, .. }
            | I64ShrU { dst, lhs, rhs, .. }
            | I64Rotl { dst, lhs, rhs, .. }
            | I64Rotr { dst, lhs, rhs, .. }
            | I64Eq { dst, lhs, rhs, .. }
            | I64Ne { dst, lhs, rhs, .. }
            | I64LtS { dst, lhs, rhs, .. }
            | I64LtU { dst, lhs, rhs, .. }
            | I64GtS { dst, lhs, rhs, .. }
            | I64GtU { dst, lhs, rhs, .. }
            | I64LeS { dst, lhs, rhs, .. }
            | I64LeU { dst, lhs, rhs, .. }
            | I64GeS { dst, lhs, rhs, .. }
            | I64GeU { dst, lhs, rhs, .. } => {
                slot(*dst);
                slot(*lhs);
                slot(*rhs);
            }
            I32AddImm { dst, lhs, .. }
            | I32SubImm { dst, lhs, .. }
            | I32MulImm { dst, lhs, .. }
            | I32DivSImm { dst, lhs, .. }
            | I32DivUImm { dst, lhs, .. }
            | I32RemSImm { dst, lhs, .. }
            | I32RemUImm { dst, lhs, .. }
            | I32AndImm { dst, lhs, .. }
            | I32OrImm { dst, lhs, .. }
            | I32XorImm { dst, lhs, .. }
            | I32ShlImm { dst, lhs, .. }
            | I32ShrSImm { dst, lhs, .. }
            | I32ShrUImm { dst, lhs, .. }
            | I32RotlImm { dst, lhs, .. }
            | I32RotrImm { dst, lhs, .. }
            | I32EqImm { dst, lhs, .. }
            | I32NeImm { dst, lhs, .. }
            | I32LtSImm { dst, lhs, .. }
            | I32LtUImm { dst, lhs, .. }
            | I32GtSImm { dst, lhs, .. }
            | I32GtUImm { dst, lhs, .. }
            | I32LeSImm { dst, lhs, .. }
            | I32LeUImm { dst, lhs, .. }
            | I32GeSImm { dst, lhs, .. }
            | I32GeUImm { dst, lhs, .. }
            | I64AddImm { dst, lhs, .. }
            | I64SubImm { dst, lhs, .. }
            | I64MulImm { dst, lhs, .. }
            | I64DivSImm { dst, lhs, .. }
            | I64DivUImm { dst, lhs, .. }
            | I64RemSImm { dst, lhs, .. }
            | I64RemUImm { dst, lhs, .. }
            | I64AndImm { dst, lhs, .. }
            | I64OrImm { dst, lhs, .. }
            | I64XorImm { dst, lhs, .. }
            | I64ShlImm { dst, lhs, .. }
            | I64ShrSImm { dst, lhs, .. }
            | I64ShrUImm { dst, lhs, .. }
            | I64RotlImm { dst, lhs, .. }
            | I64RotrImm { dst, lhs, .. }
            | I64EqImm { dst, lhs, .. }
            | I64NeImm { dst, lhs, .. }
            | I64LtSImm { dst, lhs, .. }
            | I64LtUImm { dst, lhs, .. }
            | I64GtSImm { dst, lhs, .. }
            | I64GtUImm { dst, lhs, .. }
            | I64LeSImm { dst, lhs, .. }
            | I64LeUImm { dst, lhs, .. }
            | I64GeSImm { dst, lhs, .. }
            | I64GeUImm { dst, lhs, .. } => {
                slot(*dst);
                slot(*lhs);
            }
            I32Load { dst, addr, .. }
            | I64Load { dst, addr, .. }
            | I32Load8S { dst, addr, .. }
            | I32Load8U { dst, addr, .. }
            | I32Load16S { dst, addr, .. }
            | I32Load16U { dst, addr, .. }
            | I64Load8S { dst, addr, .. }
            | I64Load8U { dst, addr, .. }
            | I64Load16S { dst, addr, .. }
            | I64Load16U { dst, addr, .. }
            | I64Load32S { dst, addr, .. }
            | I64Load32U { dst, addr, .. } => {
                slot(*dst);
                slot(*addr);
            }
            I32Store { addr, value, .. }
            | I64Store { addr, value, .. }
            | I32Store8 { addr, value, .. }
            | I32Store16 { addr, value, .. }
            | I64Store8 { addr, value, .. }
            | I64Store16 { addr, value, .. }
            | I64Store32 { addr, value, .. } => {
                slot(*addr);
                slot(*value);
            }
            I32StoreImm { addr, .. }
            | I64StoreImm { addr, .. }
            | I32Store8Imm { addr, .. }
            | I32Store16Imm { addr, .. }
            | I64Store8Imm { addr, .. }
            | I64Store16Imm { addr, .. }
            | I64Store32Imm { addr, .. } => {
                slot(*addr);
            }
            MemoryGrow { dst, delta, .. } => {
                slot(*dst);
                slot(*delta);
            }
            MemoryCopy { dst, src, len, .. }
            | MemoryInit { dst, src, len, .. }
            | TableCopy { dst, src, len, .. }
            | TableInit { dst, src, len, .. } => {
                slot(*dst);
                slot(*src);
                slot(*len);
            }
            MemoryFill {
                dst, value, len, ..
            } => {
                slot(*dst);
                slot(*value);
                slot(*len);
            }
            I32AndNot { dst, lhs, rhs } | I64AndNot { dst, lhs, rhs } => {
                slot(*dst);
                slot(*lhs);
                slot(*rhs);
            }
            I32XorRotlImm { dst, lhs, src, .. } | I64XorRotlImm { dst, lhs, src, .. } => {
                slot(*dst);
                slot(*lhs);
                slot(*src);
            }
            I64AndImmU32 { dst, lhs, .. } => {
                slot(*dst);
                slot(*lhs);
            }
            I32LoadIdx {
                dst, base, index, ..
            }
            | I64LoadIdx {
                dst, base, index, ..
            }
            | I32Load8UIdx {
                dst, base, index, ..
            } => {
                slot(*dst);
                slot(*base);
                slot(*index);
            }
            I32StoreIdx {
                base, index, value, ..
            }
            | I64StoreIdx {
                base, index, value, ..
            }
            | I32Store8Idx {
                base, index, value, ..
            } => {
                slot(*base);
                slot(*index);
                slot(*value);
            }
            _ => {}
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

    /// The branch target field of a (possibly not yet patched) branch instruction.
    pub(crate) fn target_mut(&mut self) -> Option<&mut u32> {
        use Op::*;
        match self {
            Br { target }
            | BrIfNez32 { target, .. }
            | BrIfEqz32 { target, .. }
            | BrIfNez64 { target, .. }
            | BrIfEqz64 { target, .. }
            | BrIfI32Eq { target, .. }
            | BrIfI32Ne { target, .. }
            | BrIfI32LtS { target, .. }
            | BrIfI32LtU { target, .. }
            | BrIfI32GtS { target, .. }
            | BrIfI32GtU { target, .. }
            | BrIfI32LeS { target, .. }
            | BrIfI32LeU { target, .. }
            | BrIfI32GeS { target, .. }
            | BrIfI32GeU { target, .. }
            | BrIfI32EqImm { target, .. }
            | BrIfI32NeImm { target, .. }
            | BrIfI32LtSImm { target, .. }
            | BrIfI32LtUImm { target, .. }
            | BrIfI32GtSImm { target, .. }
            | BrIfI32GtUImm { target, .. }
            | BrIfI32LeSImm { target, .. }
            | BrIfI32LeUImm { target, .. }
            | BrIfI32GeSImm { target, .. }
            | BrIfI32GeUImm { target, .. }
            | BrIfI64Eq { target, .. }
            | BrIfI64Ne { target, .. }
            | BrIfI64LtS { target, .. }
            | BrIfI64LtU { target, .. }
            | BrIfI64GtS { target, .. }
            | BrIfI64GtU { target, .. }
            | BrIfI64LeS { target, .. }
            | BrIfI64LeU { target, .. }
            | BrIfI64GeS { target, .. }
            | BrIfI64GeU { target, .. }
            | BrIfI64EqImm { target, .. }
            | BrIfI64NeImm { target, .. }
            | BrIfI64LtSImm { target, .. }
            | BrIfI64LtUImm { target, .. }
            | BrIfI64GtSImm { target, .. }
            | BrIfI64GtUImm { target, .. }
            | BrIfI64LeSImm { target, .. }
            | BrIfI64LeUImm { target, .. }
            | BrIfI64GeSImm { target, .. }
            | BrIfI64GeUImm { target, .. } => Some(target),
            _ => None,
        }
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
    let in_frame = |slot: Slot| u32::from(slot) < frame_size;
    let in_function = |target: u32| (start..end).contains(&(target as usize));
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
        && function.iter().enumerate().all(|(at, op)| match *op {
            // A callee's frame may begin right after the caller's.
            Op::Call { base, .. } | Op::CallHost { base, .. } => u32::from(base) <= frame_size,
            Op::CallIndirect { base, index, .. } => {
                u32::from(base) <= frame_size && in_frame(index)
            }
            Op::ReturnMany { src, count } => u32::from(src) + u32::from(count) <= frame_size,
            Op::BrTable { index, len } => {
                in_frame(index) && (at as u64 + 1 + u64::from(len)) < function.len() as u64
            }
            _ => {
                let (mut slots_ok, mut targets_ok) = (true, true);
                op.visit_operands(
                    |slot| slots_ok &= in_frame(slot),
                    |target| targets_ok &= in_function(target),
                );
                slots_ok && targets_ok
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instructions_are_twelve_bytes() {
        assert_eq!(size_of::<Op>(), 12);
    }

    #[test]
    fn fusing_inverts_the_comparison() {
        let lt = Op::I32LtS {
            dst: 9,
            lhs: 1,
            rhs: 2,
        };
        assert_eq!(
            lt.fuse_branch(true, 7),
            Some(Op::BrIfI32LtS {
                lhs: 1,
                rhs: 2,
                target: 7
            })
        );
        assert_eq!(
            lt.fuse_branch(false, 7),
            Some(Op::BrIfI32GeS {
                lhs: 1,
                rhs: 2,
                target: 7
            })
        );
        let eqz = Op::I64Eqz { dst: 3, src: 4 };
        assert_eq!(
            eqz.fuse_branch(false, 1),
            Some(Op::BrIfNez64 { cond: 4, target: 1 })
        );
        assert_eq!(
            Op::I32Add {
                dst: 0,
                lhs: 0,
                rhs: 0
            }
            .fuse_branch(true, 0),
            None
        );
    }

    #[test]
    fn result_slots_can_be_retargeted() {
        let mut op = Op::I64AddImm {
            dst: 5,
            lhs: 1,
            imm: 3,
        };
        assert_eq!(op.result_slot(), Some(5));
        assert!(op.set_result_slot(2));
        assert_eq!(op.result_slot(), Some(2));
        let mut store = Op::I32Store {
            addr: 1,
            value: 2,
            offset: 0,
        };
        assert_eq!(store.result_slot(), None);
        assert!(!store.set_result_slot(3));
    }
}
