//! The service's settings: a TOML file, overridden by flags, checked before
//! anything listens. Every refusal names the setting to change.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where the service listens when nothing else is said: loopback only.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// Where the audit log goes when nothing else is said.
pub const DEFAULT_AUDIT_LOG: &str = "nettx-audit.jsonl";

/// A trusted issuer of the JWTs that CDS clients (EHRs) sign.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Issuer {
    /// The token's `iss`, compared exactly.
    pub iss: String,
    /// A JWKS file holding the issuer's public keys (for tokens without `jku`).
    #[serde(default)]
    pub jwks_file: Option<PathBuf>,
    /// The `jku` URLs this issuer may name (https only), compared exactly.
    #[serde(default)]
    pub jku: Vec<String>,
}

/// Bounds on what one caller can make the service do.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Largest request body, in bytes (413 past it).
    pub max_body_bytes: usize,
    /// Time for a whole request, body included, in milliseconds (408 past it).
    pub request_timeout_ms: u64,
    /// Time for a client to send its request headers, in milliseconds.
    pub header_read_timeout_ms: u64,
    /// Requests evaluated at once; one more gets 503 with `Retry-After`.
    pub max_in_flight: usize,
    /// Connections open at once; one more is closed without an answer.
    pub max_connections: usize,
    /// How long a fetched `jku` key set is trusted, in seconds.
    pub jwks_cache_seconds: u64,
    /// Longest token lifetime accepted (`exp` − now), in seconds.
    pub max_token_lifetime_seconds: u64,
    /// Clock skew allowed on `exp` and `iat`, in seconds.
    pub clock_skew_seconds: u64,
    /// Time for one fetch from a FHIR server or a `jku` host, in milliseconds.
    pub fetch_timeout_ms: u64,
    /// Most pages of one search followed through `next` links.
    pub max_pages: usize,
    /// Most live tokens remembered at once against replay (about 70 bytes
    /// each; one more token gets 503 until some expire). The default holds
    /// 5,000 calls a second with 5-minute tokens.
    pub max_remembered_tokens: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: nettx_fhir::MAX_RECORD_JSON_BYTES,
            request_timeout_ms: 10_000,
            header_read_timeout_ms: 5_000,
            max_in_flight: 256,
            max_connections: 1_024,
            jwks_cache_seconds: 300,
            max_token_lifetime_seconds: 3_600,
            clock_skew_seconds: 30,
            fetch_timeout_ms: 5_000,
            max_pages: 20,
            max_remembered_tokens: 2_000_000,
        }
    }
}

impl Limits {
    /// [`Limits::request_timeout_ms`] as a duration.
    pub fn request_timeout(&self) -> Duration {
        Duration::from_millis(self.request_timeout_ms)
    }
    /// [`Limits::fetch_timeout_ms`] as a duration.
    pub fn fetch_timeout(&self) -> Duration {
        Duration::from_millis(self.fetch_timeout_ms)
    }
}

/// TLS certificate chain and key, PEM files.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Tls {
    /// Certificate chain, leaf first.
    pub cert: PathBuf,
    /// Private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

/// The audit log.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Audit {
    /// JSON Lines file, appended to (created with mode 0600).
    pub path: PathBuf,
    /// `fsync` after every line: survives a power cut, not only a crash.
    #[serde(default)]
    pub fsync: bool,
}

/// The whole configuration.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Socket address to listen on.
    #[serde(default = "default_listen")]
    pub listen: String,
    /// The URL callers reach the service at (a JWT's `aud` is this + the path).
    #[serde(default)]
    pub public_base_url: Option<String>,
    /// TLS is done by a proxy in front (allows a non-loopback address without `tls`).
    #[serde(default)]
    pub behind_tls_proxy: bool,
    /// TLS by this process.
    #[serde(default)]
    pub tls: Option<Tls>,
    /// The audit log.
    #[serde(default = "default_audit")]
    pub audit: Audit,
    /// Origins a browser may call from (`"*"`: any; empty, the default: none).
    #[serde(default = "default_cors")]
    pub cors_allowed_origins: Vec<String>,
    /// The limits.
    #[serde(default)]
    pub limits: Limits,
    /// Trusted issuers; none means development mode (loopback only, no token checked).
    #[serde(default)]
    pub issuers: Vec<Issuer>,
}

fn default_listen() -> String {
    DEFAULT_LISTEN.to_owned()
}
fn default_audit() -> Audit {
    Audit {
        path: PathBuf::from(DEFAULT_AUDIT_LOG),
        fsync: false,
    }
}
fn default_cors() -> Vec<String> {
    // The page at `/` is served from the same origin and needs none; a
    // browser-based CDS client's origin is added by the operator.
    Vec::new()
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: default_listen(),
            public_base_url: None,
            behind_tls_proxy: false,
            tls: None,
            audit: default_audit(),
            cors_allowed_origins: default_cors(),
            limits: Limits::default(),
            issuers: Vec::new(),
        }
    }
}

