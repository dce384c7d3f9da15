//! The interpreter loop.
//!
//! One `match` over [`Op`] in a loop: Rust compiles it to a jump table. Only the hot
//! state lives in the loop's local variables, where the optimizer keeps it in machine
//! registers: the instruction pointer, the frame pointer and the gas counter. Everything
//! else (the register stack, call frames, memory, globals, the table) is in a
//! [`Machine`] in memory, and the rare, bulky paths (calls, returns, host calls) are
//! separate functions, so that the loop does not run out of machine registers and
//! spill the hot ones. Calls push a [`Frame`] and move the frame pointer; the callee's
//! parameters are already in place because the caller computed its arguments into the
//! registers where the callee's frame begins. Host (EEI, `bignum`, external) calls go
//! through [`super::eei::call_host`].
//!
//! This is the engine's only `unsafe` code: instruction fetch and register accesses go
//! through raw pointers without bounds checks. [`crate::ir::verify`] proves, for every
//! function when the module is built, that its register operands are inside its frame
//! and its branch targets inside its code, and the call path below keeps the register
//! stack at least as large as the running frame, so the checks could never fail
//! (BENCHMARKS.md has what removing them gained). Registers are read and written only
//! through [`Slot`], the type of the fields `for_each_op!` (in `ir`) declares as
//! registers, so an access the verifier did not check does not compile. Debug builds
//! assert every unchecked access: registers against the running frame and the
//! register stack, instruction fetches, branch targets and `br_table` entries
//! against the code.

use alloc::vec::Vec;

use super::numeric::*;
use super::{Env, Halt, Instance, memory};
use crate::host::Host;
use crate::ir::{Op, Slot};
use crate::limits::{MAX_CALL_DEPTH, MAX_VALUE_STACK, WASM_PAGE_SIZE};
use crate::module::{FuncMeta, Module};
use crate::types::Trap;

/// A suspended caller.
#[derive(Copy, Clone, Debug)]
pub(crate) struct Frame {
    return_pc: u32,
    bp: u32,
    stack_used: u32,
    /// Static cost of the caller's block after the call, charged on return.
    gas_after: u32,
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

/// The cold part of the machine state.
struct Machine<'a, 'e, H: Host + ?Sized> {
    module: &'a Module,
    code: &'a [Op],
    functions: &'a [FuncMeta],
    num_imports: u32,
    page_cost: u64,
    word_cost: u64,
    element_cost: u64,
    regs: &'a mut Vec<u64>,
    frames: &'a mut Vec<Frame>,
    bp: usize,
    stack_used: usize,
    env: &'a mut Env<'e, H>,
    memory: &'a mut Vec<u8>,
    memory_max_pages: u32,
    globals: &'a mut Vec<u64>,
    table: &'a mut Vec<Option<u32>>,
    data_dropped: &'a mut Vec<bool>,
    elem_dropped: &'a mut Vec<bool>,
}

impl<H: Host + ?Sized> Machine<'_, '_, H> {
    /// The frame pointer of the running function.
    #[inline(always)]
    fn frame_pointer(&mut self) -> *mut u64 {
        debug_assert!(self.bp <= self.regs.len());
        // SAFETY: `bp` is within `regs` (checked when the frame was entered).
        unsafe { self.regs.as_mut_ptr().add(self.bp) }
    }

    /// Panics unless register `slot` of the running frame, whose base `fp` points at,
    /// is inside both that frame and the register stack: debug builds check every
    /// unchecked register access with it. Out of line, so that the loop's frame does
    /// not grow by one panic message per access.
    #[inline(never)]
    fn check_register(&self, fp: *const u64, slot: usize) {
        let frame_size = self.stack_used - self.frames.last().map_or(0, |f| f.stack_used as usize);
        let in_bounds = core::ptr::eq(fp, self.regs.as_ptr().wrapping_add(self.bp))
            && slot < frame_size
            && self.bp + slot < self.regs.len();
        assert!(in_bounds, "register {slot} outside the running frame");
    }

    /// Enters defined function `callee` with its frame at `base` of the running one;
    /// returns the callee's first instruction and frame pointer.
    #[inline(always)]
    fn call(
        &mut self,
        callee: u32,
        base: Slot,
        return_pc: usize,
        gas_after: u32,
        gas: &mut u64,
    ) -> Result<(usize, *mut u64), Trap> {
        let meta = self.functions[callee as usize];
        if self.frames.len() + 1 >= MAX_CALL_DEPTH {
            return Err(Trap::CallStackExhausted);
        }
        let new_used = self.stack_used + meta.frame_size as usize;
        if new_used > MAX_VALUE_STACK {
            return Err(Trap::ValueStackExhausted);
        }
        charge(gas, u64::from(meta.entry_gas))?;
        let new_bp = self.bp + base.index();
        let needed = new_bp + meta.frame_size as usize;
        if needed > self.regs.len() {
            let grown = needed.max(self.regs.len() * 2).min(MAX_VALUE_STACK);
            self.regs.resize(grown, 0);
        }
        self.frames.push(Frame {
            return_pc: return_pc as u32,
            bp: self.bp as u32,
            stack_used: self.stack_used as u32,
            gas_after,
        });
        if meta.num_locals > meta.num_params {
            self.regs[new_bp + meta.num_params as usize..new_bp + meta.num_locals as usize].fill(0);
        }
        self.bp = new_bp;
        self.stack_used = new_used;
        Ok((meta.entry as usize, self.frame_pointer()))
    }

