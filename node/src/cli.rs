//! The command line: Substrate's run command plus `--instant-seal`, and subcommands.

use sc_cli::RunCmd;

/// The node's command line.
#[derive(Debug, clap::Parser)]
pub struct Cli {
    /// A subcommand; without one the node runs.
    #[command(subcommand)]
    pub subcommand: Option<Subcommand>,

    /// Seal a block as soon as a transaction arrives (and finalize it), instead of
    /// Aura + GRANDPA: for tests and quick iteration. Block timestamps then advance one
    /// slot (six seconds) per block.
    #[arg(long)]
    pub instant_seal: bool,

    #[allow(missing_docs)]
    #[clap(flatten)]
    pub run: RunCmd,
}

/// Subcommands.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
    /// Key management.
    #[command(subcommand)]
    Key(sc_cli::KeySubcommand),

    /// Export a chain specification.
    ExportChainSpec(sc_cli::ExportChainSpecCmd),

    /// Validate blocks.
    CheckBlock(sc_cli::CheckBlockCmd),

    /// Export blocks.
    ExportBlocks(sc_cli::ExportBlocksCmd),

    /// Export the state of a block into a chain specification.
    ExportState(sc_cli::ExportStateCmd),

    /// Import blocks.
    ImportBlocks(sc_cli::ImportBlocksCmd),

    /// Remove the whole chain.
    PurgeChain(sc_cli::PurgeChainCmd),

    /// Revert the chain to a previous state.
    Revert(sc_cli::RevertCmd),

    /// Database meta columns.
    ChainInfo(sc_cli::ChainInfoCmd),
}
