//! A bounded fuzzing run of every target without libFuzzer or instrumentation: what CI
//! runs (`scripts/test.sh`), built with the ordinary test build of this package.
//!
//! ```sh
//! cargo run --manifest-path fuzz/Cargo.toml --example smoke -- [--seconds N] [--seed S] [--corpus DIR] [--shard I/N] [TARGET...]
//! ```
//!
//! `--shard I/N` runs the targets whose position in `targets::ALL` is I modulo N, so
//! that N processes share the targets (CI runs two, one per core).
//!
//! `--corpus DIR` takes the inputs to mutate from `DIR/<target>/` instead of the
//! committed `fuzz/corpus/<target>/` (e.g. a corpus a libFuzzer campaign grew).
//!
//! For each target (all by default) it replays the committed corpus, then, for
//! `--seconds` (default 60), runs inputs made by mutating corpus inputs (bit flips,
//! byte changes, inserted, deleted, duplicated and spliced ranges, random tails) and
//! fresh random ones, from a seeded generator: the seed is printed, and the same seed
//! replays the same inputs. A finding (a panic, also one a library catches) is written
//! to `fuzz/artifacts/<target>/smoke-<seed>-<n>` and fails the run. Without coverage
//! feedback this explores less than `cargo fuzz run` (scripts/fuzz.sh), which the
//! campaigns use; the structured targets (wasm-smith modules) make every input count.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

thread_local! {
    static PANICS: Cell<usize> = const { Cell::new(0) };
}

/// SplitMix64: a small, well-distributed generator; reproducible from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// A new input from the corpus: mutated, spliced, or fresh.
fn mutate(rng: &mut Rng, corpus: &[Vec<u8>]) -> Vec<u8> {
    if corpus.is_empty() || rng.below(8) == 0 {
        let len = 1 + rng.below(2048);
        return rng.bytes(len);
    }
    let mut input = corpus[rng.below(corpus.len())].clone();
    for _ in 0..1 + rng.below(6) {
        let len = input.len();
        match rng.below(8) {
            0 if len > 0 => {
                let at = rng.below(len);
                input[at] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let at = rng.below(len);
                input[at] = [0, 1, 0x7f, 0x80, 0xff][rng.below(5)];
            }
            2 => {
                let at = rng.below(len + 1);
                let n = 1 + rng.below(16);
                let bytes = rng.bytes(n);
                input.splice(at..at, bytes);
            }
            3 if len > 1 => {
                let at = rng.below(len);
                let end = (at + 1 + rng.below(32)).min(len);
                input.drain(at..end);
            }
            4 if len > 1 => {
                let at = rng.below(len);
                let end = (at + 1 + rng.below(64)).min(len);
                let copy = input[at..end].to_vec();
                let to = rng.below(len + 1);
                input.splice(to..to, copy);
            }
            5 => {
                let other = &corpus[rng.below(corpus.len())];
                let from = rng.below(other.len() + 1);
                let at = rng.below(len + 1);
                input.truncate(at);
                input.extend_from_slice(&other[from..]);
            }
            6 => {
                let n = rng.below(64);
                let tail = rng.bytes(n);
                input.extend(tail);
            }
            _ if len > 0 => {
                let at = rng.below(len);
                input[at] = rng.next() as u8;
            }
            _ => input.push(rng.next() as u8),
        }
    }
    input
}

fn corpus(dir: &Path) -> Vec<Vec<u8>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .filter(|path| path.is_file())
        .filter_map(|path| std::fs::read(path).ok())
        .collect()
}

/// Runs `input`; returns whether it passed (no panic anywhere).
fn passes(run: fn(&[u8]), input: &[u8]) -> bool {
    let before = PANICS.with(Cell::get);
    let outcome = std::panic::catch_unwind(|| run(input));
    outcome.is_ok() && PANICS.with(Cell::get) == before
}

fn main() {
    let mut seconds = 60u64;
    let mut seed = None;
    let mut corpus_dir = None;
    let mut wanted = Vec::new();
    let mut shard = (0usize, 1usize);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => {
                seconds = args
                    .next()
                    .and_then(|s| s.parse().ok())
                    .expect("--seconds N")
            }
            "--seed" => seed = Some(args.next().and_then(|s| s.parse().ok()).expect("--seed S")),
            "--corpus" => corpus_dir = Some(PathBuf::from(args.next().expect("--corpus DIR"))),
            "--shard" => {
                shard = args
                    .next()
                    .and_then(|s| {
                        let (index, count) = s.split_once('/')?;
                        Some((index.parse().ok()?, count.parse().ok()?))
                    })
                    .filter(|&(index, count)| index < count)
                    .expect("--shard I/N with I < N")
            }
            name => wanted.push(name.to_string()),
        }
    }
    let seed = seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
    });
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.with(|panics| panics.set(panics.get() + 1));
        default_hook(info);
    }));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut failed = false;
    for (position, &(name, run)) in ssvm_fuzz::targets::ALL.iter().enumerate() {
        if !wanted.is_empty() && !wanted.iter().any(|w| w == name) || position % shard.1 != shard.0
        {
            continue;
        }
        let corpus = corpus(
            &corpus_dir
                .clone()
                .unwrap_or_else(|| root.join("corpus"))
                .join(name),
        );
        for (i, input) in corpus.iter().enumerate() {
            if !passes(run, input) {
                println!("fuzz smoke {name}: corpus input #{i} fails (see the replay test)");
                failed = true;
            }
        }
        let mut rng = Rng(seed ^ name.len() as u64);
        let start = Instant::now();
        let mut runs = 0u64;
        while start.elapsed() < Duration::from_secs(seconds) {
            let input = mutate(&mut rng, &corpus);
            runs += 1;
            if !passes(run, &input) {
                let dir = root.join("artifacts").join(name);
                let _ = std::fs::create_dir_all(&dir);
                let path = dir.join(format!("smoke-{seed}-{runs}"));
                let _ = std::fs::write(&path, &input);
                println!(
                    "fuzz smoke {name}: FINDING, input written to {}",
                    path.display()
                );
                failed = true;
                break;
            }
        }
        println!(
            "fuzz smoke {name}: {runs} executions in {:.0}s ({} corpus inputs, seed {seed})",
            start.elapsed().as_secs_f64(),
            corpus.len()
        );
        let counts: Vec<String> = ssvm_fuzz::stats::snapshot()
            .into_iter()
            .filter(|(event, _)| event.starts_with(name))
            .map(|(event, count)| format!("{}={count}", &event[name.len() + 1..]))
            .collect();
        println!("  {name} counts: {}", counts.join(" "));
    }
    if failed {
        std::process::exit(1);
    }
}
