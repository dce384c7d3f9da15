//! Minimal bindings to the Ethereum Environment Interface (module `ethereum`) and the
//! ssvm `bignum` extension, for `no_std` contracts compiled to `wasm32-unknown-unknown`.
//!
//! [`sys`] declares the raw imports exactly as the engine's EEI table does; the
//! functions at the top level wrap them with slices and fixed-size arrays. This crate is
//! the only `unsafe` code of the contracts: each call passes pointers to live buffers of
//! the length the EEI reads or writes.

#![no_std]

/// A 20-byte account address.
pub type Address = [u8; 20];
/// A 32-byte word.
pub type Word = [u8; 32];

/// The raw imports.
#[allow(missing_docs, non_snake_case)]
pub mod sys {
    #[link(wasm_import_module = "ethereum")]
    unsafe extern "C" {
        pub fn useGas(amount: i64);
        pub fn getGasLeft() -> i64;
        pub fn getAddress(result: *mut u8);
        pub fn getExternalBalance(address: *const u8, result: *mut u8);
        pub fn getBlockHash(number: i64, result: *mut u8) -> i32;
        pub fn getCallDataSize() -> i32;
        pub fn callDataCopy(result: *mut u8, offset: i32, length: i32);
        pub fn getCaller(result: *mut u8);
        pub fn getCallValue(result: *mut u8);
        pub fn codeCopy(result: *mut u8, offset: i32, length: i32);
        pub fn getCodeSize() -> i32;
        pub fn getBlockNumber() -> i64;
        pub fn getBlockTimestamp() -> i64;
        pub fn log(
            data: *const u8,
            length: i32,
            topics: i32,
            topic1: *const u8,
            topic2: *const u8,
            topic3: *const u8,
            topic4: *const u8,
        );
        pub fn storageStore(key: *const u8, value: *const u8);
        pub fn storageLoad(key: *const u8, result: *mut u8);
        pub fn finish(data: *const u8, length: i32) -> !;
        pub fn revert(data: *const u8, length: i32) -> !;
        pub fn getReturnDataSize() -> i32;
        pub fn returnDataCopy(result: *mut u8, offset: i32, length: i32);
        pub fn call(gas: i64, address: *const u8, value: *const u8, data: *const u8, length: i32) -> i32;
        pub fn callDelegate(gas: i64, address: *const u8, data: *const u8, length: i32) -> i32;
        pub fn callStatic(gas: i64, address: *const u8, data: *const u8, length: i32) -> i32;
        pub fn create(value: *const u8, data: *const u8, length: i32, result: *mut u8) -> i32;
        pub fn create2(value: *const u8, data: *const u8, length: i32, salt: *const u8, result: *mut u8) -> i32;
        pub fn selfDestruct(beneficiary: *const u8) -> !;
    }

    #[link(wasm_import_module = "bignum")]
    unsafe extern "C" {
        pub fn mulmod256(a: *const u8, b: *const u8, m: *const u8, result: *mut u8);
        pub fn mulmodmont256(a: *const u8, b: *const u8, m: *const u8, inv: *const u8, result: *mut u8);
        pub fn add256(a: *const u8, b: *const u8, result: *mut u8);
        pub fn lt256(a: *const u8, b: *const u8) -> i32;
    }
}

#[cfg(feature = "panic-handler")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

/// The executing contract's address.
pub fn address() -> Address {
    let mut out = [0; 20];
    // SAFETY: `out` is 20 writable bytes.
    unsafe { sys::getAddress(out.as_mut_ptr()) };
    out
}

/// The caller's address.
pub fn caller() -> Address {
    let mut out = [0; 20];
    // SAFETY: `out` is 20 writable bytes.
    unsafe { sys::getCaller(out.as_mut_ptr()) };
    out
}

/// The value sent with the call.
pub fn call_value() -> u128 {
    let mut out = [0; 16];
    // SAFETY: `out` is 16 writable bytes.
    unsafe { sys::getCallValue(out.as_mut_ptr()) };
    u128::from_le_bytes(out)
}

/// The balance of `account`.
pub fn balance(account: &Address) -> u128 {
    let mut out = [0; 16];
    // SAFETY: 20 readable and 16 writable bytes.
    unsafe { sys::getExternalBalance(account.as_ptr(), out.as_mut_ptr()) };
    u128::from_le_bytes(out)
}

/// The length of the call data.
pub fn call_data_size() -> usize {
    // SAFETY: no pointers.
    unsafe { sys::getCallDataSize() as usize }
}

/// Copies call data from `offset` into `buffer` (traps if the call data is shorter).
pub fn call_data_copy(buffer: &mut [u8], offset: usize) {
    // SAFETY: `buffer` is writable for its length.
    unsafe { sys::callDataCopy(buffer.as_mut_ptr(), offset as i32, buffer.len() as i32) };
}

/// Reads a fixed-size piece of call data.
pub fn call_data<const N: usize>(offset: usize) -> [u8; N] {
    let mut out = [0; N];
    call_data_copy(&mut out, offset);
    out
}

