//! Generated documentation stays in sync with the tables it is generated from.

use ssvm_engine::GasSchedule;

/// `docs/EEI.md` is the import tables rendered by `imports::markdown_table`. Run with
/// `SSVM_UPDATE_DOCS=1` to regenerate it.
#[test]
fn eei_table_doc_is_current() {
    let path = crate::shared::manifest_dir().join("../docs/EEI.md");
    let expected = format!(
        "# The host functions a contract imports\n\n\
         Generated from the tables of `ssvm_engine::imports` by the test `docs::eei_table_doc_is_current`\n\
         (`SSVM_UPDATE_DOCS=1 cargo test -p ssvm-engine --test integration docs` regenerates it).\n\
         Gas is schedule V1's: Byzantium's for the EEI, as Hera charges it; a word is a started\n\
         32-byte word.\n\n{}",
        ssvm_engine::imports::markdown_table(&GasSchedule::V1)
    );
    if std::env::var_os("SSVM_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(actual, expected, "docs/EEI.md is stale; regenerate it");
}
