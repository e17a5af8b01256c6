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

/// The walkthrough's card table: the cards of its record, under the
/// guideline that made them, so a revision of the guideline cannot leave an
/// old table behind.
#[test]
fn the_walkthrough_cards_in_docs_fhir_md_are_current() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let path = root.join("docs/FHIR.md");
    let doc = std::fs::read_to_string(&path).expect("docs/FHIR.md");
    let (start, end) = (
        "<!-- walkthrough cards: generated from tests/fhir/good/37-cds-hooks-prefetch.json -->\n",
        "<!-- end of walkthrough cards -->",
    );
    let record = std::fs::read_to_string(root.join("tests/fhir/good/37-cds-hooks-prefetch.json"))
        .expect("the walkthrough's record");
    let mapped = nettx_fhir::map_record(&record).expect("the walkthrough's record maps");
    let cards = nettx_fhir::cds_cards(&mapped.evaluate());
    let mut now = format!(
        "With guideline {} {} (digest `{}`):\n\n| indicator | summary |\n|---|---|\n",
        nettx::knowledge::GUIDELINE_ID,
        nettx::knowledge::GUIDELINE_VERSION,
        &nettx::knowledge::guideline_digest()[..12]
    );
    for card in &cards.cards {
        let indicator = serde_json::to_value(card.indicator).expect("indicator");
        now.push_str(&format!(
            "| {} | {} |\n",
            indicator.as_str().expect("a string"),
            card.summary.replace('|', "\\|")
        ));
    }
    let a = doc.find(start).expect("start marker") + start.len();
    let b = doc.find(end).expect("end marker");
    if std::env::var_os("NETTX_UPDATE_GENERATED").is_some() {
        let updated = format!("{}{now}{}", &doc[..a], &doc[b..]);
        std::fs::write(&path, updated).expect("write docs/FHIR.md");
        return;
    }
    assert_eq!(&doc[a..b], now, "docs/FHIR.md's walkthrough cards are stale: NETTX_UPDATE_GENERATED=1 cargo test -p nettx-fhir --test docs");
}
