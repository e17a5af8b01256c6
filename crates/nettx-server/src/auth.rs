//! Who may call: a JWT (ES384 or RS384) signed by a configured trusted
//! issuer, with `aud` equal to the URL of the endpoint invoked, valid
//! `exp`/`iat`, and a `jti` never seen before. Keys come from the issuer's
//! JWKS file or from a `jku` the issuer's entry allow-lists (https only,
//! cached for a bounded time). Keys embedded in the token (`jwk`, `x5c`,
//! `x5u`) are never trusted.

use crate::client::get_bounded;
use crate::config::{Issuer, Limits};
use crate::replay::{Remembered, ReplayCache};
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, JwkSet, KeyAlgorithm};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::de::IgnoredAny;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Largest key set read from a `jku`.
const MAX_JWKS_BYTES: usize = 256 * 1024;
/// A key set is fetched again for an unknown `kid` at most this often.
const MIN_REFETCH: Duration = Duration::from_secs(30);

/// A caller refused, with the reason (sent back, never logged with the
/// token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denied {
    /// The token is missing or not valid: 401.
    Token(String),
    /// The token may be valid but cannot be checked now (the replay memory
    /// is full): 503, retry.
    Busy(String),
}

/// A caller whose token was verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The token's issuer (`-` in development mode).
    pub iss: String,
}

struct TrustedIssuer {
    iss: String,
    file_keys: Option<JwkSet>,
    jku: Vec<String>,
}

struct CachedSet {
    fetched: Instant,
    /// The set, or why it could not be had (remembered too, so a host that
    /// is down is not asked again by every caller).
    keys: Result<Arc<JwkSet>, String>,
}

/// A key set, keeping every key this service can read and skipping the
/// rest (a key of another curve or algorithm beside the ones used must not
/// make the whole set unreadable). An error when no key is left.
pub fn parse_key_set(text: &[u8]) -> Result<JwkSet, String> {
    #[derive(Deserialize)]
    struct Raw {
        keys: Vec<serde_json::Value>,
    }
    let raw: Raw = serde_json::from_slice(text).map_err(|e| format!("not a JWKS ({e})"))?;
    let keys: Vec<Jwk> = raw
        .keys
        .into_iter()
        .filter_map(|k| serde_json::from_value(k).ok())
        .filter(readable)
        .collect();
    if keys.is_empty() {
        return Err("holds no key this service can use (ES384 or RS384)".into());
    }
    Ok(JwkSet { keys })
}

/// A key of a type and algorithm that JWKs name (EC, RSA, oct or OKP, and no
/// `alg` or a known one). jsonwebtoken reads any other key too, as a key of
/// unknown type or algorithm; those are what the key sets skip, and a token
/// whose header embeds one is refused as before (the sets and answers stay
/// those of jsonwebtoken 9, which could not read such keys).
fn readable(jwk: &Jwk) -> bool {
    !matches!(jwk.algorithm, AlgorithmParameters::Other(_))
        && !matches!(
            jwk.common.key_algorithm,
            Some(KeyAlgorithm::UNKNOWN_ALGORITHM)
        )
}

/// Verifies tokens; shared by every request.
pub struct Verifier {
    issuers: Vec<TrustedIssuer>,
    client: reqwest::Client,
    /// Key sets by `jku`: read without waiting while fresh.
    cache: std::sync::RwLock<HashMap<String, CachedSet>>,
    /// One fetch at a time (callers that wait then find the fresh set).
    fetching: tokio::sync::Mutex<()>,
    seen: Mutex<ReplayCache>,
    ttl: Duration,
    skew: u64,
    max_lifetime: u64,
}

#[derive(Deserialize)]
struct Claims {
    iss: String,
    exp: u64,
    iat: u64,
    jti: String,
}

