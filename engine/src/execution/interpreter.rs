//! The interpreter loop.
//!
//! One `match` over [`Op`] in a loop: Rust compiles it to a jump table, and the hot
//! state (program counter, frame base, gas, the current frame's register slice) lives in
//! local variables the optimizer keeps in machine registers. Handlers are grouped by
//! family: control, calls, moves, numeric, memory, bulk memory. Calls push a
//! [`Frame`] and move the frame base; the callee's parameters are already in place
//! because the caller computed its arguments into the registers where the callee's
//! frame begins. Host (EEI, `bignum`, external) calls go through
//! [`crate::eei::call_host`].
//!
//! The loop is safe Rust: register and code accesses are bounds-checked. The
//! translator guarantees the indices are in range, so the checks never fail; they cost
//! one well-predicted compare each.

use alloc::vec::Vec;

use super::numeric::*;
use super::{Env, Halt, Instance, Trap, memory};
use crate::host::Host;
use crate::ir::Op;
use crate::limits::{MAX_CALL_DEPTH, MAX_VALUE_STACK, WASM_PAGE_SIZE};
use crate::module::{FuncMeta, Module};

/// A suspended caller.
#[derive(Copy, Clone, Debug)]
pub(crate) struct Frame {
    return_pc: u32,
    bp: u32,
    stack_used: u32,
}

/// The value stack and call frames of one execution.
#[derive(Default)]
pub(crate) struct Stack {
    pub regs: Vec<u64>,
    frames: Vec<Frame>,
}

impl Stack {
    /// Prepares the entry frame of defined function `meta`: its parameters must then be
    /// written to `regs[..params]`.
    pub(crate) fn enter(&mut self, meta: &FuncMeta) -> Result<(), Trap> {
        let size = meta.frame_size as usize;
        if size > MAX_VALUE_STACK {
            return Err(Trap::ValueStackExhausted);
        }
        self.frames.clear();
        self.regs.clear();
        self.regs.resize(size.max(16), 0);
        Ok(())
    }
}

