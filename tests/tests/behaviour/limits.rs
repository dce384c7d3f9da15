//! The contract-level limits on every execution path. The limits of modules (sizes,
//! counts, nesting, the Wasm call depth and value stack) are tested at their maximum
//! and one above on the interpreter and the AOT path in the engine's own tests
//! (`engine/tests/integration/limits.rs`), as plain modules EVMC cannot run; log topics
//! and block-hash history are in `eei`, the nested call depth in `contracts`.

use ssvm_engine::limits::MAX_DEPLOYED_CODE_SIZE;
use ssvm_engine::{CallKind, Config, GasSchedule, Message, Status};
use ssvm_tests::every_path;
use ssvm_tests::paths::Path;

/// EIP-170: a create may deploy at most [`MAX_DEPLOYED_CODE_SIZE`] bytes; one more
/// fails the create with all its gas spent.
fn deployed_code_size(path: Path) {
    // Init code that returns `n` bytes of memory as the code to deploy (not Wasm, so
    // stored as it is).
    let deploy = |n: usize| {
        let init = wat::parse_str(format!(
            r#"(module (import "ethereum" "finish" (func $finish (param i32 i32)))
                (memory (export "memory") 1)
                (func (export "main") (call $finish (i32.const 0) (i32.const {n}))))"#
        ))
        .expect("valid WAT");
        let config = Config::contract(GasSchedule::V1);
        let mut world = path.world(config);
        let message = Message {
            kind: CallKind::Create,
            gas: 10_000_000,
            input: &init,
            ..Message::default()
        };
        let outcome = path.transact(config, &mut world, &message);
        (outcome.status, outcome.gas_left)
    };
    assert_eq!(deploy(MAX_DEPLOYED_CODE_SIZE).0, Status::Success);
    assert_eq!(deploy(MAX_DEPLOYED_CODE_SIZE + 1), (Status::OutOfGas, 0));
}

every_path![deployed_code_size];
