//! `docs/FHIR.md` shows the mapping table as the code has it: the section
//! between the `<!-- table -->` markers is `nettx_fhir::table::markdown()`.
//! Regenerate it with `NETTX_UPDATE_GENERATED=1 cargo test -p nettx-fhir --test docs`.

#[test]
fn the_mapping_table_in_docs_fhir_md_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/FHIR.md");
    let doc = std::fs::read_to_string(&path).expect("docs/FHIR.md");
    let (start, end) = (
        "<!-- table: generated from crates/nettx-fhir/src/table.rs -->\n",
        "<!-- end of table -->",
    );
    let a = doc.find(start).expect("start marker") + start.len();
    let b = doc.find(end).expect("end marker");
    let now = nettx_fhir::table::markdown();
    if std::env::var_os("NETTX_UPDATE_GENERATED").is_some() {
        let updated = format!("{}{now}{}", &doc[..a], &doc[b..]);
        std::fs::write(&path, updated).expect("write docs/FHIR.md");
        return;
    }
    assert_eq!(&doc[a..b], now, "docs/FHIR.md's table is stale: NETTX_UPDATE_GENERATED=1 cargo test -p nettx-fhir --test docs");
}
