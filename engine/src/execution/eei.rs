//! The Ethereum Environment Interface (module `ethereum`, ewasm/design
//! `eth_interface.md`), plus `create2` and `getChainId`, and the `debug` namespace.
//!
//! [`EEI_FUNCTIONS`] is the single table of imports: validation checks import names and
//! signatures against it, dispatch charges its static gas before running the function,
//! and `docs/EEI.md` is generated from it ([`markdown_table`]). Semantics and gas follow
//! Hera 0.6 (`src/eei.cpp`) to the unit: static gas first, then dynamic gas, then the
//! effect; every pointer is bounds-checked (out of range is
//! [`Trap::InvalidMemoryAccess`]); u128 values are little-endian in memory and a host
//! value of 2^128 or more is [`Trap::ArgumentOutOfRange`].

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::{Env, Halt, bignum, memory};
use crate::gas::{EeiCosts, GasSchedule, words};
use crate::host::{Address, Bytes32, CallKind, ExecutionResult, Host, Message, U256};
use crate::imports::{DEBUG_FUNCTIONS, DebugFunction, EEI_FUNCTIONS, EeiFunction, HostFunction};
use crate::limits::{BLOCK_HASH_HISTORY, MAX_CONTRACT_CALL_DEPTH, MAX_LOG_TOPICS};
use crate::module::Module;
use crate::types::{Status, Trap, keccak256};

// ---------------------------------------------------------------- memory helpers

/// An i32 pointer or length argument.
#[inline]
fn arg32(args: &[u64], index: usize) -> u64 {
    u64::from(args[index] as u32)
}

fn read(memory: &[u8], ptr: u64, len: u64) -> Result<&[u8], Trap> {
    let range = memory::range(ptr, len, memory.len()).ok_or(Trap::InvalidMemoryAccess)?;
    Ok(&memory[range])
}

fn write(memory: &mut [u8], ptr: u64, bytes: &[u8]) -> Result<(), Trap> {
    let range =
        memory::range(ptr, bytes.len() as u64, memory.len()).ok_or(Trap::InvalidMemoryAccess)?;
    memory[range].copy_from_slice(bytes);
    Ok(())
}

fn read_address(memory: &[u8], ptr: u64) -> Result<Address, Trap> {
    let mut address = Address::ZERO;
    address.0.copy_from_slice(read(memory, ptr, 20)?);
    Ok(address)
}

fn read_bytes32(memory: &[u8], ptr: u64) -> Result<Bytes32, Trap> {
    let mut word = Bytes32::ZERO;
    word.0.copy_from_slice(read(memory, ptr, 32)?);
    Ok(word)
}

/// Reads a u128 stored little-endian.
fn read_u128(memory: &[u8], ptr: u64) -> Result<U256, Trap> {
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(read(memory, ptr, 16)?);
    Ok(U256::from(u128::from_le_bytes(bytes)))
}

/// A host value as u128, or ARGUMENT_OUT_OF_RANGE.
fn as_u128(value: &U256) -> Result<u128, Trap> {
    u128::try_from(*value).map_err(|_| Trap::ArgumentOutOfRange)
}

/// Writes a host value as a little-endian u128.
fn write_u128(memory: &mut [u8], ptr: u64, value: &U256) -> Result<(), Trap> {
    let value = as_u128(value)?;
    write(memory, ptr, &value.to_le_bytes())
}

/// Copies `len` bytes of `source` from `offset` to memory at `ptr`; the source range
/// must lie within `source` (no zero fill).
fn copy_out(memory: &mut [u8], ptr: u64, source: &[u8], offset: u64, len: u64) -> Result<(), Trap> {
    let from = memory::range(offset, len, source.len()).ok_or(Trap::InvalidMemoryAccess)?;
    write(memory, ptr, &source[from])
}

// ---------------------------------------------------------------- dispatch

