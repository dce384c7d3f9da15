//! [`EvmcHost`]: the engine's [`Host`] over an EVMC host interface.
//!
//! Every method forwards to the corresponding `evmc_host_interface` callback with the
//! host's context. ABI 12 call semantics: for `callCode` and `callDelegate` the engine
//! already sets `recipient` (whose storage is used) to the current contract and
//! `code_address` to the callee, which is exactly what EVMC hosts expect.

use ssvm_engine::{
    Address, Bytes32, CallKind, ExecutionResult, Host, Message, Status, TxContext, U256,
};

use crate::ffi::*;

/// An EVMC host seen as an engine [`Host`].
pub struct EvmcHost<'h> {
    interface: &'h evmc_host_interface,
    context: *mut evmc_host_context,
}

impl<'h> EvmcHost<'h> {
    /// Wraps a host interface and its context.
    ///
    /// # Safety
    /// The interface's callbacks must be valid for `context` for as long as the value
    /// lives, as the EVMC specification requires of a host calling `execute`.
    pub unsafe fn new(interface: &'h evmc_host_interface, context: *mut evmc_host_context) -> Self {
        EvmcHost { interface, context }
    }
}

/// Engine address to EVMC address.
pub fn to_address(address: &Address) -> evmc_address {
    evmc_address { bytes: address.0 }
}

/// EVMC address to engine address.
pub fn from_address(address: &evmc_address) -> Address {
    Address(address.bytes)
}

/// A big-endian 256-bit word to an integer.
pub fn from_uint256be(value: &evmc_uint256be) -> U256 {
    U256::from_be_bytes(value.bytes)
}

/// An integer to a big-endian 256-bit word.
pub fn to_uint256be(value: &U256) -> evmc_uint256be {
    evmc_uint256be {
        bytes: value.to_be_bytes::<32>(),
    }
}

/// The EVMC status code of an engine status (EWASM.md section 2).
pub fn to_status(status: Status) -> evmc_status_code {
    match status {
        Status::Success => evmc_status_code::EVMC_SUCCESS,
        Status::Revert => evmc_status_code::EVMC_REVERT,
        Status::Failure => evmc_status_code::EVMC_FAILURE,
        Status::OutOfGas => evmc_status_code::EVMC_OUT_OF_GAS,
        Status::InvalidMemoryAccess => evmc_status_code::EVMC_INVALID_MEMORY_ACCESS,
        Status::StaticModeViolation => evmc_status_code::EVMC_STATIC_MODE_VIOLATION,
        Status::ContractValidationFailure => evmc_status_code::EVMC_CONTRACT_VALIDATION_FAILURE,
        Status::ArgumentOutOfRange => evmc_status_code::EVMC_ARGUMENT_OUT_OF_RANGE,
        Status::InternalError => evmc_status_code::EVMC_INTERNAL_ERROR,
    }
}

/// The engine status of a callee's EVMC status (only success and revert keep their
/// meaning for the caller; every other status is a failure of the call).
pub fn from_status(status: evmc_status_code) -> Status {
    match status {
        evmc_status_code::EVMC_SUCCESS => Status::Success,
        evmc_status_code::EVMC_REVERT => Status::Revert,
        evmc_status_code::EVMC_OUT_OF_GAS => Status::OutOfGas,
        evmc_status_code::EVMC_INVALID_MEMORY_ACCESS => Status::InvalidMemoryAccess,
        evmc_status_code::EVMC_STATIC_MODE_VIOLATION => Status::StaticModeViolation,
        evmc_status_code::EVMC_CONTRACT_VALIDATION_FAILURE => Status::ContractValidationFailure,
        evmc_status_code::EVMC_ARGUMENT_OUT_OF_RANGE => Status::ArgumentOutOfRange,
        evmc_status_code::EVMC_INTERNAL_ERROR => Status::InternalError,
        _ => Status::Failure,
    }
}

