//! `ssvm-statetest`: runs Ethereum GeneralStateTests (the Ewasm suite) on ssvm.
//!
//! ```text
//! ssvm-statetest ../shared/ewasm-tests/GeneralStateTests        # summary, progress bar
//! ssvm-statetest --json file.json                               # one JSON line per case
//! ssvm-statetest --trace --filter callDataCopy file.json        # instruction trace
//! ssvm-statetest --engine aot ../shared/ewasm-tests              # native code
//! ```
//!
//! The Ewasm tests were filled with Hera's instruction metering off, so contracts run
//! with the engine's Hera-compatible schedule (only EEI calls cost gas); `--metering`
//! charges every instruction (schedule V1) instead. Exits non-zero on any failure.

use std::path::PathBuf;
use std::process::ExitCode;
use std::rc::Rc;
use std::time::Instant;

use anyhow::Result;
use clap::{Parser, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use ssvm_engine::Backend;
use ssvm_engine::aot::{AotEngine, AotOptions};
use ssvm_engine::world::{Engine as InProcess, Executor};
use ssvm_engine::{Config, GasSchedule};
use ssvm_evmc::ffi::evmc_set_option_result;
use ssvm_tests::evmc_host::EvmcLibrary;
use ssvm_tests::statetest::{self, Options, hash_hex};

/// The engine that executes contracts.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Engine {
    /// The metered interpreter.
    Interpreter,
    /// Native code compiled by wasmtime/Cranelift, with the interpreter's gas.
    Aot,
}

#[derive(Parser)]
#[command(
    version,
    about = "Runs Ethereum GeneralStateTests (the Ewasm suite) on ssvm"
)]
struct Cli {
    /// Test files or directories (searched for .json files).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// One JSON line per case (name, fork, pass, stateRoot, error), like `evm statetest`.
    #[arg(long)]
    json: bool,
    /// Print the instruction trace of the (single) selected case.
    #[arg(long)]
    trace: bool,
    /// Charge every Wasm instruction (gas schedule V1) instead of Hera's unmetered schedule.
    #[arg(long)]
    metering: bool,
    /// Only run tests whose name contains this.
    #[arg(long)]
    filter: Option<String>,
    /// Print the time per file.
    #[arg(long)]
    timing: bool,
    /// The execution engine (with `--vm`, passed as the library's `engine` option).
    #[arg(long, value_enum, default_value = "interpreter")]
    engine: Engine,
    /// Execute through this EVMC library (e.g. libssvm-evmc.so) instead of the engine
    /// in process; `metering` is set to match `--metering`.
    #[arg(long, value_name = "PATH")]
    vm: Option<PathBuf>,
}

