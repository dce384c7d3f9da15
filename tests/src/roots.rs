//! The state root (a secure Merkle-Patricia trie over keccak256) and the logs hash, as
//! GeneralStateTests state them.

use std::collections::BTreeMap;

use keccak_hasher::KeccakHasher;
use rlp::RlpStream;
use ssvm_engine::{Address, Bytes32, U256, keccak256};

use ssvm_engine::world::{Account, Log};

/// A 256-bit value as RLP wants it: big-endian without leading zeros.
fn trimmed(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

fn u256_bytes(value: &U256) -> [u8; 32] {
    value.to_be_bytes::<32>()
}

/// The root of an account's storage trie (zero values are never stored).
pub fn storage_root(storage: &BTreeMap<Bytes32, Bytes32>) -> [u8; 32] {
    let entries = storage.iter().map(|(key, value)| {
        let mut stream = RlpStream::new();
        stream.append(&trimmed(&value.0));
        (key.0, stream.out().to_vec())
    });
    triehash::sec_trie_root::<KeccakHasher, _, _, _>(entries)
}

/// The RLP of an account: `[nonce, balance, storage root, code hash]`.
fn account_rlp(account: &Account) -> Vec<u8> {
    let mut stream = RlpStream::new_list(4);
    stream.append(&account.nonce);
    stream.append(&trimmed(&u256_bytes(&account.balance)));
    stream.append(&storage_root(&account.storage).as_slice());
    stream.append(&keccak256(&account.code).0.as_slice());
    stream.out().to_vec()
}

/// The state root of `accounts`.
pub fn state_root(accounts: &BTreeMap<Address, Account>) -> [u8; 32] {
    let entries = accounts
        .iter()
        .map(|(address, account)| (address.0, account_rlp(account)));
    triehash::sec_trie_root::<KeccakHasher, _, _, _>(entries)
}

/// keccak256 of the RLP list of `[address, [topics], data]` logs.
pub fn logs_hash(logs: &[Log]) -> [u8; 32] {
    let mut stream = RlpStream::new_list(logs.len());
    for log in logs {
        stream.begin_list(3);
        stream.append(&log.address.0.as_slice());
        stream.begin_list(log.topics.len());
        for topic in &log.topics {
            stream.append(&topic.0.as_slice());
        }
        stream.append(&log.data);
    }
    keccak256(&stream.out()).0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
        }
        out
    }

    #[test]
    fn empty_roots_are_ethereums() {
        // keccak256(rlp("")), the root of every empty trie.
        let empty = hex("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
        assert_eq!(state_root(&BTreeMap::new()), empty);
        assert_eq!(storage_root(&BTreeMap::new()), empty);
        // keccak256(rlp([])), the logs hash of a transaction without logs.
        let no_logs = hex("1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347");
        assert_eq!(logs_hash(&[]), no_logs);
    }
}
