//! # libnettx: the C library of nettx
//!
//! This crate builds `libnettx.so` (with its SONAME, `build.rs`) and
//! `libnettx.a`, whose interface is the header `include/nettx.h`. It holds no
//! code: the C ABI (every `extern "C"` function, its types and constants) is
//! the rlib `nettx-capi` (crates/nettx-capi), re-exported here. A cdylib and
//! a staticlib export the `#[no_mangle]` functions of the Rust crates they
//! link, so both libraries export exactly nettx-capi's functions.
//!
//! The two crates exist because this one's library is named `nettx` (the
//! file names libnettx.so and libnettx.a), as is the core's rlib: an rlib
//! here would be a second libnettx.rlib in the same target directory. The
//! fuzz targets, which call the C ABI from Rust, use nettx-capi.

pub use nettx_capi::*;
