//! # nettx-server: `nettx serve`, a CDS Hooks 2.0 service
//!
//! An EHR calls it with a `patient-view` hook; it reads the patient's FHIR
//! record (from `prefetch`, or fetched from the EHR's FHIR server), maps it
//! with `nettx-fhir`, evaluates it with the `nettx` core and answers with
//! cards. It holds no clinical logic of its own.
//!
//! Secure by default: every call needs a JWT of a trusted issuer (without
//! issuers it runs in development mode on a loopback address only), every
//! input is bounded (body size, time, requests in flight, pages fetched),
//! the log on standard error holds no patient data, and every answered
//! evaluation has its line in the audit log before the answer leaves.
//! `docs/CDS-HOOKS.md` is the operator's guide.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod app;
pub mod audit;
pub mod auth;
pub mod client;
pub mod config;
pub mod conn;
pub mod error;
pub mod hook;
pub mod log;
pub mod page;
pub mod replay;
pub mod run;
pub mod serve;

pub use config::{Config, ConfigError};
pub use run::{start, Running};