/// Runs defined function `func`; its arguments are in `stack.regs[..params]` and its
/// results are left in `stack.regs[..results]`.
pub(crate) fn run<H: Host + ?Sized>(
    instance: &mut Instance<'_>,
    env: &mut Env<'_, H>,
    stack: &mut Stack,
    func: u32,
) -> Result<(), Halt> {
    let module: &Module = instance.module;
    let Some(entry) = module.functions.get(func as usize) else {
        return Err(Halt::Trap(Trap::UninitializedElement));
    };
    let code: &[Op] = &module.code;
    let functions: &[FuncMeta] = &module.functions;
    let num_imports = module.num_imports();
    let page_cost = module.schedule.dynamic.memory_page;
    let word_cost = module.schedule.dynamic.bulk_memory_word;
    let element_cost = module.schedule.dynamic.bulk_table_element;

    let Instance {
        memory: mem,
        memory_max_pages,
        globals,
        table,
        data_dropped,
        elem_dropped,
        ..
    } = instance;
    let memory_max_pages = *memory_max_pages;
    let regs = &mut stack.regs;
    let frames = &mut stack.frames;

    let mut gas = env.gas;
    let mut pc = entry.entry as usize;
    let mut bp = 0usize;
    let mut stack_used = entry.frame_size as usize;
    regs[entry.num_params as usize..entry.num_locals as usize].fill(0);
    let mut frame: &mut [u64] = &mut regs[..];

    macro_rules! r {
        ($slot:expr) => {
            frame[$slot as usize]
        };
    }
    macro_rules! trap {
        ($trap:expr) => {
            break Err(Halt::Trap($trap))
        };
    }
    macro_rules! attempt {
        ($result:expr) => {
            match $result {
                Ok(value) => value,
                Err(error) => break Err(Halt::from(error)),
            }
        };
    }
    macro_rules! charge {
        ($amount:expr) => {{
            let amount: u64 = $amount;
            if gas < amount {
                trap!(Trap::OutOfGas);
            }
            gas -= amount;
        }};
    }
    macro_rules! call_defined {
        ($callee:expr, $base:expr) => {{
            let callee: &FuncMeta = &functions[$callee as usize];
            if frames.len() + 1 >= MAX_CALL_DEPTH {
                trap!(Trap::CallStackExhausted);
            }
            let new_used = stack_used + callee.frame_size as usize;
            if new_used > MAX_VALUE_STACK {
                trap!(Trap::ValueStackExhausted);
            }
            let new_bp = bp + $base as usize;
            let needed = new_bp + callee.frame_size as usize;
            if needed > regs.len() {
                let grown = needed.max(regs.len() * 2).min(MAX_VALUE_STACK);
                regs.resize(grown, 0);
            }
            frames.push(Frame {
                return_pc: pc as u32,
                bp: bp as u32,
                stack_used: stack_used as u32,
            });
            regs[new_bp + callee.num_params as usize..new_bp + callee.num_locals as usize].fill(0);
            bp = new_bp;
            stack_used = new_used;
            pc = callee.entry as usize;
            frame = &mut regs[bp..];
        }};
    }
    macro_rules! call_host {
        ($import:expr, $base:expr) => {{
            env.gas = gas;
            let outcome =
                crate::eei::call_host(module, $import, &mut frame[$base as usize..], mem, env);
            gas = env.gas;
            attempt!(outcome);
        }};
    }
    macro_rules! do_return {
        () => {{
            match frames.pop() {
                Some(caller) => {
                    pc = caller.return_pc as usize;
                    bp = caller.bp as usize;
                    stack_used = caller.stack_used as usize;
                    frame = &mut regs[bp..];
                }
                None => break Ok(()),
            }
        }};
    }
    macro_rules! bin32 {
        ($dst:expr, $a:expr, $b:expr, $f:expr) => {{
            let a = r!($a) as u32;
            let b = $b as u32;
            r!($dst) = u64::from($f(a, b));
        }};
    }
    macro_rules! bin64 {
        ($dst:expr, $a:expr, $b:expr, $f:expr) => {{
            let a = r!($a);
            let b = $b as u64;
            r!($dst) = u64::from($f(a, b));
        }};
    }
    macro_rules! div32 {
        ($dst:expr, $a:expr, $b:expr, $f:expr) => {{
            let value = attempt!($f(r!($a) as u32, $b as u32));
            r!($dst) = u64::from(value);
        }};
    }
    macro_rules! div64 {
        ($dst:expr, $a:expr, $b:expr, $f:expr) => {{
            let value = attempt!($f(r!($a), $b as u64));
            r!($dst) = value;
        }};
    }
    macro_rules! branch_if {
        ($cond:expr, $target:expr) => {{
            if $cond {
                pc = $target as usize;
            }
        }};
    }
    macro_rules! load {
        ($dst:expr, $addr:expr, $offset:expr, $n:literal, $convert:expr) => {{
            let bytes = attempt!(memory::load::<$n>(mem, r!($addr), $offset));
            r!($dst) = $convert(bytes);
        }};
    }
    macro_rules! store {
        ($addr:expr, $offset:expr, $bytes:expr) => {{
            attempt!(memory::store(mem, r!($addr), $offset, $bytes));
        }};
    }

    let result: Result<(), Halt> = loop {
        let op = code[pc];
        pc += 1;
        match op {
            // ---- gas, control ----
            Op::Gas { amount } => charge!(u64::from(amount)),
            Op::Unreachable => trap!(Trap::Unreachable),
            Op::Br { target } => pc = target as usize,
            Op::BrIfNez32 { cond, target } => branch_if!(r!(cond) as u32 != 0, target),
            Op::BrIfEqz32 { cond, target } => branch_if!(r!(cond) as u32 == 0, target),
            Op::BrIfNez64 { cond, target } => branch_if!(r!(cond) != 0, target),
            Op::BrIfEqz64 { cond, target } => branch_if!(r!(cond) == 0, target),
            Op::BrTable { index, len } => {
                pc += (r!(index) as u32).min(len) as usize;
            }
            Op::Return => do_return!(),
            Op::ReturnReg { src } => {
                r!(0) = r!(src);
                do_return!()
            }
            Op::ReturnMany { src, count } => {
                let src = src as usize;
                frame.copy_within(src..src + count as usize, 0);
                do_return!()
            }
            Op::Call { func, base } => call_defined!(func, base),
            Op::CallHost { import, base } => call_host!(import, base),
            Op::CallIndirect {
                type_id,
                base,
                index,
            } => {
                let slot = r!(index) as u32;
                let Some(entry) = table.get(slot as usize) else {
                    trap!(Trap::TableOutOfBounds);
                };
                let Some(callee) = *entry else {
                    trap!(Trap::UninitializedElement);
                };
                if module.func_type_id(callee) != Some(type_id) {
                    trap!(Trap::IndirectCallTypeMismatch);
                }
                if callee < num_imports {
                    call_host!(callee, base)
                } else {
                    call_defined!(callee - num_imports, base)
                }
            }

            // ---- fused compare-and-branch ----
            Op::BrIfI32Eq { lhs, rhs, target } => {
                branch_if!(r!(lhs) as u32 == r!(rhs) as u32, target)
            }
            Op::BrIfI32Ne { lhs, rhs, target } => {
                branch_if!(r!(lhs) as u32 != r!(rhs) as u32, target)
            }
            Op::BrIfI32LtS { lhs, rhs, target } => {
                branch_if!((r!(lhs) as i32) < r!(rhs) as i32, target)
            }
            Op::BrIfI32LtU { lhs, rhs, target } => {
                branch_if!((r!(lhs) as u32) < r!(rhs) as u32, target)
            }
            Op::BrIfI32GtS { lhs, rhs, target } => {
                branch_if!(r!(lhs) as i32 > r!(rhs) as i32, target)
            }
            Op::BrIfI32GtU { lhs, rhs, target } => {
                branch_if!(r!(lhs) as u32 > r!(rhs) as u32, target)
            }
            Op::BrIfI32LeS { lhs, rhs, target } => {
                branch_if!(r!(lhs) as i32 <= r!(rhs) as i32, target)
            }
            Op::BrIfI32LeU { lhs, rhs, target } => {
                branch_if!(r!(lhs) as u32 <= r!(rhs) as u32, target)
            }
            Op::BrIfI32GeS { lhs, rhs, target } => {
                branch_if!(r!(lhs) as i32 >= r!(rhs) as i32, target)
            }
            Op::BrIfI32GeU { lhs, rhs, target } => {
                branch_if!(r!(lhs) as u32 >= r!(rhs) as u32, target)
            }
            Op::BrIfI32EqImm { lhs, imm, target } => {
                branch_if!(r!(lhs) as u32 == imm as u32, target)
            }
            Op::BrIfI32NeImm { lhs, imm, target } => {
                branch_if!(r!(lhs) as u32 != imm as u32, target)
            }
            Op::BrIfI32LtSImm { lhs, imm, target } => branch_if!((r!(lhs) as i32) < imm, target),
            Op::BrIfI32LtUImm { lhs, imm, target } => {
                branch_if!((r!(lhs) as u32) < imm as u32, target)
            }
            Op::BrIfI32GtSImm { lhs, imm, target } => branch_if!(r!(lhs) as i32 > imm, target),
            Op::BrIfI32GtUImm { lhs, imm, target } => {
                branch_if!(r!(lhs) as u32 > imm as u32, target)
            }
            Op::BrIfI32LeSImm { lhs, imm, target } => branch_if!(r!(lhs) as i32 <= imm, target),
            Op::BrIfI32LeUImm { lhs, imm, target } => {
                branch_if!(r!(lhs) as u32 <= imm as u32, target)
            }
            Op::BrIfI32GeSImm { lhs, imm, target } => branch_if!(r!(lhs) as i32 >= imm, target),
            Op::BrIfI32GeUImm { lhs, imm, target } => {
                branch_if!(r!(lhs) as u32 >= imm as u32, target)
            }
            Op::BrIfI64Eq { lhs, rhs, target } => branch_if!(r!(lhs) == r!(rhs), target),
            Op::BrIfI64Ne { lhs, rhs, target } => branch_if!(r!(lhs) != r!(rhs), target),
            Op::BrIfI64LtS { lhs, rhs, target } => {
                branch_if!((r!(lhs) as i64) < r!(rhs) as i64, target)
            }
            Op::BrIfI64LtU { lhs, rhs, target } => branch_if!(r!(lhs) < r!(rhs), target),
            Op::BrIfI64GtS { lhs, rhs, target } => {
                branch_if!(r!(lhs) as i64 > r!(rhs) as i64, target)
            }
            Op::BrIfI64GtU { lhs, rhs, target } => branch_if!(r!(lhs) > r!(rhs), target),
            Op::BrIfI64LeS { lhs, rhs, target } => {
                branch_if!(r!(lhs) as i64 <= r!(rhs) as i64, target)
            }
            Op::BrIfI64LeU { lhs, rhs, target } => branch_if!(r!(lhs) <= r!(rhs), target),
            Op::BrIfI64GeS { lhs, rhs, target } => {
                branch_if!(r!(lhs) as i64 >= r!(rhs) as i64, target)
            }
            Op::BrIfI64GeU { lhs, rhs, target } => branch_if!(r!(lhs) >= r!(rhs), target),
            Op::BrIfI64EqImm { lhs, imm, target } => {
                branch_if!(r!(lhs) as i64 == i64::from(imm), target)
            }
            Op::BrIfI64NeImm { lhs, imm, target } => {
                branch_if!(r!(lhs) as i64 != i64::from(imm), target)
            }
            Op::BrIfI64LtSImm { lhs, imm, target } => {
                branch_if!((r!(lhs) as i64) < i64::from(imm), target)
            }
            Op::BrIfI64LtUImm { lhs, imm, target } => {
                branch_if!(r!(lhs) < i64::from(imm) as u64, target)
            }
            Op::BrIfI64GtSImm { lhs, imm, target } => {
                branch_if!(r!(lhs) as i64 > i64::from(imm), target)
            }
            Op::BrIfI64GtUImm { lhs, imm, target } => {
                branch_if!(r!(lhs) > i64::from(imm) as u64, target)
            }
            Op::BrIfI64LeSImm { lhs, imm, target } => {
                branch_if!(r!(lhs) as i64 <= i64::from(imm), target)
            }
            Op::BrIfI64LeUImm { lhs, imm, target } => {
                branch_if!(r!(lhs) <= i64::from(imm) as u64, target)
            }
            Op::BrIfI64GeSImm { lhs, imm, target } => {
                branch_if!(r!(lhs) as i64 >= i64::from(imm), target)
            }
            Op::BrIfI64GeUImm { lhs, imm, target } => {
                branch_if!(r!(lhs) >= i64::from(imm) as u64, target)
            }

            // ---- moves, constants, globals, select ----
            Op::Copy { dst, src } => r!(dst) = r!(src),
            Op::ConstI32 { dst, value } => r!(dst) = u64::from(value),
            Op::ConstI64 { dst, lo, hi } => r!(dst) = u64::from(lo) | (u64::from(hi) << 32),
            Op::GlobalGet { dst, global } => r!(dst) = globals[global as usize],
            Op::GlobalSet { src, global } => globals[global as usize] = r!(src),
            Op::Select {
                dst,
                cond,
                if_true,
                if_false,
            } => {
                r!(dst) = if r!(cond) as u32 != 0 {
                    r!(if_true)
                } else {
                    r!(if_false)
                }
            }

            // ---- i32 ----
            Op::I32Add { dst, lhs, rhs } => bin32!(dst, lhs, r!(rhs), u32::wrapping_add),
            Op::I32Sub { dst, lhs, rhs } => bin32!(dst, lhs, r!(rhs), u32::wrapping_sub),
            Op::I32Mul { dst, lhs, rhs } => bin32!(dst, lhs, r!(rhs), u32::wrapping_mul),
            Op::I32DivS { dst, lhs, rhs } => div32!(dst, lhs, r!(rhs), i32_div_s),
            Op::I32DivU { dst, lhs, rhs } => div32!(dst, lhs, r!(rhs), i32_div_u),
            Op::I32RemS { dst, lhs, rhs } => div32!(dst, lhs, r!(rhs), i32_rem_s),
            Op::I32RemU { dst, lhs, rhs } => div32!(dst, lhs, r!(rhs), i32_rem_u),
            Op::I32And { dst, lhs, rhs } => bin32!(dst, lhs, r!(rhs), |a, b| a & b),
            Op::I32Or { dst, lhs, rhs } => bin32!(dst, lhs, r!(rhs), |a, b| a | b),
            Op::I32Xor { dst, lhs, rhs } => bin32!(dst, lhs, r!(rhs), |a, b| a ^ b),
            Op::I32Shl { dst, lhs, rhs } => bin32!(dst, lhs, r!(rhs), u32::wrapping_shl),
            Op::I32ShrS { dst, lhs, rhs } => bin32!(dst, lhs, r!(rhs), |a: u32, b| (a as i32)
                .wrapping_shr(b)
                as u32),
            Op::I32ShrU { dst, lhs, rhs } => bin32!(dst, lhs, r!(rhs), u32::wrapping_shr),
            Op::I32Rotl { dst, lhs, rhs } => bin32!(dst, lhs, r!(rhs), u32::rotate_left),
            Op::I32Rotr { dst, lhs, rhs } => bin32!(dst, lhs, r!(rhs), u32::rotate_right),
            Op::I32Eq { dst, lhs, rhs } => bin32!(dst, lhs, r!(rhs), |a, b| a == b),
            Op::I32Ne { dst, lhs, rhs } => bin32!(dst, lhs, r!(rhs), |a, b| a != b),
            Op::I32LtS { dst, lhs, rhs } => {
                bin32!(dst, lhs, r!(rhs), |a: u32, b: u32| (a as i32) < (b as i32))
            }
            Op::I32LtU { dst, lhs, rhs } => bin32!(dst, lhs, r!(rhs), |a, b| a < b),
            Op::I32GtS { dst, lhs, rhs } => {
                bin32!(dst, lhs, r!(rhs), |a: u32, b: u32| (a as i32) > (b as i32))
            }
            Op::I32GtU { dst, lhs, rhs } => bin32!(dst, lhs, r!(rhs), |a, b| a > b),
            Op::I32LeS { dst, lhs, rhs } => {
                bin32!(dst, lhs, r!(rhs), |a: u32, b: u32| (a as i32) <= (b as i32))
            }
            Op::I32LeU { dst, lhs, rhs } => bin32!(dst, lhs, r!(rhs), |a, b| a <= b),
            Op::I32GeS { dst, lhs, rhs } => {
                bin32!(dst, lhs, r!(rhs), |a: u32, b: u32| (a as i32) >= (b as i32))
            }
            Op::I32GeU { dst, lhs, rhs } => bin32!(dst, lhs, r!(rhs), |a, b| a >= b),
            Op::I32AddImm { dst, lhs, imm } => bin32!(dst, lhs, imm, u32::wrapping_add),
            Op::I32SubImm { dst, lhs, imm } => bin32!(dst, lhs, imm, u32::wrapping_sub),
            Op::I32MulImm { dst, lhs, imm } => bin32!(dst, lhs, imm, u32::wrapping_mul),
            Op::I32DivSImm { dst, lhs, imm } => div32!(dst, lhs, imm, i32_div_s),
            Op::I32DivUImm { dst, lhs, imm } => div32!(dst, lhs, imm, i32_div_u),
            Op::I32RemSImm { dst, lhs, imm } => div32!(dst, lhs, imm, i32_rem_s),
            Op::I32RemUImm { dst, lhs, imm } => div32!(dst, lhs, imm, i32_rem_u),
            Op::I32AndImm { dst, lhs, imm } => bin32!(dst, lhs, imm, |a, b| a & b),
            Op::I32OrImm { dst, lhs, imm } => bin32!(dst, lhs, imm, |a, b| a | b),
            Op::I32XorImm { dst, lhs, imm } => bin32!(dst, lhs, imm, |a, b| a ^ b),
            Op::I32ShlImm { dst, lhs, imm } => bin32!(dst, lhs, imm, u32::wrapping_shl),
            Op::I32ShrSImm { dst, lhs, imm } => {
                bin32!(dst, lhs, imm, |a: u32, b| (a as i32).wrapping_shr(b) as u32)
            }
            Op::I32ShrUImm { dst, lhs, imm } => bin32!(dst, lhs, imm, u32::wrapping_shr),
            Op::I32RotlImm { dst, lhs, imm } => bin32!(dst, lhs, imm, u32::rotate_left),
            Op::I32RotrImm { dst, lhs, imm } => bin32!(dst, lhs, imm, u32::rotate_right),
            Op::I32EqImm { dst, lhs, imm } => bin32!(dst, lhs, imm, |a, b| a == b),
            Op::I32NeImm { dst, lhs, imm } => bin32!(dst, lhs, imm, |a, b| a != b),
            Op::I32LtSImm { dst, lhs, imm } => {
                bin32!(dst, lhs, imm, |a: u32, b: u32| (a as i32) < (b as i32))
            }
            Op::I32LtUImm { dst, lhs, imm } => bin32!(dst, lhs, imm, |a, b| a < b),
            Op::I32GtSImm { dst, lhs, imm } => {
                bin32!(dst, lhs, imm, |a: u32, b: u32| (a as i32) > (b as i32))
            }
            Op::I32GtUImm { dst, lhs, imm } => bin32!(dst, lhs, imm, |a, b| a > b),
            Op::I32LeSImm { dst, lhs, imm } => {
                bin32!(dst, lhs, imm, |a: u32, b: u32| (a as i32) <= (b as i32))
            }
            Op::I32LeUImm { dst, lhs, imm } => bin32!(dst, lhs, imm, |a, b| a <= b),
            Op::I32GeSImm { dst, lhs, imm } => {
                bin32!(dst, lhs, imm, |a: u32, b: u32| (a as i32) >= (b as i32))
            }
            Op::I32GeUImm { dst, lhs, imm } => bin32!(dst, lhs, imm, |a, b| a >= b),

            // ---- i64 (immediates are sign-extended) ----
            Op::I64Add { dst, lhs, rhs } => bin64!(dst, lhs, r!(rhs), u64::wrapping_add),
            Op::I64Sub { dst, lhs, rhs } => bin64!(dst, lhs, r!(rhs), u64::wrapping_sub),
            Op::I64Mul { dst, lhs, rhs } => bin64!(dst, lhs, r!(rhs), u64::wrapping_mul),
            Op::I64DivS { dst, lhs, rhs } => div64!(dst, lhs, r!(rhs), i64_div_s),
            Op::I64DivU { dst, lhs, rhs } => div64!(dst, lhs, r!(rhs), i64_div_u),
            Op::I64RemS { dst, lhs, rhs } => div64!(dst, lhs, r!(rhs), i64_rem_s),
            Op::I64RemU { dst, lhs, rhs } => div64!(dst, lhs, r!(rhs), i64_rem_u),
            Op::I64And { dst, lhs, rhs } => bin64!(dst, lhs, r!(rhs), |a, b| a & b),
            Op::I64Or { dst, lhs, rhs } => bin64!(dst, lhs, r!(rhs), |a, b| a | b),
            Op::I64Xor { dst, lhs, rhs } => bin64!(dst, lhs, r!(rhs), |a, b| a ^ b),
            Op::I64Shl { dst, lhs, rhs } => {
                bin64!(dst, lhs, r!(rhs), |a: u64, b: u64| a.wrapping_shl(b as u32))
            }
            Op::I64ShrS { dst, lhs, rhs } => bin64!(dst, lhs, r!(rhs), |a: u64, b: u64| (a as i64)
                .wrapping_shr(b as u32)
                as u64),
            Op::I64ShrU { dst, lhs, rhs } => {
                bin64!(dst, lhs, r!(rhs), |a: u64, b: u64| a.wrapping_shr(b as u32))
            }
            Op::I64Rotl { dst, lhs, rhs } => bin64!(dst, lhs, r!(rhs), |a: u64, b: u64| a
                .rotate_left(b as u32 % 64)),
            Op::I64Rotr { dst, lhs, rhs } => bin64!(dst, lhs, r!(rhs), |a: u64, b: u64| a
                .rotate_right(b as u32 % 64)),
            Op::I64Eq { dst, lhs, rhs } => bin64!(dst, lhs, r!(rhs), |a, b| a == b),
            Op::I64Ne { dst, lhs, rhs } => bin64!(dst, lhs, r!(rhs), |a, b| a != b),
            Op::I64LtS { dst, lhs, rhs } => {
                bin64!(dst, lhs, r!(rhs), |a: u64, b: u64| (a as i64) < (b as i64))
            }
            Op::I64LtU { dst, lhs, rhs } => bin64!(dst, lhs, r!(rhs), |a, b| a < b),
            Op::I64GtS { dst, lhs, rhs } => {
                bin64!(dst, lhs, r!(rhs), |a: u64, b: u64| (a as i64) > (b as i64))
            }
            Op::I64GtU { dst, lhs, rhs } => bin64!(dst, lhs, r!(rhs), |a, b| a > b),
            Op::I64LeS { dst, lhs, rhs } => {
                bin64!(dst, lhs, r!(rhs), |a: u64, b: u64| (a as i64) <= (b as i64))
            }
            Op::I64LeU { dst, lhs, rhs } => bin64!(dst, lhs, r!(rhs), |a, b| a <= b),
            Op::I64GeS { dst, lhs, rhs } => {
                bin64!(dst, lhs, r!(rhs), |a: u64, b: u64| (a as i64) >= (b as i64))
            }
            Op::I64GeU { dst, lhs, rhs } => bin64!(dst, lhs, r!(rhs), |a, b| a >= b),
            Op::I64AddImm { dst, lhs, imm } => bin64!(dst, lhs, imm as i64, u64::wrapping_add),
            Op::I64SubImm { dst, lhs, imm } => bin64!(dst, lhs, imm as i64, u64::wrapping_sub),
            Op::I64MulImm { dst, lhs, imm } => bin64!(dst, lhs, imm as i64, u64::wrapping_mul),
            Op::I64DivSImm { dst, lhs, imm } => div64!(dst, lhs, imm as i64, i64_div_s),
            Op::I64DivUImm { dst, lhs, imm } => div64!(dst, lhs, imm as i64, i64_div_u),
            Op::I64RemSImm { dst, lhs, imm } => div64!(dst, lhs, imm as i64, i64_rem_s),
            Op::I64RemUImm { dst, lhs, imm } => div64!(dst, lhs, imm as i64, i64_rem_u),
            Op::I64AndImm { dst, lhs, imm } => bin64!(dst, lhs, imm as i64, |a, b| a & b),
            Op::I64OrImm { dst, lhs, imm } => bin64!(dst, lhs, imm as i64, |a, b| a | b),
            Op::I64XorImm { dst, lhs, imm } => bin64!(dst, lhs, imm as i64, |a, b| a ^ b),
            Op::I64ShlImm { dst, lhs, imm } => bin64!(dst, lhs, imm as i64, |a: u64, b: u64| a
                .wrapping_shl(b as u32)),
            Op::I64ShrSImm { dst, lhs, imm } => bin64!(dst, lhs, imm as i64, |a: u64, b: u64| (a
                as i64)
                .wrapping_shr(b as u32)
                as u64),
            Op::I64ShrUImm { dst, lhs, imm } => bin64!(dst, lhs, imm as i64, |a: u64, b: u64| a
                .wrapping_shr(b as u32)),
            Op::I64RotlImm { dst, lhs, imm } => bin64!(dst, lhs, imm as i64, |a: u64, b: u64| a
                .rotate_left(b as u32 % 64)),
            Op::I64RotrImm { dst, lhs, imm } => bin64!(dst, lhs, imm as i64, |a: u64, b: u64| a
                .rotate_right(b as u32 % 64)),
            Op::I64EqImm { dst, lhs, imm } => bin64!(dst, lhs, imm as i64, |a, b| a == b),
            Op::I64NeImm { dst, lhs, imm } => bin64!(dst, lhs, imm as i64, |a, b| a != b),
            Op::I64LtSImm { dst, lhs, imm } => bin64!(dst, lhs, imm as i64, |a: u64, b: u64| (a
                as i64)
                < (b as i64)),
            Op::I64LtUImm { dst, lhs, imm } => bin64!(dst, lhs, imm as i64, |a, b| a < b),
            Op::I64GtSImm { dst, lhs, imm } => bin64!(dst, lhs, imm as i64, |a: u64, b: u64| (a
                as i64)
                > (b as i64)),
            Op::I64GtUImm { dst, lhs, imm } => bin64!(dst, lhs, imm as i64, |a, b| a > b),
            Op::I64LeSImm { dst, lhs, imm } => bin64!(dst, lhs, imm as i64, |a: u64, b: u64| (a
                as i64)
                <= (b as i64)),
            Op::I64LeUImm { dst, lhs, imm } => bin64!(dst, lhs, imm as i64, |a, b| a <= b),
            Op::I64GeSImm { dst, lhs, imm } => bin64!(dst, lhs, imm as i64, |a: u64, b: u64| (a
                as i64)
                >= (b as i64)),
            Op::I64GeUImm { dst, lhs, imm } => bin64!(dst, lhs, imm as i64, |a, b| a >= b),

            // ---- unary ----
            Op::I32Eqz { dst, src } => r!(dst) = u64::from(r!(src) as u32 == 0),
            Op::I64Eqz { dst, src } => r!(dst) = u64::from(r!(src) == 0),
            Op::I32Clz { dst, src } => r!(dst) = u64::from((r!(src) as u32).leading_zeros()),
            Op::I32Ctz { dst, src } => r!(dst) = u64::from((r!(src) as u32).trailing_zeros()),
            Op::I32Popcnt { dst, src } => r!(dst) = u64::from((r!(src) as u32).count_ones()),
            Op::I64Clz { dst, src } => r!(dst) = u64::from(r!(src).leading_zeros()),
            Op::I64Ctz { dst, src } => r!(dst) = u64::from(r!(src).trailing_zeros()),
            Op::I64Popcnt { dst, src } => r!(dst) = u64::from(r!(src).count_ones()),
            Op::I32WrapI64 { dst, src } => r!(dst) = u64::from(r!(src) as u32),
            Op::I64ExtendI32S { dst, src } => r!(dst) = r!(src) as u32 as i32 as i64 as u64,
            Op::I64ExtendI32U { dst, src } => r!(dst) = u64::from(r!(src) as u32),
            Op::I32Extend8S { dst, src } => r!(dst) = u64::from(r!(src) as u8 as i8 as i32 as u32),
            Op::I32Extend16S { dst, src } => {
                r!(dst) = u64::from(r!(src) as u16 as i16 as i32 as u32)
            }
            Op::I64Extend8S { dst, src } => r!(dst) = r!(src) as u8 as i8 as i64 as u64,
            Op::I64Extend16S { dst, src } => r!(dst) = r!(src) as u16 as i16 as i64 as u64,
            Op::I64Extend32S { dst, src } => r!(dst) = r!(src) as u32 as i32 as i64 as u64,

            // ---- memory ----
            Op::I32Load { dst, addr, offset } => {
                load!(dst, addr, offset, 4, |b| u64::from(u32::from_le_bytes(b)))
            }
            Op::I64Load { dst, addr, offset } => load!(dst, addr, offset, 8, u64::from_le_bytes),
            Op::I32Load8S { dst, addr, offset } => {
                load!(dst, addr, offset, 1, |b: [u8; 1]| u64::from(
                    b[0] as i8 as i32 as u32
                ))
            }
            Op::I32Load8U { dst, addr, offset } => {
                load!(dst, addr, offset, 1, |b: [u8; 1]| u64::from(b[0]))
            }
            Op::I32Load16S { dst, addr, offset } => load!(dst, addr, offset, 2, |b| u64::from(
                i16::from_le_bytes(b) as i32 as u32
            )),
            Op::I32Load16U { dst, addr, offset } => {
                load!(dst, addr, offset, 2, |b| u64::from(u16::from_le_bytes(b)))
            }
            Op::I64Load8S { dst, addr, offset } => {
                load!(dst, addr, offset, 1, |b: [u8; 1]| b[0] as i8 as i64 as u64)
            }
            Op::I64Load8U { dst, addr, offset } => {
                load!(dst, addr, offset, 1, |b: [u8; 1]| u64::from(b[0]))
            }
            Op::I64Load16S { dst, addr, offset } => {
                load!(dst, addr, offset, 2, |b| i16::from_le_bytes(b) as i64
                    as u64)
            }
            Op::I64Load16U { dst, addr, offset } => {
                load!(dst, addr, offset, 2, |b| u64::from(u16::from_le_bytes(b)))
            }
            Op::I64Load32S { dst, addr, offset } => {
                load!(dst, addr, offset, 4, |b| i32::from_le_bytes(b) as i64
                    as u64)
            }
            Op::I64Load32U { dst, addr, offset } => {
                load!(dst, addr, offset, 4, |b| u64::from(u32::from_le_bytes(b)))
            }
            Op::I32Store {
                addr,
                value,
                offset,
            } => store!(addr, offset, (r!(value) as u32).to_le_bytes()),
            Op::I64Store {
                addr,
                value,
                offset,
            } => store!(addr, offset, r!(value).to_le_bytes()),
            Op::I32Store8 {
                addr,
                value,
                offset,
            } => store!(addr, offset, [r!(value) as u8]),
            Op::I32Store16 {
                addr,
                value,
                offset,
            } => store!(addr, offset, (r!(value) as u16).to_le_bytes()),
            Op::I64Store8 {
                addr,
                value,
                offset,
            } => store!(addr, offset, [r!(value) as u8]),
            Op::I64Store16 {
                addr,
                value,
                offset,
            } => store!(addr, offset, (r!(value) as u16).to_le_bytes()),
            Op::I64Store32 {
                addr,
                value,
                offset,
            } => store!(addr, offset, (r!(value) as u32).to_le_bytes()),
            Op::I32StoreImm {
                addr,
                value,
                offset,
            } => store!(addr, offset, value.to_le_bytes()),
            Op::I64StoreImm {
                addr,
                value,
                offset,
            } => store!(addr, offset, i64::from(value).to_le_bytes()),
            Op::I32Store8Imm {
                addr,
                value,
                offset,
            }
            | Op::I64Store8Imm {
                addr,
                value,
                offset,
            } => {
                store!(addr, offset, [value as u8])
            }
            Op::I32Store16Imm {
                addr,
                value,
                offset,
            }
            | Op::I64Store16Imm {
                addr,
                value,
                offset,
            } => {
                store!(addr, offset, (value as u16).to_le_bytes())
            }
            Op::I64Store32Imm {
                addr,
                value,
                offset,
            } => store!(addr, offset, value.to_le_bytes()),
            Op::MemorySize { dst } => r!(dst) = (mem.len() / WASM_PAGE_SIZE as usize) as u64,
            Op::MemoryGrow { dst, delta } => {
                let pages = (mem.len() / WASM_PAGE_SIZE as usize) as u32;
                let delta = r!(delta) as u32;
                let new_pages = u64::from(pages) + u64::from(delta);
                if new_pages > u64::from(memory_max_pages) {
                    r!(dst) = u64::from(u32::MAX);
                } else {
                    charge!(u64::from(delta).saturating_mul(page_cost));
                    mem.resize(new_pages as usize * WASM_PAGE_SIZE as usize, 0);
                    r!(dst) = u64::from(pages);
                }
            }

            // ---- bulk memory and table ----
            Op::MemoryCopy { dst, src, len } => {
                let n = u64::from(r!(len) as u32);
                charge!(crate::gas::words(n).saturating_mul(word_cost));
                let size = mem.len();
                let Some(from) = memory::range(u64::from(r!(src) as u32), n, size) else {
                    trap!(Trap::MemoryOutOfBounds);
                };
                let Some(to) = memory::range(u64::from(r!(dst) as u32), n, size) else {
                    trap!(Trap::MemoryOutOfBounds);
                };
                mem.copy_within(from, to.start);
            }
            Op::MemoryFill { dst, value, len } => {
                let n = u64::from(r!(len) as u32);
                charge!(crate::gas::words(n).saturating_mul(word_cost));
                let Some(to) = memory::range(u64::from(r!(dst) as u32), n, mem.len()) else {
                    trap!(Trap::MemoryOutOfBounds);
                };
                mem[to].fill(r!(value) as u8);
            }
            Op::MemoryInit {
                segment,
                dst,
                src,
                len,
            } => {
                let n = u64::from(r!(len) as u32);
                charge!(crate::gas::words(n).saturating_mul(word_cost));
                let bytes: &[u8] = if data_dropped[segment as usize] {
                    &[]
                } else {
                    &module.data[segment as usize].bytes
                };
                let Some(from) = memory::range(u64::from(r!(src) as u32), n, bytes.len()) else {
                    trap!(Trap::MemoryOutOfBounds);
                };
                let Some(to) = memory::range(u64::from(r!(dst) as u32), n, mem.len()) else {
                    trap!(Trap::MemoryOutOfBounds);
                };
                mem[to].copy_from_slice(&bytes[from]);
            }
            Op::DataDrop { segment } => data_dropped[segment as usize] = true,
            Op::TableCopy { dst, src, len } => {
                let n = u64::from(r!(len) as u32);
                charge!(n.saturating_mul(element_cost));
                let size = table.len();
                let Some(from) = memory::range(u64::from(r!(src) as u32), n, size) else {
                    trap!(Trap::TableOutOfBounds);
                };
                let Some(to) = memory::range(u64::from(r!(dst) as u32), n, size) else {
                    trap!(Trap::TableOutOfBounds);
                };
                table.copy_within(from, to.start);
            }
            Op::TableInit {
                segment,
                dst,
                src,
                len,
            } => {
                let n = u64::from(r!(len) as u32);
                charge!(n.saturating_mul(element_cost));
                let items: &[Option<u32>] = if elem_dropped[segment as usize] {
                    &[]
                } else {
                    &module.elements[segment as usize].items
                };
                let Some(from) = memory::range(u64::from(r!(src) as u32), n, items.len()) else {
                    trap!(Trap::TableOutOfBounds);
                };
                let Some(to) = memory::range(u64::from(r!(dst) as u32), n, table.len()) else {
                    trap!(Trap::TableOutOfBounds);
                };
                table[to].copy_from_slice(&items[from]);
            }
            Op::ElemDrop { segment } => elem_dropped[segment as usize] = true,
        }
    };
    env.gas = gas;
    result
}
