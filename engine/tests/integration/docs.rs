//! Generated documentation stays in sync with the tables it is generated from.

use ssvm_engine::gas::EeiCosts;

/// `docs/EEI.md` is the EEI import table rendered by `eei::markdown_table`. Run with
/// `SSVM_UPDATE_DOCS=1` to regenerate it.
#[test]
fn eei_table_doc_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/EEI.md");
    let expected = format!(
        "# The EEI (module `ethereum`)\n\n\
         Generated from `ssvm_engine::eei::EEI_FUNCTIONS` by the test `docs::eei_table_doc_is_current`\n\
         (`SSVM_UPDATE_DOCS=1 cargo test -p ssvm-engine --test integration docs` regenerates it).\n\
         Gas is Byzantium's, as Hera charges it; `copy` means 3 per started 32-byte word.\n\n{}",
        ssvm_engine::eei::markdown_table(&EeiCosts::BYZANTIUM)
    );
    if std::env::var_os("SSVM_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(actual, expected, "docs/EEI.md is stale; regenerate it");
}