/// Runs imported function `import` with its arguments in `args` (results are written
/// back from `args[0]`).
pub(crate) fn call_host<H: Host + ?Sized>(
    module: &Module,
    import: u32,
    args: &mut [u64],
    memory: &mut [u8],
    env: &mut Env<'_, H>,
) -> Result<(), Halt> {
    let Some(definition) = module.imports.get(import as usize) else {
        return Err(Halt::Trap(Trap::HostTrap));
    };
    match definition.function {
        HostFunction::External(_) => {
            let params: Vec<u64> = args[..definition.signature.params.len()].to_vec();
            let results = definition.signature.results.len();
            env.host
                .call_external(definition, &params, &mut args[..results])
                .map_err(|_| Halt::Trap(Trap::HostTrap))?;
            for (cell, ty) in args.iter_mut().zip(&definition.signature.results) {
                *cell = ty.canonical(*cell);
            }
            Ok(())
        }
        function => call_builtin(function, &module.schedule, args, memory, env),
    }
}

/// Runs an EEI, `bignum` or `debug` function: charges its static cost, decodes its
/// arguments from `args` (raw cells) and `memory`, and writes its results into `args`.
/// Both execution paths call this.
pub(crate) fn call_builtin<H: Host + ?Sized>(
    function: HostFunction,
    schedule: &GasSchedule,
    args: &mut [u64],
    memory: &mut [u8],
    env: &mut Env<'_, H>,
) -> Result<(), Halt> {
    match function {
        HostFunction::Eei(function) => {
            let costs = &schedule.eei;
            let static_gas = EEI_FUNCTIONS[function as usize].gas.cost(costs);
            env.charge(static_gas)?;
            eei(function, costs, args, memory, env)
        }
        HostFunction::Bignum(function) => {
            bignum::execute(function, &schedule.bignum, args, memory, env)
        }
        HostFunction::Debug(function) => {
            env.charge(DEBUG_FUNCTIONS[function as usize].gas.cost(&schedule.eei))?;
            debug(function, args, memory, env)
        }
        HostFunction::External(_) => Err(Halt::Trap(Trap::HostTrap)),
    }
}