/// The size of the executing code.
pub fn code_size() -> usize {
    // SAFETY: no pointers.
    unsafe { sys::getCodeSize() as usize }
}

/// Copies the executing code from `offset` into `buffer`.
pub fn code_copy(buffer: &mut [u8], offset: usize) {
    // SAFETY: `buffer` is writable for its length.
    unsafe { sys::codeCopy(buffer.as_mut_ptr(), offset as i32, buffer.len() as i32) };
}

/// Reads a storage slot.
pub fn storage_load(key: &Word) -> Word {
    let mut out = [0; 32];
    // SAFETY: 32 readable and 32 writable bytes.
    unsafe { sys::storageLoad(key.as_ptr(), out.as_mut_ptr()) };
    out
}

/// Writes a storage slot.
pub fn storage_store(key: &Word, value: &Word) {
    // SAFETY: 32 readable bytes each.
    unsafe { sys::storageStore(key.as_ptr(), value.as_ptr()) };
}

/// Emits a log with up to four topics.
pub fn log(data: &[u8], topics: &[Word]) {
    let topic = |i: usize| topics.get(i).map_or(core::ptr::null(), |t| t.as_ptr());
    // SAFETY: `data` is readable for its length; only the first `topics.len()` topic
    // pointers are read, and they point to 32-byte words.
    unsafe {
        sys::log(
            data.as_ptr(),
            data.len() as i32,
            topics.len() as i32,
            topic(0),
            topic(1),
            topic(2),
            topic(3),
        )
    };
}

/// Ends the execution successfully with `data` as output.
pub fn finish(data: &[u8]) -> ! {
    // SAFETY: `data` is readable for its length.
    unsafe { sys::finish(data.as_ptr(), data.len() as i32) }
}

/// Ends the execution with a revert and `data` as output.
pub fn revert(data: &[u8]) -> ! {
    // SAFETY: `data` is readable for its length.
    unsafe { sys::revert(data.as_ptr(), data.len() as i32) }
}

/// The gas left.
pub fn gas_left() -> i64 {
    // SAFETY: no pointers.
    unsafe { sys::getGasLeft() }
}

/// The size of the return-data buffer.
pub fn return_data_size() -> usize {
    // SAFETY: no pointers.
    unsafe { sys::getReturnDataSize() as usize }
}

/// Copies the return-data buffer from `offset` into `buffer`.
pub fn return_data_copy(buffer: &mut [u8], offset: usize) {
    // SAFETY: `buffer` is writable for its length.
    unsafe { sys::returnDataCopy(buffer.as_mut_ptr(), offset as i32, buffer.len() as i32) };
}

/// Calls `address` with `value` and `data`, forwarding `gas`; 0 success, 1 failure,
/// 2 revert.
pub fn call(gas: i64, address: &Address, value: u128, data: &[u8]) -> i32 {
    let value = value.to_le_bytes();
    // SAFETY: all pointers refer to live buffers of the lengths the EEI reads.
    unsafe { sys::call(gas, address.as_ptr(), value.as_ptr(), data.as_ptr(), data.len() as i32) }
}

/// Calls `address` without allowing state changes.
pub fn call_static(gas: i64, address: &Address, data: &[u8]) -> i32 {
    // SAFETY: all pointers refer to live buffers of the lengths the EEI reads.
    unsafe { sys::callStatic(gas, address.as_ptr(), data.as_ptr(), data.len() as i32) }
}

/// Runs `address`'s code on this contract's storage, keeping caller and value.
pub fn call_delegate(gas: i64, address: &Address, data: &[u8]) -> i32 {
    // SAFETY: all pointers refer to live buffers of the lengths the EEI reads.
    unsafe { sys::callDelegate(gas, address.as_ptr(), data.as_ptr(), data.len() as i32) }
}

/// Deploys `init_code` with `value`; the new address, or the EEI result code.
pub fn create(value: u128, init_code: &[u8]) -> Result<Address, i32> {
    let value = value.to_le_bytes();
    let mut out = [0; 20];
    // SAFETY: all pointers refer to live buffers of the lengths the EEI uses.
    let result = unsafe {
        sys::create(value.as_ptr(), init_code.as_ptr(), init_code.len() as i32, out.as_mut_ptr())
    };
    if result == 0 { Ok(out) } else { Err(result) }
}

/// Deploys `init_code` at its CREATE2 address for `salt` (a little-endian u256).
pub fn create2(value: u128, init_code: &[u8], salt: &Word) -> Result<Address, i32> {
    let value = value.to_le_bytes();
    let mut out = [0; 20];
    // SAFETY: all pointers refer to live buffers of the lengths the EEI uses.
    let result = unsafe {
        sys::create2(
            value.as_ptr(),
            init_code.as_ptr(),
            init_code.len() as i32,
            salt.as_ptr(),
            out.as_mut_ptr(),
        )
    };
    if result == 0 { Ok(out) } else { Err(result) }
}

/// Self-destructs in favour of `beneficiary`.
pub fn self_destruct(beneficiary: &Address) -> ! {
    // SAFETY: 20 readable bytes.
    unsafe { sys::selfDestruct(beneficiary.as_ptr()) }
}

