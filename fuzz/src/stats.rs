//! Counters of what the targets saw (executions, acceptances, classified resource
//! stops), for campaign reports: a target notes events with [`note`]; the replay tests
//! and `SSVM_FUZZ_STATS=N` (print every N executions) show them.

use std::collections::BTreeMap;
use std::sync::Mutex;

static COUNTS: Mutex<BTreeMap<&'static str, u64>> = Mutex::new(BTreeMap::new());

/// Counts one occurrence of `event`.
pub fn note(event: &'static str) {
    let mut counts = COUNTS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let count = counts.entry(event).or_default();
    *count += 1;
    // Print every N executions of a target if asked to.
    if event.ends_with(".runs")
        && let Some(every) = std::env::var("SSVM_FUZZ_STATS")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
        && every > 0
        && (*count).is_multiple_of(every)
    {
        let line: Vec<String> = counts.iter().map(|(k, v)| format!("{k}={v}")).collect();
        eprintln!("ssvm-fuzz stats: {}", line.join(" "));
    }
}

/// Every counter so far.
pub fn snapshot() -> BTreeMap<&'static str, u64> {
    COUNTS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone()
}
