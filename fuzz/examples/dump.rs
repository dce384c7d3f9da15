//! Prints the module a fuzz input generates, as WebAssembly text, for reading and
//! minimizing a finding:
//!
//! ```sh
//! cargo run --manifest-path fuzz/Cargo.toml --example dump -- TARGET INPUT [OUT.wasm]
//! ```
//!
//! TARGET is `differential` (a plain module), `contract` (the code under test: generated,
//! an example with bytes changed, or the input's bytes) or `validate_translate` (the
//! module the input's mode selects); OUT.wasm, if given, receives the binary.

use arbitrary::Unstructured;
use ssvm_fuzz::generate;
use ssvm_fuzz::targets::contract;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(target), Some(input)) = (args.first(), args.get(1)) else {
        eprintln!("usage: dump TARGET INPUT [OUT.wasm]");
        std::process::exit(2);
    };
    let data = std::fs::read(input).expect("readable input");
    let mut u = Unstructured::new(&data);
    let module = match target.as_str() {
        "differential" => generate::plain_module(&mut u).map(|(_, bytes)| bytes),
        "validate_translate" => {
            let mode: u8 = u.arbitrary().unwrap_or(0);
            match mode % 4 {
                0 | 1 => Ok(u.take_rest().to_vec()),
                2 => generate::plain_module(&mut u).map(|(_, bytes)| bytes),
                _ => generate::contract_module(&mut u).map(|(_, bytes)| bytes),
            }
        }
        // The code the target runs: generated, a changed example or the raw bytes.
        "contract" => contract::case(&data)
            .map(|case| case.code)
            .ok_or(arbitrary::Error::NotEnoughData),
        other => {
            eprintln!("no module to dump for {other}");
            std::process::exit(2);
        }
    };
    let bytes = module.expect("the input generates a module");
    if let Some(out) = args.get(2) {
        std::fs::write(out, &bytes).expect("writable output");
    }
    match wasmprinter::print_bytes(&bytes) {
        Ok(text) => println!("{text}"),
        Err(error) => println!("(not printable: {error}) {} bytes", bytes.len()),
    }
}
