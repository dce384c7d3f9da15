//! Translation of validated Wasm function bodies into the register code of [`crate::ir`].
//!
//! The translator runs in the same pass as wasmparser's validator (one operator at a
//! time, after the validator accepted it), so it may assume well-typed input. It keeps a
//! model of the Wasm operand stack in which each entry is either already in its
//! canonical register (`Temp`, the frame slot `locals + position`), a reference to a local
//! that has not been copied yet (`Local`), or a constant (`I32`/`I64`). Instructions read
//! their operands straight from locals and fold constants into immediates; values are
//! copied ("materialized") only where control flow joins or a local they refer to is
//! about to change. Three peephole rules remove most remaining moves:
//!
//! - `op; local.set x` writes the result of `op` directly into `x`;
//! - `cmp; br_if`/`cmp; if` become one fused compare-and-branch instruction;
//! - `br_table` with a constant index becomes a `br`.
//!
//! Gas: the static cost of every reachable operator is added to the current basic block;
//! the block's [`Op::Gas`] instruction is emitted before the block's first instruction and
//! patched with the total when the block ends. A block ends at every branch, call and
//! label that a branch can reach, so a host function always observes exact gas.
//! Unreachable code is validated but neither translated nor charged.

use alloc::vec::Vec;
use wasmparser::{BlockType, MemArg, Operator};

use crate::gas::GasSchedule;
use crate::gas::operators::CostClass;
use crate::ir::{Op, Slot};
use crate::limits::{MAX_FRAME_SLOTS, MAX_NESTING_DEPTH};
use crate::types::FuncSignature;
use crate::validation::{Limit, ValidationError};

/// What the translator needs to know about the module around a function body.
pub(crate) struct ModuleEnv<'a> {
    /// Signature of each type-section entry.
    pub types: &'a [FuncSignature],
    /// Canonical type id of each type-section entry (structurally equal types share one).
    pub canonical_type_ids: &'a [u32],
    /// Type-section index of every function, imported ones first.
    pub func_types: &'a [u32],
    /// Number of imported functions.
    pub num_imports: u32,
}

impl ModuleEnv<'_> {
    fn func_signature(&self, func: u32) -> &FuncSignature {
        &self.types[self.func_types[func as usize] as usize]
    }
}

/// The result of translating one function body.
pub(crate) struct TranslatedFunc {
    /// Index of the first instruction in the module's code.
    pub entry: u32,
    /// Registers the frame needs: locals plus the deepest operand stack.
    pub frame_size: u32,
    /// Static cost of the entry block, charged by the call that enters the function.
    pub entry_gas: u32,
    /// Where the other blocks' costs are charged, in Wasm operator terms.
    pub gas_points: Vec<GasPoint>,
}

/// A basic block's static cost and where it is charged: just before the function
/// body's operator number `operator` (counting every operator of the body, dead ones
/// and the final `end` included) runs. The interpreter charges the same amounts at the
/// same points through its `Gas` instructions and calls' `gas_after`; the AOT path
/// injects them into the Wasm code, so both paths charge from one computation.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct GasPoint {
    /// Index of the operator the charge precedes.
    pub operator: u32,
    /// The block's static cost.
    pub amount: u32,
}

/// Where the current basic block's static cost is charged.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum GasSink {
    /// Not decided yet: the block has cost nothing so far.
    Pending,
    /// The block follows a call: its cost goes into that call's `gas_after`.
    AfterCall(usize),
    /// The function's entry block: its cost is charged by the entering call.
    Entry,
    /// An [`Op::Gas`] at this index.
    Op(usize),
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Operand {
    /// In its canonical register `locals + position`.
    Temp,
    /// The current value of a local (not yet copied).
    Local(Slot),
    /// An i32 constant.
    I32(i32),
    /// An i64 constant.
    I64(i64),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum ControlKind {
    /// The function body itself; branches to it return.
    Function,
    Block,
    Loop {
        header: u32,
    },
    /// `else_branch` is the conditional branch to patch when `else` or `end` is reached.
    If {
        else_branch: Option<usize>,
    },
    Else,
}

#[derive(Debug)]
struct Control {
    kind: ControlKind,
    /// Operand stack height below the block's parameters.
    height: u32,
    params: u32,
    results: u32,
    /// Forward branches to the end label, patched when it is placed.
    branches: Vec<usize>,
    /// Whether the block's start was reachable (its `else` is reachable iff so).
    reachable_at_entry: bool,
}

impl Control {
    /// Number of values a branch to this block's label carries.
    fn branch_arity(&self) -> u32 {
        match self.kind {
            ControlKind::Loop { .. } => self.params,
            _ => self.results,
        }
    }
}

/// Translates one function body; see the module docs.
pub(crate) struct FuncTranslator<'a> {
    env: &'a ModuleEnv<'a>,
    schedule: &'a GasSchedule,
    metered: bool,
    code: &'a mut Vec<Op>,
    num_locals: u32,
    num_results: u32,
    stack: Vec<Operand>,
    max_height: u32,
    control: Vec<Control>,
    reachable: bool,
    /// Where the current basic block's cost goes; `block_cost` is its total so far.
    block_gas: GasSink,
    /// Where the next block's cost goes if it starts without a label.
    next_sink: GasSink,
    block_cost: u64,
    entry_gas: u32,
    /// Index of the Wasm operator being translated.
    operator: u32,
    /// The operator the current block's cost is charged before (for `Op` and
    /// `AfterCall` sinks), and the one the next block's is (after a call).
    block_point: u32,
    next_point: u32,
    gas_points: Vec<GasPoint>,
    /// The instruction that last wrote a value into its canonical register, if it is
    /// still the last instruction emitted (only virtual operands were pushed since): its
    /// result may then be retargeted into a local or fused into its consumer.
    last_result: Option<usize>,
}

type Result<T> = core::result::Result<T, ValidationError>;

/// The operand-stack model lacks an operand the validator guaranteed: a translator bug.
const MODEL_UNDERFLOW: ValidationError = ValidationError::Internal("operand stack model underflow");

impl<'a> FuncTranslator<'a> {
    /// Starts a function with `num_locals` locals (parameters included).
    pub(crate) fn new(
        env: &'a ModuleEnv<'a>,
        schedule: &'a GasSchedule,
        code: &'a mut Vec<Op>,
        type_index: u32,
        num_locals: u32,
    ) -> Result<Self> {
        let num_results = env.types[type_index as usize].results.len() as u32;
        if num_locals > MAX_FRAME_SLOTS {
            return Err(ValidationError::limit(Limit::FrameSlots, num_locals as u64));
        }
        let mut translator = FuncTranslator {
            env,
            schedule,
            metered: !schedule.instructions.all_zero(),
            code,
            num_locals,
            num_results,
            stack: Vec::new(),
            max_height: 0,
            control: Vec::new(),
            reachable: true,
            block_gas: GasSink::Entry,
            next_sink: GasSink::Pending,
            block_cost: 0,
            entry_gas: 0,
            operator: 0,
            block_point: 0,
            next_point: 0,
            gas_points: Vec::new(),
            last_result: None,
        };
        translator.control.push(Control {
            kind: ControlKind::Function,
            height: 0,
            params: 0,
            results: num_results,
            branches: Vec::new(),
            reachable_at_entry: true,
        });
        Ok(translator)
    }

