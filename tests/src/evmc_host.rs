//! EVMC from the host's side: [`EvmcLibrary`] loads an EVMC VM from a shared library
//! with `dlopen` (by path, as Ethereum clients do) and runs contracts for a [`World`]
//! through an in-memory ABI-12 host interface ([`HOST_INTERFACE`]) whose context is the
//! world. Nested calls go from the VM to the host's `call` callback, into
//! `World::call`, and back into the library's `execute`.
//!
//! This is FFI: the callbacks receive raw pointers from the VM. Each `unsafe` block
//! states what the EVMC contract guarantees about them.

#![allow(unsafe_code)]

use std::ffi::{CStr, CString, c_char};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use anyhow::{Context as _, Result, anyhow, bail};
use ssvm_engine::{Bytes32, ExecutionResult, Host, Message};
use ssvm_evmc::ffi::*;
use ssvm_evmc::host::{
    from_address, from_call_kind, from_uint256be, take_result, to_address, to_message, to_status,
    to_uint256be,
};

use ssvm_engine::world::{Executor, World};

/// A loaded EVMC VM.
pub struct EvmcLibrary {
    vm: *mut evmc_vm,
    // Dropped after `vm` is destroyed (see `Drop`).
    _library: libloading::Library,
}

impl EvmcLibrary {
    /// Loads the VM from `path`, using `evmc_create_<name>` derived from the file name
    /// as EVMC's loader does, falling back to `evmc_create`.
    pub fn load(path: &Path) -> Result<EvmcLibrary> {
        // SAFETY: loading a shared library runs its initializers; the path is the
        // caller's choice of an EVMC VM library.
        let library = unsafe { libloading::Library::new(path) }
            .with_context(|| format!("loading {}", path.display()))?;
        let stem = path
            .file_name()
            .and_then(|n| n.to_str())
            .map(|n| n.trim_start_matches("lib"))
            .and_then(|n| n.split('.').next())
            .unwrap_or("");
        let specific = format!("evmc_create_{}", stem.replace('-', "_"));
        // SAFETY: EVMC's create functions have the `evmc_create_fn` signature.
        let create = unsafe {
            library
                .get::<evmc_create_fn>(specific.as_bytes())
                .or_else(|_| library.get::<evmc_create_fn>(b"evmc_create"))
        }
        .map_err(|e| anyhow!("{} exports no EVMC create function: {e}", path.display()))?;
        // SAFETY: calling the library's create function.
        let vm = unsafe { create() };
        if vm.is_null() {
            bail!("the create function returned null");
        }
        let loaded = EvmcLibrary {
            vm,
            _library: library,
        };
        if loaded.abi_version() != EVMC_ABI_VERSION {
            bail!(
                "ABI version {} (expected {EVMC_ABI_VERSION})",
                loaded.abi_version()
            );
        }
        Ok(loaded)
    }

    fn base(&self) -> &evmc_vm {
        // SAFETY: `vm` is the live instance the library created.
        unsafe { &*self.vm }
    }

    /// The raw instance (for tests that call its function pointers directly).
    pub fn raw(&self) -> *mut evmc_vm {
        self.vm
    }

    /// `evmc_vm::abi_version`.
    pub fn abi_version(&self) -> i32 {
        self.base().abi_version
    }

    fn c_str(pointer: *const c_char) -> Option<String> {
        // SAFETY: EVMC requires NUL-terminated strings for the name and version.
        (!pointer.is_null()).then(|| {
            unsafe { CStr::from_ptr(pointer) }
                .to_string_lossy()
                .into_owned()
        })
    }

    /// `evmc_vm::name`.
    pub fn name(&self) -> Option<String> {
        Self::c_str(self.base().name)
    }

    /// `evmc_vm::version`.
    pub fn version(&self) -> Option<String> {
        Self::c_str(self.base().version)
    }

    /// `get_capabilities`.
    pub fn capabilities(&self) -> u32 {
        match self.base().get_capabilities {
            // SAFETY: the VM's own function on the VM.
            Some(f) => unsafe { f(self.vm) },
            None => 0,
        }
    }

