//! Locating `../shared` (the data the project does not vendor).

use std::path::PathBuf;

/// The shared data directory: `$SSVM_SHARED_DIR`, or `shared/` beside the repository.
/// `None` (after printing why) when it is missing, so the caller can skip.
pub fn shared_dir(what: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("SSVM_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
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
