//! Starting and stopping: the settings are checked, the audit log opened and
//! the keys loaded before anything listens; SIGTERM or Ctrl-C lets the
//! requests in flight finish, then flushes the audit log.

use crate::app::{router, AppState};
use crate::audit::{AuditLog, Opened};
use crate::auth::Verifier;
use crate::config::{Config, ConfigError};
use crate::conn::Bounded;
use crate::log::line;
use crate::serve::{Serve, Serving};
use rustls_pki_types::pem::PemObject;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// How long requests in flight get to finish after SIGTERM.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// A service that is listening.
pub struct Running {
    /// The address it listens on (the port chosen when the config said 0).
    pub addr: SocketAddr,
    /// The serving threads.
    serving: Serving,
    state: Arc<AppState>,
    /// What it said at start, one line each (also written to standard error).
    pub banner: Vec<String>,
}

impl Running {
    /// Graceful stop: no new connections, requests in flight finish (up to
    /// [`SHUTDOWN_GRACE`]), then the audit log is flushed to disk.
    pub async fn shutdown(self) -> std::io::Result<()> {
        let served = self.serving.stop().await;
        self.state.audit.sync()?;
        served
    }

    /// Runs until SIGTERM or SIGINT, then stops gracefully.
    pub async fn until_signal(self) -> std::io::Result<()> {
        wait_for_signal().await;
        line(
            "\"event\":\"shutdown\",\"message\":\"signal received: finishing requests in flight\"",
        );
        self.shutdown().await?;
        line("\"event\":\"stopped\",\"message\":\"audit log flushed\"");
        Ok(())
    }
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn fail(setting: &str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        setting: setting.to_owned(),
        message: message.into(),
    }
}

fn tls_config(tls: &crate::config::Tls) -> Result<Arc<rustls::ServerConfig>, ConfigError> {
    let cert_pem = std::fs::read(&tls.cert)
        .map_err(|e| fail("tls.cert", format!("{}: {e}", tls.cert.display())))?;
    let key_pem = std::fs::read(&tls.key)
        .map_err(|e| fail("tls.key", format!("{}: {e}", tls.key.display())))?;
    let certs: Vec<_> = rustls_pki_types::CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<_, _>>()
        .map_err(|e| {
            fail(
                "tls.cert",
                format!("{}: not PEM certificates ({e})", tls.cert.display()),
            )
        })?;
    if certs.is_empty() {
        return Err(fail(
            "tls.cert",
            format!("{}: holds no certificate", tls.cert.display()),
        ));
    }
    let key = rustls_pki_types::PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| {
        fail(
            "tls.key",
            format!("{}: not a PEM private key ({e})", tls.key.display()),
        )
    })?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| fail("tls", e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| {
            fail(
                "tls",
                format!("the certificate and key do not make a TLS identity: {e}"),
            )
        })?;
    let mut config = config;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Checks the settings, opens the audit log, loads keys and starts
/// listening. Every refusal names the setting.
pub async fn start(config: Config) -> Result<Running, ConfigError> {
    config.check()?;
    let addr = config.listen_addr()?;
    let mut banner = Vec::new();
    let (audit, opened) = AuditLog::open(&config.audit.path, config.audit.fsync).map_err(|e| {
        fail(
            "audit.path",
            format!(
                "{}: cannot open for appending: {e}",
                config.audit.path.display()
            ),
        )
    })?;
    if let Opened::TornTailMoved(aside, bytes) = opened {
        banner.push(format!(
            "audit log: its last line was torn ({bytes} bytes, a crash while writing); moved to {} so every line stays whole JSON",
            aside.display()
        ));
    }
    let (roots, sources) = crate::client::trust_roots().map_err(|e| fail("SSL_CERT_FILE", e))?;
    let client =
        crate::client::build(&roots, config.limits.fetch_timeout()).map_err(|e| fail("tls", e))?;
    let verifier = if config.development() {
        None
    } else {
        Some(
            Verifier::new(&config.issuers, &config.limits, client.clone())
                .map_err(|e| fail("issuers", e))?,
        )
    };
    let tls = match &config.tls {
        Some(t) => Some(tls_config(t)?),
        None => None,
    };
    let std_listener = std::net::TcpListener::bind(addr)
        .map_err(|e| fail("listen", format!("cannot listen on {addr}: {e}")))?;
    std_listener
        .set_nonblocking(true)
        .map_err(|e| fail("listen", e.to_string()))?;
    let local = std_listener
        .local_addr()
        .map_err(|e| fail("listen", e.to_string()))?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    let base_url = config
        .public_base_url
        .clone()
        .unwrap_or_else(|| format!("{scheme}://{local}"));
    banner.push(format!(
        "nettx serve {}: listening on {scheme}://{local}, guideline {} {} (digest {})",
        env!("CARGO_PKG_VERSION"),
        nettx::knowledge::GUIDELINE_ID,
        nettx::knowledge::GUIDELINE_VERSION,
        nettx::knowledge::guideline_digest()
    ));
    if config.development() {
        banner.push(format!("DEVELOPMENT MODE: no trusted issuer is configured, so every call is accepted WITHOUT a token. This is allowed on a loopback address only ({local}); configure [[issuers]] before any real use."));
    } else {
        let names: Vec<&str> = config.issuers.iter().map(|i| i.iss.as_str()).collect();
        banner.push(format!(
            "trusted issuers: {}; token audience: {base_url} + the path",
            names.join(", ")
        ));
    }
    if tls.is_none() && !addr.ip().is_loopback() {
        banner.push("TLS is done by the proxy in front (behind_tls_proxy = true)".into());
    }
    banner.push(format!(
        "audit log: {} (fsync per line: {})",
        config.audit.path.display(),
        config.audit.fsync
    ));
    let roots_said: Vec<String> = sources.iter().map(|(s, n)| format!("{s} ({n})")).collect();
    banner.push(format!(
        "trust roots for FHIR servers and jku: {}",
        if roots_said.is_empty() {
            "none found".to_owned()
        } else {
            roots_said.join(", ")
        }
    ));
    for b in &banner {
        line(&format!(
            "\"event\":\"start\",\"message\":{}",
            crate::audit::json_str(b)
        ));
    }
    let limits = config.limits.clone();
    let state = Arc::new(AppState {
        in_flight: Arc::new(Semaphore::new(limits.max_in_flight)),
        config,
        verifier,
        audit,
        client,
        base_url,
    });
    let app = router(state.clone());
    let header_timeout = Duration::from_millis(limits.header_read_timeout_ms);
    // A connection idle (nothing read or written) longer than a request may
    // take plus the time to send headers is closed: before its first byte
    // too, which hyper's header timeout does not cover.
    let idle = limits.request_timeout() + header_timeout;
    // One serving thread per core (serve.rs says why).
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let serve = Serve {
        app,
        tls: tls.map(tokio_rustls::TlsAcceptor::from),
        bounded: Bounded::new(limits.max_connections, idle),
        header_timeout,
        grace: SHUTDOWN_GRACE,
    };
    let serving = crate::serve::start(std_listener, serve, threads)
        .await
        .map_err(|e| fail("listen", format!("cannot start the serving threads: {e}")))?;
    Ok(Running {
        addr: local,
        serving,
        state,
        banner,
    })
}