    /// Finishes the function after its final `end`.
    pub(crate) fn finish(mut self, entry: u32) -> Result<TranslatedFunc> {
        self.end_block();
        let frame_size = self.num_locals + self.max_height;
        if frame_size > MAX_FRAME_SLOTS {
            return Err(ValidationError::limit(Limit::FrameSlots, frame_size as u64));
        }
        Ok(TranslatedFunc {
            entry,
            frame_size,
            entry_gas: self.entry_gas,
            gas_points: self.gas_points,
        })
    }

    // ---------------------------------------------------------------- emission, gas

    fn pc(&self) -> u32 {
        self.code.len() as u32
    }

    fn emit(&mut self, op: Op) -> Result<usize> {
        if self.code.len() >= u32::MAX as usize / 2 {
            return Err(ValidationError::limit(
                Limit::CodeSize,
                self.code.len() as u64,
            ));
        }
        self.code.push(op);
        Ok(self.code.len() - 1)
    }

    /// The last result's instruction, if nothing was emitted after it.
    fn producer(&self) -> Option<usize> {
        self.last_result.filter(|&at| at + 1 == self.code.len())
    }

    /// Emits an instruction that writes the new top-of-stack value.
    fn emit_result(&mut self, op: Op) -> Result<()> {
        let at = self.emit(op)?;
        self.last_result = Some(at);
        Ok(())
    }

    /// Adds an operator's static cost to the current basic block.
    fn charge(&mut self, cost: u32) -> Result<()> {
        if !self.metered || cost == 0 {
            return Ok(());
        }
        if self.block_gas == GasSink::Pending {
            self.block_gas = GasSink::Op(self.emit(Op::Gas { amount: 0 })?);
            self.block_point = self.operator;
        }
        self.block_cost += u64::from(cost);
        Ok(())
    }

    /// Closes the current basic block, writing its total where it is charged.
    fn end_block(&mut self) {
        // A block's cost is bounded by the code size times the largest price.
        let amount = u32::try_from(self.block_cost).unwrap_or(u32::MAX);
        match self.block_gas {
            GasSink::Pending => {}
            GasSink::Entry => self.entry_gas = amount,
            GasSink::Op(at) => self.code[at] = Op::Gas { amount },
            GasSink::AfterCall(at) => match &mut self.code[at] {
                Op::Call { gas_after, .. } | Op::CallHost { gas_after, .. } => *gas_after = amount,
                _ => {}
            },
        }
        if amount != 0 && matches!(self.block_gas, GasSink::Op(_) | GasSink::AfterCall(_)) {
            self.gas_points.push(GasPoint {
                operator: self.block_point,
                amount,
            });
        }
        self.block_gas = core::mem::replace(&mut self.next_sink, GasSink::Pending);
        self.block_point = self.next_point;
        self.block_cost = 0;
        self.last_result = None;
    }

    /// Places a label: the next instruction starts a new basic block.
    fn new_block(&mut self) {
        self.end_block();
    }

    /// Ends the block with a call at `call`: the next block's cost is charged on return.
    fn block_after_call(&mut self, call: usize) {
        self.next_sink = GasSink::AfterCall(call);
        self.next_point = self.operator + 1;
        self.end_block();
    }

    fn patch(&mut self, branch: usize, target: u32) {
        if let Some(t) = self.code[branch].target_mut() {
            *t = target;
        }
    }

    // ---------------------------------------------------------------- operand stack

    fn height(&self) -> u32 {
        self.stack.len() as u32
    }

    fn temp(&self, position: u32) -> Slot {
        // `push` guarantees num_locals + position <= MAX_FRAME_SLOTS.
        Slot((self.num_locals + position) as u16)
    }

    fn push(&mut self, operand: Operand) -> Result<()> {
        let height = self.height() + 1;
        if self.num_locals + height > MAX_FRAME_SLOTS {
            return Err(ValidationError::limit(
                Limit::FrameSlots,
                u64::from(self.num_locals + height),
            ));
        }
        self.max_height = self.max_height.max(height);
        self.stack.push(operand);
        Ok(())
    }

    fn pop(&mut self) -> Result<(Operand, u32)> {
        // The validator guarantees the operand exists; a model without it is a
        // translator bug, reported as an error rather than a wrong value.
        let operand = self.stack.pop().ok_or(MODEL_UNDERFLOW)?;
        Ok((operand, self.height()))
    }

    /// The position of the lowest of the top `n` operands.
    fn top_base(&self, n: u32) -> Result<u32> {
        self.height().checked_sub(n).ok_or(MODEL_UNDERFLOW)
    }

    /// Writes `operand` into register `dst`.
    fn emit_copy(&mut self, dst: Slot, operand: Operand, position: u32) -> Result<()> {
        let op = match operand {
            Operand::Temp => {
                let src = self.temp(position);
                if src == dst {
                    return Ok(());
                }
                Op::Copy { dst, src }
            }
            Operand::Local(src) => {
                if src == dst {
                    return Ok(());
                }
                Op::Copy { dst, src }
            }
            Operand::I32(value) => Op::ConstI32 {
                dst,
                value: value as u32,
            },
            Operand::I64(value) => Op::ConstI64 {
                dst,
                lo: value as u32,
                hi: (value >> 32) as u32,
            },
        };
        self.emit(op)?;
        Ok(())
    }

    /// Moves the operand at `position` into its canonical register.
    fn materialize(&mut self, position: u32) -> Result<()> {
        let operand = self.stack[position as usize];
        if operand != Operand::Temp {
            self.emit_copy(self.temp(position), operand, position)?;
            self.stack[position as usize] = Operand::Temp;
        }
        Ok(())
    }

    /// Copies every pending local reference into its canonical register.
    fn materialize_locals(&mut self) -> Result<()> {
        for position in 0..self.height() {
            if matches!(self.stack[position as usize], Operand::Local(_)) {
                self.materialize(position)?;
            }
        }
        Ok(())
    }

    /// Whether materializing would emit any instruction.
    fn has_pending_locals(&self) -> bool {
        self.stack.iter().any(|o| matches!(o, Operand::Local(_)))
    }

    /// Whether the top `n` operands are already in their canonical registers.
    fn top_in_place(&self, n: u32) -> bool {
        self.top_base(n).is_ok_and(|base| {
            self.stack[base as usize..]
                .iter()
                .all(|o| *o == Operand::Temp)
        })
    }

    /// Moves the top `n` operands into their canonical registers.
    fn materialize_top(&mut self, n: u32) -> Result<()> {
        let height = self.height();
        for position in self.top_base(n)?..height {
            self.materialize(position)?;
        }
        Ok(())
    }

    /// Before `local` changes: copy every stack entry still referring to it.
    fn preserve_local(&mut self, local: Slot) -> Result<()> {
        for position in 0..self.height() {
            if self.stack[position as usize] == Operand::Local(local) {
                self.materialize(position)?;
            }
        }
        Ok(())
    }