#[derive(Deserialize)]
struct IssOnly {
    iss: Option<String>,
    // Named only so that a payload repeating one of them has no `iss` here,
    // as it had when this was read through jsonwebtoken's claim checks.
    #[allow(dead_code)]
    exp: Option<IgnoredAny>,
    #[allow(dead_code)]
    nbf: Option<IgnoredAny>,
    #[allow(dead_code)]
    sub: Option<IgnoredAny>,
    #[allow(dead_code)]
    aud: Option<IgnoredAny>,
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Verifier {
    /// Loads every issuer's JWKS file (an unreadable or empty one is an error
    /// naming the issuer).
    pub fn new(
        issuers: &[Issuer],
        limits: &Limits,
        client: reqwest::Client,
    ) -> Result<Verifier, String> {
        let mut trusted = Vec::with_capacity(issuers.len());
        for (i, issuer) in issuers.iter().enumerate() {
            let file_keys = match &issuer.jwks_file {
                Some(path) => {
                    let text = std::fs::read_to_string(path)
                        .map_err(|e| format!("issuers[{i}].jwks_file {}: {e}", path.display()))?;
                    let set = parse_key_set(text.as_bytes())
                        .map_err(|e| format!("issuers[{i}].jwks_file {}: {e}", path.display()))?;
                    Some(set)
                }
                None => None,
            };
            trusted.push(TrustedIssuer {
                iss: issuer.iss.clone(),
                file_keys,
                jku: issuer.jku.clone(),
            });
        }
        Ok(Verifier {
            issuers: trusted,
            client,
            cache: std::sync::RwLock::new(HashMap::new()),
            fetching: tokio::sync::Mutex::new(()),
            seen: Mutex::new(ReplayCache::new(limits.max_remembered_tokens)),
            ttl: Duration::from_secs(limits.jwks_cache_seconds),
            skew: limits.clock_skew_seconds,
            max_lifetime: limits.max_token_lifetime_seconds,
        })
    }

    /// Verifies the `Authorization` header's value for a call to `audience`.
    pub async fn verify(
        &self,
        authorization: Option<&str>,
        audience: &str,
    ) -> Result<Caller, Denied> {
        let deny = |why: &str| Err(Denied::Token(why.to_owned()));
        let Some(value) = authorization else {
            return deny("no Authorization header: send `Authorization: Bearer <JWT>`");
        };
        // The scheme is case-insensitive (RFC 9110, 11.1).
        let Some(token) = value
            .get(..7)
            .filter(|scheme| scheme.eq_ignore_ascii_case("bearer "))
            .and_then(|_| value.get(7..))
        else {
            return deny("the Authorization header is not `Bearer <JWT>`");
        };
        let token = token.trim();
        let Some(header) = jsonwebtoken::decode_header(token)
            .ok()
            .filter(|h| h.jwk.as_ref().is_none_or(readable))
        else {
            return deny("the token is not a JWT with a supported header (alg ES384 or RS384)");
        };
        if !matches!(header.alg, Algorithm::ES384 | Algorithm::RS384) {
            return deny("the token's alg is not allowed: only ES384 and RS384 are");
        }
        let iss =
            unverified_iss(token).ok_or_else(|| Denied::Token("the token has no `iss`".into()))?;
        let Some(issuer) = self.issuers.iter().find(|i| i.iss == iss) else {
            return deny("the token's issuer is not trusted by this service");
        };
        let jwk = self
            .key_for(
                issuer,
                header.jku.as_deref(),
                header.kid.as_deref(),
                header.alg,
            )
            .await?;
        let key = DecodingKey::from_jwk(&jwk)
            .map_err(|_| Denied::Token("the issuer's key cannot be used".into()))?;
        let mut validation = Validation::new(header.alg);
        validation.leeway = self.skew;
        validation.validate_nbf = true;
        validation.set_audience(&[audience]);
        validation.set_issuer(&[&issuer.iss]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        let data = jsonwebtoken::decode::<Claims>(token, &key, &validation).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind as K;
            Denied::Token(match e.kind() {
                K::InvalidSignature => "the token's signature does not verify".into(),
                K::ExpiredSignature => "the token has expired".into(),
                K::InvalidAudience => {
                    format!("the token's aud is not this endpoint's URL ({audience})")
                }
                K::InvalidIssuer => "the token's issuer is not trusted".into(),
                K::MissingRequiredClaim(c) => format!("the token has no `{c}`"),
                K::Json(_) => "the token lacks `iat` or `jti`, or one has the wrong type".into(),
                _ => "the token is not valid".into(),
            })
        })?;
        let claims = data.claims;
        let now = now_secs();
        if claims.iat > now + self.skew {
            return deny("the token's iat is in the future");
        }
        if claims.exp > now + self.max_lifetime + self.skew {
            return deny("the token lives longer than this service accepts (limits.max_token_lifetime_seconds)");
        }
        if claims.jti.is_empty() || claims.jti.len() > 256 {
            return deny("the token's jti is empty or longer than 256 bytes");
        }
        let remembered = self
            .seen
            .lock()
            .map_err(|_| Denied::Busy("the replay cache is unavailable".into()))?
            .remember(&claims.iss, &claims.jti, claims.exp + self.skew, now);
        match remembered {
            Remembered::New => Ok(Caller { iss: claims.iss }),
            Remembered::Replayed => deny("the token's jti was seen before (a replayed token)"),
            Remembered::Full => Err(Denied::Busy(
                "too many live tokens are remembered (limits.max_remembered_tokens); retry in a moment".into(),
            )),
        }
    }

