//! Cross-crate test support: an Ethereum world state with journaling that implements
//! the engine's `Host` ([`world`]), the GeneralStateTests model and runner
//! ([`statetest`]) with state roots and logs hashes ([`roots`]), and an ABI-12 EVMC host
//! that runs contracts through a dlopened `libssvm-evmc.so` ([`evmc_host`]). The
//! `ssvm-statetest` binary is the command-line front end.

pub mod evmc_host;
pub mod paths;
pub mod roots;
pub mod statetest;

use std::path::{Path, PathBuf};

/// Every `.json` file under `path` (or `path` itself), sorted.
pub fn json_files(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    if path.is_dir() {
        for entry in std::fs::read_dir(path)? {
            files.extend(json_files(&entry?.path())?);
        }
    } else if path.extension().is_some_and(|e| e == "json") {
        files.push(path.to_path_buf());
    }
    files.sort();
    Ok(files)
}

/// The shared test data directory: `$SSVM_SHARED_DIR`, or `shared/` beside the
/// repository; `None` (after printing why) when missing.
pub fn shared_dir(what: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("SSVM_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("../../shared"));
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "SKIPPED {what}: {} not found. See README.md (\"Test data\") for where to get \
             it, or set SSVM_SHARED_DIR.",
            dir.display()
        );
        None
    }
}

/// This package's directory: `$CARGO_MANIFEST_DIR` as cargo sets it for the running
/// test, else the one compiled in. Cargo may count a test binary built from another
/// checkout sharing the target directory as fresh; the compiled-in path would then
/// point into that checkout.
pub fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}
