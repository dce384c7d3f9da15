//! The EVMC ABI, version 12: `#[repr(C)]` declarations written from
//! `include/evmc/evmc.h` of ethereum/evmc v12 (the crates.io `evmc-sys` stops at ABI 9).
//!
//! Only the types the VM side needs are declared, with every field in header order so
//! that the layouts match; the tests at the bottom assert sizes and field offsets
//! against the header's x86-64/aarch64 LP64 layout. C enums are declared as `i32`
//! newtypes with the header's constants, so that any value a host passes is
//! representable (a Rust `enum` would make unknown values undefined behaviour).

// The C names are kept so that the declarations read like the header.
#![allow(non_camel_case_types)]

use core::ffi::{c_char, c_int, c_void};

/// `EVMC_ABI_VERSION`.
pub const EVMC_ABI_VERSION: c_int = 12;

/// `evmc_bytes32` (also `evmc_uint256be`, big-endian).
#[repr(C)]
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct evmc_bytes32 {
    /// The 32 bytes.
    pub bytes: [u8; 32],
}

/// `evmc_uint256be`.
pub type evmc_uint256be = evmc_bytes32;

/// `evmc_address`.
#[repr(C)]
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct evmc_address {
    /// The 20 bytes.
    pub bytes: [u8; 20],
}