    /// The register holding the operand at `position`, materializing a constant.
    fn register(&mut self, operand: Operand, position: u32) -> Result<Slot> {
        match operand {
            Operand::Local(slot) => Ok(slot),
            Operand::Temp => Ok(self.temp(position)),
            constant => {
                let dst = self.temp(position);
                self.emit_copy(dst, constant, position)?;
                Ok(dst)
            }
        }
    }

    // ---------------------------------------------------------------- control helpers

    fn block_arity(&self, ty: BlockType) -> (u32, u32) {
        match ty {
            BlockType::Empty => (0, 0),
            BlockType::Type(_) => (0, 1),
            BlockType::FuncType(index) => {
                let sig = &self.env.types[index as usize];
                (sig.params.len() as u32, sig.results.len() as u32)
            }
        }
    }

    fn push_control(&mut self, kind: ControlKind, ty: BlockType) -> Result<()> {
        if self.control.len() as u32 > MAX_NESTING_DEPTH {
            return Err(ValidationError::limit(
                Limit::NestingDepth,
                self.control.len() as u64,
            ));
        }
        let (params, results) = self.block_arity(ty);
        // In dead code the operand stack is polymorphic: a block's parameters come from
        // below the enclosing frame's base, which the model never goes under (see
        // `become_unreachable`), so the block starts at the current height.
        let height = if self.reachable {
            self.top_base(params)?
        } else {
            self.height()
        };
        let reachable_at_entry = self.reachable;
        self.control.push(Control {
            kind,
            height,
            params,
            results,
            branches: Vec::new(),
            reachable_at_entry,
        });
        Ok(())
    }

    /// Ends reachable code (after `unreachable`, `br`, `br_table`, `return`): the Wasm
    /// operand stack becomes polymorphic above the innermost frame's base, so the model
    /// drops what lies above it. Dead code is not translated and never changes the
    /// model below that base, so the operands of the enclosing frames stay exact.
    fn become_unreachable(&mut self) {
        self.reachable = false;
        if let Some(frame) = self.control.last() {
            self.stack.truncate(frame.height as usize);
        }
    }

    /// Copies the top `arity` operands into the registers a label at `dest_height` expects.
    fn copy_to_label(&mut self, arity: u32, dest_height: u32) -> Result<()> {
        let base = self.top_base(arity)?;
        for i in 0..arity {
            let position = base + i;
            let operand = self.stack[position as usize];
            let dst = self.temp(dest_height + i);
            self.emit_copy(dst, operand, position)?;
        }
        Ok(())
    }

    /// Whether branching to a label at `dest_height` with `arity` values needs copies.
    fn label_values_in_place(&self, arity: u32, dest_height: u32) -> bool {
        arity == 0 || (self.top_base(arity) == Ok(dest_height) && self.top_in_place(arity))
    }

    /// Emits the instructions of an unconditional branch to the label `depth` levels up.
    /// The stack model is left as it was: the copies belong to this path only, and the
    /// caller may go on translating another path (`br_if`, `br_table`) from the model.
    fn emit_branch(&mut self, depth: u32) -> Result<()> {
        let index = self.control.len() - 1 - depth as usize;
        if self.control[index].kind == ControlKind::Function {
            return self.emit_return();
        }
        let arity = self.control[index].branch_arity();
        let dest_height = self.control[index].height;
        self.copy_to_label(arity, dest_height)?;
        match self.control[index].kind {
            ControlKind::Loop { header } => {
                self.emit(Op::Br { target: header })?;
            }
            _ => {
                let at = self.emit(Op::Br { target: 0 })?;
                self.control[index].branches.push(at);
            }
        }
        Ok(())
    }

    fn emit_return(&mut self) -> Result<()> {
        match self.num_results {
            0 => {
                self.emit(Op::Return)?;
            }
            1 => {
                let position = self.top_base(1)?;
                let operand = self.stack[position as usize];
                let src = self.register(operand, position)?;
                self.emit(Op::ReturnReg { src })?;
            }
            n => {
                // Copy into the canonical registers without recording it in the model:
                // the copies run only on this path, and the caller may continue
                // translating another path (a not-taken `br_if`, the next `br_table`
                // target) from the same model.
                let base = self.top_base(n)?;
                for position in base..self.height() {
                    let operand = self.stack[position as usize];
                    self.emit_copy(self.temp(position), operand, position)?;
                }
                let src = self.temp(base);
                self.emit(Op::ReturnMany {
                    src,
                    count: n as u16,
                })?;
            }
        }
        Ok(())
    }

    /// Emits "branch to `target` when the popped condition is `expect`", fusing it with
    /// the comparison that produced the condition when possible. Returns the branch.
    fn emit_conditional(
        &mut self,
        cond: Operand,
        position: u32,
        producer: Option<usize>,
        expect: bool,
        target: u32,
    ) -> Result<usize> {
        if let (Operand::Temp, Some(at)) = (cond, producer)
            && self.code[at].result_slot() == Some(self.temp(position))
            && let Some(fused) = self.code[at].fuse_branch(expect, target)
        {
            self.code[at] = fused;
            return Ok(at);
        }
        // Constant conditions are rare; they go through a register like any other.
        let slot = self.register(cond, position)?;
        let op = if expect {
            Op::BrIfNez32 { cond: slot, target }
        } else {
            Op::BrIfEqz32 { cond: slot, target }
        };
        self.emit(op)
    }

    // ---------------------------------------------------------------- the operators

    /// Translates one validated operator whose static cost class is `class`.
    pub(crate) fn translate(&mut self, op: &Operator<'_>, class: CostClass) -> Result<()> {
        let result = self.translate_operator(op, class);
        self.operator += 1;
        result
    }

