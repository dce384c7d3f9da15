//! The Ewasm state tests (`../shared/ewasm-tests`, 151 cases) must all pass on the
//! interpreter and on the AOT path; the Ewasm benchmark corpus (`../shared/ewasm-bench`)
//! is run and reported with times.

use std::process::Command;
use std::rc::Rc;
use std::time::Instant;

use ssvm_engine::Backend;
use ssvm_engine::aot::{AotEngine, AotOptions};
use ssvm_engine::world::{Engine as InProcess, Executor};
use ssvm_engine::{Config, GasSchedule};
use ssvm_tests::statetest::{self, Options};

/// 1024 nested contract calls need a large native stack in unoptimized builds.
fn with_big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(f)
        .expect("thread")
        .join()
        .expect("no panic")
}

/// The engine that runs the contracts.
#[derive(Clone, Copy, Debug)]
enum Engine {
    Interpreter,
    Aot,
}

fn options(engine: Engine) -> Options {
    let mut config = Config::contract(GasSchedule::HERA_UNMETERED);
    config.keccak_system_contract = false;
    let vm: Rc<dyn Executor> = match engine {
        Engine::Interpreter => Rc::new(InProcess {
            config,
            backend: Backend::Interpreter,
        }),
        Engine::Aot => Rc::new(InProcess {
            config,
            backend: Backend::Aot(
                AotEngine::new(AotOptions::default())
                    .expect("AOT engine")
                    .into(),
            ),
        }),
    };
    Options { vm, trace: false }
}

/// Runs every file under `dir`; returns (passed, failed, per-file lines).
fn run_dir(dir: &std::path::Path, engine: Engine) -> (usize, usize, Vec<String>) {
    let options = options(engine);
    let (mut passed, mut failed, mut lines) = (0, 0, Vec::new());
    for file in ssvm_tests::json_files(dir).expect("readable directory") {
        let started = Instant::now();
        let mut file_ok = true;
        let mut errors = Vec::new();
        match statetest::read_file(&file) {
            Ok(tests) => {
                for (name, test) in &tests {
                    for case in statetest::run_test(name, test, &options) {
                        if case.pass {
                            passed += 1;
                        } else {
                            failed += 1;
                            file_ok = false;
                            errors.push(format!(
                                "{name}: {} ({})",
                                case.error.unwrap_or_default(),
                                case.status.map_or("invalid transaction", |s| s.name())
                            ));
                        }
                    }
                }
            }
            Err(error) => {
                failed += 1;
                file_ok = false;
                errors.push(format!("{error:#}"));
            }
        }
        lines.push(format!(
            "{} {:>10.3} ms  {}{}",
            if file_ok { "pass" } else { "FAIL" },
            started.elapsed().as_secs_f64() * 1e3,
            file.strip_prefix(dir).unwrap_or(&file).display(),
            errors
                .iter()
                .map(|e| format!("\n      {e}"))
                .collect::<String>()
        ));
    }
    (passed, failed, lines)
}

fn ewasm_state_tests_all_pass_on(engine: Engine, what: &str) {
    let Some(shared) = ssvm_tests::shared_dir(what) else {
        return;
    };
    let dir = shared.join("ewasm-tests/GeneralStateTests");
    let (passed, failed, lines) = with_big_stack(move || run_dir(&dir, engine));
    for line in lines.iter().filter(|l| l.starts_with("FAIL")) {
        println!("{line}");
    }
    println!("state tests: {passed} passed, {failed} failed (Ewasm suite, in process, {engine:?})");
    assert_eq!(failed, 0);
    assert_eq!(passed, 151, "the Ewasm suite has 151 cases");
}

#[test]
fn ewasm_state_tests_all_pass() {
    ewasm_state_tests_all_pass_on(Engine::Interpreter, "Ewasm state tests");
}

#[test]
fn ewasm_state_tests_all_pass_on_aot() {
    ewasm_state_tests_all_pass_on(Engine::Aot, "Ewasm state tests on the AOT path");
}

#[test]
fn ewasm_benchmark_corpus_is_reported() {
    let Some(shared) = ssvm_tests::shared_dir("Ewasm benchmark corpus") else {
        return;
    };
    let dir = shared.join("ewasm-bench");
    let started = Instant::now();
    let (passed, failed, lines) = with_big_stack(move || run_dir(&dir, Engine::Interpreter));
    println!("ewasm-bench (precompiles and wasm-bench, in process, unoptimized test build):");
    for line in &lines {
        println!("  {line}");
    }
    println!(
        "state tests: {passed} passed, {failed} failed (ewasm-bench corpus, {:.2} s; the six \
         wasm-bench files share one copied expected root and are not conformance tests)",
        started.elapsed().as_secs_f64()
    );
    // The precompiles (filled with Hera) must pass; wasm-bench is reported only.
    assert!(
        lines
            .iter()
            .filter(|l| l.contains("precompiles/"))
            .all(|l| l.starts_with("pass")),
        "every Ewasm precompile benchmark must pass"
    );
}

#[test]
fn cli_json_trace_and_exit_codes() {
    let Some(shared) = ssvm_tests::shared_dir("state-test CLI") else {
        return;
    };
    let file = shared.join("ewasm-tests/GeneralStateTests/stEWASMTests/callDataCopy.json");
    let binary = env!("CARGO_BIN_EXE_ssvm-statetest");
    let json = Command::new(binary)
        .arg("--json")
        .arg(&file)
        .output()
        .unwrap();
    assert!(json.status.success());
    let line: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&json.stdout).trim()).unwrap();
    assert_eq!(line["name"], "callDataCopy");
    assert_eq!(line["fork"], "Byzantium");
    assert_eq!(line["pass"], true);
    assert_eq!(
        line["stateRoot"],
        "0x685317b83728ab60456f57fa1e427dd8ed0fb508dd0d8f4a66ea51420b2d0659"
    );

    let trace = Command::new(binary)
        .arg("--trace")
        .arg(&file)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&trace.stdout);
    assert!(
        text.contains("CallHost"),
        "the trace shows the EEI calls:\n{text}"
    );
    assert!(text.lines().filter(|l| l.starts_with("depth 0")).count() >= 3);

    // A failing case exits with 1, a missing file with 2.
    let dir = std::env::temp_dir().join(format!("ssvm-statetest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let broken = std::fs::read_to_string(&file)
        .unwrap()
        .replace("0x685317b8", "0x00000000");
    std::fs::write(dir.join("broken.json"), broken).unwrap();
    let failing = Command::new(binary)
        .arg(dir.join("broken.json"))
        .output()
        .unwrap();
    assert_eq!(failing.status.code(), Some(1));
    let missing = Command::new(binary)
        .arg(dir.join("missing.json"))
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}
