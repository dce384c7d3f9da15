//! The ssvm engine as an EVMC VM (ABI 12, capability EWASM); `evmc/so` links it into
//! `libssvm-evmc.so`.
//!
//! Hosts load it by file name; the library exports `evmc_create_ssvm_evmc` (the name
//! EVMC's loader derives from `libssvm-evmc.so`) and `evmc_create`. Ewasm code runs on
//! the engine; the EVMC host interface becomes the engine's `Host` ([`host`]).
//!
//! Options (`set_option`), with their defaults:
//!
//! | name | values | default | meaning |
//! |---|---|---|---|
//! | `metering` | `true`, `false` | `true` | charge every Wasm instruction (schedule V1); `false` charges only the EEI, like Hera with metering off (how the Ewasm state tests were filled) |
//! | `evm1mode` | `reject`, `fallback` | `reject` | code without the Wasm preamble: FAILURE, or REJECTED so the host runs it as EVM |
//! | `engine` | `interpreter`, `aot` | `interpreter` | execution engine: the metered interpreter, or native code compiled by wasmtime/Cranelift with identical gas and results (feature `aot`, on by default) |
//! | `aot_cache_dir` | a directory | none | where `engine=aot` keeps compiled contracts across processes (created if missing); without it they are cached in memory only |
//! | `keccak09` | `true`, `false` | `false` | calls to `0x..09` compute keccak256 natively (the Ewasm system contract); off by default because on Ethereum `0x..09` is the host's (BLAKE2F since Istanbul) |
//!
//! The interpreter is the default engine: it starts executing at once, while the AOT
//! engine first compiles each new contract (milliseconds per contract, unmetered) and
//! pays off for contracts that run long or often.
//!
//! The engine is one [`Backend`]: the interpreter with a cache of prepared contracts,
//! or the AOT engine with its compiled contracts, built when `engine=aot` is first set
//! (and rebuilt when `aot_cache_dir` changes); both are kept when switching back and
//! forth. A failure to build the AOT engine makes `engine=aot` (or a new
//! `aot_cache_dir` while it is selected) an invalid value and changes nothing.
//!
//! Metering is on by default because a VM that runs untrusted contracts must bound
//! their computation: with it off, only EEI calls cost gas and a loop runs forever.
//!
//! This crate is the project's FFI boundary: every `unsafe` block carries its
//! justification, and no panic can cross into the host (`execute` catches it and
//! reports an internal error).

#![allow(unsafe_code)]

pub mod ffi;
pub mod host;

use std::ffi::{CStr, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};
#[cfg(feature = "aot")]
use std::path::PathBuf;
#[cfg(feature = "aot")]
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use ffi::*;
use ssvm_engine::{Backend, Bytes32, Config, ExecutionResult, GasSchedule, Message, Status};

const NAME: &CStr = c"ssvm";
const VERSION: &CStr =
    match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(version) => version,
        Err(_) => c"0.0.0",
    };

/// How many prepared contracts the VM keeps (by code and configuration).
const CONTRACT_CACHE_CAPACITY: usize = 64;

/// The VM instance: `evmc_vm` first, so a `*mut evmc_vm` is a `*mut SsvmVm`.
#[repr(C)]
struct SsvmVm {
    base: evmc_vm,
    metering: AtomicBool,
    evm1_fallback: AtomicBool,
    keccak09: AtomicBool,
    /// The engines and the selected one, changed only under this one lock.
    engines: Mutex<Engines>,
}

/// The execution paths of a VM: the interpreter with its cache of prepared contracts
/// and the AOT engine (built when first selected), both kept across `engine` switches.
struct Engines {
    /// What `execute` runs on.
    selected: Backend,
    interpreter: Backend,
    #[cfg(feature = "aot")]
    aot: Option<Backend>,
    /// Where the AOT engine keeps compiled contracts (`aot_cache_dir`).
    #[cfg(feature = "aot")]
    cache_dir: Option<PathBuf>,
}

impl Engines {
    fn new() -> Engines {
        let interpreter = Backend::cached_interpreter(CONTRACT_CACHE_CAPACITY);
        Engines {
            selected: interpreter.clone(),
            interpreter,
            #[cfg(feature = "aot")]
            aot: None,
            #[cfg(feature = "aot")]
            cache_dir: None,
        }
    }