    fn translate_operator(&mut self, op: &Operator<'_>, class: CostClass) -> Result<()> {
        let producer = self.producer();
        if !self.reachable {
            return self.translate_unreachable(op);
        }
        self.charge(self.schedule.instruction(class))?;
        use Operator as O;
        match *op {
            O::Nop => Ok(()),
            O::Unreachable => {
                self.emit(Op::Unreachable)?;
                self.become_unreachable();
                Ok(())
            }
            O::Block { blockty } => {
                self.materialize_locals()?;
                self.push_control(ControlKind::Block, blockty)
            }
            O::Loop { blockty } => {
                self.materialize_locals()?;
                let (params, _) = self.block_arity(blockty);
                self.materialize_top(params)?;
                self.new_block();
                let header = self.pc();
                self.push_control(ControlKind::Loop { header }, blockty)
            }
            O::If { blockty } => {
                let (cond, position) = self.pop()?;
                let (params, _) = self.block_arity(blockty);
                // Fusing replaces the comparison in place, so nothing may be emitted
                // between it and the branch.
                let producer = if self.has_pending_locals() || !self.top_in_place(params) {
                    None
                } else {
                    producer
                };
                self.materialize_locals()?;
                self.materialize_top(params)?;
                let branch = self.emit_conditional(cond, position, producer, false, 0)?;
                self.push_control(
                    ControlKind::If {
                        else_branch: Some(branch),
                    },
                    blockty,
                )?;
                self.new_block();
                Ok(())
            }
            O::Else => self.translate_else(),
            O::End => self.translate_end(),
            O::Br { relative_depth } => {
                self.emit_branch(relative_depth)?;
                self.become_unreachable();
                Ok(())
            }
            O::BrIf { relative_depth } => self.translate_br_if(relative_depth, producer),
            O::BrTable { ref targets } => self.translate_br_table(targets),
            O::Return => {
                self.emit_return()?;
                self.become_unreachable();
                Ok(())
            }
            O::Call { function_index } => self.translate_call(function_index),
            O::CallIndirect { type_index, .. } => self.translate_call_indirect(type_index),
            O::Drop => {
                self.pop()?;
                Ok(())
            }
            O::Select | O::TypedSelect { .. } => self.translate_select(),
            O::LocalGet { local_index } => self.push(Operand::Local(Slot(local_index as u16))),
            O::LocalSet { local_index } => self.translate_local_set(local_index, producer, false),
            O::LocalTee { local_index } => self.translate_local_set(local_index, producer, true),
            O::GlobalGet { global_index } => {
                let position = self.height();
                self.push(Operand::Temp)?;
                self.emit_result(Op::GlobalGet {
                    dst: self.temp(position),
                    global: global_index,
                })
            }
            O::GlobalSet { global_index } => {
                let (value, position) = self.pop()?;
                let src = self.register(value, position)?;
                self.emit(Op::GlobalSet {
                    src,
                    global: global_index,
                })?;
                Ok(())
            }
            O::I32Load { memarg } => self.load(memarg, |dst, addr, offset| Op::I32Load {
                dst,
                addr,
                offset,
            }),
            O::I64Load { memarg } => self.load(memarg, |dst, addr, offset| Op::I64Load {
                dst,
                addr,
                offset,
            }),
            O::I32Load8S { memarg } => self.load(memarg, |dst, addr, offset| Op::I32Load8S {
                dst,
                addr,
                offset,
            }),
            O::I32Load8U { memarg } => self.load(memarg, |dst, addr, offset| Op::I32Load8U {
                dst,
                addr,
                offset,
            }),
            O::I32Load16S { memarg } => self.load(memarg, |dst, addr, offset| Op::I32Load16S {
                dst,
                addr,
                offset,
            }),
            O::I32Load16U { memarg } => self.load(memarg, |dst, addr, offset| Op::I32Load16U {
                dst,
                addr,
                offset,
            }),
            O::I64Load8S { memarg } => self.load(memarg, |dst, addr, offset| Op::I64Load8S {
                dst,
                addr,
                offset,
            }),
            O::I64Load8U { memarg } => self.load(memarg, |dst, addr, offset| Op::I64Load8U {
                dst,
                addr,
                offset,
            }),
            O::I64Load16S { memarg } => self.load(memarg, |dst, addr, offset| Op::I64Load16S {
                dst,
                addr,
                offset,
            }),
            O::I64Load16U { memarg } => self.load(memarg, |dst, addr, offset| Op::I64Load16U {
                dst,
                addr,
                offset,
            }),
            O::I64Load32S { memarg } => self.load(memarg, |dst, addr, offset| Op::I64Load32S {
                dst,
                addr,
                offset,
            }),
            O::I64Load32U { memarg } => self.load(memarg, |dst, addr, offset| Op::I64Load32U {
                dst,
                addr,
                offset,
            }),
            O::I32Store { memarg } => self.store(
                memarg,
                |addr, value, offset| Op::I32Store {
                    addr,
                    value,
                    offset,
                },
                |addr, value, offset| Op::I32StoreImm {
                    addr,
                    value,
                    offset,
                },
            ),
            O::I64Store { memarg } => self.store(
                memarg,
                |addr, value, offset| Op::I64Store {
                    addr,
                    value,
                    offset,
                },
                |addr, value, offset| Op::I64StoreImm {
                    addr,
                    value,
                    offset,
                },
            ),
            O::I32Store8 { memarg } => self.store(
                memarg,
                |addr, value, offset| Op::I32Store8 {
                    addr,
                    value,
                    offset,
                },
                |addr, value, offset| Op::I32Store8Imm {
                    addr,
                    value,
                    offset,
                },
            ),
            O::I32Store16 { memarg } => self.store(
                memarg,
                |addr, value, offset| Op::I32Store16 {
                    addr,
                    value,
                    offset,
                },
                |addr, value, offset| Op::I32Store16Imm {
                    addr,
                    value,
                    offset,
                },
            ),
            O::I64Store8 { memarg } => self.store(
                memarg,
                |addr, value, offset| Op::I64Store8 {
                    addr,
                    value,
                    offset,
                },
                |addr, value, offset| Op::I64Store8Imm {
                    addr,
                    value,
                    offset,
                },
            ),
            O::I64Store16 { memarg } => self.store(
                memarg,
                |addr, value, offset| Op::I64Store16 {
                    addr,
                    value,
                    offset,
                },
                |addr, value, offset| Op::I64Store16Imm {
                    addr,
                    value,
                    offset,
                },
            ),
            O::I64Store32 { memarg } => self.store(
                memarg,
                |addr, value, offset| Op::I64Store32 {
                    addr,
                    value,
                    offset,
                },
                |addr, value, offset| Op::I64Store32Imm {
                    addr,
                    value,
                    offset,
                },
            ),
            O::MemorySize { .. } => {
                let position = self.height();
                self.push(Operand::Temp)?;
                self.emit_result(Op::MemorySize {
                    dst: self.temp(position),
                })
            }
            O::MemoryGrow { .. } => {
                let (delta, position) = self.pop()?;
                let delta = self.register(delta, position)?;
                self.push(Operand::Temp)?;
                self.emit_result(Op::MemoryGrow {
                    dst: self.temp(position),
                    delta,
                })
            }
            O::I32Const { value } => self.push(Operand::I32(value)),
            O::I64Const { value } => self.push(Operand::I64(value)),

            O::I32Eqz => self.unary(|dst, src| Op::I32Eqz { dst, src }),
            O::I64Eqz => self.unary(|dst, src| Op::I64Eqz { dst, src }),
            O::I32Clz => self.unary(|dst, src| Op::I32Clz { dst, src }),
            O::I32Ctz => self.unary(|dst, src| Op::I32Ctz { dst, src }),
            O::I32Popcnt => self.unary(|dst, src| Op::I32Popcnt { dst, src }),
            O::I64Clz => self.unary(|dst, src| Op::I64Clz { dst, src }),
            O::I64Ctz => self.unary(|dst, src| Op::I64Ctz { dst, src }),
            O::I64Popcnt => self.unary(|dst, src| Op::I64Popcnt { dst, src }),
            O::I32WrapI64 => self.unary(|dst, src| Op::I32WrapI64 { dst, src }),
            O::I64ExtendI32S => self.unary(|dst, src| Op::I64ExtendI32S { dst, src }),
            O::I64ExtendI32U => {
                // i32 values are kept zero-extended in their 64-bit registers (every
                // producer writes them so, and host values are masked on entry), so
                // the register already holds the i64 value.
                let (value, _) = self.pop()?;
                self.push(match value {
                    Operand::I32(constant) => Operand::I64(i64::from(constant as u32)),
                    other => other,
                })
            }
            O::I32Extend8S => self.unary(|dst, src| Op::I32Extend8S { dst, src }),
            O::I32Extend16S => self.unary(|dst, src| Op::I32Extend16S { dst, src }),
            O::I64Extend8S => self.unary(|dst, src| Op::I64Extend8S { dst, src }),
            O::I64Extend16S => self.unary(|dst, src| Op::I64Extend16S { dst, src }),
            O::I64Extend32S => self.unary(|dst, src| Op::I64Extend32S { dst, src }),

            O::I32Add => self.binary(BinaryOp::Add, Width::W32),
            O::I32Sub => self.binary(BinaryOp::Sub, Width::W32),
            O::I32Mul => self.binary(BinaryOp::Mul, Width::W32),
            O::I32DivS => self.binary(BinaryOp::DivS, Width::W32),
            O::I32DivU => self.binary(BinaryOp::DivU, Width::W32),
            O::I32RemS => self.binary(BinaryOp::RemS, Width::W32),
            O::I32RemU => self.binary(BinaryOp::RemU, Width::W32),
            O::I32And => self.binary(BinaryOp::And, Width::W32),
            O::I32Or => self.binary(BinaryOp::Or, Width::W32),
            O::I32Xor => self.binary(BinaryOp::Xor, Width::W32),
            O::I32Shl => self.binary(BinaryOp::Shl, Width::W32),
            O::I32ShrS => self.binary(BinaryOp::ShrS, Width::W32),
            O::I32ShrU => self.binary(BinaryOp::ShrU, Width::W32),
            O::I32Rotl => self.binary(BinaryOp::Rotl, Width::W32),
            O::I32Rotr => self.binary(BinaryOp::Rotr, Width::W32),
            O::I32Eq => self.binary(BinaryOp::Eq, Width::W32),
            O::I32Ne => self.binary(BinaryOp::Ne, Width::W32),
            O::I32LtS => self.binary(BinaryOp::LtS, Width::W32),
            O::I32LtU => self.binary(BinaryOp::LtU, Width::W32),
            O::I32GtS => self.binary(BinaryOp::GtS, Width::W32),
            O::I32GtU => self.binary(BinaryOp::GtU, Width::W32),
            O::I32LeS => self.binary(BinaryOp::LeS, Width::W32),
            O::I32LeU => self.binary(BinaryOp::LeU, Width::W32),
            O::I32GeS => self.binary(BinaryOp::GeS, Width::W32),
            O::I32GeU => self.binary(BinaryOp::GeU, Width::W32),
            O::I64Add => self.binary(BinaryOp::Add, Width::W64),
            O::I64Sub => self.binary(BinaryOp::Sub, Width::W64),
            O::I64Mul => self.binary(BinaryOp::Mul, Width::W64),
            O::I64DivS => self.binary(BinaryOp::DivS, Width::W64),
            O::I64DivU => self.binary(BinaryOp::DivU, Width::W64),
            O::I64RemS => self.binary(BinaryOp::RemS, Width::W64),
            O::I64RemU => self.binary(BinaryOp::RemU, Width::W64),
            O::I64And => self.binary(BinaryOp::And, Width::W64),
            O::I64Or => self.binary(BinaryOp::Or, Width::W64),
            O::I64Xor => self.binary(BinaryOp::Xor, Width::W64),
            O::I64Shl => self.binary(BinaryOp::Shl, Width::W64),
            O::I64ShrS => self.binary(BinaryOp::ShrS, Width::W64),
            O::I64ShrU => self.binary(BinaryOp::ShrU, Width::W64),
            O::I64Rotl => self.binary(BinaryOp::Rotl, Width::W64),
            O::I64Rotr => self.binary(BinaryOp::Rotr, Width::W64),
            O::I64Eq => self.binary(BinaryOp::Eq, Width::W64),
            O::I64Ne => self.binary(BinaryOp::Ne, Width::W64),
            O::I64LtS => self.binary(BinaryOp::LtS, Width::W64),
            O::I64LtU => self.binary(BinaryOp::LtU, Width::W64),
            O::I64GtS => self.binary(BinaryOp::GtS, Width::W64),
            O::I64GtU => self.binary(BinaryOp::GtU, Width::W64),
            O::I64LeS => self.binary(BinaryOp::LeS, Width::W64),
            O::I64LeU => self.binary(BinaryOp::LeU, Width::W64),
            O::I64GeS => self.binary(BinaryOp::GeS, Width::W64),
            O::I64GeU => self.binary(BinaryOp::GeU, Width::W64),

            O::MemoryCopy { .. } => self.ternary(|a, b, c| Op::MemoryCopy {
                dst: a,
                src: b,
                len: c,
            }),
            O::MemoryFill { .. } => self.ternary(|a, b, c| Op::MemoryFill {
                dst: a,
                value: b,
                len: c,
            }),
            O::MemoryInit { data_index, .. } => self.ternary(|a, b, c| Op::MemoryInit {
                segment: data_index,
                dst: a,
                src: b,
                len: c,
            }),
            O::DataDrop { data_index } => {
                self.emit(Op::DataDrop {
                    segment: data_index,
                })?;
                Ok(())
            }
            O::TableCopy { .. } => self.ternary(|a, b, c| Op::TableCopy {
                dst: a,
                src: b,
                len: c,
            }),
            O::TableInit { elem_index, .. } => self.ternary(|a, b, c| Op::TableInit {
                segment: elem_index,
                dst: a,
                src: b,
                len: c,
            }),
            O::ElemDrop { elem_index } => {
                self.emit(Op::ElemDrop {
                    segment: elem_index,
                })?;
                Ok(())
            }
            // Validation rejects every other operator before translation.
            _ => Err(ValidationError::Internal(
                "operator reached the translator unclassified",
            )),
        }
    }