/// The storage slot that self-deploying contracts set once deployed.
const DEPLOYED: Word = [0xff; 32];

/// Whether this execution is the deployment of a self-deploying contract (see
/// [`deploy_self`]): true until `deploy_self` has run once for this account.
pub fn is_deploying() -> bool {
    storage_load(&DEPLOYED) == [0; 32]
}

/// Fresh, zeroed linear memory of `len` bytes past everything the contract uses,
/// valid for the rest of the execution.
pub fn scratch(len: usize) -> &'static mut [u8] {
    let pages = len.div_ceil(65_536);
    let first_page = core::arch::wasm32::memory_grow(0, pages);
    if first_page == usize::MAX {
        revert(b"out of memory");
    }
    // SAFETY: `memory_grow` just added `pages` zeroed pages starting at this address,
    // which nothing else refers to; the slice covers `len` bytes of them.
    unsafe { core::slice::from_raw_parts_mut((first_page * 65_536) as *mut u8, len) }
}

/// The whole call data, in scratch memory.
pub fn call_data_all() -> &'static [u8] {
    let data = scratch(call_data_size());
    call_data_copy(data, 0);
    data
}

/// Marks the contract deployed and returns its own code as the code to store, so one
/// module serves as its own init code. Call it at the end of a constructor.
pub fn deploy_self() -> ! {
    let mut one = [0; 32];
    one[31] = 1;
    storage_store(&DEPLOYED, &one);
    let code = scratch(code_size());
    code_copy(code, 0);
    finish(code)
}

/// 256-bit arithmetic on little-endian 64-bit limbs.
pub mod u256 {
    /// `a * b * 2^-256 mod m` (Montgomery product, CIOS) with `inv = -m^-1 mod 2^64`;
    /// requires odd `m` and `a, b < m`. The same algorithm as the engine's
    /// `bignum.mulmodmont256`, so plain-Wasm and native results can be compared.
    pub fn montgomery_multiply(a: &[u64; 4], b: &[u64; 4], m: &[u64; 4], inv: u64) -> [u64; 4] {
        let mut t = [0u64; 6];
        for &ai in a {
            let mut carry = 0u64;
            for j in 0..4 {
                let wide = t[j] as u128 + ai as u128 * b[j] as u128 + carry as u128;
                t[j] = wide as u64;
                carry = (wide >> 64) as u64;
            }
            let wide = t[4] as u128 + carry as u128;
            t[4] = wide as u64;
            t[5] = (wide >> 64) as u64;
            let factor = t[0].wrapping_mul(inv);
            let wide = t[0] as u128 + factor as u128 * m[0] as u128;
            let mut carry = (wide >> 64) as u64;
            for j in 1..4 {
                let wide = t[j] as u128 + factor as u128 * m[j] as u128 + carry as u128;
                t[j - 1] = wide as u64;
                carry = (wide >> 64) as u64;
            }
            let wide = t[4] as u128 + carry as u128;
            t[3] = wide as u64;
            t[4] = t[5].wrapping_add((wide >> 64) as u64);
            t[5] = 0;
        }
        let result = [t[0], t[1], t[2], t[3]];
        if t[4] != 0 || !less_than(&result, m) {
            sub(&result, m)
        } else {
            result
        }
    }

    /// `a < b`.
    pub fn less_than(a: &[u64; 4], b: &[u64; 4]) -> bool {
        for i in (0..4).rev() {
            if a[i] != b[i] {
                return a[i] < b[i];
            }
        }
        false
    }

    /// `a - b` modulo 2^256.
    pub fn sub(a: &[u64; 4], b: &[u64; 4]) -> [u64; 4] {
        let mut out = [0u64; 4];
        let mut borrow = false;
        for i in 0..4 {
            let (d1, b1) = a[i].overflowing_sub(b[i]);
            let (d2, b2) = d1.overflowing_sub(borrow as u64);
            out[i] = d2;
            borrow = b1 || b2;
        }
        out
    }

    /// The BN254 base-field modulus.
    pub const BN254_P: [u64; 4] = [
        0x3c20_8c16_d87c_fd47,
        0x9781_6a91_6871_ca8d,
        0xb850_45b6_8181_585d,
        0x3064_4e72_e131_a029,
    ];

    /// `-BN254_P^-1 mod 2^64`.
    pub const BN254_INV: u64 = 0x87d2_0782_e486_6389;

    /// Little-endian bytes of limbs.
    pub fn to_bytes(limbs: &[u64; 4]) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (i, limb) in limbs.iter().enumerate() {
            out[8 * i..8 * i + 8].copy_from_slice(&limb.to_le_bytes());
        }
        out
    }

    /// Limbs of little-endian bytes.
    pub fn from_bytes(bytes: &[u8; 32]) -> [u64; 4] {
        let mut limbs = [0u64; 4];
        for (i, limb) in limbs.iter_mut().enumerate() {
            let mut chunk = [0u8; 8];
            chunk.copy_from_slice(&bytes[8 * i..8 * i + 8]);
            *limb = u64::from_le_bytes(chunk);
        }
        limbs
    }
}
