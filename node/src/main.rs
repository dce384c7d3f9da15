//! `ssvm-node`: the ssvm dev chain. `cargo run --release -- --dev` produces blocks with
//! Aura every six seconds and serves JSON-RPC on 127.0.0.1:9944; `--instant-seal`
//! seals a block as soon as a transaction arrives; `--chain local --alice` /
//! `--bob` run a two-validator Aura + GRANDPA network.

// sc-cli's error type is large and the CLI runner's closures must return it.
#![allow(clippy::result_large_err)]

mod chain_spec;
mod cli;
mod command;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
    command::run()
}
