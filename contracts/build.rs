//! Builds the contracts: WAT files with the `wat` crate, the Rust contracts of `rust/`
//! with a nested `cargo build --target wasm32-unknown-unknown --release`. The linker
//! exports `__data_end` and `__heap_base` besides the functions; they are removed here
//! (an Ewasm contract exports exactly `main` and `memory`).

use std::path::{Path, PathBuf};
use std::process::Command;

/// Rust packages of `rust/` and whether they are contracts (else plain kernels).
const RUST: &[(&str, bool)] = &[
    ("erc20", true),
    ("caller", true),
    ("bignum_demo", true),
    ("kernels", false),
];

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it"));
    println!("cargo:rerun-if-changed=wat");
    println!("cargo:rerun-if-changed=rust");
    regressions(&root.join("wat/regressions"), &out);
    for dir in ["wat", "wat/fixtures", "wat/probes"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("wat directory") {
            let path = entry.expect("directory entry").path();
            if path.extension().is_some_and(|e| e == "wat") {
                let wasm =
                    wat::parse_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                let name = path
                    .file_stem()
                    .expect("file name")
                    .to_string_lossy()
                    .into_owned();
                std::fs::write(out.join(format!("{name}.wasm")), wasm).expect("write wasm");
            }
        }
    }
    build_rust(&root.join("rust"), &out);
}

/// The regression contracts (`.wat`, or `.wasm` where text cannot express the bytes),
/// compiled into `OUT_DIR/regressions/` and listed in `OUT_DIR/regressions.rs`.
fn regressions(dir: &Path, out: &Path) {
    let target = out.join("regressions");
    std::fs::create_dir_all(&target).expect("regressions output directory");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("wat/regressions directory")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "wat" || e == "wasm"))
        .collect();
    entries.sort();
    let mut list = String::from("&[\n");
    for path in entries {
        let name = path
            .file_stem()
            .expect("file name")
            .to_string_lossy()
            .into_owned();
        let wasm = if path.extension().is_some_and(|e| e == "wat") {
            wat::parse_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        } else {
            std::fs::read(&path).expect("regression module")
        };
        let compiled = target.join(format!("{name}.wasm"));
        std::fs::write(&compiled, wasm).expect("write wasm");
        list.push_str(&format!(
            "    ({name:?}, include_bytes!({:?})),\n",
            compiled.display().to_string()
        ));
    }
    list.push(']');
    std::fs::write(out.join("regressions.rs"), list).expect("write the regression list");
}

fn build_rust(workspace: &Path, out: &Path) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target_dir = out.join("rust-target");
    let mut command = Command::new(cargo);
    command
        .current_dir(workspace)
        .args([
            "build",
            "--release",
            "--locked",
            "--target",
            "wasm32-unknown-unknown",
        ])
        .arg("--target-dir")
        .arg(&target_dir);
    // Flags meant for the host build must not reach the wasm build.
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "CARGO_TARGET_DIR",
    ] {
        command.env_remove(var);
    }
    let status = command.status().expect("run cargo for the wasm contracts");
    assert!(
        status.success(),
        "building the Rust contracts failed; is the wasm32-unknown-unknown target \
         installed? (`rustup target add wasm32-unknown-unknown`, or scripts/setup.sh)"
    );
    let built = target_dir.join("wasm32-unknown-unknown/release");
    for &(name, contract) in RUST {
        let bytes = std::fs::read(built.join(format!("{name}.wasm"))).expect("built wasm");
        let keep = |export: &str| {
            if contract {
                export == "main" || export == "memory"
            } else {
                !export.starts_with("__")
            }
        };
        std::fs::write(
            out.join(format!("{name}.wasm")),
            strip_exports(&bytes, keep),
        )
        .expect("write wasm");
    }
}

/// Re-encodes `bytes` with only the exports `keep` accepts; other sections are copied.
fn strip_exports(bytes: &[u8], keep: impl Fn(&str) -> bool) -> Vec<u8> {
    use wasm_encoder::{ExportKind, ExportSection, Module, RawSection};
    use wasmparser::{ExternalKind, Parser, Payload};
    let mut module = Module::new();
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.expect("linker output is valid wasm");
        match payload {
            Payload::ExportSection(reader) => {
                let mut exports = ExportSection::new();
                for export in reader {
                    let export = export.expect("valid export");
                    if keep(export.name) {
                        let kind = match export.kind {
                            ExternalKind::Func | ExternalKind::FuncExact => ExportKind::Func,
                            ExternalKind::Table => ExportKind::Table,
                            ExternalKind::Memory => ExportKind::Memory,
                            ExternalKind::Global => ExportKind::Global,
                            ExternalKind::Tag => ExportKind::Tag,
                        };
                        exports.export(export.name, kind, export.index);
                    }
                }
                module.section(&exports);
            }
            other => {
                if let Some((id, range)) = other.as_section() {
                    module.section(&RawSection {
                        id,
                        data: &bytes[range.start as usize..range.end as usize],
                    });
                }
            }
        }
    }
    module.finish()
}
