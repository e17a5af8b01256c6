//! The page at `/`: paste a case or a FHIR record, see the cards in their
//! indicator colours, the missing data and the pathway diagram. One HTML
//! file with its script and style inline, built into the binary: no build
//! step, no CDN.

/// The page.
pub const INDEX_HTML: &str = include_str!("page/index.html");
