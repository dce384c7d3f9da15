//! Genesis presets: `development` (Alice authors alone) and `local_testnet` (Alice and
//! Bob validate). Both endow the dev accounts Alice..Ferdie and their stashes and make
//! Alice sudo.

use alloc::vec::Vec;

use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::PresetId;
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use crate::{AccountId, BalancesConfig, RuntimeGenesisConfig, SudoConfig, UNIT};

/// What each dev account starts with: a million tokens.
pub const ENDOWMENT: u128 = 1_000_000 * UNIT;

/// Genesis with `validators` (their Aura and GRANDPA keys).
fn genesis(validators: &[(Sr25519Keyring, Ed25519Keyring)]) -> Value {
    let endowed: Vec<AccountId> = Sr25519Keyring::iter()
        .filter(|key| *key != Sr25519Keyring::One && *key != Sr25519Keyring::Two)
        .map(|key| key.to_account_id())
        .collect();
    let aura: Vec<AuraId> = validators
        .iter()
        .map(|(aura, _)| aura.public().into())
        .collect();
    let grandpa: Vec<(GrandpaId, u64)> = validators
        .iter()
        .map(|(_, grandpa)| (grandpa.public().into(), 1))
        .collect();
    build_struct_json_patch!(RuntimeGenesisConfig {
        balances: BalancesConfig {
            balances: endowed
                .into_iter()
                .map(|account| (account, ENDOWMENT))
                .collect(),
        },
        aura: pallet_aura::GenesisConfig { authorities: aura },
        grandpa: pallet_grandpa::GenesisConfig {
            authorities: grandpa
        },
        sudo: SudoConfig {
            key: Some(Sr25519Keyring::Alice.to_account_id()),
        },
    })
}

/// The JSON patch of preset `id`.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
    let patch = match id.as_ref() {
        sp_genesis_builder::DEV_RUNTIME_PRESET => {
            genesis(&[(Sr25519Keyring::Alice, Ed25519Keyring::Alice)])
        }
        sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => genesis(&[
            (Sr25519Keyring::Alice, Ed25519Keyring::Alice),
            (Sr25519Keyring::Bob, Ed25519Keyring::Bob),
        ]),
        _ => return None,
    };
    serde_json::to_vec(&patch).ok()
}

/// The presets.
pub fn preset_names() -> Vec<PresetId> {
    alloc::vec![
        PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
        PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
    ]
}
