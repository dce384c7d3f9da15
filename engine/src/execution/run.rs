//! The run driver: executes a contract (validate, instantiate, run `main`, apply the
//! deploy rules) or calls a function of a plain module, and says how it ended.

use alloc::vec::Vec;

use super::interpreter::{self, Stack};
use super::{Env, Halt, Instance, eei};
use crate::host::{ExecutionResult, Host, Message};
use crate::module::Module;
use crate::types::{Config, Status, Trap};
use crate::validation::ValidationError;

/// Executes `code` for `message`: validates it, runs `main`, and applies the deploy
/// rules when the message is a create.
///
/// Empty code succeeds at once with all gas returned. Code that fails validation ends
/// with [`Status::ContractValidationFailure`].
pub fn execute<H: Host + ?Sized>(
    config: &Config,
    host: &mut H,
    message: &Message<'_>,
    code: &[u8],
) -> ExecutionResult {
    if code.is_empty() {
        return ExecutionResult::success(message.gas);
    }
    match Module::new(config, code) {
        Ok(module) => execute_module(config, &module, host, message, code),
        Err(error) => ExecutionResult::invalid(error),
    }
}

/// Executes an already validated contract `module` (whose bytes are `code`).
pub fn execute_module<H: Host + ?Sized>(
    config: &Config,
    module: &Module,
    host: &mut H,
    message: &Message<'_>,
    code: &[u8],
) -> ExecutionResult {
    let mut gas = message.gas;
    let declared_pages = module.memory.map_or(0, |limits| limits.initial);
    if declared_pages != 0 && !host.reserve_memory(declared_pages) {
        return ExecutionResult::trapped(Trap::MemoryBudgetExhausted);
    }
    let mut instance = match Instance::new(module, &mut gas) {
        Ok(instance) => instance,
        Err(trap) => {
            host.release_memory(declared_pages);
            return ExecutionResult::trapped(trap);
        }
    };
    let result = run_main(config, module, &mut instance, host, message, code, gas);
    host.release_memory(instance.memory_pages());
    result
}

/// Runs `main` of an instantiated contract and applies the deploy rules.
fn run_main<H: Host + ?Sized>(
    config: &Config,
    module: &Module,
    instance: &mut Instance<'_>,
    host: &mut H,
    message: &Message<'_>,
    code: &[u8],
    gas: u64,
) -> ExecutionResult {
    let Some(main) = module.main.or_else(|| module.exported_func("main")) else {
        return ExecutionResult::invalid(ValidationError::MissingMain);
    };
    let mut env = Env {
        host,
        message,
        code,
        keccak_system_contract: config.keccak_system_contract,
        gas,
        refund: 0,
        return_data: Vec::new(),
        output: Vec::new(),
    };
    let mut stack = Stack::default();
    let end = run_function(instance, &mut env, &mut stack, main, &[]).map(|_| ());
    let output = core::mem::take(&mut env.output);
    conclude(config, message, end, output, env.gas, env.refund)
}

/// The result of a contract execution that ended with `end` (both execution paths):
/// `finish` and `revert` keep `output`, a trap fails, and the code a successful create
/// returns must be valid Ewasm.
pub(crate) fn conclude(
    config: &Config,
    message: &Message<'_>,
    end: Result<(), Halt>,
    output: Vec<u8>,
    gas_left: u64,
    refund: u64,
) -> ExecutionResult {
    let (status, output) = match end {
        Ok(()) => (Status::Success, Vec::new()),
        Err(Halt::Finish) => (Status::Success, output),
        Err(Halt::Revert) => (Status::Revert, output),
        Err(Halt::Trap(trap)) => return ExecutionResult::trapped(trap),
    };
    if message.kind.is_create()
        && status == Status::Success
        && output.starts_with(b"\0asm")
        && let Err(error) = Module::new(config, &output)
    {
        return ExecutionResult::invalid(error);
    }
    ExecutionResult {
        status,
        output,
        gas_left,
        gas_refund: if status == Status::Success { refund } else { 0 },
        create_address: None,
        failure: None,
    }
}

/// Runs function `func` (imports first) with `args`, returning its results.
fn run_function<H: Host + ?Sized>(
    instance: &mut Instance<'_>,
    env: &mut Env<'_, H>,
    stack: &mut Stack,
    func: u32,
    args: &[u64],
) -> Result<Vec<u64>, Halt> {
    let module = instance.module;
    let signature = module
        .func_signature(func)
        .ok_or(Halt::Trap(Trap::UninitializedElement))?;
    let num_results = signature.results.len();
    let num_imports = module.num_imports();
    if func < num_imports {
        let mut cells = alloc::vec![0u64; args.len().max(num_results)];
        cells[..args.len()].copy_from_slice(args);
        eei::call_host(module, func, &mut cells, &mut instance.memory, env)?;
        cells.truncate(num_results);
        return Ok(cells);
    }
    let defined = func - num_imports;
    let meta = module.functions[defined as usize];
    stack.enter(&meta)?;
    for ((cell, &arg), ty) in stack.regs.iter_mut().zip(args).zip(&signature.params) {
        *cell = ty.canonical(arg);
    }
    interpreter::run(instance, env, stack, defined)?;
    Ok(stack.regs[..num_results].to_vec())
}

impl<'m> Instance<'m> {
    /// Instantiates a plain module and runs its start function, if any.
    pub fn instantiate<H: Host + ?Sized>(
        module: &'m Module,
        host: &mut H,
        gas: &mut u64,
    ) -> Result<Instance<'m>, Trap> {
        let mut instance = Instance::new(module, gas)?;
        if let Some(start) = module.start {
            instance.invoke(host, start, &[], gas)?;
        }
        Ok(instance)
    }

    /// Calls function `func` (imports first) of a plain module with raw cell arguments.
    /// `gas` is left at 0 when the call traps.
    pub fn invoke<H: Host + ?Sized>(
        &mut self,
        host: &mut H,
        func: u32,
        args: &[u64],
        gas: &mut u64,
    ) -> Result<Vec<u64>, Trap> {
        let message = Message::default();
        let mut env = Env {
            host,
            message: &message,
            code: &[],
            keccak_system_contract: false,
            gas: *gas,
            refund: 0,
            return_data: Vec::new(),
            output: Vec::new(),
        };
        let mut stack = Stack::default();
        let outcome = run_function(self, &mut env, &mut stack, func, args);
        // A trap spends all gas, as a failed contract execution does.
        *gas = match outcome {
            Err(Halt::Trap(_)) => 0,
            _ => env.gas,
        };
        outcome.map_err(|halt| match halt {
            Halt::Trap(trap) => trap,
            Halt::Finish | Halt::Revert => Trap::HostTrap,
        })
    }
}