    /// Selects `engine=name`; `false` for an unknown name or an AOT engine that cannot
    /// be built (nothing changes then).
    fn select(&mut self, name: &str) -> bool {
        self.selected = match name {
            "interpreter" => self.interpreter.clone(),
            #[cfg(feature = "aot")]
            "aot" => match &self.aot {
                Some(aot) => aot.clone(),
                None => match aot_engine(self.cache_dir.clone()) {
                    Some(aot) => self.aot.insert(aot).clone(),
                    None => return false,
                },
            },
            _ => return false,
        };
        true
    }

    /// Sets the AOT cache directory. The AOT engine built without it is dropped; when it
    /// is selected it is rebuilt at once, and if that fails nothing changes.
    #[cfg(feature = "aot")]
    fn set_cache_dir(&mut self, dir: PathBuf) -> bool {
        if matches!(self.selected, Backend::Aot(_)) {
            let Some(aot) = aot_engine(Some(dir.clone())) else {
                return false;
            };
            self.selected = aot.clone();
            self.aot = Some(aot);
        } else {
            self.aot = None;
        }
        self.cache_dir = Some(dir);
        true
    }
}

/// A new AOT engine keeping its artifacts in `cache_dir`.
#[cfg(feature = "aot")]
fn aot_engine(cache_dir: Option<PathBuf>) -> Option<Backend> {
    let options = ssvm_engine::aot::AotOptions {
        cache_dir,
        ..Default::default()
    };
    let engine = ssvm_engine::aot::AotEngine::new(options).ok()?;
    Some(Backend::Aot(Arc::new(engine)))
}

/// Creates a VM instance (the name EVMC's loader derives from `libssvm-evmc.so`).
#[unsafe(no_mangle)]
pub extern "C" fn evmc_create_ssvm_evmc() -> *mut evmc_vm {
    let vm = Box::new(SsvmVm {
        base: evmc_vm {
            abi_version: EVMC_ABI_VERSION,
            name: NAME.as_ptr(),
            version: VERSION.as_ptr(),
            destroy: Some(destroy),
            execute: Some(execute),
            get_capabilities: Some(get_capabilities),
            set_option: Some(set_option),
        },
        metering: AtomicBool::new(true),
        evm1_fallback: AtomicBool::new(false),
        keccak09: AtomicBool::new(false),
        engines: Mutex::new(Engines::new()),
    });
    Box::into_raw(vm).cast()
}

/// Creates a VM instance (the loader's fallback name).
#[unsafe(no_mangle)]
pub extern "C" fn evmc_create() -> *mut evmc_vm {
    evmc_create_ssvm_evmc()
}

unsafe extern "C" fn destroy(vm: *mut evmc_vm) {
    if !vm.is_null() {
        // SAFETY: `vm` was created by `evmc_create_ssvm_evmc` as a boxed `SsvmVm` (whose
        // first field is the `evmc_vm`) and the host destroys it once.
        drop(unsafe { Box::from_raw(vm.cast::<SsvmVm>()) });
    }
}

unsafe extern "C" fn get_capabilities(_vm: *mut evmc_vm) -> evmc_capabilities_flagset {
    EVMC_CAPABILITY_EWASM
}

fn parse_bool(value: &str) -> Option<bool> {
    match value {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

unsafe extern "C" fn set_option(
    vm: *mut evmc_vm,
    name: *const c_char,
    value: *const c_char,
) -> evmc_set_option_result {
    // Building an AOT engine runs wasmtime: no panic may cross into the host.
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: forwarded from the host, with the guarantees EVMC requires of it.
        unsafe { set_option_checked(vm, name, value) }
    }));
    outcome.unwrap_or(evmc_set_option_result::EVMC_SET_OPTION_INVALID_VALUE)
}