    /// `set_option`, with `None` passing a null pointer.
    pub fn set_option(&self, name: Option<&str>, value: Option<&str>) -> evmc_set_option_result {
        let Some(f) = self.base().set_option else {
            return evmc_set_option_result::EVMC_SET_OPTION_INVALID_NAME;
        };
        let name = name.map(|n| CString::new(n).expect("no NUL"));
        let value = value.map(|v| CString::new(v).expect("no NUL"));
        // SAFETY: NUL-terminated strings or null, alive during the call.
        unsafe {
            f(
                self.vm,
                name.as_ref().map_or(core::ptr::null(), |n| n.as_ptr()),
                value.as_ref().map_or(core::ptr::null(), |v| v.as_ptr()),
            )
        }
    }

    /// Calls `execute` with raw arguments and returns the raw result (the caller
    /// releases it with [`take_result`]).
    ///
    /// # Safety
    /// The pointers must satisfy EVMC's requirements for `execute`.
    pub unsafe fn execute_raw(
        &self,
        host: *const evmc_host_interface,
        context: *mut evmc_host_context,
        message: *const evmc_message,
        code: &[u8],
    ) -> evmc_result {
        let execute = self.base().execute.expect("execute is mandatory");
        // SAFETY: forwarded from the caller's contract.
        unsafe {
            execute(
                self.vm,
                host,
                context,
                evmc_revision::EVMC_BYZANTIUM,
                message,
                code.as_ptr(),
                code.len(),
            )
        }
    }
}

impl Drop for EvmcLibrary {
    fn drop(&mut self) {
        if let Some(destroy) = self.base().destroy {
            // SAFETY: destroyed once, before the library is unloaded.
            unsafe { destroy(self.vm) };
        }
    }
}

impl Executor for EvmcLibrary {
    fn execute(&self, world: &mut World, message: &Message<'_>, code: &[u8]) -> ExecutionResult {
        // SAFETY: `vm` is the live instance the library created; the result is taken
        // once.
        unsafe { result_of(execute_on_world(self.vm, world, &to_message(message), code)) }
    }
}

/// Runs `code` for `message` on the EVMC VM `vm` with [`HOST_INTERFACE`] over `world`
/// (the host of the VM's callbacks and nested calls), with Byzantium rules; returns the
/// raw result, to be released with [`result_of`] or [`take_result`].
///
/// # Safety
/// `vm` must be a live VM of an ABI-12 library, and `message`'s input pointer readable
/// for its size.
pub unsafe fn execute_on_world(
    vm: *mut evmc_vm,
    world: &mut World,
    message: &evmc_message,
    code: &[u8],
) -> evmc_result {
    let context: *mut World = world;
    // SAFETY: per this function's contract; the host interface's callbacks expect a
    // `World` context, which stays alive and is used only through the VM's callbacks
    // during the call.
    unsafe {
        let execute = (*vm).execute.expect("execute is mandatory");
        execute(
            vm,
            &HOST_INTERFACE,
            context.cast::<evmc_host_context>(),
            evmc_revision::EVMC_BYZANTIUM,
            message,
            code.as_ptr(),
            code.len(),
        )
    }
}

/// The engine's view of a raw result, which is released.
///
/// # Safety
/// `result` must come from a VM's `execute` and not have been released.
pub unsafe fn result_of(result: evmc_result) -> ExecutionResult {
    // SAFETY: per this function's contract.
    let (status, output, gas_left, gas_refund, _) = unsafe { take_result(result) };
    ExecutionResult {
        status,
        output,
        gas_left,
        gas_refund,
        create_address: None,
        failure: None,
    }
}