fn eei<H: Host + ?Sized>(
    function: EeiFunction,
    costs: &EeiCosts,
    args: &mut [u64],
    memory: &mut [u8],
    env: &mut Env<'_, H>,
) -> Result<(), Halt> {
    use EeiFunction as F;
    let message = env.message;
    match function {
        F::UseGas => {
            let amount = args[0] as i64;
            if amount < 0 {
                return Err(Trap::ArgumentOutOfRange.into());
            }
            env.charge(amount as u64)?;
        }
        F::GetGasLeft => args[0] = env.gas,
        F::GetAddress => write(memory, arg32(args, 0), &message.recipient.0)?,
        F::GetCaller => write(memory, arg32(args, 0), &message.sender.0)?,
        F::GetCallValue => write_u128(memory, arg32(args, 0), &message.value)?,
        F::GetExternalBalance => {
            let address = read_address(memory, arg32(args, 0))?;
            let balance = env.host.balance(&address);
            write_u128(memory, arg32(args, 1), &balance)?;
        }
        F::GetBlockHash => {
            let number = args[0];
            let out = arg32(args, 1);
            let current = env.host.tx_context().number;
            let in_range = number < current && number >= current.saturating_sub(BLOCK_HASH_HISTORY);
            let hash = if in_range {
                env.host.block_hash(number)
            } else {
                Bytes32::ZERO
            };
            // eth_interface.md: the result pointer is checked even on failure.
            read(memory, out, 32)?;
            if hash.is_zero() {
                args[0] = 1;
            } else {
                write(memory, out, &hash.0)?;
                args[0] = 0;
            }
        }
        F::GetCallDataSize => args[0] = u64::from(message.input.len() as u32),
        F::CallDataCopy | F::CodeCopy | F::ReturnDataCopy => {
            let (out, offset, len) = (arg32(args, 0), arg32(args, 1), arg32(args, 2));
            env.charge(costs.copy_word * words(len))?;
            let source: &[u8] = match function {
                F::CallDataCopy => message.input,
                F::CodeCopy => env.code,
                _ => &env.return_data,
            };
            copy_out(memory, out, source, offset, len)?;
        }
        F::GetCodeSize => args[0] = u64::from(env.code.len() as u32),
        F::ExternalCodeCopy => {
            let (out, offset, len) = (arg32(args, 1), arg32(args, 2), arg32(args, 3));
            env.charge(costs.copy_word * words(len))?;
            let address = read_address(memory, arg32(args, 0))?;
            let range = memory::range(out, len, memory.len()).ok_or(Trap::InvalidMemoryAccess)?;
            let copied = env
                .host
                .copy_code(&address, offset as usize, &mut memory[range]);
            if copied as u64 != len {
                return Err(Trap::InvalidMemoryAccess.into());
            }
        }
        F::GetExternalCodeSize => {
            let address = read_address(memory, arg32(args, 0))?;
            args[0] = u64::from(env.host.code_size(&address) as u32);
        }
        F::GetBlockCoinbase => {
            let coinbase = env.host.tx_context().coinbase;
            write(memory, arg32(args, 0), &coinbase.0)?;
        }
        F::GetTxOrigin => {
            let origin = env.host.tx_context().origin;
            write(memory, arg32(args, 0), &origin.0)?;
        }
        F::GetBlockDifficulty => {
            let difficulty = env.host.tx_context().difficulty;
            write(memory, arg32(args, 0), &difficulty.to_le_bytes::<32>())?;
        }
        F::GetTxGasPrice => {
            let price = env.host.tx_context().gas_price;
            write_u128(memory, arg32(args, 0), &price)?;
        }
        F::GetChainId => {
            let chain_id = env.host.tx_context().chain_id;
            write_u128(memory, arg32(args, 0), &chain_id)?;
        }
        F::GetBlockGasLimit => args[0] = env.host.tx_context().gas_limit,
        F::GetBlockNumber => args[0] = env.host.tx_context().number,
        F::GetBlockTimestamp => args[0] = env.host.tx_context().timestamp,
        F::Log => {
            let (data, len, count) = (arg32(args, 0), arg32(args, 1), arg32(args, 2));
            env.charge(costs.log_topic * count + costs.log_data_byte * len)?;
            if message.is_static {
                return Err(Trap::StaticModeViolation.into());
            }
            if count > u64::from(MAX_LOG_TOPICS) {
                return Err(Trap::TooManyLogTopics.into());
            }
            let mut topics = [Bytes32::ZERO; MAX_LOG_TOPICS as usize];
            for (i, topic) in topics.iter_mut().enumerate().take(count as usize) {
                *topic = read_bytes32(memory, arg32(args, 3 + i))?;
            }
            let data = read(memory, data, len)?;
            env.host
                .emit_log(&message.recipient, &topics[..count as usize], data);
        }
        F::StorageStore => {
            if message.is_static {
                return Err(Trap::StaticModeViolation.into());
            }
            let key = read_bytes32(memory, arg32(args, 0))?;
            let value = read_bytes32(memory, arg32(args, 1))?;
            let current = env.host.storage(&message.recipient, &key);
            if current.is_zero() && !value.is_zero() {
                env.charge(costs.storage_store_create - costs.storage_store_change)?;
            }
            if !current.is_zero() && value.is_zero() {
                env.refund += costs.storage_clear_refund;
            }
            env.host.set_storage(&message.recipient, &key, &value);
        }
        F::StorageLoad => {
            let key = read_bytes32(memory, arg32(args, 0))?;
            let value = env.host.storage(&message.recipient, &key);
            write(memory, arg32(args, 1), &value.0)?;
        }
        F::Finish | F::Revert => {
            env.output = read(memory, arg32(args, 0), arg32(args, 1))?.to_vec();
            return Err(if function == F::Finish {
                Halt::Finish
            } else {
                Halt::Revert
            });
        }
        F::GetReturnDataSize => args[0] = u64::from(env.return_data.len() as u32),
        F::Call | F::CallCode | F::CallDelegate | F::CallStatic => {
            args[0] = call(function, costs, args, memory, env)?;
        }
        F::Create | F::Create2 => {
            args[0] = create(function, costs, args, memory, env)?;
        }
        F::SelfDestruct => {
            if message.is_static {
                return Err(Trap::StaticModeViolation.into());
            }
            let beneficiary = read_address(memory, arg32(args, 0))?;
            if !env.host.account_exists(&beneficiary) {
                env.charge(costs.new_account)?;
            }
            if env.host.selfdestruct(&message.recipient, &beneficiary) {
                env.refund += costs.selfdestruct_refund;
            }
            env.output.clear();
            return Err(Halt::Finish);
        }
    }
    Ok(())
}