/// The EVMC call kind of an engine message kind.
pub fn to_call_kind(kind: CallKind) -> evmc_call_kind {
    match kind {
        CallKind::Call => evmc_call_kind::EVMC_CALL,
        CallKind::DelegateCall => evmc_call_kind::EVMC_DELEGATECALL,
        CallKind::CallCode => evmc_call_kind::EVMC_CALLCODE,
        CallKind::Create => evmc_call_kind::EVMC_CREATE,
        CallKind::Create2 => evmc_call_kind::EVMC_CREATE2,
    }
}

/// The engine message kind of an EVMC call kind (`None` for EOF creates).
pub fn from_call_kind(kind: evmc_call_kind) -> Option<CallKind> {
    Some(match kind {
        evmc_call_kind::EVMC_CALL => CallKind::Call,
        evmc_call_kind::EVMC_DELEGATECALL => CallKind::DelegateCall,
        evmc_call_kind::EVMC_CALLCODE => CallKind::CallCode,
        evmc_call_kind::EVMC_CREATE => CallKind::Create,
        evmc_call_kind::EVMC_CREATE2 => CallKind::Create2,
        _ => return None,
    })
}

/// An engine message as an EVMC message (the input stays borrowed).
pub fn to_message(message: &Message<'_>) -> evmc_message {
    evmc_message {
        kind: to_call_kind(message.kind),
        flags: if message.is_static { EVMC_STATIC } else { 0 },
        depth: i32::try_from(message.depth).unwrap_or(i32::MAX),
        gas: i64::try_from(message.gas).unwrap_or(i64::MAX),
        recipient: to_address(&message.recipient),
        sender: to_address(&message.sender),
        input_data: if message.input.is_empty() {
            core::ptr::null()
        } else {
            message.input.as_ptr()
        },
        input_size: message.input.len(),
        value: to_uint256be(&message.value),
        create2_salt: evmc_bytes32 {
            bytes: message.salt.0,
        },
        code_address: to_address(&message.code_address),
        code: core::ptr::null(),
        code_size: 0,
    }
}

/// Copies an EVMC result's output and releases the result.
///
/// # Safety
/// `result` must come from an EVMC `execute` or `call` and not have been released.
pub unsafe fn take_result(result: evmc_result) -> (Status, Vec<u8>, u64, u64, Address) {
    let output = if result.output_data.is_null() || result.output_size == 0 {
        Vec::new()
    } else {
        // SAFETY: the producer of the result guarantees `output_size` readable bytes at
        // `output_data` until `release` is called.
        unsafe { core::slice::from_raw_parts(result.output_data, result.output_size) }.to_vec()
    };
    let taken = (
        from_status(result.status_code),
        output,
        u64::try_from(result.gas_left).unwrap_or(0),
        u64::try_from(result.gas_refund).unwrap_or(0),
        from_address(&result.create_address),
    );
    if let Some(release) = result.release {
        // SAFETY: released exactly once, by the consumer, as EVMC requires.
        unsafe { release(&result) };
    }
    taken
}