/// The path of `libssvm-evmc.so` built with this test binary: `$SSVM_EVMC_LIB`, or
/// cargo's `libssvm_evmc_so.so` (package `ssvm-evmc-so`, a dev-dependency of this crate)
/// next to the running executable, copied once to the name hosts load (cargo cannot
/// emit the hyphen).
pub fn built_library() -> Result<PathBuf> {
    static PATH: OnceLock<std::result::Result<PathBuf, String>> = OnceLock::new();
    PATH.get_or_init(|| locate_built_library().map_err(|e| format!("{e:#}")))
        .clone()
        .map_err(|e| anyhow!(e))
}

fn locate_built_library() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("SSVM_EVMC_LIB") {
        return Ok(PathBuf::from(path));
    }
    let exe = std::env::current_exe()?;
    let mut dir = exe.parent();
    while let Some(current) = dir {
        for candidate in [
            current.join("libssvm_evmc_so.so"),
            current.join("deps/libssvm_evmc_so.so"),
        ] {
            if candidate.exists() {
                let named = current.join("libssvm-evmc.so");
                // Copy then rename: concurrent test binaries never see half a file.
                let partial = current.join(format!("libssvm-evmc.so.{}", std::process::id()));
                std::fs::copy(&candidate, &partial)?;
                std::fs::rename(&partial, &named)?;
                return Ok(named);
            }
        }
        dir = current.parent();
    }
    bail!(
        "libssvm_evmc_so.so not found near {}; build ssvm-evmc-so first",
        exe.display()
    )
}

// ---------------------------------------------------------------- the host interface

/// The ABI-12 host interface over a [`World`] context.
pub static HOST_INTERFACE: evmc_host_interface = evmc_host_interface {
    account_exists: Some(account_exists),
    get_storage: Some(get_storage),
    set_storage: Some(set_storage),
    get_balance: Some(get_balance),
    get_code_size: Some(get_code_size),
    get_code_hash: Some(get_code_hash),
    copy_code: Some(copy_code),
    selfdestruct: Some(selfdestruct),
    call: Some(call),
    get_tx_context: Some(get_tx_context),
    get_block_hash: Some(get_block_hash),
    emit_log: Some(emit_log),
    access_account: Some(access_account),
    access_storage: Some(access_storage),
    get_transient_storage: Some(get_transient_storage),
    set_transient_storage: Some(set_transient_storage),
};

/// The world behind a context pointer.
///
/// # Safety
/// `context` must be the `World` passed to `execute`, with no other live reference
/// used while the callback runs (the VM calls back synchronously).
unsafe fn world<'a>(context: *mut evmc_host_context) -> &'a mut World {
    // SAFETY: per this function's contract.
    unsafe { &mut *context.cast::<World>() }
}

/// # Safety
/// `pointer` must point to a valid value (the VM passes its own values).
unsafe fn read<T: Copy>(pointer: *const T) -> T {
    // SAFETY: per this function's contract.
    unsafe { *pointer }
}

unsafe extern "C" fn account_exists(
    context: *mut evmc_host_context,
    address: *const evmc_address,
) -> bool {
    // SAFETY: the VM passes our context and a valid address.
    unsafe { world(context).account_exists(&from_address(&read(address))) }
}

unsafe extern "C" fn get_storage(
    context: *mut evmc_host_context,
    address: *const evmc_address,
    key: *const evmc_bytes32,
) -> evmc_bytes32 {
    // SAFETY: as above.
    let (world, address, key) = unsafe { (world(context), read(address), read(key)) };
    evmc_bytes32 {
        bytes: world
            .storage(&from_address(&address), &Bytes32(key.bytes))
            .0,
    }
}

unsafe extern "C" fn set_storage(
    context: *mut evmc_host_context,
    address: *const evmc_address,
    key: *const evmc_bytes32,
    value: *const evmc_bytes32,
) -> evmc_storage_status {
    // SAFETY: as above.
    let (world, address, key, value) =
        unsafe { (world(context), read(address), read(key), read(value)) };
    let (address, key, value) = (
        from_address(&address),
        Bytes32(key.bytes),
        Bytes32(value.bytes),
    );
    let old = world.storage(&address, &key);
    world.set_storage(&address, &key, &value);
    match (old.is_zero(), value.is_zero()) {
        _ if old == value => evmc_storage_status::EVMC_STORAGE_ASSIGNED,
        (true, false) => evmc_storage_status::EVMC_STORAGE_ADDED,
        (false, true) => evmc_storage_status::EVMC_STORAGE_DELETED,
        _ => evmc_storage_status::EVMC_STORAGE_MODIFIED,
    }
}