    /// Returns to the caller: its resume point and frame pointer, or `None` when the
    /// entry function returned.
    #[inline(always)]
    fn ret(&mut self, gas: &mut u64) -> Result<Option<(usize, *mut u64)>, Trap> {
        let Some(caller) = self.frames.pop() else {
            return Ok(None);
        };
        charge(gas, u64::from(caller.gas_after))?;
        self.bp = caller.bp as usize;
        self.stack_used = caller.stack_used as usize;
        Ok(Some((caller.return_pc as usize, self.frame_pointer())))
    }

    /// Calls imported function `import` with its arguments at `base`; returns the frame
    /// pointer (re-derived after the register stack was borrowed).
    #[inline(never)]
    fn call_host(&mut self, import: u32, base: Slot, gas: &mut u64) -> Result<*mut u64, Halt> {
        self.env.gas = *gas;
        let args = &mut self.regs[self.bp + base.index()..];
        let outcome = super::eei::call_host(self.module, import, args, self.memory, self.env);
        *gas = self.env.gas;
        outcome?;
        Ok(self.frame_pointer())
    }
}

/// Panics unless `index` is inside the code (`len` instructions): debug builds check
/// every instruction fetch and jump with it.
#[inline(never)]
fn check_code(index: usize, len: usize) {
    assert!(index < len, "instruction {index} outside the code");
}

#[inline(always)]
fn charge(gas: &mut u64, amount: u64) -> Result<(), Trap> {
    if *gas < amount {
        return Err(Trap::OutOfGas);
    }
    *gas -= amount;
    Ok(())
}

/// Runs defined function `func`; its arguments are in `stack.regs[..params]` and its
/// results are left in `stack.regs[..results]`. When the host traces, every
/// instruction is reported to it first (a separate instance of the loop, so tracing
/// costs nothing when it is off).
pub(crate) fn run<H: Host + ?Sized>(
    instance: &mut Instance<'_>,
    env: &mut Env<'_, H>,
    stack: &mut Stack,
    func: u32,
) -> Result<(), Halt> {
    if env.host.tracing() {
        run_loop::<H, true>(instance, env, stack, func)
    } else {
        run_loop::<H, false>(instance, env, stack, func)
    }
}

fn run_loop<H: Host + ?Sized, const TRACE: bool>(
    instance: &mut Instance<'_>,
    env: &mut Env<'_, H>,
    stack: &mut Stack,
    func: u32,
) -> Result<(), Halt> {
    let module: &Module = instance.module;
    let Some(&entry) = module.functions.get(func as usize) else {
        return Err(Halt::Trap(Trap::UninitializedElement));
    };
    let Instance {
        memory,
        memory_max_pages,
        globals,
        table,
        data_dropped,
        elem_dropped,
        ..
    } = instance;
    let mut gas = env.gas;
    if let Err(trap) = charge(&mut gas, u64::from(entry.entry_gas)) {
        env.gas = gas;
        return Err(trap.into());
    }
    stack.regs[entry.num_params as usize..entry.num_locals as usize].fill(0);
    let mut machine = Machine {
        module,
        code: &module.code,
        functions: &module.functions,
        num_imports: module.num_imports(),
        page_cost: module.schedule.dynamic.memory_page,
        word_cost: module.schedule.dynamic.bulk_memory_word,
        element_cost: module.schedule.dynamic.bulk_table_element,
        regs: &mut stack.regs,
        frames: &mut stack.frames,
        bp: 0,
        stack_used: entry.frame_size as usize,
        env,
        memory,
        memory_max_pages: *memory_max_pages,
        globals,
        table,
        data_dropped,
        elem_dropped,
    };
    let code_start: *const Op = machine.code.as_ptr();
    // SAFETY: `entry.entry` is a function entry, within `code`.
    let mut ip: *const Op = unsafe { code_start.add(entry.entry as usize) };
    let mut fp: *mut u64 = machine.frame_pointer();
    // The linear memory's base and size, refreshed whenever it may have moved or been
    // borrowed (memory.grow, bulk operations, host calls).
    let mut mem_ptr: *mut u8 = machine.memory.as_mut_ptr();
    let mut mem_len: u64 = machine.memory.len() as u64;

    // SAFETY (for `get!` and `set!`): `ir::verify` checked, when the module was built,
    // that every register operand of the running function is below its frame size, and
    // `fp` always points at the running function's frame base with at least
    // `frame_size` cells after it: `Stack::enter` sized the entry frame, `Machine::call`
    // grows `regs` to `base + frame_size` before deriving the callee's `fp`, and
    // `Machine::ret` re-derives a caller's `fp` (its frame was that large before and
    // `regs` never shrinks). Every path that may reallocate or borrow `regs` re-derives
    // `fp` afterwards.
    macro_rules! get {
        ($slot:expr) => {{
            let slot = Slot::index($slot);
            if cfg!(debug_assertions) {
                machine.check_register(fp, slot);
            }
            // SAFETY: see above.
            unsafe { *fp.add(slot) }
        }};
    }
    macro_rules! set {
        ($slot:expr, $value:expr) => {{
            let value: u64 = $value;
            let slot = Slot::index($slot);
            if cfg!(debug_assertions) {
                machine.check_register(fp, slot);
            }
            // SAFETY: see above.
            unsafe { *fp.add(slot) = value }
        }};
    }
    macro_rules! jump {
        ($target:expr) => {{
            let target = $target as usize;
            if cfg!(debug_assertions) {
                check_code(target, machine.code.len());
            }
            // SAFETY: `ir::verify` checked that branch targets lie inside the function.
            ip = unsafe { code_start.add(target) };
        }};
    }
    macro_rules! pc {
        () => {
            // SAFETY: `ip` and `code_start` point into the same code slice.
            unsafe { ip.offset_from(code_start) as usize }
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
        ($callee:expr, $base:expr, $gas_after:expr) => {{
            let (entry, frame) =
                attempt!(machine.call($callee, $base, pc!(), $gas_after, &mut gas));
            jump!(entry);
            fp = frame;
        }};
    }
    macro_rules! call_host {
        ($import:expr, $base:expr) => {{
            fp = attempt!(machine.call_host($import, $base, &mut gas));
            refresh_memory!();
        }};
    }
    macro_rules! do_return {
        () => {{
            match attempt!(machine.ret(&mut gas)) {
                Some((resume, frame)) => {
                    jump!(resume);
                    fp = frame;
                }
                None => break Ok(()),
            }
        }};
    }
    macro_rules! bin32 {
        ($dst:expr, $a:expr, $b:expr, $f:expr) => {{
            let a = get!($a) as u32;
            let b = $b as u32;
            set!($dst, u64::from($f(a, b)));
        }};
    }
    macro_rules! bin64 {
        ($dst:expr, $a:expr, $b:expr, $f:expr) => {{
            let a = get!($a);
            let b = $b as u64;
            set!($dst, u64::from($f(a, b)));
        }};
    }
    macro_rules! div32 {
        ($dst:expr, $a:expr, $b:expr, $f:expr) => {{
            let value = attempt!($f(get!($a) as u32, $b as u32));
            set!($dst, u64::from(value));
        }};
    }
    macro_rules! div64 {
        ($dst:expr, $a:expr, $b:expr, $f:expr) => {{
            let value = attempt!($f(get!($a), $b as u64));
            set!($dst, value);
        }};
    }
    macro_rules! branch_if {
        ($cond:expr, $target:expr) => {{
            if $cond {
                jump!($target);
            }
        }};
    }
    macro_rules! refresh_memory {
        () => {{
            mem_ptr = machine.memory.as_mut_ptr();
            mem_len = machine.memory.len() as u64;
        }};
    }
    // SAFETY (for `load!` and `store!`): the access covers `ea..ea + N`, which the check
    // places within `mem_len`, the length of the memory `mem_ptr` points to: both were
    // taken from the memory after its last resize or borrow (`refresh_memory!`).
    macro_rules! load_at {
        ($dst:expr, $address:expr, $offset:expr, $n:literal, $convert:expr) => {{
            let ea = memory::effective($address, $offset);
            if ea + $n > mem_len {
                trap!(Trap::MemoryOutOfBounds);
            }
            // SAFETY: see above.
            let bytes = unsafe { mem_ptr.add(ea as usize).cast::<[u8; $n]>().read_unaligned() };
            set!($dst, $convert(bytes));
        }};
    }
    macro_rules! load {
        ($dst:expr, $addr:expr, $offset:expr, $n:literal, $convert:expr) => {
            load_at!($dst, get!($addr), $offset, $n, $convert)
        };
    }
    macro_rules! load_idx {
        ($dst:expr, $base:expr, $index:expr, $offset:expr, $n:literal, $convert:expr) => {
            load_at!(
                $dst,
                u64::from((get!($base) as u32).wrapping_add(get!($index) as u32)),
                $offset,
                $n,
                $convert
            )
        };
    }
    macro_rules! store_at {
        ($address:expr, $offset:expr, $bytes:expr) => {{
            let bytes = $bytes;
            let ea = memory::effective($address, $offset);
            if ea + bytes.len() as u64 > mem_len {
                trap!(Trap::MemoryOutOfBounds);
            }
            // SAFETY: see above.
            unsafe {
                mem_ptr
                    .add(ea as usize)
                    .cast::<[u8; _]>()
                    .write_unaligned(bytes)
            };
        }};
    }
    macro_rules! store {
        ($addr:expr, $offset:expr, $bytes:expr) => {
            store_at!(get!($addr), $offset, $bytes)
        };
    }
    macro_rules! store_idx {
        ($base:expr, $index:expr, $offset:expr, $bytes:expr) => {
            store_at!(
                u64::from((get!($base) as u32).wrapping_add(get!($index) as u32)),
                $offset,
                $bytes
            )
        };
    }

    let result: Result<(), Halt> = loop {
        // SAFETY: `ir::verify` checked that every branch target lies inside its function
        // and that every function ends with an instruction that leaves it, so `ip`, which
        // starts at a function's entry, never leaves that function's code. Matching on
        // the instruction in place lets each handler load only the fields it uses.
        if cfg!(debug_assertions) {
            check_code(pc!(), machine.code.len());
        }
        let op = unsafe { &*ip };
        if TRACE {
            machine.env.host.trace(&crate::host::TraceStep {
                depth: machine.env.message.depth,
                call_depth: machine.frames.len() as u32,
                pc: pc!() as u32,
                op: op.name(),
                instruction: op,
                gas_left: gas,
            });
        }
        // SAFETY: as above; `ip` points one past at most the function's last instruction
        // and is never dereferenced there.
        ip = unsafe { ip.add(1) };
        match *op {
            // ---- gas, control ----
            Op::Gas { amount } => charge!(u64::from(amount)),
            Op::Unreachable => trap!(Trap::Unreachable),
            Op::Br { target } => jump!(target),
            Op::BrIfNez32 { cond, target } => branch_if!(get!(cond) as u32 != 0, target),
            Op::BrIfEqz32 { cond, target } => branch_if!(get!(cond) as u32 == 0, target),
            Op::BrIfNez64 { cond, target } => branch_if!(get!(cond) != 0, target),
            Op::BrIfEqz64 { cond, target } => branch_if!(get!(cond) == 0, target),
            Op::BrTable { index, len } => {
                let entry = (get!(index) as u32).min(len) as usize;
                if cfg!(debug_assertions) {
                    check_code(pc!() + entry, machine.code.len());
                }
                // SAFETY: `ir::verify` checked that `len + 1` entries follow.
                ip = unsafe { ip.add(entry) };
            }
            Op::Return => do_return!(),
            Op::ReturnReg { src } => {
                set!(Slot(0), get!(src));
                do_return!()
            }
            Op::ReturnMany { src, count } => {
                if cfg!(debug_assertions) && count != 0 {
                    machine.check_register(fp, src.index() + usize::from(count) - 1);
                }
                // SAFETY: `ir::verify` checked `src + count <= frame_size`; `copy` allows
                // the overlap of results moving down to the frame base.
                unsafe { core::ptr::copy(fp.add(src.index()), fp, usize::from(count)) };
                do_return!()
            }
            Op::Call {
                func,
                base,
                gas_after,
            } => call_defined!(func, base, gas_after),
            Op::CallHost {
                import,
                base,
                gas_after,
            } => {
                call_host!(import, base);
                charge!(u64::from(gas_after));
            }
            Op::CallIndirect {
                type_id,
                base,
                index,
            } => {
                let slot = get!(index) as u32;
                let Some(entry) = machine.table.get(slot as usize) else {
                    trap!(Trap::TableOutOfBounds);
                };
                let Some(callee) = *entry else {
                    trap!(Trap::UninitializedElement);
                };
                if machine.module.func_type_id(callee) != Some(type_id) {
                    trap!(Trap::IndirectCallTypeMismatch);
                }
                if callee < machine.num_imports {
                    call_host!(callee, base)
                } else {
                    call_defined!(callee - machine.num_imports, base, 0)
                }
            }

            // ---- fused compare-and-branch ----
            Op::BrIfI32Eq { lhs, rhs, target } => {
                branch_if!(get!(lhs) as u32 == get!(rhs) as u32, target)
            }
            Op::BrIfI32Ne { lhs, rhs, target } => {
                branch_if!(get!(lhs) as u32 != get!(rhs) as u32, target)
            }
            Op::BrIfI32LtS { lhs, rhs, target } => {
                branch_if!((get!(lhs) as i32) < get!(rhs) as i32, target)
            }
            Op::BrIfI32LtU { lhs, rhs, target } => {
                branch_if!((get!(lhs) as u32) < get!(rhs) as u32, target)
            }
            Op::BrIfI32GtS { lhs, rhs, target } => {
                branch_if!(get!(lhs) as i32 > get!(rhs) as i32, target)
            }
            Op::BrIfI32GtU { lhs, rhs, target } => {
                branch_if!(get!(lhs) as u32 > get!(rhs) as u32, target)
            }
            Op::BrIfI32LeS { lhs, rhs, target } => {
                branch_if!(get!(lhs) as i32 <= get!(rhs) as i32, target)
            }
            Op::BrIfI32LeU { lhs, rhs, target } => {
                branch_if!(get!(lhs) as u32 <= get!(rhs) as u32, target)
            }
            Op::BrIfI32GeS { lhs, rhs, target } => {
                branch_if!(get!(lhs) as i32 >= get!(rhs) as i32, target)
            }
            Op::BrIfI32GeU { lhs, rhs, target } => {
                branch_if!(get!(lhs) as u32 >= get!(rhs) as u32, target)
            }
            Op::BrIfI32EqImm { lhs, imm, target } => {
                branch_if!(get!(lhs) as u32 == imm as u32, target)
            }
            Op::BrIfI32NeImm { lhs, imm, target } => {
                branch_if!(get!(lhs) as u32 != imm as u32, target)
            }
            Op::BrIfI32LtSImm { lhs, imm, target } => branch_if!((get!(lhs) as i32) < imm, target),
            Op::BrIfI32LtUImm { lhs, imm, target } => {
                branch_if!((get!(lhs) as u32) < imm as u32, target)
            }
            Op::BrIfI32GtSImm { lhs, imm, target } => branch_if!(get!(lhs) as i32 > imm, target),
            Op::BrIfI32GtUImm { lhs, imm, target } => {
                branch_if!(get!(lhs) as u32 > imm as u32, target)
            }
            Op::BrIfI32LeSImm { lhs, imm, target } => branch_if!(get!(lhs) as i32 <= imm, target),
            Op::BrIfI32LeUImm { lhs, imm, target } => {
                branch_if!(get!(lhs) as u32 <= imm as u32, target)
            }
            Op::BrIfI32GeSImm { lhs, imm, target } => branch_if!(get!(lhs) as i32 >= imm, target),
            Op::BrIfI32GeUImm { lhs, imm, target } => {
                branch_if!(get!(lhs) as u32 >= imm as u32, target)
            }
            Op::BrIfI64Eq { lhs, rhs, target } => branch_if!(get!(lhs) == get!(rhs), target),
            Op::BrIfI64Ne { lhs, rhs, target } => branch_if!(get!(lhs) != get!(rhs), target),
            Op::BrIfI64LtS { lhs, rhs, target } => {
                branch_if!((get!(lhs) as i64) < get!(rhs) as i64, target)
            }
            Op::BrIfI64LtU { lhs, rhs, target } => branch_if!(get!(lhs) < get!(rhs), target),
            Op::BrIfI64GtS { lhs, rhs, target } => {
                branch_if!(get!(lhs) as i64 > get!(rhs) as i64, target)
            }
            Op::BrIfI64GtU { lhs, rhs, target } => branch_if!(get!(lhs) > get!(rhs), target),
            Op::BrIfI64LeS { lhs, rhs, target } => {
                branch_if!(get!(lhs) as i64 <= get!(rhs) as i64, target)
            }
            Op::BrIfI64LeU { lhs, rhs, target } => branch_if!(get!(lhs) <= get!(rhs), target),
            Op::BrIfI64GeS { lhs, rhs, target } => {
                branch_if!(get!(lhs) as i64 >= get!(rhs) as i64, target)
            }
            Op::BrIfI64GeU { lhs, rhs, target } => branch_if!(get!(lhs) >= get!(rhs), target),
            Op::BrIfI64EqImm { lhs, imm, target } => {
                branch_if!(get!(lhs) as i64 == i64::from(imm), target)
            }
            Op::BrIfI64NeImm { lhs, imm, target } => {
                branch_if!(get!(lhs) as i64 != i64::from(imm), target)
            }
            Op::BrIfI64LtSImm { lhs, imm, target } => {
                branch_if!((get!(lhs) as i64) < i64::from(imm), target)
            }
            Op::BrIfI64LtUImm { lhs, imm, target } => {
                branch_if!(get!(lhs) < i64::from(imm) as u64, target)
            }
            Op::BrIfI64GtSImm { lhs, imm, target } => {
                branch_if!(get!(lhs) as i64 > i64::from(imm), target)
            }
            Op::BrIfI64GtUImm { lhs, imm, target } => {
                branch_if!(get!(lhs) > i64::from(imm) as u64, target)
            }
            Op::BrIfI64LeSImm { lhs, imm, target } => {
                branch_if!(get!(lhs) as i64 <= i64::from(imm), target)
            }
            Op::BrIfI64LeUImm { lhs, imm, target } => {
                branch_if!(get!(lhs) <= i64::from(imm) as u64, target)
            }
            Op::BrIfI64GeSImm { lhs, imm, target } => {
                branch_if!(get!(lhs) as i64 >= i64::from(imm), target)
            }
            Op::BrIfI64GeUImm { lhs, imm, target } => {
                branch_if!(get!(lhs) >= i64::from(imm) as u64, target)
            }

            // ---- moves, constants, globals, select ----
            Op::Copy { dst, src } => set!(dst, get!(src)),
            Op::ConstI32 { dst, value } => set!(dst, u64::from(value)),
            Op::ConstI64 { dst, lo, hi } => set!(dst, u64::from(lo) | (u64::from(hi) << 32)),
            Op::GlobalGet { dst, global } => set!(dst, machine.globals[global as usize]),
            Op::GlobalSet { src, global } => machine.globals[global as usize] = get!(src),
            Op::Select {
                dst,
                cond,
                if_true,
                if_false,
            } => {
                set!(
                    dst,
                    if get!(cond) as u32 != 0 {
                        get!(if_true)
                    } else {
                        get!(if_false)
                    }
                )
            }

            // ---- i32 ----
            Op::I32Add { dst, lhs, rhs } => bin32!(dst, lhs, get!(rhs), u32::wrapping_add),
            Op::I32Sub { dst, lhs, rhs } => bin32!(dst, lhs, get!(rhs), u32::wrapping_sub),
            Op::I32Mul { dst, lhs, rhs } => bin32!(dst, lhs, get!(rhs), u32::wrapping_mul),
            Op::I32DivS { dst, lhs, rhs } => div32!(dst, lhs, get!(rhs), i32_div_s),
            Op::I32DivU { dst, lhs, rhs } => div32!(dst, lhs, get!(rhs), i32_div_u),
            Op::I32RemS { dst, lhs, rhs } => div32!(dst, lhs, get!(rhs), i32_rem_s),
            Op::I32RemU { dst, lhs, rhs } => div32!(dst, lhs, get!(rhs), i32_rem_u),
            Op::I32And { dst, lhs, rhs } => bin32!(dst, lhs, get!(rhs), |a, b| a & b),
            Op::I32Or { dst, lhs, rhs } => bin32!(dst, lhs, get!(rhs), |a, b| a | b),
            Op::I32Xor { dst, lhs, rhs } => bin32!(dst, lhs, get!(rhs), |a, b| a ^ b),
            Op::I32Shl { dst, lhs, rhs } => bin32!(dst, lhs, get!(rhs), u32::wrapping_shl),
            Op::I32ShrS { dst, lhs, rhs } => bin32!(dst, lhs, get!(rhs), |a: u32, b| (a as i32)
                .wrapping_shr(b)
                as u32),
            Op::I32ShrU { dst, lhs, rhs } => bin32!(dst, lhs, get!(rhs), u32::wrapping_shr),
            Op::I32Rotl { dst, lhs, rhs } => bin32!(dst, lhs, get!(rhs), u32::rotate_left),
            Op::I32Rotr { dst, lhs, rhs } => bin32!(dst, lhs, get!(rhs), u32::rotate_right),
            Op::I32Eq { dst, lhs, rhs } => bin32!(dst, lhs, get!(rhs), |a, b| a == b),
            Op::I32Ne { dst, lhs, rhs } => bin32!(dst, lhs, get!(rhs), |a, b| a != b),
            Op::I32LtS { dst, lhs, rhs } => {
                bin32!(dst, lhs, get!(rhs), |a: u32, b: u32| (a as i32)
                    < (b as i32))
            }
            Op::I32LtU { dst, lhs, rhs } => bin32!(dst, lhs, get!(rhs), |a, b| a < b),
            Op::I32GtS { dst, lhs, rhs } => {
                bin32!(dst, lhs, get!(rhs), |a: u32, b: u32| (a as i32)
                    > (b as i32))
            }
            Op::I32GtU { dst, lhs, rhs } => bin32!(dst, lhs, get!(rhs), |a, b| a > b),
            Op::I32LeS { dst, lhs, rhs } => {
                bin32!(dst, lhs, get!(rhs), |a: u32, b: u32| (a as i32)
                    <= (b as i32))
            }
            Op::I32LeU { dst, lhs, rhs } => bin32!(dst, lhs, get!(rhs), |a, b| a <= b),
            Op::I32GeS { dst, lhs, rhs } => {
                bin32!(dst, lhs, get!(rhs), |a: u32, b: u32| (a as i32)
                    >= (b as i32))
            }
            Op::I32GeU { dst, lhs, rhs } => bin32!(dst, lhs, get!(rhs), |a, b| a >= b),
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
            Op::I64Add { dst, lhs, rhs } => bin64!(dst, lhs, get!(rhs), u64::wrapping_add),
            Op::I64Sub { dst, lhs, rhs } => bin64!(dst, lhs, get!(rhs), u64::wrapping_sub),
            Op::I64Mul { dst, lhs, rhs } => bin64!(dst, lhs, get!(rhs), u64::wrapping_mul),
            Op::I64DivS { dst, lhs, rhs } => div64!(dst, lhs, get!(rhs), i64_div_s),
            Op::I64DivU { dst, lhs, rhs } => div64!(dst, lhs, get!(rhs), i64_div_u),
            Op::I64RemS { dst, lhs, rhs } => div64!(dst, lhs, get!(rhs), i64_rem_s),
            Op::I64RemU { dst, lhs, rhs } => div64!(dst, lhs, get!(rhs), i64_rem_u),
            Op::I64And { dst, lhs, rhs } => bin64!(dst, lhs, get!(rhs), |a, b| a & b),
            Op::I64Or { dst, lhs, rhs } => bin64!(dst, lhs, get!(rhs), |a, b| a | b),
            Op::I64Xor { dst, lhs, rhs } => bin64!(dst, lhs, get!(rhs), |a, b| a ^ b),
            Op::I64Shl { dst, lhs, rhs } => {
                bin64!(dst, lhs, get!(rhs), |a: u64, b: u64| a
                    .wrapping_shl(b as u32))
            }
            Op::I64ShrS { dst, lhs, rhs } => bin64!(
                dst,
                lhs,
                get!(rhs),
                |a: u64, b: u64| (a as i64).wrapping_shr(b as u32) as u64
            ),
            Op::I64ShrU { dst, lhs, rhs } => {
                bin64!(dst, lhs, get!(rhs), |a: u64, b: u64| a
                    .wrapping_shr(b as u32))
            }
            Op::I64Rotl { dst, lhs, rhs } => bin64!(dst, lhs, get!(rhs), |a: u64, b: u64| a
                .rotate_left(b as u32 % 64)),
            Op::I64Rotr { dst, lhs, rhs } => bin64!(dst, lhs, get!(rhs), |a: u64, b: u64| a
                .rotate_right(b as u32 % 64)),
            Op::I64Eq { dst, lhs, rhs } => bin64!(dst, lhs, get!(rhs), |a, b| a == b),
            Op::I64Ne { dst, lhs, rhs } => bin64!(dst, lhs, get!(rhs), |a, b| a != b),
            Op::I64LtS { dst, lhs, rhs } => {
                bin64!(dst, lhs, get!(rhs), |a: u64, b: u64| (a as i64)
                    < (b as i64))
            }
            Op::I64LtU { dst, lhs, rhs } => bin64!(dst, lhs, get!(rhs), |a, b| a < b),
            Op::I64GtS { dst, lhs, rhs } => {
                bin64!(dst, lhs, get!(rhs), |a: u64, b: u64| (a as i64)
                    > (b as i64))
            }
            Op::I64GtU { dst, lhs, rhs } => bin64!(dst, lhs, get!(rhs), |a, b| a > b),
            Op::I64LeS { dst, lhs, rhs } => {
                bin64!(dst, lhs, get!(rhs), |a: u64, b: u64| (a as i64)
                    <= (b as i64))
            }
            Op::I64LeU { dst, lhs, rhs } => bin64!(dst, lhs, get!(rhs), |a, b| a <= b),
            Op::I64GeS { dst, lhs, rhs } => {
                bin64!(dst, lhs, get!(rhs), |a: u64, b: u64| (a as i64)
                    >= (b as i64))
            }
            Op::I64GeU { dst, lhs, rhs } => bin64!(dst, lhs, get!(rhs), |a, b| a >= b),
            Op::I64AddImm { dst, lhs, imm } => bin64!(dst, lhs, imm as i64, u64::wrapping_add),
            Op::I64SubImm { dst, lhs, imm } => bin64!(dst, lhs, imm as i64, u64::wrapping_sub),
            Op::I64MulImm { dst, lhs, imm } => bin64!(dst, lhs, imm as i64, u64::wrapping_mul),
            Op::I64DivSImm { dst, lhs, imm } => div64!(dst, lhs, imm as i64, i64_div_s),
            Op::I64DivUImm { dst, lhs, imm } => div64!(dst, lhs, imm as i64, i64_div_u),
            Op::I64RemSImm { dst, lhs, imm } => div64!(dst, lhs, imm as i64, i64_rem_s),
            Op::I64RemUImm { dst, lhs, imm } => div64!(dst, lhs, imm as i64, i64_rem_u),
            Op::I64AndImmU32 { dst, lhs, imm } => set!(dst, get!(lhs) & u64::from(imm)),
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

            // ---- fused pairs ----
            Op::I32AndNot { dst, lhs, rhs } => bin32!(dst, lhs, get!(rhs), |a: u32, b: u32| a & !b),
            Op::I64AndNot { dst, lhs, rhs } => bin64!(dst, lhs, get!(rhs), |a: u64, b: u64| a & !b),
            Op::I32XorRotlImm { dst, lhs, src, imm } => {
                let rotated = (get!(src) as u32).rotate_left(imm as u32);
                set!(dst, u64::from(get!(lhs) as u32 ^ rotated));
            }
            Op::I64XorRotlImm { dst, lhs, src, imm } => {
                let rotated = get!(src).rotate_left(imm as u32 % 64);
                set!(dst, get!(lhs) ^ rotated);
            }

            // ---- unary ----
            Op::I32Eqz { dst, src } => set!(dst, u64::from(get!(src) as u32 == 0)),
            Op::I64Eqz { dst, src } => set!(dst, u64::from(get!(src) == 0)),
            Op::I32Clz { dst, src } => set!(dst, u64::from((get!(src) as u32).leading_zeros())),
            Op::I32Ctz { dst, src } => set!(dst, u64::from((get!(src) as u32).trailing_zeros())),
            Op::I32Popcnt { dst, src } => set!(dst, u64::from((get!(src) as u32).count_ones())),
            Op::I64Clz { dst, src } => set!(dst, u64::from(get!(src).leading_zeros())),
            Op::I64Ctz { dst, src } => set!(dst, u64::from(get!(src).trailing_zeros())),
            Op::I64Popcnt { dst, src } => set!(dst, u64::from(get!(src).count_ones())),
            Op::I32WrapI64 { dst, src } => set!(dst, u64::from(get!(src) as u32)),
            Op::I64ExtendI32S { dst, src } => set!(dst, get!(src) as u32 as i32 as i64 as u64),
            Op::I32Extend8S { dst, src } => {
                set!(dst, u64::from(get!(src) as u8 as i8 as i32 as u32))
            }
            Op::I32Extend16S { dst, src } => {
                set!(dst, u64::from(get!(src) as u16 as i16 as i32 as u32))
            }
            Op::I64Extend8S { dst, src } => set!(dst, get!(src) as u8 as i8 as i64 as u64),
            Op::I64Extend16S { dst, src } => set!(dst, get!(src) as u16 as i16 as i64 as u64),
            Op::I64Extend32S { dst, src } => set!(dst, get!(src) as u32 as i32 as i64 as u64),

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
            } => store!(addr, offset, (get!(value) as u32).to_le_bytes()),
            Op::I64Store {
                addr,
                value,
                offset,
            } => store!(addr, offset, get!(value).to_le_bytes()),
            Op::I32Store8 {
                addr,
                value,
                offset,
            } => store!(addr, offset, [get!(value) as u8]),
            Op::I32Store16 {
                addr,
                value,
                offset,
            } => store!(addr, offset, (get!(value) as u16).to_le_bytes()),
            Op::I64Store8 {
                addr,
                value,
                offset,
            } => store!(addr, offset, [get!(value) as u8]),
            Op::I64Store16 {
                addr,
                value,
                offset,
            } => store!(addr, offset, (get!(value) as u16).to_le_bytes()),
            Op::I64Store32 {
                addr,
                value,
                offset,
            } => store!(addr, offset, (get!(value) as u32).to_le_bytes()),
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
            Op::I32LoadIdx {
                dst,
                base,
                index,
                offset,
            } => {
                load_idx!(dst, base, index, offset, 4, |b| u64::from(
                    u32::from_le_bytes(b)
                ))
            }
            Op::I64LoadIdx {
                dst,
                base,
                index,
                offset,
            } => {
                load_idx!(dst, base, index, offset, 8, u64::from_le_bytes)
            }
            Op::I32Load8UIdx {
                dst,
                base,
                index,
                offset,
            } => {
                load_idx!(dst, base, index, offset, 1, |b: [u8; 1]| u64::from(b[0]))
            }
            Op::I32StoreIdx {
                base,
                index,
                value,
                offset,
            } => {
                store_idx!(base, index, offset, (get!(value) as u32).to_le_bytes())
            }
            Op::I64StoreIdx {
                base,
                index,
                value,
                offset,
            } => {
                store_idx!(base, index, offset, get!(value).to_le_bytes())
            }
            Op::I32Store8Idx {
                base,
                index,
                value,
                offset,
            } => {
                store_idx!(base, index, offset, [get!(value) as u8])
            }
            Op::MemorySize { dst } => {
                set!(dst, (machine.memory.len() / WASM_PAGE_SIZE as usize) as u64)
            }
            Op::MemoryGrow { dst, delta } => {
                let pages = (machine.memory.len() / WASM_PAGE_SIZE as usize) as u32;
                let delta = get!(delta) as u32;
                let new_pages = u64::from(pages) + u64::from(delta);
                let cost = u64::from(delta).saturating_mul(machine.page_cost);
                if new_pages > u64::from(machine.memory_max_pages) {
                    set!(dst, u64::from(u32::MAX));
                } else if gas < cost {
                    trap!(Trap::OutOfGas);
                } else if delta != 0 && !machine.env.host.reserve_memory(delta) {
                    // The host's memory budget is spent: grow fails as the spec allows.
                    set!(dst, u64::from(u32::MAX));
                } else {
                    gas -= cost;
                    let new_len = new_pages as usize * WASM_PAGE_SIZE as usize;
                    // Exact capacity: a constrained host (a Wasm runtime) pays for every
                    // byte, so no amortized doubling.
                    machine.memory.reserve_exact(new_len - machine.memory.len());
                    machine.memory.resize(new_len, 0);
                    refresh_memory!();
                    set!(dst, u64::from(pages));
                }
            }

            // ---- bulk memory and table ----
            Op::MemoryCopy { dst, src, len } => {
                let n = u64::from(get!(len) as u32);
                charge!(crate::gas::words(n).saturating_mul(machine.word_cost));
                let size = machine.memory.len();
                let Some(from) = memory::range(u64::from(get!(src) as u32), n, size) else {
                    trap!(Trap::MemoryOutOfBounds);
                };
                let Some(to) = memory::range(u64::from(get!(dst) as u32), n, size) else {
                    trap!(Trap::MemoryOutOfBounds);
                };
                machine.memory.copy_within(from, to.start);
                refresh_memory!();
            }
            Op::MemoryFill { dst, value, len } => {
                let n = u64::from(get!(len) as u32);
                charge!(crate::gas::words(n).saturating_mul(machine.word_cost));
                let Some(to) = memory::range(u64::from(get!(dst) as u32), n, machine.memory.len())
                else {
                    trap!(Trap::MemoryOutOfBounds);
                };
                let byte = get!(value) as u8;
                machine.memory[to].fill(byte);
                refresh_memory!();
            }
            Op::MemoryInit {
                segment,
                dst,
                src,
                len,
            } => {
                let n = u64::from(get!(len) as u32);
                charge!(crate::gas::words(n).saturating_mul(machine.word_cost));
                let bytes: &[u8] = if machine.data_dropped[segment as usize] {
                    &[]
                } else {
                    &machine.module.data[segment as usize].bytes
                };
                let Some(from) = memory::range(u64::from(get!(src) as u32), n, bytes.len()) else {
                    trap!(Trap::MemoryOutOfBounds);
                };
                let Some(to) = memory::range(u64::from(get!(dst) as u32), n, machine.memory.len())
                else {
                    trap!(Trap::MemoryOutOfBounds);
                };
                machine.memory[to].copy_from_slice(&bytes[from]);
                refresh_memory!();
            }
            Op::DataDrop { segment } => machine.data_dropped[segment as usize] = true,
            Op::TableCopy { dst, src, len } => {
                let n = u64::from(get!(len) as u32);
                charge!(n.saturating_mul(machine.element_cost));
                let size = machine.table.len();
                let Some(from) = memory::range(u64::from(get!(src) as u32), n, size) else {
                    trap!(Trap::TableOutOfBounds);
                };
                let Some(to) = memory::range(u64::from(get!(dst) as u32), n, size) else {
                    trap!(Trap::TableOutOfBounds);
                };
                machine.table.copy_within(from, to.start);
            }
            Op::TableInit {
                segment,
                dst,
                src,
                len,
            } => {
                let n = u64::from(get!(len) as u32);
                charge!(n.saturating_mul(machine.element_cost));
                let items: &[Option<u32>] = if machine.elem_dropped[segment as usize] {
                    &[]
                } else {
                    &machine.module.elements[segment as usize].items
                };
                let Some(from) = memory::range(u64::from(get!(src) as u32), n, items.len()) else {
                    trap!(Trap::TableOutOfBounds);
                };
                let Some(to) = memory::range(u64::from(get!(dst) as u32), n, machine.table.len())
                else {
                    trap!(Trap::TableOutOfBounds);
                };
                machine.table[to].copy_from_slice(&items[from]);
            }
            Op::ElemDrop { segment } => machine.elem_dropped[segment as usize] = true,
        }
    };
    machine.env.gas = gas;
    result
}
