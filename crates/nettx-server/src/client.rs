//! The outgoing HTTPS client (FHIR-server fetches and `jku` key sets): rustls
//! with the system's trust roots plus the PEM file named by `SSL_CERT_FILE`,
//! no redirects followed, a time limit per fetch, and bodies read up to a
//! bound.

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

/// The trust roots: the system's bundle plus `SSL_CERT_FILE` when set.
/// Returns how many certificates each source gave, for the start-up message.
pub fn trust_roots() -> Result<(Vec<reqwest::Certificate>, RootSources), String> {
    let mut roots = Vec::new();
    let mut sources = Vec::new();
    if let Some(path) = SYSTEM_BUNDLES
        .iter()
        .find(|p| std::path::Path::new(p).is_file())
    {
        let pem = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
        let certs =
            reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| format!("{path}: {e}"))?;
        sources.push(((*path).to_owned(), certs.len()));
        roots.extend(certs);
    }
    let system = sources.first().map(|(p, _)| std::path::PathBuf::from(p));
    if let Some(path) = std::env::var_os("SSL_CERT_FILE")
        .filter(|p| system.as_deref() != Some(std::path::Path::new(p)))
    {
        let shown = path.to_string_lossy().into_owned();
        let pem = std::fs::read(&path).map_err(|e| format!("SSL_CERT_FILE {shown}: {e}"))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|e| format!("SSL_CERT_FILE {shown}: {e}"))?;
        if certs.is_empty() {
            return Err(format!("SSL_CERT_FILE {shown}: holds no PEM certificate"));
        }
        sources.push((shown, certs.len()));
        roots.extend(certs);
    }
    Ok((roots, sources))
}

/// A client trusting `roots`, following no redirect, with `timeout` per request.
pub fn build(roots: &[reqwest::Certificate], timeout: Duration) -> Result<reqwest::Client, String> {
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent(concat!("nettx-server/", env!("CARGO_PKG_VERSION")));
    for cert in roots {
        builder = builder.add_root_certificate(cert.clone());
    }
    builder
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