unsafe extern "C" fn get_balance(
    context: *mut evmc_host_context,
    address: *const evmc_address,
) -> evmc_uint256be {
    // SAFETY: as above.
    let (world, address) = unsafe { (world(context), read(address)) };
    to_uint256be(&world.balance(&from_address(&address)))
}

unsafe extern "C" fn get_code_size(
    context: *mut evmc_host_context,
    address: *const evmc_address,
) -> usize {
    // SAFETY: as above.
    let (world, address) = unsafe { (world(context), read(address)) };
    world.code_size(&from_address(&address))
}

unsafe extern "C" fn get_code_hash(
    context: *mut evmc_host_context,
    address: *const evmc_address,
) -> evmc_bytes32 {
    // SAFETY: as above.
    let (world, address) = unsafe { (world(context), read(address)) };
    evmc_bytes32 {
        bytes: world.code_hash(&from_address(&address)).0,
    }
}

unsafe extern "C" fn copy_code(
    context: *mut evmc_host_context,
    address: *const evmc_address,
    offset: usize,
    buffer: *mut u8,
    size: usize,
) -> usize {
    // SAFETY: as above; the VM's buffer is writable for `size` bytes.
    let (world, address) = unsafe { (world(context), read(address)) };
    if size == 0 {
        return 0;
    }
    // SAFETY: as above.
    let buffer = unsafe { core::slice::from_raw_parts_mut(buffer, size) };
    world.copy_code(&from_address(&address), offset, buffer)
}

unsafe extern "C" fn selfdestruct(
    context: *mut evmc_host_context,
    address: *const evmc_address,
    beneficiary: *const evmc_address,
) -> bool {
    // SAFETY: as above.
    let (world, address, beneficiary) =
        unsafe { (world(context), read(address), read(beneficiary)) };
    world.selfdestruct(&from_address(&address), &from_address(&beneficiary))
}

unsafe extern "C" fn release_output(result: *const evmc_result) {
    // SAFETY: a result this host produced in `call`, released once.
    let result = unsafe { &*result };
    if !result.output_data.is_null() {
        let slice =
            core::ptr::slice_from_raw_parts_mut(result.output_data.cast_mut(), result.output_size);
        // SAFETY: allocated by `Box::<[u8]>::into_raw` with this length.
        drop(unsafe { Box::from_raw(slice) });
    }
}

unsafe extern "C" fn call(
    context: *mut evmc_host_context,
    message: *const evmc_message,
) -> evmc_result {
    // SAFETY: as above; the message and its input are valid during the call.
    let (world, message) = unsafe { (world(context), &*message) };
    let failure = evmc_result {
        status_code: evmc_status_code::EVMC_FAILURE,
        gas_left: 0,
        gas_refund: 0,
        output_data: core::ptr::null(),
        output_size: 0,
        release: None,
        create_address: evmc_address::default(),
        padding: [0; 4],
    };
    let Some(kind) = from_call_kind(message.kind) else {
        return failure;
    };
    let input: &[u8] = if message.input_size == 0 || message.input_data.is_null() {
        &[]
    } else {
        // SAFETY: readable for `input_size` bytes during the call.
        unsafe { core::slice::from_raw_parts(message.input_data, message.input_size) }
    };
    let outcome = world.call(&Message {
        kind,
        is_static: message.flags & EVMC_STATIC != 0,
        depth: u32::try_from(message.depth).unwrap_or(0),
        gas: u64::try_from(message.gas).unwrap_or(0),
        recipient: from_address(&message.recipient),
        sender: from_address(&message.sender),
        input,
        value: from_uint256be(&message.value),
        code_address: from_address(&message.code_address),
        salt: Bytes32(message.create2_salt.bytes),
    });
    let mut result = evmc_result {
        status_code: to_status(outcome.status),
        gas_left: i64::try_from(outcome.gas_left).unwrap_or(i64::MAX),
        gas_refund: i64::try_from(outcome.gas_refund).unwrap_or(i64::MAX),
        create_address: outcome
            .create_address
            .map_or(evmc_address::default(), |a| to_address(&a)),
        ..failure
    };
    if !outcome.output.is_empty() {
        let output: Box<[u8]> = outcome.output.into_boxed_slice();
        result.output_size = output.len();
        result.output_data = Box::into_raw(output).cast::<u8>();
        result.release = Some(release_output);
    }
    result
}

