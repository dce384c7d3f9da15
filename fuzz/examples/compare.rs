//! Runs an exported function of a module on the interpreter, the AOT path, wasmi and
//! plain wasmtime and prints what each returned, for minimizing a finding by hand:
//!
//! ```sh
//! cargo run --manifest-path fuzz/Cargo.toml --example compare -- [--gas N] MODULE.wat|.wasm EXPORT [ARG...]
//! ```
//!
//! Arguments are integers (decimal or 0x hex), passed as raw cells. ssvm gets `N` gas
//! (default: the `differential` target's limit) for the instantiation and for the call,
//! wasmi and wasmtime the target's fuel, so a finding that depends on a resource stop
//! reproduces as the target saw it.

use ssvm_engine::{Config, GasSchedule, Module};
use ssvm_fuzz::plain::{ImportHost, Wasmi, Wasmtime, instantiate_both};
use ssvm_fuzz::targets::differential::{FUEL, GAS};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut gas = GAS;
    if args.first().is_some_and(|a| a == "--gas") && args.len() > 1 {
        gas = args[1].parse().expect("--gas takes an integer");
        args.drain(..2);
    }
    let (Some(path), Some(name)) = (args.first(), args.get(1)) else {
        eprintln!("usage: compare [--gas N] MODULE EXPORT [ARG...]");
        std::process::exit(2);
    };
    let cells: Vec<u64> = args[2..]
        .iter()
        .map(|a| {
            let parsed = match a.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16).ok(),
                None => a.parse::<i64>().map(|v| v as u64).ok(),
            };
            parsed.expect("an integer argument")
        })
        .collect();
    let bytes = wat::parse_file(path).expect("a module");
    let config = Config::plain(GasSchedule::V1);
    let module = Module::new(&config, &bytes).expect("accepted by the engine");
    let func = module.exported_func(name).expect("an exported function");
    let mut host = ImportHost;
    let (pair, _, _) = instantiate_both(&config, &module, &bytes, &mut host, gas);
    match pair {
        Ok(mut pair) => {
            let (interpreter, native) = pair.call(&mut host, name, func, &cells, gas);
            println!("interpreter: {interpreter:?}");
            println!("aot:         {native:?}");
        }
        Err(traps) => println!("instantiation trapped: {traps:?}"),
    }
    match Wasmi::instantiate(&module, &bytes, FUEL) {
        Ok(mut wasmi) => println!("wasmi:       {:?}", wasmi.call(name, &cells, FUEL)),
        Err(error) => println!("wasmi:       {error:?}"),
    }
    match Wasmtime::instantiate(&module, &bytes, 10 * FUEL) {
        Ok(mut wasmtime) => println!("wasmtime:    {:?}", wasmtime.call(name, &cells, 10 * FUEL)),
        Err(error) => println!("wasmtime:    {error:?}"),
    }
}