impl Host for EvmcHost<'_> {
    fn account_exists(&mut self, address: &Address) -> bool {
        let address = to_address(address);
        match self.interface.account_exists {
            // SAFETY: `new`'s contract: the callback is valid for the context.
            Some(f) => unsafe { f(self.context, &address) },
            None => false,
        }
    }

    fn balance(&mut self, address: &Address) -> U256 {
        let address = to_address(address);
        match self.interface.get_balance {
            // SAFETY: as above.
            Some(f) => from_uint256be(&unsafe { f(self.context, &address) }),
            None => U256::ZERO,
        }
    }

    fn code_size(&mut self, address: &Address) -> usize {
        let address = to_address(address);
        match self.interface.get_code_size {
            // SAFETY: as above.
            Some(f) => unsafe { f(self.context, &address) },
            None => 0,
        }
    }

    fn code_hash(&mut self, address: &Address) -> Bytes32 {
        let address = to_address(address);
        match self.interface.get_code_hash {
            // SAFETY: as above.
            Some(f) => Bytes32(unsafe { f(self.context, &address) }.bytes),
            None => Bytes32::ZERO,
        }
    }

    fn copy_code(&mut self, address: &Address, offset: usize, buffer: &mut [u8]) -> usize {
        let address = to_address(address);
        match self.interface.copy_code {
            // SAFETY: as above; the buffer is writable for its length. A host reporting
            // more bytes than the buffer holds is clamped.
            Some(f) => unsafe {
                f(
                    self.context,
                    &address,
                    offset,
                    buffer.as_mut_ptr(),
                    buffer.len(),
                )
            }
            .min(buffer.len()),
            None => 0,
        }
    }

    fn storage(&mut self, address: &Address, key: &Bytes32) -> Bytes32 {
        let address = to_address(address);
        let key = evmc_bytes32 { bytes: key.0 };
        match self.interface.get_storage {
            // SAFETY: as above.
            Some(f) => Bytes32(unsafe { f(self.context, &address, &key) }.bytes),
            None => Bytes32::ZERO,
        }
    }

    fn set_storage(&mut self, address: &Address, key: &Bytes32, value: &Bytes32) {
        let address = to_address(address);
        let key = evmc_bytes32 { bytes: key.0 };
        let value = evmc_bytes32 { bytes: value.0 };
        if let Some(f) = self.interface.set_storage {
            // SAFETY: as above. The status is not needed: Byzantium gas is computed by
            // the engine from the current value.
            unsafe { f(self.context, &address, &key, &value) };
        }
    }

    fn call(&mut self, message: &Message<'_>) -> ExecutionResult {
        let Some(f) = self.interface.call else {
            return ExecutionResult::failed(Status::Failure);
        };
        let evmc_message = to_message(message);
        // SAFETY: as above; the message and its input outlive the call.
        let result = unsafe { f(self.context, &evmc_message) };
        // SAFETY: the host returned the result for us to release.
        let (status, output, gas_left, gas_refund, created) = unsafe { take_result(result) };
        ExecutionResult {
            status,
            output,
            gas_left,
            gas_refund,
            create_address: (message.kind.is_create() && status == Status::Success)
                .then_some(created),
            failure: None,
        }
    }

    fn selfdestruct(&mut self, address: &Address, beneficiary: &Address) -> bool {
        let address = to_address(address);
        let beneficiary = to_address(beneficiary);
        match self.interface.selfdestruct {
            // SAFETY: as above.
            Some(f) => unsafe { f(self.context, &address, &beneficiary) },
            None => false,
        }
    }

    fn emit_log(&mut self, address: &Address, topics: &[Bytes32], data: &[u8]) {
        let address = to_address(address);
        let topics: Vec<evmc_bytes32> =
            topics.iter().map(|t| evmc_bytes32 { bytes: t.0 }).collect();
        if let Some(f) = self.interface.emit_log {
            // SAFETY: as above; the data and topics are readable for their lengths.
            unsafe {
                f(
                    self.context,
                    &address,
                    data.as_ptr(),
                    data.len(),
                    topics.as_ptr(),
                    topics.len(),
                )
            };
        }
    }

    fn tx_context(&mut self) -> TxContext {
        let Some(f) = self.interface.get_tx_context else {
            return TxContext::default();
        };
        // SAFETY: as above.
        let context = unsafe { f(self.context) };
        TxContext {
            gas_price: from_uint256be(&context.tx_gas_price),
            origin: from_address(&context.tx_origin),
            coinbase: from_address(&context.block_coinbase),
            number: u64::try_from(context.block_number).unwrap_or(0),
            timestamp: u64::try_from(context.block_timestamp).unwrap_or(0),
            gas_limit: u64::try_from(context.block_gas_limit).unwrap_or(0),
            difficulty: from_uint256be(&context.block_prev_randao),
            chain_id: from_uint256be(&context.chain_id),
        }
    }

    fn block_hash(&mut self, number: u64) -> Bytes32 {
        match self.interface.get_block_hash {
            // SAFETY: as above.
            Some(f) => {
                Bytes32(unsafe { f(self.context, i64::try_from(number).unwrap_or(i64::MAX)) }.bytes)
            }
            None => Bytes32::ZERO,
        }
    }
}