    /// Dead code: only the block structure matters.
    fn translate_unreachable(&mut self, op: &Operator<'_>) -> Result<()> {
        match *op {
            Operator::Block { blockty } | Operator::Loop { blockty } => {
                self.push_control(ControlKind::Block, blockty)
            }
            Operator::If { blockty } => {
                self.push_control(ControlKind::If { else_branch: None }, blockty)
            }
            Operator::Else => self.translate_else(),
            Operator::End => self.translate_end(),
            _ => Ok(()),
        }
    }

    fn translate_else(&mut self) -> Result<()> {
        let Some(frame) = self.control.last() else {
            return Err(ValidationError::Internal("else without if"));
        };
        let (height, params, results) = (frame.height, frame.params, frame.results);
        if self.reachable {
            self.copy_to_label(results, height)?;
            let at = self.emit(Op::Br { target: 0 })?;
            if let Some(frame) = self.control.last_mut() {
                frame.branches.push(at);
            }
        }
        let frame = self
            .control
            .last_mut()
            .ok_or(ValidationError::Internal("else without if"))?;
        let else_branch = match frame.kind {
            ControlKind::If { else_branch } => else_branch,
            _ => None,
        };
        frame.kind = ControlKind::Else;
        let reachable = frame.reachable_at_entry;
        self.new_block();
        if let Some(branch) = else_branch {
            let here = self.pc();
            self.patch(branch, here);
        }
        self.stack.truncate(height as usize);
        for _ in 0..params {
            self.push(Operand::Temp)?;
        }
        self.reachable = reachable;
        Ok(())
    }

