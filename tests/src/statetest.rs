//! Ethereum GeneralStateTests: the JSON model, Byzantium transaction processing, and
//! the comparison of the post state with the test's expectation (and, on a mismatch,
//! with the filler's `expect` section).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use anyhow::{Context, Result, anyhow, bail};
use serde::Deserialize;
use ssvm_engine::{Address, Bytes32, CallKind, Host, Message, Status, TxContext, U256, keccak256};

use crate::roots::{logs_hash, state_root};
use ssvm_engine::world::{Account, Executor, World};

/// One state-test file: test name to test.
pub type TestFile = BTreeMap<String, StateTest>;

/// A GeneralStateTest.
#[derive(Debug, Deserialize)]
pub struct StateTest {
    /// Where the test came from.
    #[serde(rename = "_info", default)]
    pub info: Info,
    /// Block context.
    pub env: Env,
    /// State before the transaction.
    pub pre: BTreeMap<String, PreAccount>,
    /// The transaction template (indexed by `post` entries).
    pub transaction: TransactionTemplate,
    /// Expected results per fork.
    pub post: BTreeMap<String, Vec<PostState>>,
}

/// `_info`.
#[derive(Debug, Default, Deserialize)]
pub struct Info {
    /// The filler's path, relative to the test suite's root.
    #[serde(default)]
    pub source: Option<String>,
}

/// `env`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct Env {
    pub current_coinbase: String,
    pub current_difficulty: String,
    pub current_gas_limit: String,
    pub current_number: String,
    pub current_timestamp: String,
}

/// An account of `pre`.
#[derive(Debug, Deserialize)]
#[allow(missing_docs)]
pub struct PreAccount {
    pub balance: String,
    pub code: String,
    pub nonce: String,
    #[serde(default)]
    pub storage: BTreeMap<String, String>,
}

/// `transaction`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct TransactionTemplate {
    pub data: Vec<String>,
    pub gas_limit: Vec<String>,
    pub gas_price: String,
    pub nonce: String,
    pub secret_key: String,
    pub to: String,
    pub value: Vec<String>,
}

/// One expected result.
#[derive(Debug, Deserialize)]
pub struct PostState {
    /// The post-state root.
    pub hash: String,
    /// keccak256 of the RLP of the logs.
    pub logs: String,
    /// Which data, gas limit and value of the template this case uses.
    pub indexes: Indexes,
}

/// Indexes into the transaction template.
#[derive(Debug, Clone, Copy, Deserialize)]
#[allow(missing_docs)]
pub struct Indexes {
    pub data: usize,
    pub gas: usize,
    pub value: usize,
}

/// Parses a `0x`-prefixed hex byte string (`""` and `"0x"` are empty).
pub fn parse_bytes(text: &str) -> Result<Vec<u8>> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    if !digits.len().is_multiple_of(2) {
        bail!("odd number of hex digits in {text:?}");
    }
    (0..digits.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(&digits[i..i + 2], 16)
                .with_context(|| format!("bad hex digits in {text:?}"))
        })
        .collect()
}

/// Parses a number: `0x` hex or decimal, at most 256 bits.
pub fn parse_u256(text: &str) -> Result<U256> {
    let text = text.trim();
    let parsed = match text.strip_prefix("0x") {
        Some("") => Ok(U256::ZERO),
        Some(hex) => U256::from_str_radix(hex, 16),
        None if text.is_empty() => Ok(U256::ZERO),
        None => U256::from_str_radix(text, 10),
    };
    parsed.map_err(|e| anyhow!("bad number {text:?}: {e}"))
}

fn parse_u64(text: &str) -> Result<u64> {
    u64::try_from(parse_u256(text)?).map_err(|_| anyhow!("{text:?} does not fit in 64 bits"))
}

/// Parses a 20-byte address (with or without `0x`).
pub fn parse_address(text: &str) -> Result<Address> {
    let bytes = parse_bytes(text.trim())?;
    let bytes: [u8; 20] = bytes
        .try_into()
        .map_err(|_| anyhow!("{text:?} is not a 20-byte address"))?;
    Ok(Address(bytes))
}

/// Parses a storage key or value into a 32-byte word (numbers, big-endian).
pub fn parse_word(text: &str) -> Result<Bytes32> {
    Ok(Bytes32(parse_u256(text)?.to_be_bytes::<32>()))
}

