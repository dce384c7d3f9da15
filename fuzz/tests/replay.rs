//! Every committed corpus input of every target (`corpus/<target>/`), replayed through
//! the target as an ordinary test: no instrumented build or libFuzzer needed. A panic
//! anywhere, including one a library catches (the EVMC library turns panics into
//! INTERNAL_ERROR), fails the input.

use std::cell::Cell;
use std::path::PathBuf;

thread_local! {
    /// Panics on this thread so far (tests run on several threads).
    static PANICS: Cell<usize> = const { Cell::new(0) };
}

fn count_panics() {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.with(|panics| panics.set(panics.get() + 1));
            default(info);
        }));
    });
}

fn inputs(target: &str) -> Vec<PathBuf> {
    // Cargo's runtime variable first: a binary built from another checkout sharing the
    // target directory may be counted fresh, and its compiled-in path is that checkout.
    let dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
        .join("corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

fn replay(target: &str) {
    count_panics();
    let run = ssvm_fuzz::targets::ALL
        .iter()
        .find(|(name, _)| *name == target)
        .expect("a target")
        .1;
    let files = inputs(target);
    assert!(!files.is_empty(), "no corpus for {target}");
    for path in &files {
        let data = std::fs::read(path).expect("corpus input");
        let before = PANICS.with(Cell::get);
        let outcome = std::panic::catch_unwind(|| run(&data));
        assert!(
            outcome.is_ok() && PANICS.with(Cell::get) == before,
            "{target}: {} failed",
            path.display()
        );
    }
    let stats: Vec<String> = ssvm_fuzz::stats::snapshot()
        .into_iter()
        .filter(|(event, _)| event.starts_with(target))
        .map(|(event, count)| format!("{event}={count}"))
        .collect();
    println!(
        "fuzz corpus {target}: {} inputs replayed; {}",
        files.len(),
        stats.join(" ")
    );
}

#[test]
fn validate_translate() {
    replay("validate_translate");
}

#[test]
fn differential() {
    replay("differential");
}

#[test]
fn contract() {
    replay("contract");
}

#[test]
fn evmc_execute() {
    replay("evmc_execute");
}

#[test]
fn statetest_json() {
    replay("statetest_json");
}

#[test]
fn pallet_call() {
    replay("pallet_call");
}