    fn translate_end(&mut self) -> Result<()> {
        let Some(frame) = self.control.pop() else {
            return Err(ValidationError::Internal("end without block"));
        };
        if frame.kind == ControlKind::Function {
            if self.reachable {
                self.emit_return()?;
            }
            self.reachable = false;
            return Ok(());
        }
        let pending_else = match frame.kind {
            ControlKind::If { else_branch } => else_branch,
            _ => None,
        };
        let has_label = !frame.branches.is_empty() || pending_else.is_some();
        let fallthrough = self.reachable;
        if fallthrough && has_label {
            self.copy_to_label(frame.results, frame.height)?;
        }
        if has_label {
            self.new_block();
            let here = self.pc();
            for &branch in &frame.branches {
                self.patch(branch, here);
            }
            if let Some(branch) = pending_else {
                self.patch(branch, here);
            }
        }
        if has_label || !fallthrough {
            self.stack.truncate(frame.height as usize);
            for _ in 0..frame.results {
                self.push(Operand::Temp)?;
            }
        }
        self.reachable = fallthrough || has_label;
        Ok(())
    }

    fn translate_br_if(&mut self, depth: u32, producer: Option<usize>) -> Result<()> {
        let (cond, position) = self.pop()?;
        let index = self.control.len() - 1 - depth as usize;
        let is_return = self.control[index].kind == ControlKind::Function;
        let arity = self.control[index].branch_arity();
        let dest_height = self.control[index].height;
        let simple = !is_return && self.label_values_in_place(arity, dest_height);
        if simple {
            let target = match self.control[index].kind {
                ControlKind::Loop { header } => header,
                _ => 0,
            };
            let at = self.emit_conditional(cond, position, producer, true, target)?;
            if !matches!(self.control[index].kind, ControlKind::Loop { .. }) {
                self.control[index].branches.push(at);
            }
        } else {
            // Copies (or the return) happen only on the taken path: branch around them.
            let skip = self.emit_conditional(cond, position, producer, false, 0)?;
            self.emit_branch(depth)?;
            let here = self.pc();
            self.patch(skip, here);
        }
        self.new_block();
        Ok(())
    }

    fn translate_br_table(&mut self, targets: &wasmparser::BrTable<'_>) -> Result<()> {
        let (index, position) = self.pop()?;
        let mut depths = Vec::with_capacity(targets.len() as usize + 1);
        for target in targets.targets() {
            depths.push(target.map_err(ValidationError::from_wasmparser)?);
        }
        depths.push(targets.default());
        if let Operand::I32(value) = index {
            let chosen = depths[(value as u32 as usize).min(depths.len() - 1)];
            self.emit_branch(chosen)?;
            self.become_unreachable();
            return Ok(());
        }
        let index = self.register(index, position)?;
        self.emit(Op::BrTable {
            index,
            len: depths.len() as u32 - 1,
        })?;
        let table_start = self.code.len();
        for _ in &depths {
            self.emit(Op::Br { target: 0 })?;
        }
        for (i, &depth) in depths.iter().enumerate() {
            let entry = table_start + i;
            let frame_index = self.control.len() - 1 - depth as usize;
            let frame = &self.control[frame_index];
            let direct = frame.kind != ControlKind::Function
                && self.label_values_in_place(frame.branch_arity(), frame.height);
            if direct {
                match self.control[frame_index].kind {
                    ControlKind::Loop { header } => self.patch(entry, header),
                    _ => self.control[frame_index].branches.push(entry),
                }
            } else {
                // A trampoline performs this target's copies (or the return).
                let here = self.pc();
                self.patch(entry, here);
                self.emit_branch(depth)?;
            }
        }
        self.become_unreachable();
        Ok(())
    }

    fn translate_call(&mut self, function_index: u32) -> Result<()> {
        let sig = self.env.func_signature(function_index);
        let (params, results) = (sig.params.len() as u32, sig.results.len() as u32);
        self.materialize_top(params)?;
        let base_position = self.top_base(params)?;
        let base = self.temp(base_position);
        let op = if function_index < self.env.num_imports {
            Op::CallHost {
                import: function_index,
                base,
                gas_after: 0,
            }
        } else {
            Op::Call {
                func: function_index - self.env.num_imports,
                base,
                gas_after: 0,
            }
        };
        let call = self.emit(op)?;
        self.stack.truncate(base_position as usize);
        for _ in 0..results {
            self.push(Operand::Temp)?;
        }
        self.block_after_call(call);
        Ok(())
    }

    fn translate_call_indirect(&mut self, type_index: u32) -> Result<()> {
        let (index, index_position) = self.pop()?;
        let index = self.register(index, index_position)?;
        let sig = &self.env.types[type_index as usize];
        let (params, results) = (sig.params.len() as u32, sig.results.len() as u32);
        self.materialize_top(params)?;
        let base_position = self.top_base(params)?;
        let base = self.temp(base_position);
        self.emit(Op::CallIndirect {
            type_id: self.env.canonical_type_ids[type_index as usize],
            base,
            index,
        })?;
        self.stack.truncate(base_position as usize);
        for _ in 0..results {
            self.push(Operand::Temp)?;
        }
        self.new_block();
        Ok(())
    }

    fn translate_select(&mut self) -> Result<()> {
        let (cond, cond_position) = self.pop()?;
        let (if_false, false_position) = self.pop()?;
        let (if_true, true_position) = self.pop()?;
        let cond = self.register(cond, cond_position)?;
        let if_false = self.register(if_false, false_position)?;
        let if_true = self.register(if_true, true_position)?;
        self.push(Operand::Temp)?;
        self.emit_result(Op::Select {
            dst: self.temp(true_position),
            cond,
            if_true,
            if_false,
        })
    }

    fn translate_local_set(
        &mut self,
        local_index: u32,
        producer: Option<usize>,
        tee: bool,
    ) -> Result<()> {
        let local = Slot(local_index as u16);
        let (value, position) = self.pop()?;
        if value == Operand::Local(local) {
            // `local.get x; local.set x` (or tee): nothing changes.
            if tee {
                self.push(value)?;
            }
            return Ok(());
        }
        let referenced = self.stack.contains(&Operand::Local(local));
        let retarget = match (value, producer) {
            (Operand::Temp, Some(at)) if !referenced => {
                self.code[at].result_slot() == Some(self.temp(position))
            }
            _ => false,
        };
        if retarget {
            if let Some(at) = producer {
                self.code[at].set_result_slot(local);
            }
        } else {
            self.preserve_local(local)?;
            self.emit_copy(local, value, position)?;
        }
        if tee {
            match value {
                Operand::I32(_) | Operand::I64(_) => self.push(value)?,
                Operand::Temp if !retarget => self.push(Operand::Temp)?,
                _ => self.push(Operand::Local(local))?,
            }
        }
        Ok(())
    }