/// The sender of a transaction signed with `secret_key`.
pub fn sender_of(secret_key: &[u8]) -> Result<Address> {
    let key = k256::ecdsa::SigningKey::from_slice(secret_key)
        .map_err(|e| anyhow!("bad secret key: {e}"))?;
    let public = key.verifying_key().to_encoded_point(false);
    let hash = keccak256(&public.as_bytes()[1..]);
    let mut address = Address::ZERO;
    address.0.copy_from_slice(&hash.0[12..]);
    Ok(address)
}

/// Byzantium's intrinsic gas: 21000, 32000 more for a create, 4 per zero and 68 per
/// non-zero data byte.
pub fn intrinsic_gas(data: &[u8], create: bool) -> u64 {
    let zeros = data.iter().filter(|&&b| b == 0).count() as u64;
    let non_zeros = data.len() as u64 - zeros;
    21_000 + if create { 32_000 } else { 0 } + 4 * zeros + 68 * non_zeros
}

/// How to run state tests.
#[derive(Clone)]
pub struct Options {
    /// Executes the contracts.
    pub vm: Rc<dyn Executor>,
    /// Collect an instruction trace.
    pub trace: bool,
}

/// The outcome of one (fork, index) case.
#[derive(Debug)]
pub struct CaseResult {
    /// Test name.
    pub name: String,
    /// Fork.
    pub fork: String,
    /// Which template entries.
    pub indexes: Indexes,
    /// Whether the state root and logs hash match.
    pub pass: bool,
    /// The post-state root computed.
    pub state_root: [u8; 32],
    /// The logs hash computed.
    pub logs_hash: [u8; 32],
    /// Why it failed (a mismatch, or an error reading the test).
    pub error: Option<String>,
    /// The top-level execution's status (None for an invalid transaction).
    pub status: Option<Status>,
    /// Gas used by the transaction.
    pub gas_used: u64,
    /// The post state (for diffs).
    pub post: BTreeMap<Address, Account>,
    /// The instruction trace, when requested.
    pub trace: Option<Vec<String>>,
}

/// Outcome of executing one transaction.
pub struct Executed {
    /// The world after the transaction.
    pub world: World,
    /// The status of the top-level execution, or `None` if the transaction was invalid.
    pub status: Option<Status>,
    /// Gas used (after refunds).
    pub gas_used: u64,
}

fn pre_state(test: &StateTest) -> Result<BTreeMap<Address, Account>> {
    let mut accounts = BTreeMap::new();
    for (address, account) in &test.pre {
        let mut storage = BTreeMap::new();
        for (key, value) in &account.storage {
            let value = parse_word(value)?;
            if !value.is_zero() {
                storage.insert(parse_word(key)?, value);
            }
        }
        accounts.insert(
            parse_address(address)?,
            Account {
                balance: parse_u256(&account.balance)?,
                nonce: parse_u64(&account.nonce)?,
                code: parse_bytes(&account.code)?.into(),
                storage,
            },
        );
    }
    Ok(accounts)
}

fn tx_context(test: &StateTest, origin: Address, gas_price: U256) -> Result<TxContext> {
    Ok(TxContext {
        gas_price,
        origin,
        coinbase: parse_address(&test.env.current_coinbase)?,
        number: parse_u64(&test.env.current_number)?,
        timestamp: parse_u64(&test.env.current_timestamp)?,
        gas_limit: parse_u64(&test.env.current_gas_limit)?,
        difficulty: parse_u256(&test.env.current_difficulty)?,
        chain_id: U256::from(1u8),
    })
}