macro_rules! c_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $value:expr,)* }) => {
        $(#[$doc])*
        #[repr(transparent)]
        #[derive(Copy, Clone, Debug, PartialEq, Eq)]
        pub struct $name(pub i32);
        #[allow(missing_docs)]
        impl $name {
            $($(#[$vdoc])* pub const $variant: $name = $name($value);)*
        }
    };
}

c_enum!(
    /// `enum evmc_call_kind`.
    evmc_call_kind {
        EVMC_CALL = 0,
        EVMC_DELEGATECALL = 1,
        EVMC_CALLCODE = 2,
        EVMC_CREATE = 3,
        EVMC_CREATE2 = 4,
        EVMC_EOFCREATE = 5,
    }
);

/// `EVMC_STATIC` of `enum evmc_flags`.
pub const EVMC_STATIC: u32 = 1;

c_enum!(
    /// `enum evmc_status_code`.
    evmc_status_code {
        EVMC_SUCCESS = 0,
        EVMC_FAILURE = 1,
        EVMC_REVERT = 2,
        EVMC_OUT_OF_GAS = 3,
        EVMC_INVALID_INSTRUCTION = 4,
        EVMC_UNDEFINED_INSTRUCTION = 5,
        EVMC_STACK_OVERFLOW = 6,
        EVMC_STACK_UNDERFLOW = 7,
        EVMC_BAD_JUMP_DESTINATION = 8,
        EVMC_INVALID_MEMORY_ACCESS = 9,
        EVMC_CALL_DEPTH_EXCEEDED = 10,
        EVMC_STATIC_MODE_VIOLATION = 11,
        EVMC_PRECOMPILE_FAILURE = 12,
        EVMC_CONTRACT_VALIDATION_FAILURE = 13,
        EVMC_ARGUMENT_OUT_OF_RANGE = 14,
        EVMC_WASM_UNREACHABLE_INSTRUCTION = 15,
        EVMC_WASM_TRAP = 16,
        EVMC_INSUFFICIENT_BALANCE = 17,
        EVMC_INTERNAL_ERROR = -1,
        EVMC_REJECTED = -2,
        EVMC_OUT_OF_MEMORY = -3,
    }
);

c_enum!(
    /// `enum evmc_storage_status`.
    evmc_storage_status {
        EVMC_STORAGE_ASSIGNED = 0,
        EVMC_STORAGE_ADDED = 1,
        EVMC_STORAGE_DELETED = 2,
        EVMC_STORAGE_MODIFIED = 3,
        EVMC_STORAGE_DELETED_ADDED = 4,
        EVMC_STORAGE_MODIFIED_DELETED = 5,
        EVMC_STORAGE_DELETED_RESTORED = 6,
        EVMC_STORAGE_ADDED_DELETED = 7,
        EVMC_STORAGE_MODIFIED_RESTORED = 8,
    }
);

c_enum!(
    /// `enum evmc_access_status`.
    evmc_access_status {
        EVMC_ACCESS_COLD = 0,
        EVMC_ACCESS_WARM = 1,
    }
);

c_enum!(
    /// `enum evmc_set_option_result`.
    evmc_set_option_result {
        EVMC_SET_OPTION_SUCCESS = 0,
        EVMC_SET_OPTION_INVALID_NAME = 1,
        EVMC_SET_OPTION_INVALID_VALUE = 2,
    }
);

c_enum!(
    /// `enum evmc_revision`.
    evmc_revision {
        EVMC_FRONTIER = 0,
        EVMC_BYZANTIUM = 4,
        EVMC_CANCUN = 12,
        EVMC_PRAGUE = 13,
        EVMC_OSAKA = 14,
    }
);

/// `EVMC_CAPABILITY_EVM1` of `enum evmc_capabilities`.
pub const EVMC_CAPABILITY_EVM1: u32 = 1 << 0;
/// `EVMC_CAPABILITY_EWASM`.
pub const EVMC_CAPABILITY_EWASM: u32 = 1 << 1;
/// `EVMC_CAPABILITY_PRECOMPILES`.
pub const EVMC_CAPABILITY_PRECOMPILES: u32 = 1 << 2;

/// `evmc_capabilities_flagset`.
pub type evmc_capabilities_flagset = u32;

/// `struct evmc_message`.
#[repr(C)]
#[derive(Copy, Clone, Debug)]
pub struct evmc_message {
    /// The kind of call.
    pub kind: evmc_call_kind,
    /// `EVMC_STATIC` and other flags.
    pub flags: u32,
    /// Call depth.
    pub depth: i32,
    /// Gas available.
    pub gas: i64,
    /// Account whose storage and balance the code acts on.
    pub recipient: evmc_address,
    /// The sender.
    pub sender: evmc_address,
    /// Input data (may be null when `input_size` is 0).
    pub input_data: *const u8,
    /// Input size.
    pub input_size: usize,
    /// Value (big-endian).
    pub value: evmc_uint256be,
    /// CREATE2 salt.
    pub create2_salt: evmc_bytes32,
    /// Account whose code runs (`evmc_call_fn` only).
    pub code_address: evmc_address,
    /// Code to run (`evmc_call_fn` only).
    pub code: *const u8,
    /// Its size.
    pub code_size: usize,
}

/// `evmc_tx_initcode`.
#[repr(C)]
#[derive(Copy, Clone, Debug)]
pub struct evmc_tx_initcode {
    /// The initcode hash.
    pub hash: evmc_bytes32,
    /// The code.
    pub code: *const u8,
    /// Its size.
    pub code_size: usize,
}

/// `struct evmc_tx_context`.
#[repr(C)]
#[derive(Copy, Clone, Debug)]
pub struct evmc_tx_context {
    /// Gas price.
    pub tx_gas_price: evmc_uint256be,
    /// Transaction origin.
    pub tx_origin: evmc_address,
    /// Block beneficiary.
    pub block_coinbase: evmc_address,
    /// Block number.
    pub block_number: i64,
    /// Block timestamp.
    pub block_timestamp: i64,
    /// Block gas limit.
    pub block_gas_limit: i64,
    /// Difficulty before the merge, RANDAO after.
    pub block_prev_randao: evmc_uint256be,
    /// Chain id.
    pub chain_id: evmc_uint256be,
    /// EIP-1559 base fee.
    pub block_base_fee: evmc_uint256be,
    /// EIP-7516 blob base fee.
    pub blob_base_fee: evmc_uint256be,
    /// EIP-4844 blob hashes.
    pub blob_hashes: *const evmc_bytes32,
    /// Their number.
    pub blob_hashes_count: usize,
    /// Transaction initcodes.
    pub initcodes: *const evmc_tx_initcode,
    /// Their number.
    pub initcodes_count: usize,
}

/// `evmc_release_result_fn`.
pub type evmc_release_result_fn = Option<unsafe extern "C" fn(result: *const evmc_result)>;

/// `struct evmc_result`.
#[repr(C)]
#[derive(Debug)]
pub struct evmc_result {
    /// Status.
    pub status_code: evmc_status_code,
    /// Gas left (0 unless success or revert).
    pub gas_left: i64,
    /// Refund (0 unless success).
    pub gas_refund: i64,
    /// Output (owned by the VM, freed by `release`).
    pub output_data: *const u8,
    /// Output size.
    pub output_size: usize,
    /// Frees the output.
    pub release: evmc_release_result_fn,
    /// The created contract's address (host results only).
    pub create_address: evmc_address,
    /// Reserved.
    pub padding: [u8; 4],
}

/// Opaque `struct evmc_host_context`.
#[repr(C)]
pub struct evmc_host_context {
    _opaque: [u8; 0],
}

type Context = *mut evmc_host_context;

/// `struct evmc_host_interface`.
#[repr(C)]
#[allow(missing_docs)]
pub struct evmc_host_interface {
    pub account_exists: Option<unsafe extern "C" fn(Context, *const evmc_address) -> bool>,
    pub get_storage: Option<
        unsafe extern "C" fn(Context, *const evmc_address, *const evmc_bytes32) -> evmc_bytes32,
    >,
    pub set_storage: Option<
        unsafe extern "C" fn(
            Context,
            *const evmc_address,
            *const evmc_bytes32,
            *const evmc_bytes32,
        ) -> evmc_storage_status,
    >,
    pub get_balance: Option<unsafe extern "C" fn(Context, *const evmc_address) -> evmc_uint256be>,
    pub get_code_size: Option<unsafe extern "C" fn(Context, *const evmc_address) -> usize>,
    pub get_code_hash: Option<unsafe extern "C" fn(Context, *const evmc_address) -> evmc_bytes32>,
    pub copy_code:
        Option<unsafe extern "C" fn(Context, *const evmc_address, usize, *mut u8, usize) -> usize>,
    pub selfdestruct:
        Option<unsafe extern "C" fn(Context, *const evmc_address, *const evmc_address) -> bool>,
    pub call: Option<unsafe extern "C" fn(Context, *const evmc_message) -> evmc_result>,
    pub get_tx_context: Option<unsafe extern "C" fn(Context) -> evmc_tx_context>,
    pub get_block_hash: Option<unsafe extern "C" fn(Context, i64) -> evmc_bytes32>,
    pub emit_log: Option<
        unsafe extern "C" fn(
            Context,
            *const evmc_address,
            *const u8,
            usize,
            *const evmc_bytes32,
            usize,
        ),
    >,
    pub access_account:
        Option<unsafe extern "C" fn(Context, *const evmc_address) -> evmc_access_status>,
    pub access_storage: Option<
        unsafe extern "C" fn(
            Context,
            *const evmc_address,
            *const evmc_bytes32,
        ) -> evmc_access_status,
    >,
    pub get_transient_storage: Option<
        unsafe extern "C" fn(Context, *const evmc_address, *const evmc_bytes32) -> evmc_bytes32,
    >,
    pub set_transient_storage: Option<
        unsafe extern "C" fn(
            Context,
            *const evmc_address,
            *const evmc_bytes32,
            *const evmc_bytes32,
        ),
    >,
}

/// `evmc_execute_fn`.
pub type evmc_execute_fn = Option<
    unsafe extern "C" fn(
        vm: *mut evmc_vm,
        host: *const evmc_host_interface,
        context: *mut evmc_host_context,
        rev: evmc_revision,
        msg: *const evmc_message,
        code: *const u8,
        code_size: usize,
    ) -> evmc_result,
>;

/// `struct evmc_vm`.
#[repr(C)]
pub struct evmc_vm {
    /// `EVMC_ABI_VERSION`.
    pub abi_version: c_int,
    /// Name (NUL-terminated).
    pub name: *const c_char,
    /// Version (NUL-terminated).
    pub version: *const c_char,
    /// Destroys the instance.
    pub destroy: Option<unsafe extern "C" fn(vm: *mut evmc_vm)>,
    /// Executes code.
    pub execute: evmc_execute_fn,
    /// Capabilities.
    pub get_capabilities:
        Option<unsafe extern "C" fn(vm: *mut evmc_vm) -> evmc_capabilities_flagset>,
    /// Sets an option.
    pub set_option: Option<
        unsafe extern "C" fn(
            vm: *mut evmc_vm,
            name: *const c_char,
            value: *const c_char,
        ) -> evmc_set_option_result,
    >,
}

/// `evmc_create_fn`: what `evmc_create_ssvm_evmc` and `evmc_create` are.
pub type evmc_create_fn = unsafe extern "C" fn() -> *mut evmc_vm;

/// An untyped pointer, for hosts that keep their context elsewhere.
pub type evmc_opaque = c_void;

#[cfg(all(test, target_pointer_width = "64"))]
mod tests {
    use super::*;
    use core::mem::{offset_of, size_of};

    #[test]
    fn message_layout() {
        assert_eq!(offset_of!(evmc_message, kind), 0);
        assert_eq!(offset_of!(evmc_message, flags), 4);
        assert_eq!(offset_of!(evmc_message, depth), 8);
        assert_eq!(offset_of!(evmc_message, gas), 16);
        assert_eq!(offset_of!(evmc_message, recipient), 24);
        assert_eq!(offset_of!(evmc_message, sender), 44);
        assert_eq!(offset_of!(evmc_message, input_data), 64);
        assert_eq!(offset_of!(evmc_message, input_size), 72);
        assert_eq!(offset_of!(evmc_message, value), 80);
        assert_eq!(offset_of!(evmc_message, create2_salt), 112);
        assert_eq!(offset_of!(evmc_message, code_address), 144);
        assert_eq!(offset_of!(evmc_message, code), 168);
        assert_eq!(offset_of!(evmc_message, code_size), 176);
        assert_eq!(size_of::<evmc_message>(), 184);
    }

    #[test]
    fn result_layout() {
        assert_eq!(offset_of!(evmc_result, status_code), 0);
        assert_eq!(offset_of!(evmc_result, gas_left), 8);
        assert_eq!(offset_of!(evmc_result, gas_refund), 16);
        assert_eq!(offset_of!(evmc_result, output_data), 24);
        assert_eq!(offset_of!(evmc_result, output_size), 32);
        assert_eq!(offset_of!(evmc_result, release), 40);
        assert_eq!(offset_of!(evmc_result, create_address), 48);
        assert_eq!(offset_of!(evmc_result, padding), 68);
        // "Also extends the size of the evmc_result to 64 bytes": with the address
        // and the padding the struct is 72 bytes on LP64.
        assert_eq!(size_of::<evmc_result>(), 72);
    }

    #[test]
    fn tx_context_layout() {
        assert_eq!(offset_of!(evmc_tx_context, tx_gas_price), 0);
        assert_eq!(offset_of!(evmc_tx_context, tx_origin), 32);
        assert_eq!(offset_of!(evmc_tx_context, block_coinbase), 52);
        assert_eq!(offset_of!(evmc_tx_context, block_number), 72);
        assert_eq!(offset_of!(evmc_tx_context, block_timestamp), 80);
        assert_eq!(offset_of!(evmc_tx_context, block_gas_limit), 88);
        assert_eq!(offset_of!(evmc_tx_context, block_prev_randao), 96);
        assert_eq!(offset_of!(evmc_tx_context, chain_id), 128);
        assert_eq!(offset_of!(evmc_tx_context, block_base_fee), 160);
        assert_eq!(offset_of!(evmc_tx_context, blob_base_fee), 192);
        assert_eq!(offset_of!(evmc_tx_context, blob_hashes), 224);
        assert_eq!(offset_of!(evmc_tx_context, blob_hashes_count), 232);
        assert_eq!(offset_of!(evmc_tx_context, initcodes), 240);
        assert_eq!(offset_of!(evmc_tx_context, initcodes_count), 248);
        assert_eq!(size_of::<evmc_tx_context>(), 256);
    }

    #[test]
    fn host_interface_and_vm_layout() {
        assert_eq!(offset_of!(evmc_host_interface, account_exists), 0);
        assert_eq!(offset_of!(evmc_host_interface, call), 8 * 8);
        assert_eq!(offset_of!(evmc_host_interface, emit_log), 11 * 8);
        assert_eq!(
            offset_of!(evmc_host_interface, set_transient_storage),
            15 * 8
        );
        assert_eq!(size_of::<evmc_host_interface>(), 16 * 8);
        assert_eq!(offset_of!(evmc_vm, abi_version), 0);
        assert_eq!(offset_of!(evmc_vm, name), 8);
        assert_eq!(offset_of!(evmc_vm, version), 16);
        assert_eq!(offset_of!(evmc_vm, destroy), 24);
        assert_eq!(offset_of!(evmc_vm, execute), 32);
        assert_eq!(offset_of!(evmc_vm, get_capabilities), 40);
        assert_eq!(offset_of!(evmc_vm, set_option), 48);
        assert_eq!(size_of::<evmc_vm>(), 56);
        assert_eq!(size_of::<evmc_bytes32>(), 32);
        assert_eq!(size_of::<evmc_address>(), 20);
    }
}