    fn load(&mut self, memarg: MemArg, make: impl Fn(Slot, Slot, u32) -> Op) -> Result<()> {
        let (addr, position) = self.pop()?;
        let offset = memory_offset(memarg)?;
        let dst = self.temp(position);
        if let Some((at, base, index)) = self.produced_sum(addr, position) {
            let fused = match make(dst, Slot(0), offset) {
                Op::I32Load { .. } => Some(Op::I32LoadIdx {
                    dst,
                    base,
                    index,
                    offset,
                }),
                Op::I64Load { .. } => Some(Op::I64LoadIdx {
                    dst,
                    base,
                    index,
                    offset,
                }),
                Op::I32Load8U { .. } => Some(Op::I32Load8UIdx {
                    dst,
                    base,
                    index,
                    offset,
                }),
                _ => None,
            };
            if let Some(fused) = fused {
                self.code[at] = fused;
                self.push(Operand::Temp)?;
                self.last_result = Some(at);
                return Ok(());
            }
        }
        let addr = self.register(addr, position)?;
        self.push(Operand::Temp)?;
        self.emit_result(make(dst, addr, offset))
    }

    /// If `operand` (at `position`) is the result of an `i32.add` emitted last, the
    /// add's instruction and operands: the add can be fused into a load or store.
    fn produced_sum(&self, operand: Operand, position: u32) -> Option<(usize, Slot, Slot)> {
        let at = self.producer()?;
        match self.code[at] {
            Op::I32Add { dst, lhs, rhs }
                if operand == Operand::Temp && dst == self.temp(position) =>
            {
                Some((at, lhs, rhs))
            }
            _ => None,
        }
    }

    fn store(
        &mut self,
        memarg: MemArg,
        make: impl Fn(Slot, Slot, u32) -> Op,
        make_imm: impl FnOnce(Slot, i32, u32) -> Op,
    ) -> Result<()> {
        let (value, value_position) = self.pop()?;
        let (addr, addr_position) = self.pop()?;
        let offset = memory_offset(memarg)?;
        let value_slot = match value {
            Operand::Local(slot) => Some(slot),
            Operand::Temp => Some(self.temp(value_position)),
            _ => None,
        };
        if let (Some(value), Some((at, base, index))) =
            (value_slot, self.produced_sum(addr, addr_position))
        {
            let fused = match make(Slot(0), Slot(0), offset) {
                Op::I32Store { .. } => Some(Op::I32StoreIdx {
                    base,
                    index,
                    value,
                    offset,
                }),
                Op::I64Store { .. } => Some(Op::I64StoreIdx {
                    base,
                    index,
                    value,
                    offset,
                }),
                Op::I32Store8 { .. } => Some(Op::I32Store8Idx {
                    base,
                    index,
                    value,
                    offset,
                }),
                _ => None,
            };
            if let Some(fused) = fused {
                self.code[at] = fused;
                return Ok(());
            }
        }
        let addr = self.register(addr, addr_position)?;
        let op = match value {
            Operand::I32(v) => make_imm(addr, v, offset),
            Operand::I64(v) if i64::from(v as i32) == v => make_imm(addr, v as i32, offset),
            other => {
                let value = self.register(other, value_position)?;
                make(addr, value, offset)
            }
        };
        self.emit(op)?;
        Ok(())
    }

    fn unary(&mut self, make: impl FnOnce(Slot, Slot) -> Op) -> Result<()> {
        let (src, position) = self.pop()?;
        let src = self.register(src, position)?;
        self.push(Operand::Temp)?;
        self.emit_result(make(self.temp(position), src))
    }

    fn ternary(&mut self, make: impl FnOnce(Slot, Slot, Slot) -> Op) -> Result<()> {
        let (c, c_position) = self.pop()?;
        let (b, b_position) = self.pop()?;
        let (a, a_position) = self.pop()?;
        let a = self.register(a, a_position)?;
        let b = self.register(b, b_position)?;
        let c = self.register(c, c_position)?;
        self.emit(make(a, b, c))?;
        Ok(())
    }

    fn binary(&mut self, op: BinaryOp, width: Width) -> Result<()> {
        let (rhs, rhs_position) = self.pop()?;
        let (lhs, lhs_position) = self.pop()?;
        let dst = self.temp(lhs_position);
        if let Some((at, fused)) =
            self.fuse_binary(op, width, (lhs, lhs_position), (rhs, rhs_position), dst)
        {
            // Nothing was emitted after the producer, so its operands still hold the
            // values it would have read: replace it by the fused instruction.
            self.code[at] = fused;
            self.push(Operand::Temp)?;
            self.last_result = Some(at);
            return Ok(());
        }
        let imm_of = |operand: Operand| -> Option<i32> {
            match operand {
                Operand::I32(v) => Some(v),
                Operand::I64(v) if i64::from(v as i32) == v => Some(v as i32),
                _ => None,
            }
        };
        let mask_of = |operand: Operand| match operand {
            Operand::I64(v) if u32::try_from(v).is_ok() && i32::try_from(v).is_err() => {
                Some(v as u32)
            }
            _ => None,
        };
        if op == BinaryOp::And && width == Width::W64 {
            let masked = match (mask_of(lhs), mask_of(rhs)) {
                (None, Some(mask)) if !lhs_is_const(lhs) => Some((lhs, lhs_position, mask)),
                (Some(mask), None) if !lhs_is_const(rhs) => Some((rhs, rhs_position, mask)),
                _ => None,
            };
            if let Some((operand, position, imm)) = masked {
                let lhs = self.register(operand, position)?;
                self.push(Operand::Temp)?;
                return self.emit_result(Op::I64AndImmU32 { dst, lhs, imm });
            }
        }
        let instruction = match (imm_of(lhs), imm_of(rhs)) {
            (_, Some(imm)) if !lhs_is_const(lhs) => {
                let lhs = self.register(lhs, lhs_position)?;
                op.with_imm(width, dst, lhs, imm)
            }
            (Some(imm), None) if op.commutes().is_some() => {
                let rhs = self.register(rhs, rhs_position)?;
                let swapped = op.commutes().unwrap_or(op);
                swapped.with_imm(width, dst, rhs, imm)
            }
            _ => {
                let lhs = self.register(lhs, lhs_position)?;
                let rhs = self.register(rhs, rhs_position)?;
                op.with_regs(width, dst, lhs, rhs)
            }
        };
        self.push(Operand::Temp)?;
        self.emit_result(instruction)
    }
}