/// Executes the transaction of case `indexes` on the test's pre state (Byzantium rules;
/// an invalid transaction leaves the state unchanged).
pub fn execute(test: &StateTest, indexes: Indexes, options: &Options) -> Result<Executed> {
    let template = &test.transaction;
    let pick = |list: &[String], index: usize, what: &str| {
        list.get(index)
            .cloned()
            .ok_or_else(|| anyhow!("transaction has no {what} #{index}"))
    };
    let data = parse_bytes(&pick(&template.data, indexes.data, "data")?)?;
    let gas_limit = parse_u64(&pick(&template.gas_limit, indexes.gas, "gasLimit")?)?;
    let value = parse_u256(&pick(&template.value, indexes.value, "value")?)?;
    let gas_price = parse_u256(&template.gas_price)?;
    let nonce = parse_u64(&template.nonce)?;
    let sender = sender_of(&parse_bytes(&template.secret_key)?)?;
    let to = match template.to.trim() {
        "" | "0x" => None,
        address => Some(parse_address(address)?),
    };
    let context = tx_context(test, sender, gas_price)?;
    let coinbase = context.coinbase;
    let block_gas_limit = context.gas_limit;
    let mut world = World::new(pre_state(test)?, context, options.vm.clone());
    // The tests' convention: block n hashes to keccak256 of n in decimal.
    world.hash_unknown_blocks = true;
    if options.trace {
        world.trace = Some(Vec::new());
    }

    let intrinsic = intrinsic_gas(&data, to.is_none());
    let upfront = U256::from(gas_limit).saturating_mul(gas_price);
    let valid = nonce == world.nonce_of(&sender)
        && intrinsic <= gas_limit
        && gas_limit <= block_gas_limit
        && world.balance_of(&sender) >= upfront.saturating_add(value);
    if !valid {
        return Ok(Executed {
            world,
            status: None,
            gas_used: 0,
        });
    }

    let balance = world.balance_of(&sender);
    world.set_balance(sender, balance - upfront);
    if to.is_some() {
        // A create increments the sender's nonce itself, after deriving the address.
        world.increment_nonce(sender);
    }
    let message = Message {
        kind: if to.is_some() {
            CallKind::Call
        } else {
            CallKind::Create
        },
        is_static: false,
        depth: 0,
        gas: gas_limit - intrinsic,
        recipient: to.unwrap_or(Address::ZERO),
        sender,
        input: &data,
        value,
        code_address: to.unwrap_or(Address::ZERO),
        salt: Bytes32::ZERO,
    };
    let outcome = world.call(&message);
    let mut gas_left = outcome.gas_left.min(message.gas);
    let refund = if outcome.status == Status::Success {
        outcome.gas_refund
    } else {
        0
    };
    gas_left += refund.min((gas_limit - gas_left) / 2);
    let gas_used = gas_limit - gas_left;
    let balance = world.balance_of(&sender);
    world.set_balance(
        sender,
        balance.saturating_add(U256::from(gas_left).saturating_mul(gas_price)),
    );
    let fee = U256::from(gas_used).saturating_mul(gas_price);
    world.touch(coinbase);
    let earned = world.balance_of(&coinbase).saturating_add(fee);
    world.set_balance(coinbase, earned);
    world.finalize();
    Ok(Executed {
        world,
        status: Some(outcome.status),
        gas_used,
    })
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::from("0x");
    for b in bytes {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Runs every case of `test` (all forks in `post`).
pub fn run_test(name: &str, test: &StateTest, options: &Options) -> Vec<CaseResult> {
    let mut results = Vec::new();
    for (fork, cases) in &test.post {
        for case in cases {
            let mut result = CaseResult {
                name: name.to_string(),
                fork: fork.clone(),
                indexes: case.indexes,
                pass: false,
                state_root: [0; 32],
                logs_hash: [0; 32],
                error: None,
                status: None,
                gas_used: 0,
                post: BTreeMap::new(),
                trace: None,
            };
            if fork != "Byzantium" {
                result.error = Some(format!("fork {fork} is not supported (Byzantium only)"));
                results.push(result);
                continue;
            }
            match execute(test, case.indexes, options) {
                Ok(mut executed) => {
                    result.state_root = state_root(executed.world.accounts());
                    result.logs_hash = logs_hash(executed.world.logs());
                    result.status = executed.status;
                    result.gas_used = executed.gas_used;
                    result.trace = executed.world.trace.take();
                    result.post = executed.world.accounts().clone();
                    let expected_root = parse_bytes(&case.hash).unwrap_or_default();
                    let expected_logs = parse_bytes(&case.logs).unwrap_or_default();
                    let mut problems = Vec::new();
                    if result.state_root[..] != expected_root[..] {
                        problems.push(format!(
                            "state root {} != expected {}",
                            hex(&result.state_root),
                            case.hash
                        ));
                    }
                    if result.logs_hash[..] != expected_logs[..] {
                        problems.push(format!(
                            "logs hash {} != expected {}",
                            hex(&result.logs_hash),
                            case.logs
                        ));
                    }
                    result.pass = problems.is_empty();
                    if !problems.is_empty() {
                        result.error = Some(problems.join("; "));
                    }
                }
                Err(error) => result.error = Some(format!("{error:#}")),
            }
            results.push(result);
        }
    }
    results
}

/// Reads a state-test file.
pub fn read_file(path: &Path) -> Result<TestFile> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// `0x`-prefixed lower-case hex of a 32-byte hash.
pub fn hash_hex(hash: &[u8; 32]) -> String {
    hex(hash)
}

/// The filler of a test file, found from `_info.source` relative to the test suite's
/// root (the directory holding `GeneralStateTests`).
pub fn filler_path(test_file: &Path, test: &StateTest) -> Option<PathBuf> {
    let source = test.info.source.as_ref()?;
    let mut dir = test_file.parent();
    while let Some(current) = dir {
        if current
            .file_name()
            .is_some_and(|n| n == "GeneralStateTests")
        {
            let candidate = current.parent()?.join(source);
            return candidate.exists().then_some(candidate);
        }
        dir = current.parent();
    }
    None
}

/// Differences between `post` and the filler's `expect` section for `name`, one line
/// each (empty when the filler agrees or says nothing about the accounts).
pub fn filler_diff(
    filler: &Path,
    name: &str,
    post: &BTreeMap<Address, Account>,
) -> Result<Vec<String>> {
    let text = std::fs::read_to_string(filler)?;
    let yaml: serde_yaml::Value = serde_yaml::from_str(&text)?;
    let expects = yaml
        .get(name)
        .and_then(|t| t.get("expect"))
        .and_then(|e| e.as_sequence())
        .ok_or_else(|| anyhow!("no expect section for {name}"))?;
    let scalar = |value: &serde_yaml::Value| -> String {
        match value {
            serde_yaml::Value::String(s) => s.clone(),
            serde_yaml::Value::Number(n) => n.to_string(),
            other => serde_yaml::to_string(other)
                .unwrap_or_default()
                .trim()
                .to_string(),
        }
    };
    let mut lines = Vec::new();
    for expect in expects {
        let Some(result) = expect.get("result").and_then(|r| r.as_mapping()) else {
            continue;
        };
        for (address, fields) in result {
            let address = parse_address(&scalar(address))?;
            let account = post.get(&address);
            if fields.get("shouldnotexist").is_some() {
                if account.is_some() {
                    lines.push(format!("{address}: exists, expected not to"));
                }
                continue;
            }
            let Some(account) = account else {
                lines.push(format!("{address}: missing"));
                continue;
            };
            if let Some(balance) = fields.get("balance") {
                let expected = parse_u256(&scalar(balance))?;
                if expected != account.balance {
                    lines.push(format!(
                        "{address}: balance {} != expected {expected}",
                        account.balance
                    ));
                }
            }
            if let Some(nonce) = fields.get("nonce") {
                let expected = parse_u256(&scalar(nonce))?;
                if expected != U256::from(account.nonce) {
                    lines.push(format!(
                        "{address}: nonce {} != expected {expected}",
                        account.nonce
                    ));
                }
            }
            if let Some(storage) = fields.get("storage").and_then(|s| s.as_mapping()) {
                for (key, value) in storage {
                    let key = parse_word(&scalar(key))?;
                    let expected = parse_word(&scalar(value))?;
                    let actual = account.storage.get(&key).copied().unwrap_or_default();
                    if actual != expected {
                        lines.push(format!(
                            "{address}: storage[{key}] = {actual} != expected {expected}"
                        ));
                    }
                }
            }
        }
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_suites_sender() {
        let key = parse_bytes("0x45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8")
            .unwrap();
        assert_eq!(
            sender_of(&key).unwrap(),
            parse_address("0xa94f5374fce5edbc8e2a8697c15331677e6ebf0b").unwrap()
        );
    }

    #[test]
    fn intrinsic_gas_counts_bytes() {
        assert_eq!(intrinsic_gas(&[], false), 21_000);
        assert_eq!(
            intrinsic_gas(&[0, 1, 0], true),
            21_000 + 32_000 + 4 + 68 + 4
        );
    }

    #[test]
    fn bad_json_values_are_errors() {
        assert!(parse_bytes("0x123").is_err());
        assert!(parse_bytes("0xzz").is_err());
        assert!(
            parse_u256("0x1ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")
                .is_err()
        );
        assert!(parse_address("0x1234").is_err());
        assert_eq!(parse_u256("0x").unwrap(), U256::ZERO);
        assert_eq!(parse_u256("100").unwrap(), U256::from(100u8));
        assert!(serde_json::from_str::<TestFile>("{\"t\": {}}").is_err());
    }
}