/// `set_option` after the pointer checks.
///
/// # Safety
/// Non-null pointers must be valid as EVMC specifies: `vm` created by this library,
/// `name` and `value` NUL-terminated.
unsafe fn set_option_checked(
    vm: *mut evmc_vm,
    name: *const c_char,
    value: *const c_char,
) -> evmc_set_option_result {
    if vm.is_null() || name.is_null() {
        return evmc_set_option_result::EVMC_SET_OPTION_INVALID_NAME;
    }
    // SAFETY: `vm` is a live instance created by this library (EVMC contract); it is
    // only touched through atomics and mutexes.
    let vm = unsafe { &*vm.cast::<SsvmVm>() };
    // SAFETY: the host passes NUL-terminated strings (EVMC contract).
    let name = unsafe { CStr::from_ptr(name) }.to_str().unwrap_or("");
    let value = if value.is_null() {
        None
    } else {
        // SAFETY: as above.
        unsafe { CStr::from_ptr(value) }.to_str().ok()
    };
    let flag = match name {
        "metering" => &vm.metering,
        "keccak09" => &vm.keccak09,
        "evm1mode" => {
            return match value {
                Some("reject") => {
                    vm.evm1_fallback.store(false, Ordering::Relaxed);
                    evmc_set_option_result::EVMC_SET_OPTION_SUCCESS
                }
                Some("fallback") => {
                    vm.evm1_fallback.store(true, Ordering::Relaxed);
                    evmc_set_option_result::EVMC_SET_OPTION_SUCCESS
                }
                _ => evmc_set_option_result::EVMC_SET_OPTION_INVALID_VALUE,
            };
        }
        "engine" => {
            let selected = vm
                .engines
                .lock()
                .is_ok_and(|mut engines| engines.select(value.unwrap_or("")));
            return if selected {
                evmc_set_option_result::EVMC_SET_OPTION_SUCCESS
            } else {
                evmc_set_option_result::EVMC_SET_OPTION_INVALID_VALUE
            };
        }
        #[cfg(feature = "aot")]
        "aot_cache_dir" => return set_aot_cache_dir(vm, value),
        _ => return evmc_set_option_result::EVMC_SET_OPTION_INVALID_NAME,
    };
    match value.and_then(parse_bool) {
        Some(on) => {
            flag.store(on, Ordering::Relaxed);
            evmc_set_option_result::EVMC_SET_OPTION_SUCCESS
        }
        None => evmc_set_option_result::EVMC_SET_OPTION_INVALID_VALUE,
    }
}

/// Sets the AOT cache directory (created if missing; see [`Engines::set_cache_dir`]).
#[cfg(feature = "aot")]
fn set_aot_cache_dir(vm: &SsvmVm, value: Option<&str>) -> evmc_set_option_result {
    let Some(dir) = value.filter(|dir| !dir.is_empty()).map(PathBuf::from) else {
        return evmc_set_option_result::EVMC_SET_OPTION_INVALID_VALUE;
    };
    if std::fs::create_dir_all(&dir).is_err() || !dir.is_dir() {
        return evmc_set_option_result::EVMC_SET_OPTION_INVALID_VALUE;
    }
    if vm
        .engines
        .lock()
        .is_ok_and(|mut engines| engines.set_cache_dir(dir))
    {
        evmc_set_option_result::EVMC_SET_OPTION_SUCCESS
    } else {
        evmc_set_option_result::EVMC_SET_OPTION_INVALID_VALUE
    }
}

/// A result with a status and no output.
fn status_only(status: evmc_status_code) -> evmc_result {
    evmc_result {
        status_code: status,
        gas_left: 0,
        gas_refund: 0,
        output_data: core::ptr::null(),
        output_size: 0,
        release: None,
        create_address: evmc_address::default(),
        padding: [0; 4],
    }
}

unsafe extern "C" fn release_output(result: *const evmc_result) {
    if result.is_null() {
        return;
    }
    // SAFETY: the host passes back a result this library produced.
    let result = unsafe { &*result };
    if !result.output_data.is_null() {
        let slice =
            core::ptr::slice_from_raw_parts_mut(result.output_data.cast_mut(), result.output_size);
        // SAFETY: `output_data` came from `Box::<[u8]>::into_raw` with this length, in
        // `to_evmc_result`, and the host releases a result once.
        drop(unsafe { Box::from_raw(slice) });
    }
}