/// Whether the executing account can pay `value` (Hera: a balance of 2^128 or more is
/// ARGUMENT_OUT_OF_RANGE).
fn can_pay<H: Host + ?Sized>(env: &mut Env<'_, H>, value: &U256) -> Result<bool, Trap> {
    let balance = env.host.balance(&env.message.recipient);
    Ok(as_u128(&balance)? >= as_u128(value)?)
}

/// All but one 64th (EIP-150).
fn all_but_one_64th(gas: u64) -> u64 {
    gas - gas / 64
}

/// Maps a callee's status to the EEI's result code.
fn result_code(status: Status) -> u64 {
    match status {
        Status::Success => 0,
        Status::Revert => 2,
        _ => 1,
    }
}

fn call<H: Host + ?Sized>(
    function: EeiFunction,
    costs: &EeiCosts,
    args: &[u64],
    memory: &[u8],
    env: &mut Env<'_, H>,
) -> Result<u64, Trap> {
    let message = env.message;
    let requested = args[0] as i64;
    if requested < 0 {
        return Err(Trap::ArgumentOutOfRange);
    }
    let target = read_address(memory, arg32(args, 1))?;
    let (kind, value, data_arg) = match function {
        EeiFunction::Call => (CallKind::Call, read_u128(memory, arg32(args, 2))?, 3),
        EeiFunction::CallCode => (CallKind::CallCode, read_u128(memory, arg32(args, 2))?, 3),
        EeiFunction::CallDelegate => (CallKind::DelegateCall, message.value, 2),
        _ => (CallKind::Call, U256::ZERO, 2),
    };
    let is_static = message.is_static || function == EeiFunction::CallStatic;
    if function == EeiFunction::Call && !value.is_zero() && message.is_static {
        return Err(Trap::StaticModeViolation);
    }
    let input = read(memory, arg32(args, data_arg), arg32(args, data_arg + 1))?;
    if message.depth >= MAX_CONTRACT_CALL_DEPTH {
        env.return_data.clear();
        return Ok(1);
    }
    let transfers_value =
        matches!(function, EeiFunction::Call | EeiFunction::CallCode) && !value.is_zero();
    if transfers_value {
        env.charge(costs.value_transfer)?;
        if !can_pay(env, &value)? {
            env.return_data.clear();
            return Ok(1);
        }
        if function == EeiFunction::Call && !env.host.account_exists(&target) {
            env.charge(costs.new_account)?;
        }
    }
    let mut gas = (requested as u64).min(all_but_one_64th(env.gas));
    env.charge(gas)?;
    if transfers_value {
        gas += costs.value_stipend;
    }
    let keccak_address = Address::from_low_u64(9);
    let outcome = if env.keccak_system_contract && target == keccak_address && !transfers_value {
        let cost = costs.keccak256 + costs.keccak256_word * words(input.len() as u64);
        if gas >= cost {
            ExecutionResult {
                output: keccak256(input).0.to_vec(),
                ..ExecutionResult::success(gas - cost)
            }
        } else {
            ExecutionResult::failed(Status::Failure)
        }
    } else {
        let (recipient, sender) = match kind {
            CallKind::Call => (target, message.recipient),
            CallKind::CallCode => (message.recipient, message.recipient),
            _ => (message.recipient, message.sender),
        };
        env.host.call(&Message {
            kind,
            is_static,
            depth: message.depth + 1,
            gas,
            recipient,
            sender,
            input,
            value,
            code_address: target,
            salt: Bytes32::ZERO,
        })
    };
    env.gas += outcome.gas_left.min(gas);
    if outcome.status == Status::Success {
        env.refund += outcome.gas_refund;
    }
    env.return_data = outcome.output;
    Ok(result_code(outcome.status))
}