unsafe extern "C" fn get_tx_context(context: *mut evmc_host_context) -> evmc_tx_context {
    // SAFETY: as above.
    let world = unsafe { world(context) };
    let tx = world.tx_context();
    let zero = evmc_bytes32::default();
    evmc_tx_context {
        tx_gas_price: to_uint256be(&tx.gas_price),
        tx_origin: to_address(&tx.origin),
        block_coinbase: to_address(&tx.coinbase),
        block_number: i64::try_from(tx.number).unwrap_or(i64::MAX),
        block_timestamp: i64::try_from(tx.timestamp).unwrap_or(i64::MAX),
        block_gas_limit: i64::try_from(tx.gas_limit).unwrap_or(i64::MAX),
        block_prev_randao: to_uint256be(&tx.difficulty),
        chain_id: to_uint256be(&tx.chain_id),
        block_base_fee: zero,
        blob_base_fee: zero,
        blob_hashes: core::ptr::null(),
        blob_hashes_count: 0,
        initcodes: core::ptr::null(),
        initcodes_count: 0,
    }
}

unsafe extern "C" fn get_block_hash(context: *mut evmc_host_context, number: i64) -> evmc_bytes32 {
    // SAFETY: as above.
    let world = unsafe { world(context) };
    match u64::try_from(number) {
        Ok(number) => evmc_bytes32 {
            bytes: world.block_hash(number).0,
        },
        Err(_) => evmc_bytes32::default(),
    }
}

unsafe extern "C" fn emit_log(
    context: *mut evmc_host_context,
    address: *const evmc_address,
    data: *const u8,
    data_size: usize,
    topics: *const evmc_bytes32,
    topics_count: usize,
) {
    // SAFETY: as above; data and topics are readable for their counts.
    let (world, address) = unsafe { (world(context), read(address)) };
    let data: &[u8] = if data_size == 0 {
        &[]
    } else {
        // SAFETY: as above.
        unsafe { core::slice::from_raw_parts(data, data_size) }
    };
    let topics: Vec<Bytes32> = if topics_count == 0 {
        Vec::new()
    } else {
        // SAFETY: as above.
        unsafe { core::slice::from_raw_parts(topics, topics_count) }
            .iter()
            .map(|t| Bytes32(t.bytes))
            .collect()
    };
    world.emit_log(&from_address(&address), &topics, data);
}

unsafe extern "C" fn access_account(
    _: *mut evmc_host_context,
    _: *const evmc_address,
) -> evmc_access_status {
    // Byzantium has no access lists.
    evmc_access_status::EVMC_ACCESS_WARM
}

unsafe extern "C" fn access_storage(
    _: *mut evmc_host_context,
    _: *const evmc_address,
    _: *const evmc_bytes32,
) -> evmc_access_status {
    evmc_access_status::EVMC_ACCESS_WARM
}

unsafe extern "C" fn get_transient_storage(
    _: *mut evmc_host_context,
    _: *const evmc_address,
    _: *const evmc_bytes32,
) -> evmc_bytes32 {
    // Byzantium has no transient storage.
    evmc_bytes32::default()
}

unsafe extern "C" fn set_transient_storage(
    _: *mut evmc_host_context,
    _: *const evmc_address,
    _: *const evmc_bytes32,
    _: *const evmc_bytes32,
) {
}