fn to_evmc_result(result: ExecutionResult) -> evmc_result {
    let keeps_gas = result.status.keeps_gas();
    let mut out = status_only(host::to_status(result.status));
    out.gas_left = if keeps_gas {
        i64::try_from(result.gas_left).unwrap_or(i64::MAX)
    } else {
        0
    };
    out.gas_refund = if result.status == Status::Success {
        i64::try_from(result.gas_refund).unwrap_or(i64::MAX)
    } else {
        0
    };
    if !result.output.is_empty() {
        let output: Box<[u8]> = result.output.into_boxed_slice();
        out.output_size = output.len();
        out.output_data = Box::into_raw(output).cast::<u8>();
        out.release = Some(release_output);
    }
    out
}

unsafe extern "C" fn execute(
    vm: *mut evmc_vm,
    host: *const evmc_host_interface,
    context: *mut evmc_host_context,
    _rev: evmc_revision,
    msg: *const evmc_message,
    code: *const u8,
    code_size: usize,
) -> evmc_result {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: forwarded from the host, with the guarantees EVMC requires of it.
        unsafe { execute_checked(vm, host, context, msg, code, code_size) }
    }));
    outcome.unwrap_or_else(|_| status_only(evmc_status_code::EVMC_INTERNAL_ERROR))
}

/// `execute` after the pointer checks a host can get wrong.
///
/// # Safety
/// Non-null pointers must be valid as EVMC specifies: `vm` created by this library,
/// `host` and `context` usable together, `msg` readable, `code` readable for
/// `code_size` bytes, the message's input readable for `input_size` bytes.
unsafe fn execute_checked(
    vm: *mut evmc_vm,
    host: *const evmc_host_interface,
    context: *mut evmc_host_context,
    msg: *const evmc_message,
    code: *const u8,
    code_size: usize,
) -> evmc_result {
    let internal_error = || status_only(evmc_status_code::EVMC_INTERNAL_ERROR);
    if vm.is_null() || host.is_null() || msg.is_null() || (code.is_null() && code_size != 0) {
        return internal_error();
    }
    // SAFETY: checked non-null; valid per this function's contract.
    let (vm, interface, msg) = unsafe { (&*vm.cast::<SsvmVm>(), &*host, &*msg) };
    if msg.gas < 0 || (msg.input_data.is_null() && msg.input_size != 0) {
        return internal_error();
    }
    let Some(kind) = host::from_call_kind(msg.kind) else {
        return status_only(evmc_status_code::EVMC_REJECTED);
    };
    let code: &[u8] = if code_size == 0 {
        &[]
    } else {
        // SAFETY: checked non-null; readable for `code_size` bytes per the contract.
        unsafe { core::slice::from_raw_parts(code, code_size) }
    };
    let input: &[u8] = if msg.input_size == 0 {
        &[]
    } else {
        // SAFETY: checked non-null; readable for `input_size` bytes per the contract.
        unsafe { core::slice::from_raw_parts(msg.input_data, msg.input_size) }
    };
    if !code.is_empty() && !code.starts_with(b"\0asm") {
        return status_only(if vm.evm1_fallback.load(Ordering::Relaxed) {
            evmc_status_code::EVMC_REJECTED
        } else {
            evmc_status_code::EVMC_FAILURE
        });
    }
    let message = Message {
        kind,
        is_static: msg.flags & EVMC_STATIC != 0,
        depth: u32::try_from(msg.depth).unwrap_or(0),
        gas: msg.gas as u64,
        recipient: host::from_address(&msg.recipient),
        sender: host::from_address(&msg.sender),
        input,
        value: host::from_uint256be(&msg.value),
        code_address: host::from_address(&msg.code_address),
        salt: Bytes32(msg.create2_salt.bytes),
    };
    let mut config = Config::contract(if vm.metering.load(Ordering::Relaxed) {
        GasSchedule::V1
    } else {
        GasSchedule::HERA_UNMETERED
    });
    config.keccak_system_contract = vm.keccak09.load(Ordering::Relaxed);
    // SAFETY: the host's interface and context stay valid during `execute`.
    let mut engine_host = unsafe { host::EvmcHost::new(interface, context) };
    // Cloned (an `Arc`) so that the lock is not held while nested calls re-enter the VM.
    let Ok(backend) = vm.engines.lock().map(|engines| engines.selected.clone()) else {
        return internal_error();
    };
    to_evmc_result(backend.execute(&config, &mut engine_host, &message, code))
}