/// A configuration that cannot be used, naming the setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The setting (`listen`, `issuers[0].jku`, …), or the file.
    pub setting: String,
    /// What is wrong and what to do.
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.setting, self.message)
    }
}

impl std::error::Error for ConfigError {}

fn err(setting: impl Into<String>, message: impl Into<String>) -> ConfigError {
    ConfigError {
        setting: setting.into(),
        message: message.into(),
    }
}

impl Config {
    /// Reads a TOML file (unknown keys are refused, so a typo is not ignored).
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| err(&shown, format!("cannot read the configuration file: {e}")))?;
        Config::from_toml(&text).map_err(|e| err(format!("{shown}: {}", e.setting), e.message))
    }

    /// Parses TOML text.
    pub fn from_toml(text: &str) -> Result<Config, ConfigError> {
        toml::from_str(text).map_err(|e| {
            let setting = e
                .span()
                .and_then(|s| text.get(..s.start))
                .map(|before| format!("line {}", before.lines().count().max(1)))
                .unwrap_or_else(|| "configuration".to_owned());
            err(setting, e.message().to_owned())
        })
    }

    /// The listen address, parsed.
    pub fn listen_addr(&self) -> Result<SocketAddr, ConfigError> {
        self.listen.parse().map_err(|_| {
            err(
                "listen",
                format!(
                    "`{}` is not a socket address; write ip:port, e.g. 127.0.0.1:8080",
                    self.listen
                ),
            )
        })
    }

    /// Whether no issuer is configured: development mode, no token checked.
    pub fn development(&self) -> bool {
        self.issuers.is_empty()
    }

    /// Checks everything that can be checked without the network: refuses a
    /// non-loopback address without issuers, or without TLS (unless a TLS
    /// proxy is declared), issuers without keys, plain-http `jku`s, limits of
    /// zero, and a base URL that is not a URL.
    pub fn check(&self) -> Result<(), ConfigError> {
        let addr = self.listen_addr()?;
        if !addr.ip().is_loopback() {
            if self.development() {
                return Err(err(
                    "issuers",
                    format!("listening on {addr}, which is not a loopback address, needs at least one trusted issuer ([[issuers]]); without issuers every call would be accepted unauthenticated"),
                ));
            }
            if self.tls.is_none() && !self.behind_tls_proxy {
                return Err(err(
                    "tls",
                    format!("listening on {addr}, which is not a loopback address, needs TLS ([tls] cert and key) or `behind_tls_proxy = true` when a TLS proxy sits in front"),
                ));
            }
        }
        if !self.development() && self.public_base_url.is_none() {
            return Err(err(
                "public_base_url",
                "with issuers configured the service needs its public base URL (e.g. https://cds.example.org), since every token's `aud` must equal it + the path",
            ));
        }
        if let Some(url) = &self.public_base_url {
            if !(url.starts_with("https://") || url.starts_with("http://")) || url.ends_with('/') {
                return Err(err(
                    "public_base_url",
                    format!("`{url}` must be an http(s) URL without a trailing slash, e.g. https://cds.example.org"),
                ));
            }
        }
        for (i, issuer) in self.issuers.iter().enumerate() {
            if issuer.iss.is_empty() {
                return Err(err(format!("issuers[{i}].iss"), "is empty"));
            }
            if issuer.jwks_file.is_none() && issuer.jku.is_empty() {
                return Err(err(
                    format!("issuers[{i}]"),
                    format!(
                        "issuer `{}` has no keys: give `jwks_file` or an allow-listed `jku`",
                        issuer.iss
                    ),
                ));
            }
            for (j, url) in issuer.jku.iter().enumerate() {
                if !url.starts_with("https://") {
                    return Err(err(
                        format!("issuers[{i}].jku[{j}]"),
                        format!(
                            "`{url}` is not an https URL; key sets are fetched over https only"
                        ),
                    ));
                }
            }
        }
        let l = &self.limits;
        for (name, value) in [
            ("max_body_bytes", l.max_body_bytes as u64),
            ("request_timeout_ms", l.request_timeout_ms),
            ("header_read_timeout_ms", l.header_read_timeout_ms),
            ("max_in_flight", l.max_in_flight as u64),
            ("max_connections", l.max_connections as u64),
            ("max_token_lifetime_seconds", l.max_token_lifetime_seconds),
            ("fetch_timeout_ms", l.fetch_timeout_ms),
            ("max_pages", l.max_pages as u64),
            ("max_remembered_tokens", l.max_remembered_tokens as u64),
        ] {
            if value == 0 {
                return Err(err(format!("limits.{name}"), "must be above 0"));
            }
        }
        for (name, value, max) in [
            ("clock_skew_seconds", l.clock_skew_seconds, 300),
            (
                "max_token_lifetime_seconds",
                l.max_token_lifetime_seconds,
                86_400,
            ),
            ("jwks_cache_seconds", l.jwks_cache_seconds, 86_400),
            ("request_timeout_ms", l.request_timeout_ms, 600_000),
            ("header_read_timeout_ms", l.header_read_timeout_ms, 600_000),
            ("fetch_timeout_ms", l.fetch_timeout_ms, 600_000),
            ("max_pages", l.max_pages as u64, 1_000),
            ("max_in_flight", l.max_in_flight as u64, 100_000),
            ("max_connections", l.max_connections as u64, 1_000_000),
            (
                "max_remembered_tokens",
                l.max_remembered_tokens as u64,
                100_000_000,
            ),
        ] {
            if value > max {
                return Err(err(
                    format!("limits.{name}"),
                    format!("must be at most {max}"),
                ));
            }
        }
        if l.max_body_bytes > nettx_fhir::MAX_RECORD_JSON_BYTES {
            return Err(err(
                "limits.max_body_bytes",
                format!(
                    "at most {} (the largest record the mapping reads)",
                    nettx_fhir::MAX_RECORD_JSON_BYTES
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_config_is_loopback_development() {
        let c = Config::default();
        assert!(c.check().is_ok());
        assert!(c.development());
        assert!(c.listen_addr().is_ok_and(|a| a.ip().is_loopback()));
    }

    #[test]
    fn refuses_public_address_without_issuers() {
        let c = Config {
            listen: "0.0.0.0:8080".into(),
            ..Config::default()
        };
        assert_eq!(c.check().map_err(|e| e.setting), Err("issuers".into()));
    }

    #[test]
    fn refuses_public_address_without_tls() {
        let c = Config {
            listen: "0.0.0.0:8080".into(),
            public_base_url: Some("https://cds.example.org".into()),
            issuers: vec![Issuer {
                iss: "https://ehr".into(),
                jwks_file: Some("k.json".into()),
                jku: vec![],
            }],
            ..Config::default()
        };
        assert_eq!(c.check().map_err(|e| e.setting), Err("tls".into()));
        let proxied = Config {
            behind_tls_proxy: true,
            ..c
        };
        assert!(proxied.check().is_ok());
    }

    #[test]
    fn refuses_plain_http_jku_and_unknown_keys() {
        let text = "public_base_url = \"https://x\"\n[[issuers]]\niss = \"a\"\njku = [\"http://a/jwks\"]\n";
        let c = Config::from_toml(text).expect("parses");
        assert_eq!(
            c.check().map_err(|e| e.setting),
            Err("issuers[0].jku[0]".into())
        );
        let typo = Config::from_toml("listn = \"127.0.0.1:1\"\n").map_err(|e| e.message);
        assert!(typo.is_err_and(|m| m.contains("listn")));
    }

    #[test]
    fn refuses_limits_past_their_bounds() {
        let c =
            Config::from_toml("[limits]\nclock_skew_seconds = 1000000000000\n").expect("parses");
        assert_eq!(
            c.check().map_err(|e| e.setting),
            Err("limits.clock_skew_seconds".into())
        );
        let c = Config::from_toml("[limits]\nrequest_timeout_ms = 9223372036854775807\n")
            .expect("parses");
        assert_eq!(
            c.check().map_err(|e| e.setting),
            Err("limits.request_timeout_ms".into())
        );
    }

    #[test]
    fn refuses_issuer_without_keys_and_zero_limits() {
        let c = Config::from_toml(
            "public_base_url = \"https://x\"\n[[issuers]]\niss = \"a\"\n[limits]\nmax_in_flight = 0\n",
        )
        .expect("parses");
        assert_eq!(c.check().map_err(|e| e.setting), Err("issuers[0]".into()));
        let c = Config::from_toml("[limits]\nmax_in_flight = 0\n").expect("parses");
        assert_eq!(
            c.check().map_err(|e| e.setting),
            Err("limits.max_in_flight".into())
        );
    }

    #[test]
    fn the_example_production_config_is_valid_and_complete() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/serve.toml");
        let text = std::fs::read_to_string(&path).expect("examples/serve.toml");
        let c = Config::from_toml(&text).expect("parses");
        assert_eq!(c.check(), Ok(()));
        assert!(!c.development());
        assert!(c.tls.is_some() && c.audit.fsync);
        // Every limit is spelled out, at its default.
        assert_eq!(c.limits, Limits::default());
        assert_eq!(c.issuers.len(), 2);
    }
}
