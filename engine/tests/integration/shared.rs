//! Locating `../shared` (the data the project does not vendor).

use std::path::PathBuf;

/// The shared data directory: `$SSVM_SHARED_DIR`, or `shared/` beside the repository.
/// `None` (after printing why) when it is missing, so the caller can skip.
pub fn shared_dir(what: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("SSVM_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("../../shared"));
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "SKIPPED {what}: {} not found. Clone the data described in README.md (\"Test data\") \
             next to the repository or set SSVM_SHARED_DIR.",
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
