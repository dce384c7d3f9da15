//! Ethereum addresses of Substrate accounts, and accounts of Ethereum addresses.
//!
//! An account's address is `keccak256(account)[12..32]`, the convention of Second
//! State's pallet-ssvm and of pallet-revive. An address without a registered account
//! (a contract, or an address nobody has claimed yet) has the account
//! `address ‖ 0xEE × 12`, and that account maps back to its address, so contract
//! accounts are ordinary accounts of the runtime.

use sp_core::H160;
use sp_runtime::AccountId32;

/// How a runtime's accounts and Ethereum addresses map onto each other.
pub trait AddressMapping<AccountId> {
    /// The Ethereum address of `account`.
    fn to_address(account: &AccountId) -> H160;

    /// The account of an address that no account has registered (contracts'
    /// accounts); [`AddressMapping::to_address`] maps it back to `address`.
    fn to_fallback_account(address: &H160) -> AccountId;
}

/// The byte that pads an address to a fallback account.
pub const FALLBACK_PADDING: u8 = 0xEE;

/// The mapping for 32-byte account ids (`AccountId32`).
pub struct EthereumAddressMapping;

impl AddressMapping<AccountId32> for EthereumAddressMapping {
    fn to_address(account: &AccountId32) -> H160 {
        let bytes: &[u8; 32] = account.as_ref();
        if bytes[20..].iter().all(|&b| b == FALLBACK_PADDING) {
            return H160::from_slice(&bytes[..20]);
        }
        H160::from_slice(&ssvm_engine::keccak256(bytes).0[12..])
    }

    fn to_fallback_account(address: &H160) -> AccountId32 {
        let mut bytes = [FALLBACK_PADDING; 32];
        bytes[..20].copy_from_slice(address.as_bytes());
        AccountId32::new(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_map_to_keccak_addresses_and_fallbacks_map_back() {
        let alice = AccountId32::new([1; 32]);
        let address = EthereumAddressMapping::to_address(&alice);
        assert_eq!(
            address.as_bytes(),
            &ssvm_engine::keccak256(&[1; 32]).0[12..]
        );
        let fallback = EthereumAddressMapping::to_fallback_account(&address);
        assert_ne!(fallback, alice);
        assert_eq!(EthereumAddressMapping::to_address(&fallback), address);
    }

    #[test]
    fn the_dev_accounts_addresses() {
        // //Alice and //Bob (sr25519 public keys) and the addresses the README shows.
        for (account, address) in [
            (
                "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d",
                "9621dde636de098b43efb0fa9b61facfe328f99d",
            ),
            (
                "8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48",
                "41dccbd49b26c50d34355ed86ff0fa9e489d1e01",
            ),
        ] {
            let account = AccountId32::new(bytes(account).try_into().unwrap());
            let address = H160::from_slice(&bytes(address));
            assert_eq!(EthereumAddressMapping::to_address(&account), address);
        }
    }

    fn bytes(hex: &str) -> Vec<u8> {
        (0..hex.len() / 2)
            .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
            .collect()
    }
}
