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