    async fn key_for(
        &self,
        issuer: &TrustedIssuer,
        jku: Option<&str>,
        kid: Option<&str>,
        alg: Algorithm,
    ) -> Result<Jwk, Denied> {
        let pick = |set: &JwkSet| -> Option<Jwk> {
            let jwk = match kid {
                Some(kid) => set.find(kid)?,
                None if set.keys.len() == 1 => set.keys.first()?,
                None => return None,
            };
            match jwk.common.key_algorithm {
                Some(a) if a.to_string() != format!("{alg:?}") => None,
                _ => Some(jwk.clone()),
            }
        };
        match jku {
            None => {
                let Some(set) = &issuer.file_keys else {
                    return Err(Denied::Token(
                        "the token has no jku and its issuer has no key file".into(),
                    ));
                };
                pick(set).ok_or_else(|| {
                    Denied::Token("no key of the issuer matches the token's kid and alg".into())
                })
            }
            Some(url) => {
                if !issuer.jku.iter().any(|allowed| allowed == url) {
                    return Err(Denied::Token(
                        "the token's jku is not allow-listed for its issuer".into(),
                    ));
                }
                let set = self.fetch_set(url, false).await?;
                if let Some(jwk) = pick(&set) {
                    return Ok(jwk);
                }
                // A rotated key: fetch again, at most every MIN_REFETCH.
                let set = self.fetch_set(url, true).await?;
                pick(&set).ok_or_else(|| {
                    Denied::Token("no key at the jku matches the token's kid and alg".into())
                })
            }
        }
    }

    /// The cached answer if it may be used: anything younger than
    /// [`MIN_REFETCH`] (a set, or a failure: no host is asked more often,
    /// whatever the TTL or the kids asked for); a set younger than the TTL
    /// unless a refresh (an unknown `kid`) is asked for.
    fn cached(&self, url: &str, refresh: bool) -> Option<Result<Arc<JwkSet>, String>> {
        let cache = self.cache.read().ok()?;
        let c = cache.get(url)?;
        let age = c.fetched.elapsed();
        if age < MIN_REFETCH || (c.keys.is_ok() && age < self.ttl && !refresh) {
            return Some(c.keys.clone());
        }
        None
    }

    async fn fetch_set(&self, url: &str, refresh: bool) -> Result<Arc<JwkSet>, Denied> {
        let answer = match self.cached(url, refresh) {
            Some(answer) => answer,
            None => {
                let _one_fetch = self.fetching.lock().await;
                // Fetched while this call waited?
                match self.cached(url, refresh) {
                    Some(answer) => answer,
                    None => {
                        let answer = match get_bounded(
                            &self.client,
                            url,
                            None,
                            "application/json",
                            MAX_JWKS_BYTES,
                        )
                        .await
                        {
                            Ok(body) => parse_key_set(&body).map(Arc::new),
                            Err(e) => Err(e.0),
                        };
                        if let Ok(mut cache) = self.cache.write() {
                            cache.insert(
                                url.to_owned(),
                                CachedSet {
                                    fetched: Instant::now(),
                                    keys: answer.clone(),
                                },
                            );
                        }
                        answer
                    }
                }
            }
        };
        answer.map_err(|e| Denied::Token(format!("the key set at the token's jku {e}")))
    }
}

/// The `iss` of a token's payload, read before the signature is checked
/// (only to choose the issuer's keys).
fn unverified_iss(token: &str) -> Option<String> {
    jsonwebtoken::dangerous::insecure_decode_claims::<IssOnly>(token)
        .ok()?
        .iss
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_set_keeps_the_keys_it_can_use_and_skips_the_rest() {
        let ours = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/keys/issuer-jwks.json"
        ))
        .unwrap();
        let mut set: serde_json::Value = serde_json::from_str(&ours).unwrap();
        let keys = set["keys"].as_array_mut().unwrap();
        let usable = keys.len();
        // Keys this service cannot read: another algorithm, another type.
        keys.push(
            serde_json::json!({"kty": "EC", "crv": "P-521", "alg": "ES512", "kid": "x",
            "x": "AQ", "y": "AQ"}),
        );
        keys.push(serde_json::json!({"kty": "PQC", "alg": "ML-DSA-65", "kid": "y", "pub": "AQ"}));
        let parsed = parse_key_set(set.to_string().as_bytes()).unwrap();
        assert_eq!(parsed.keys.len(), usable);
        assert!(parsed.find("test-es384").is_some());
        let none = serde_json::json!({"keys": [{"kty": "PQC", "kid": "y"}]});
        assert!(parse_key_set(none.to_string().as_bytes()).is_err());
        assert!(parse_key_set(b"[]").is_err());
    }
}
