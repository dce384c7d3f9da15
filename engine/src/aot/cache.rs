//! The artifact cache: compiled contracts by key, in memory and optionally on disk.
//!
//! A key is the keccak256 of the code hash, the gas schedule's version, the module
//! kind and flags, [`ENGINE_VERSION`] and [`WASMTIME_VERSION`], so a new engine or
//! schedule never meets an old artifact. A file holds [`MAGIC`], the key, the
//! keccak256 of the rest, the module's memory limits and wasmtime's serialized
//! artifact. A file whose magic, key or hash does not match (corrupted, truncated,
//! written by another version) is ignored and rewritten; wasmtime's own header check
//! comes after ours, so nothing unchecked is ever deserialized.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::execution::contract::CodeCache;
use crate::types::{Bytes32, keccak256};

/// The engine's version, part of every key.
pub const ENGINE_VERSION: &str = concat!("ssvm-engine ", env!("CARGO_PKG_VERSION"), " aot 1");
/// The wasmtime version the artifacts are compiled with, part of every key.
pub const WASMTIME_VERSION: &str = "wasmtime 48.0.8";
/// The first bytes of a cache file.
pub const MAGIC: &[u8; 8] = b"SSVMAOT1";

/// What a cache file stores besides wasmtime's artifact.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) struct Limits {
    /// Declared memory pages.
    pub initial_pages: u32,
    /// Pages `memory.grow` may reach.
    pub max_pages: u32,
}

/// The engine's bounded in-memory [`CodeCache`] plus an optional directory.
pub(crate) struct Cache<T> {
    entries: Mutex<CodeCache<Arc<T>>>,
    directory: Option<PathBuf>,
}

impl<T> Cache<T> {
    pub fn new(capacity: usize, directory: Option<PathBuf>) -> Cache<T> {
        Cache {
            entries: Mutex::new(CodeCache::new(capacity)),
            directory,
        }
    }

    pub fn get(&self, key: &Bytes32) -> Option<Arc<T>> {
        self.entries.lock().ok()?.get(key)
    }

    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
    }

    pub fn insert(&self, key: Bytes32, value: Arc<T>) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.insert(key, value);
        }
    }

    fn path(&self, key: &Bytes32) -> Option<PathBuf> {
        let directory = self.directory.as_ref()?;
        let mut name = String::with_capacity(64 + 6);
        for byte in key.0 {
            name.push_str(&format!("{byte:02x}"));
        }
        name.push_str(".cwasm");
        Some(directory.join(name))
    }

    /// The verified contents of `key`'s file: its limits and wasmtime's artifact.
    pub fn read_file(&self, key: &Bytes32) -> Option<(Limits, Vec<u8>)> {
        let bytes = std::fs::read(self.path(key)?).ok()?;
        decode(key, &bytes)
    }

    /// Writes `key`'s file (best effort: a cache that cannot be written is not an
    /// error, the next run compiles again). Writes to a temporary name first, so a
    /// reader never sees a half-written file.
    pub fn write_file(&self, key: &Bytes32, limits: Limits, artifact: &[u8]) {
        let Some(path) = self.path(key) else {
            return;
        };
        let bytes = encode(key, limits, artifact);
        let temporary = path.with_extension(format!("tmp{}", std::process::id()));
        if let Some(directory) = path.parent() {
            let _ = std::fs::create_dir_all(directory);
        }
        if std::fs::write(&temporary, bytes).is_ok() {
            let _ = std::fs::rename(&temporary, &path);
        }
        let _ = std::fs::remove_file(&temporary);
    }

    /// The directory, if any.
    #[allow(dead_code)]
    pub fn directory(&self) -> Option<&Path> {
        self.directory.as_deref()
    }
}

/// The key of `code` under the given settings.
pub(crate) fn key(code: &[u8], settings: &[u8]) -> Bytes32 {
    let mut preimage = Vec::with_capacity(32 + settings.len() + 64);
    preimage.extend_from_slice(&keccak256(code).0);
    preimage.extend_from_slice(settings);
    preimage.extend_from_slice(ENGINE_VERSION.as_bytes());
    preimage.extend_from_slice(WASMTIME_VERSION.as_bytes());
    keccak256(&preimage)
}

const HEADER: usize = 8 + 32 + 32;

pub(crate) fn encode(key: &Bytes32, limits: Limits, artifact: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(8 + artifact.len());
    body.extend_from_slice(&limits.initial_pages.to_le_bytes());
    body.extend_from_slice(&limits.max_pages.to_le_bytes());
    body.extend_from_slice(artifact);
    let mut bytes = Vec::with_capacity(HEADER + body.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&key.0);
    bytes.extend_from_slice(&keccak256(&body).0);
    bytes.extend_from_slice(&body);
    bytes
}

pub(crate) fn decode(key: &Bytes32, bytes: &[u8]) -> Option<(Limits, Vec<u8>)> {
    if bytes.len() < HEADER + 8 || &bytes[..8] != MAGIC || bytes[8..40] != key.0 {
        return None;
    }
    let body = &bytes[HEADER..];
    if keccak256(body).0 != bytes[40..72] {
        return None;
    }
    let limits = Limits {
        initial_pages: u32::from_le_bytes(body[..4].try_into().ok()?),
        max_pages: u32::from_le_bytes(body[4..8].try_into().ok()?),
    };
    Some((limits, body[8..].to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_round_trip_and_damage_is_detected() {
        let key = key(b"code", b"v1");
        let limits = Limits {
            initial_pages: 2,
            max_pages: 1024,
        };
        let bytes = encode(&key, limits, b"artifact");
        assert_eq!(decode(&key, &bytes), Some((limits, b"artifact".to_vec())));
        // Any flipped byte, a truncation or another key is rejected.
        for i in 0..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[i] ^= 1;
            assert_eq!(decode(&key, &damaged), None, "byte {i}");
        }
        assert_eq!(decode(&key, &bytes[..bytes.len() - 1]), None);
        assert_eq!(decode(&super::key(b"code", b"v2"), &bytes), None);
    }
}
