//! The outgoing HTTPS client (FHIR-server fetches and `jku` key sets): rustls
//! on aws-lc-rs with the system's trust roots plus the PEM file named by
//! `SSL_CERT_FILE`, no redirects followed, a time limit per fetch, and bodies
//! read up to a bound.

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use std::sync::Arc;
use std::time::Duration;

/// Where Debian, Ubuntu, Alpine, RHEL/Fedora and macOS keep the system's
/// trust roots as one PEM file; the first that exists is read.
const SYSTEM_BUNDLES: [&str; 4] = [
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/cert.pem",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
];

/// Where trust roots came from: each file and how many certificates it gave.
pub type RootSources = Vec<(String, usize)>;

/// What a bundle with a broken PEM section is told with.
const NOT_PEM: &str = "is not a readable PEM bundle of certificates (a section is broken)";

/// The certificates of a PEM bundle (other PEM sections are skipped).
fn pem_certificates(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, &'static str> {
    CertificateDer::pem_slice_iter(pem)
        .collect::<Result<_, _>>()
        .map_err(|_| NOT_PEM)
}

/// The trust roots: the system's bundle plus `SSL_CERT_FILE` when set.
/// Returns how many certificates each source gave, for the start-up message.
pub fn trust_roots() -> Result<(Vec<CertificateDer<'static>>, RootSources), String> {
    let mut roots = Vec::new();
    let mut sources = Vec::new();
    if let Some(path) = SYSTEM_BUNDLES
        .iter()
        .find(|p| std::path::Path::new(p).is_file())
    {
        let pem = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
        let certs = pem_certificates(&pem).map_err(|e| format!("{path}: {e}"))?;
        sources.push(((*path).to_owned(), certs.len()));
        roots.extend(certs);
    }
    let system = sources.first().map(|(p, _)| std::path::PathBuf::from(p));
    if let Some(path) = std::env::var_os("SSL_CERT_FILE")
        .filter(|p| system.as_deref() != Some(std::path::Path::new(p)))
    {
        let shown = path.to_string_lossy().into_owned();
        let pem = std::fs::read(&path).map_err(|e| format!("SSL_CERT_FILE {shown}: {e}"))?;
        let certs = pem_certificates(&pem).map_err(|e| format!("SSL_CERT_FILE {shown}: {e}"))?;
        if certs.is_empty() {
            return Err(format!("SSL_CERT_FILE {shown}: holds no PEM certificate"));
        }
        sources.push((shown, certs.len()));
        roots.extend(certs);
    }
    Ok((roots, sources))
}

/// The TLS side of outgoing connections: rustls with the aws-lc-rs provider
/// (reqwest is built without one), TLS 1.3 and 1.2, `roots` trusted and
/// nothing else, ALPN `h2` and `http/1.1`: what reqwest's own rustls set-up
/// made of the same roots. An error if a root cannot be a trust anchor.
pub fn tls_config(roots: &[CertificateDer<'static>]) -> Result<rustls::ClientConfig, String> {
    let mut store = rustls::RootCertStore::empty();
    for (i, cert) in roots.iter().enumerate() {
        store.add(cert.clone()).map_err(|e| {
            format!(
                "trust root {} of the bundles cannot be a trust anchor ({e})",
                i + 1
            )
        })?;
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(rustls::ALL_VERSIONS)
        .map_err(|e| format!("TLS 1.3 and 1.2 are not available ({e})"))?
        .with_root_certificates(store)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// A client trusting `roots`, following no redirect, with `timeout` per request.
pub fn build(
    roots: &[CertificateDer<'static>],
    timeout: Duration,
) -> Result<reqwest::Client, String> {
    let tls = tls_config(roots).map_err(|e| format!("cannot build the HTTPS client: {e}"))?;
    reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent(concat!("nettx-server/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot build the HTTPS client: {e}"))
}

/// Why a fetch gave nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchError(pub String);

/// GETs `url` (with a bearer token if given) and reads at most `max_bytes`
/// of a 200 answer.
pub async fn get_bounded(
    client: &reqwest::Client,
    url: &str,
    bearer: Option<&str>,
    accept: &str,
    max_bytes: usize,
) -> Result<Vec<u8>, FetchError> {
    let mut request = client.get(url).header(reqwest::header::ACCEPT, accept);
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    let mut response = request.send().await.map_err(|e| FetchError(describe(&e)))?;
    let status = response.status();
    if status != reqwest::StatusCode::OK {
        return Err(FetchError(format!("answered HTTP {}", status.as_u16())));
    }
    if response
        .content_length()
        .is_some_and(|n| n > max_bytes as u64)
    {
        return Err(FetchError(format!("answered more than {max_bytes} bytes")));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| FetchError(describe(&e)))?
    {
        if body.len() + chunk.len() > max_bytes {
            return Err(FetchError(format!("answered more than {max_bytes} bytes")));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A reqwest error without its URL (which may hold a patient id).
fn describe(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not be reached"
    } else if e.is_redirect() {
        "redirected (not followed)"
    } else if e.is_body() || e.is_decode() {
        "sent a broken body"
    } else {
        "failed"
    };
    what.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    /// The configuration's shape and its start-up errors; that it refuses
    /// an untrusted server or a wrong name is held by tests/tls.rs, over a
    /// real connection (and the provider by the `ring` ban in deny.toml).
    fn outgoing_tls_config_and_its_errors() {
        let ca = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/keys/ca-cert.pem"
        ))
        .unwrap();
        let roots = pem_certificates(&ca).unwrap();
        assert_eq!(roots.len(), 1);
        let config = tls_config(&roots).unwrap();
        assert_eq!(
            config.alpn_protocols,
            [b"h2".to_vec(), b"http/1.1".to_vec()]
        );
        // Other PEM sections are skipped; a broken one, or a certificate
        // that cannot be a trust anchor, is an error that says so.
        let key = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/keys/tls-key.pem"
        ))
        .unwrap();
        assert_eq!(pem_certificates(&key).map(|c| c.len()), Ok(0));
        let broken = b"-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n";
        assert_eq!(pem_certificates(broken), Err(NOT_PEM));
        let not_a_root = CertificateDer::from(vec![0x30, 0x03, 0x02, 0x01, 0x01]);
        let err = build(&[not_a_root], Duration::from_secs(1))
            .err()
            .unwrap_or_default();
        assert!(
            err.starts_with(
                "cannot build the HTTPS client: trust root 1 of the bundles cannot be a trust anchor ("
            ),
            "{err}"
        );
    }
}