/// Native stack for the runner: 1024 nested contract calls need far more than the
/// main thread's 8 MiB in an unoptimized build.
const STACK_SIZE: usize = 1 << 30;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let worker = std::thread::Builder::new()
        .name("statetest".into())
        .stack_size(STACK_SIZE)
        .spawn(move || run(cli));
    let outcome = match worker.map(|handle| handle.join()) {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(_)) => Err(anyhow::anyhow!("the runner panicked")),
        Err(error) => Err(anyhow::anyhow!("cannot start the runner thread: {error}")),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<bool> {
    let schedule = if cli.metering {
        GasSchedule::V1
    } else {
        GasSchedule::HERA_UNMETERED
    };
    let vm: Rc<dyn Executor> = match &cli.vm {
        Some(path) => {
            let library = EvmcLibrary::load(path)?;
            let metering = if cli.metering { "true" } else { "false" };
            let engine = match cli.engine {
                Engine::Interpreter => "interpreter",
                Engine::Aot => "aot",
            };
            for (name, value) in [
                ("metering", metering),
                ("keccak09", "false"),
                ("engine", engine),
            ] {
                if library.set_option(Some(name), Some(value))
                    != evmc_set_option_result::EVMC_SET_OPTION_SUCCESS
                {
                    anyhow::bail!("{} rejects option {name}={value}", path.display());
                }
            }
            Rc::new(library)
        }
        None => {
            let mut config = Config::contract(schedule);
            // Byzantium has no keccak system contract at 0x..09.
            config.keccak_system_contract = false;
            match cli.engine {
                Engine::Interpreter => Rc::new(InProcess {
                    config,
                    backend: Backend::Interpreter,
                }),
                Engine::Aot => Rc::new(InProcess {
                    config,
                    backend: Backend::Aot(AotEngine::new(AotOptions::default())?.into()),
                }),
            }
        }
    };
    if cli.trace && (cli.vm.is_some() || cli.engine == Engine::Aot) {
        anyhow::bail!("--trace needs the in-process interpreter (not --vm or --engine aot)");
    }
    let options = Options {
        vm,
        trace: cli.trace,
    };
    let mut files = Vec::new();
    for path in &cli.paths {
        if !path.exists() {
            anyhow::bail!("{} does not exist", path.display());
        }
        files.extend(ssvm_tests::json_files(path)?);
    }
    let progress = if cli.json || cli.trace || files.len() < 2 {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(files.len() as u64).with_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        )
    };
    let (mut passed, mut failed) = (0usize, 0usize);
    let started = Instant::now();
    for file in &files {
        progress.set_message(
            file.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string(),
        );
        let file_started = Instant::now();
        let tests = match statetest::read_file(file) {
            Ok(tests) => tests,
            Err(error) => {
                failed += 1;
                progress.suspend(|| println!("FAIL {}: {error:#}", file.display()));
                progress.inc(1);
                continue;
            }
        };
        let mut file_ok = true;
        for (name, test) in &tests {
            if cli
                .filter
                .as_ref()
                .is_some_and(|f| !name.contains(f.as_str()))
            {
                continue;
            }
            for case in statetest::run_test(name, test, &options) {
                file_ok &= case.pass;
                if case.pass {
                    passed += 1;
                } else {
                    failed += 1;
                }
                if let Some(trace) = &case.trace {
                    for line in trace {
                        println!("{line}");
                    }
                }
                if cli.json {
                    let line = serde_json::json!({
                        "name": case.name,
                        "fork": case.fork,
                        "pass": case.pass,
                        "stateRoot": hash_hex(&case.state_root),
                        "logsHash": hash_hex(&case.logs_hash),
                        "status": case.status.map(|s| s.name()),
                        "gasUsed": case.gas_used,
                        "index": [case.indexes.data, case.indexes.gas, case.indexes.value],
                        "error": case.error,
                    });
                    println!("{line}");
                } else if !case.pass {
                    progress.suspend(|| {
                        println!(
                            "FAIL {} [{} {}/{}/{}]: {}",
                            case.name,
                            case.fork,
                            case.indexes.data,
                            case.indexes.gas,
                            case.indexes.value,
                            case.error.as_deref().unwrap_or("")
                        );
                        if let Some(filler) = statetest::filler_path(file, test) {
                            match statetest::filler_diff(&filler, name, &case.post) {
                                Ok(lines) if lines.is_empty() => {
                                    println!(
                                        "  (the filler's expect section agrees with the post state)"
                                    )
                                }
                                Ok(lines) => lines.iter().for_each(|l| println!("  {l}")),
                                Err(error) => println!("  (filler unreadable: {error:#})"),
                            }
                        }
                    });
                }
            }
        }
        if cli.timing && !cli.json {
            progress.suspend(|| {
                println!(
                    "{} {:>9.3} ms  {}",
                    if file_ok { "pass" } else { "FAIL" },
                    file_started.elapsed().as_secs_f64() * 1e3,
                    file.display()
                )
            });
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    if !cli.json {
        println!(
            "state tests: {passed} passed, {failed} failed, {} total in {} files ({:.2} s)",
            passed + failed,
            files.len(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(failed == 0)
}