fn create<H: Host + ?Sized>(
    function: EeiFunction,
    costs: &EeiCosts,
    args: &[u64],
    memory: &mut [u8],
    env: &mut Env<'_, H>,
) -> Result<u64, Trap> {
    let message = env.message;
    let (data, len) = (arg32(args, 1), arg32(args, 2));
    let (kind, salt, out) = if function == EeiFunction::Create2 {
        env.charge(costs.create2_word * words(len))?;
        (CallKind::Create2, Some(arg32(args, 3)), arg32(args, 4))
    } else {
        (CallKind::Create, None, arg32(args, 3))
    };
    if message.is_static {
        return Err(Trap::StaticModeViolation);
    }
    let value = read_u128(memory, arg32(args, 0))?;
    let salt = match salt {
        // The salt is a u256 stored little-endian; the host wants the big-endian word.
        Some(ptr) => {
            let mut word = read_bytes32(memory, ptr)?;
            word.0.reverse();
            word
        }
        None => Bytes32::ZERO,
    };
    if message.depth >= MAX_CONTRACT_CALL_DEPTH || !can_pay(env, &value)? {
        env.return_data.clear();
        return Ok(1);
    }
    let init_code = read(memory, data, len)?;
    let gas = all_but_one_64th(env.gas);
    env.charge(gas)?;
    let outcome = env.host.call(&Message {
        kind,
        is_static: false,
        depth: message.depth + 1,
        gas,
        recipient: Address::ZERO,
        sender: message.recipient,
        input: init_code,
        value,
        code_address: Address::ZERO,
        salt,
    });
    env.gas += outcome.gas_left.min(gas);
    if outcome.status == Status::Success {
        env.refund += outcome.gas_refund;
        env.return_data.clear();
        let address = outcome.create_address.unwrap_or(Address::ZERO);
        write(memory, out, &address.0)?;
    } else {
        env.return_data = outcome.output;
    }
    Ok(result_code(outcome.status))
}

fn debug<H: Host + ?Sized>(
    function: DebugFunction,
    args: &[u64],
    memory: &[u8],
    env: &mut Env<'_, H>,
) -> Result<(), Halt> {
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let line = match function {
        DebugFunction::Print32 => format!("print32: {0} 0x{0:x}", args[0] as u32),
        DebugFunction::Print64 => format!("print64: {0} 0x{0:x}", args[0]),
        DebugFunction::PrintMem | DebugFunction::PrintMemHex => {
            let bytes = read(memory, arg32(args, 0), arg32(args, 1))?;
            if function == DebugFunction::PrintMem {
                format!("printMem: {}", String::from_utf8_lossy(bytes))
            } else {
                format!("printMemHex: {}", hex(bytes))
            }
        }
        DebugFunction::PrintStorage | DebugFunction::PrintStorageHex => {
            let key = read_bytes32(memory, arg32(args, 0))?;
            let value = env.host.storage(&env.message.recipient, &key);
            if function == DebugFunction::PrintStorage {
                format!("printStorage {key}: {}", String::from_utf8_lossy(&value.0))
            } else {
                format!("printStorageHex {key}: {}", hex(&value.0))
            }
        }
    };
    env.host.debug_print(&line);
    Ok(())
}