impl FuncTranslator<'_> {
    /// Fuses `op` with the instruction that produced one of its operands, for the pairs
    /// the crypto kernels of contracts are made of: `a & !b` (keccak's chi) and
    /// `a ^ rotl(b, k)` (sha256's sigma functions, keccak's theta).
    fn fuse_binary(
        &self,
        op: BinaryOp,
        width: Width,
        lhs: (Operand, u32),
        rhs: (Operand, u32),
        dst: Slot,
    ) -> Option<(usize, Op)> {
        if !matches!(op, BinaryOp::And | BinaryOp::Xor) {
            return None;
        }
        let at = self.producer()?;
        let produced = self.code[at].result_slot()?;
        let is_produced = |(operand, position): (Operand, u32)| {
            operand == Operand::Temp && self.temp(position) == produced
        };
        // Both operators commute: the produced value may be either operand.
        let (other, position) = if is_produced(rhs) {
            lhs
        } else if is_produced(lhs) {
            rhs
        } else {
            return None;
        };
        let other = match other {
            Operand::Local(slot) => slot,
            Operand::Temp => self.temp(position),
            _ => return None,
        };
        let rotl = |imm: i32, bits: i32| imm.rem_euclid(bits);
        let rotr = |imm: i32, bits: i32| (bits - imm.rem_euclid(bits)) % bits;
        Some((
            at,
            match (op, width, self.code[at]) {
                (
                    BinaryOp::And,
                    Width::W32,
                    Op::I32XorImm {
                        lhs: x, imm: -1, ..
                    },
                ) => Op::I32AndNot {
                    dst,
                    lhs: other,
                    rhs: x,
                },
                (
                    BinaryOp::And,
                    Width::W64,
                    Op::I64XorImm {
                        lhs: x, imm: -1, ..
                    },
                ) => Op::I64AndNot {
                    dst,
                    lhs: other,
                    rhs: x,
                },
                (BinaryOp::Xor, Width::W32, Op::I32RotlImm { lhs: x, imm, .. }) => {
                    Op::I32XorRotlImm {
                        dst,
                        lhs: other,
                        src: x,
                        imm: rotl(imm, 32),
                    }
                }
                (BinaryOp::Xor, Width::W32, Op::I32RotrImm { lhs: x, imm, .. }) => {
                    Op::I32XorRotlImm {
                        dst,
                        lhs: other,
                        src: x,
                        imm: rotr(imm, 32),
                    }
                }
                (BinaryOp::Xor, Width::W64, Op::I64RotlImm { lhs: x, imm, .. }) => {
                    Op::I64XorRotlImm {
                        dst,
                        lhs: other,
                        src: x,
                        imm: rotl(imm, 64),
                    }
                }
                (BinaryOp::Xor, Width::W64, Op::I64RotrImm { lhs: x, imm, .. }) => {
                    Op::I64XorRotlImm {
                        dst,
                        lhs: other,
                        src: x,
                        imm: rotr(imm, 64),
                    }
                }
                _ => return None,
            },
        ))
    }
}

fn lhs_is_const(operand: Operand) -> bool {
    matches!(operand, Operand::I32(_) | Operand::I64(_))
}

fn memory_offset(memarg: MemArg) -> Result<u32> {
    // 32-bit memories have 32-bit offsets; wasmparser checks this for memory32.
    u32::try_from(memarg.offset)
        .map_err(|_| ValidationError::Internal("memory offset above 32 bits"))
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Width {
    W32,
    W64,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum BinaryOp {
    Add,
    Sub,
    Mul,
    DivS,
    DivU,
    RemS,
    RemU,
    And,
    Or,
    Xor,
    Shl,
    ShrS,
    ShrU,
    Rotl,
    Rotr,
    Eq,
    Ne,
    LtS,
    LtU,
    GtS,
    GtU,
    LeS,
    LeU,
    GeS,
    GeU,
}

impl BinaryOp {
    /// The operator to use when the operands are swapped (`c op x` == `x op' c`).
    fn commutes(self) -> Option<BinaryOp> {
        use BinaryOp::*;
        Some(match self {
            Add | Mul | And | Or | Xor | Eq | Ne => self,
            LtS => GtS,
            LtU => GtU,
            GtS => LtS,
            GtU => LtU,
            LeS => GeS,
            LeU => GeU,
            GeS => LeS,
            GeU => LeU,
            _ => return None,
        })
    }

    fn with_regs(self, width: Width, dst: Slot, lhs: Slot, rhs: Slot) -> Op {
        use BinaryOp::*;
        macro_rules! pick {
            ($($name:ident => $w32:ident, $w64:ident;)*) => {
                match (self, width) {
                    $(
                        ($name, Width::W32) => Op::$w32 { dst, lhs, rhs },
                        ($name, Width::W64) => Op::$w64 { dst, lhs, rhs },
                    )*
                }
            };
        }
        pick! {
            Add => I32Add, I64Add; Sub => I32Sub, I64Sub; Mul => I32Mul, I64Mul;
            DivS => I32DivS, I64DivS; DivU => I32DivU, I64DivU;
            RemS => I32RemS, I64RemS; RemU => I32RemU, I64RemU;
            And => I32And, I64And; Or => I32Or, I64Or; Xor => I32Xor, I64Xor;
            Shl => I32Shl, I64Shl; ShrS => I32ShrS, I64ShrS; ShrU => I32ShrU, I64ShrU;
            Rotl => I32Rotl, I64Rotl; Rotr => I32Rotr, I64Rotr;
            Eq => I32Eq, I64Eq; Ne => I32Ne, I64Ne;
            LtS => I32LtS, I64LtS; LtU => I32LtU, I64LtU;
            GtS => I32GtS, I64GtS; GtU => I32GtU, I64GtU;
            LeS => I32LeS, I64LeS; LeU => I32LeU, I64LeU;
            GeS => I32GeS, I64GeS; GeU => I32GeU, I64GeU;
        }
    }

    fn with_imm(self, width: Width, dst: Slot, lhs: Slot, imm: i32) -> Op {
        use BinaryOp::*;
        macro_rules! pick {
            ($($name:ident => $w32:ident, $w64:ident;)*) => {
                match (self, width) {
                    $(
                        ($name, Width::W32) => Op::$w32 { dst, lhs, imm },
                        ($name, Width::W64) => Op::$w64 { dst, lhs, imm },
                    )*
                }
            };
        }
        pick! {
            Add => I32AddImm, I64AddImm; Sub => I32SubImm, I64SubImm; Mul => I32MulImm, I64MulImm;
            DivS => I32DivSImm, I64DivSImm; DivU => I32DivUImm, I64DivUImm;
            RemS => I32RemSImm, I64RemSImm; RemU => I32RemUImm, I64RemUImm;
            And => I32AndImm, I64AndImm; Or => I32OrImm, I64OrImm; Xor => I32XorImm, I64XorImm;
            Shl => I32ShlImm, I64ShlImm; ShrS => I32ShrSImm, I64ShrSImm; ShrU => I32ShrUImm, I64ShrUImm;
            Rotl => I32RotlImm, I64RotlImm; Rotr => I32RotrImm, I64RotrImm;
            Eq => I32EqImm, I64EqImm; Ne => I32NeImm, I64NeImm;
            LtS => I32LtSImm, I64LtSImm; LtU => I32LtUImm, I64LtUImm;
            GtS => I32GtSImm, I64GtSImm; GtU => I32GtUImm, I64GtUImm;
            LeS => I32LeSImm, I64LeSImm; LeU => I32LeUImm, I64LeUImm;
            GeS => I32GeSImm, I64GeSImm; GeU => I32GeUImm, I64GeUImm;
        }
    }
}
