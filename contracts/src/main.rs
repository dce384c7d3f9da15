//! `ssvm-contracts DIR`: writes every example contract, rejected fixture and probe as a
//! `.wasm` file under `DIR` (for Polkadot.js Apps uploads and the end-to-end tests).

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(dir), None) = (args.next(), args.next()) else {
        eprintln!("usage: ssvm-contracts DIR");
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    for (name, code) in ssvm_contracts::ALL {
        let path = dir.join(format!("{name}.wasm"));
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, code));
        if let Err(error) = written {
            eprintln!("ssvm-contracts: {}: {error}", path.display());
            return ExitCode::FAILURE;
        }
        println!("{} ({} bytes)", path.display(), code.len());
    }
    ExitCode::SUCCESS
}
