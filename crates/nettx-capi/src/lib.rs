//! # nettx-capi: the C ABI of nettx, as a Rust library
//!
//! Every `extern "C"` function, type and constant of libnettx, whose interface
//! is the header `include/nettx.h` (generated from this source by cbindgen;
//! see `crates/nettx-ffi/cbindgen.toml` for the conventions every function
//! follows, which head the header). This crate is an rlib: `crates/nettx-ffi`
//! links it into `libnettx.so` and `libnettx.a`, which export its
//! `#[no_mangle]` functions, and the fuzz targets (`fuzz/`) call them, and
//! the `checks` module, from Rust. It holds no clinical logic: every decision,
//! text and check comes from the core crate (`nettx`, used here as
//! `nettx_core`); this crate only converts between C and Rust types and
//! manages memory across the boundary.
//!
//! - `json.rs`: the fixed entry points of the interface (`nettx_version`,
//!   `nettx_evaluate_json`, `nettx_string_free`) and `nettx_error_read`;
//! - `case.rs`: `nettx_case`, its enums, and its conversion through the core's
//!   checks;
//! - `evaluation.rs`: `nettx_evaluate` and the `nettx_evaluation` handle;
//! - `fhir.rs`: FHIR records in (`nettx_fhir_evaluate_json`), CDS Hooks cards
//!   out (`nettx_evaluation_cds_cards_json`), through `nettx-fhir`;
//! - `vocab.rs`: the output enums and the names of every vocabulary;
//! - `texts.rs`: the static C strings, read from the core once;
//! - `limits.rs`: the core's input limits as macros of the header;
//! - `util.rs`: the panic boundary and bounded reading of C strings.
//!
//! Every export catches panics (`util::guard`) and reports them as
//! `NETTX_ERR_PANIC`; no unwind crosses into C.

#![allow(non_camel_case_types)]

mod case;
mod evaluation;
mod fhir;
mod json;
mod limits;
mod pathway;
mod status;
mod texts;
mod util;
mod vocab;

/// The invariant checks of the `c_json` and `c_typed` fuzz targets, through
/// the exported functions. Not part of the C interface (nor of the header):
/// compiled for this crate's tests, which replay the saved inputs over them
/// (`fuzz_regressions`), and with the `checks` feature for the fuzz targets.
///
/// cbindgen:ignore
#[cfg(any(test, feature = "checks"))]
pub mod checks;
#[cfg(test)]
mod fuzz_regressions;

pub use case::{
    nettx_case, nettx_case_init, nettx_complication, nettx_fact, nettx_histology, nettx_site,
    nettx_ssa_response, NETTX_COMPLICATION_BIT_BLEEDING, NETTX_COMPLICATION_BIT_BOWEL_OBSTRUCTION,
    NETTX_COMPLICATION_BIT_INTESTINAL_ISCHEMIA, NETTX_COMPLICATION_BIT_OTHER,
    NETTX_COMPLICATION_BIT_PERFORATION,
};
pub use evaluation::*;
pub use fhir::{
    nettx_evaluation_cds_cards_json, nettx_fhir_evaluate_json, NETTX_MAX_RECORD_JSON_BYTES,
};
pub use json::{
    nettx_error_read, nettx_evaluate_json, nettx_evaluate_json_len, nettx_string_free,
    nettx_version,
};
pub use limits::{
    NETTX_MAX_BATCH_CASES, NETTX_MAX_CASE_ID_BYTES, NETTX_MAX_CASE_JSON_BYTES,
    NETTX_MAX_NESTING_DEPTH,
};
pub use pathway::{nettx_evaluation_pathway, nettx_pathway_format};
pub use status::nettx_status;
pub use vocab::*;

// The version macros of the header. cbindgen copies these literals; the
// string NETTX_VERSION is assembled from them in the header (cbindgen.toml,
// `after_includes`). tests/header.rs checks both against Cargo.toml.

/// Major version of the library this header belongs to.
pub const NETTX_VERSION_MAJOR: u32 = 0;
/// Minor version of the library this header belongs to.
pub const NETTX_VERSION_MINOR: u32 = 1;
/// Patch version of the library this header belongs to.
pub const NETTX_VERSION_PATCH: u32 = 0;

#[cfg(test)]
mod tests;
