//! Gives `libnettx.so` a SONAME, as a C library has: `libnettx.so.MAJOR`, or
//! `libnettx.so.0.MINOR` while the major version is 0 (when every minor
//! version may change the ABI). `make install` installs the file under that
//! name with the usual symbolic links.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if !matches!(
        os.as_str(),
        "linux" | "freebsd" | "netbsd" | "openbsd" | "dragonfly"
    ) {
        return;
    }
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_default();
    let minor = std::env::var("CARGO_PKG_VERSION_MINOR").unwrap_or_default();
    let soname = if major == "0" {
        format!("libnettx.so.0.{minor}")
    } else {
        format!("libnettx.so.{major}")
    };
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");
}
