//! Checks a bearer token as a JWT access token of the configured issuer (RFC 9068): its signature
//! against the issuer's published keys (fetched from its metadata, kept, fetched again when a token
//! names a key not yet seen, at most once per [`REFETCH_GAP`]), its issuer, its audience (this
//! server's public URL, RFC 8707) and its lifetime against the server's clock, with some leeway.
//! The cryptography is jsonwebtoken's; nothing here touches a signature by hand.

use std::{
    collections::BTreeSet,
    time::{Duration, Instant},
};

use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, Validation, errors::ErrorKind, jwk::JwkSet};
use serde::Deserialize;
use tokio::sync::Mutex;

use super::{Grant, OAuthOptions, TokenScope};
use crate::clock::Clock;

/// The least time between two fetches of the issuer's keys, so tokens naming made-up keys cannot
/// make this server hammer the issuer.
const REFETCH_GAP: Duration = Duration::from_secs(10);

/// After a failed fetch, how long requests are told at once that the issuer is unreachable, so an
/// issuer outage does not queue every request behind another fetch.
const FAILED_FETCH_HOLD: Duration = Duration::from_secs(2);

/// How long a fetch from the issuer may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// Why a token is refused; each says what to do, and none repeats the token.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// Not a JWT at all.
    #[error("the access token is not a JWT; this server takes JWT access tokens from {0}")]
    NotJwt(String),
    /// Issued by another authorization server.
    #[error("the access token was issued by {found}, not by {expected}")]
    WrongIssuer { found: String, expected: String },
    /// Meant for another resource.
    #[error("the access token is not meant for {0}; ask for a token with resource={0}")]
    WrongAudience(String),
    /// Past its expiry.
    #[error("the access token has expired; get a new one")]
    Expired,
    /// Not valid yet.
    #[error("the access token is not valid yet")]
    NotYet,
    /// Signed with a key the issuer does not publish, or not signed by the key it names.
    #[error("the access token's signature does not verify with the issuer's keys")]
    BadSignature,
    /// A symmetric or unknown signing algorithm, which an issuer's public keys cannot verify.
    #[error("the access token is signed with {0:?}, which this server does not accept")]
    Algorithm(Algorithm),
    /// Something required is missing or malformed.
    #[error("the access token is malformed: {0}")]
    Malformed(String),
    /// The issuer's metadata or keys could not be read, so no token can be checked now.
    #[error("the authorization server cannot be reached to check the token ({0}); try again shortly")]
    IssuerUnreachable(String),
}

impl Refusal {
    /// Whether the fault is the issuer's, not the token's (503, not 401).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Refusal::IssuerUnreachable(_))
    }
}

/// The claims read from a verified token.
#[derive(Deserialize)]
struct Claims {
    sub: String,
    exp: i64,
    #[serde(default)]
    nbf: Option<i64>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    scp: Option<Vec<String>>,
    #[serde(default)]
    email: Option<String>,
}

/// The one claim read before the signature is checked, to refuse a stranger's token without
/// fetching keys for it.
#[derive(Deserialize)]
struct IssuerOnly {
    #[serde(default)]
    iss: Option<String>,
}

/// The part of an issuer's metadata (RFC 8414, or OpenID discovery) used here.
#[derive(Deserialize)]
struct IssuerMetadata {
    issuer: String,
    jwks_uri: String,
}

/// The issuer's keys, when they were last fetched, and the last fetch that failed.
#[derive(Default)]
struct Keys {
    set: Option<JwkSet>,
    fetched: Option<Instant>,
    failed: Option<(Instant, String)>,
}

/// Checks tokens for one issuer and one resource.
pub struct Verifier {
    options: OAuthOptions,
    clock: Clock,
    http: reqwest::Client,
    keys: Mutex<Keys>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier").field("issuer", &self.options.issuer).finish()
    }
}

impl Verifier {
    /// A verifier that fetches the issuer's keys on first use; `clock` decides expiry.
    pub fn new(options: OAuthOptions, clock: Clock) -> Self {
        let http = reqwest::Client::builder()
            .timeout(FETCH_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Self { options, clock, http, keys: Mutex::default() }
    }

    /// The grant `token` carries, or why it is refused.
    pub async fn verify(&self, token: &str) -> Result<Grant, Refusal> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| Refusal::NotJwt(self.options.issuer.clone()))?;
        let unverified: IssuerOnly = jsonwebtoken::dangerous::insecure_decode(token)
            .map_err(|error| Refusal::Malformed(error.to_string()))?
            .claims;
        match unverified.iss {
            Some(found) if found != self.options.issuer => {
                return Err(Refusal::WrongIssuer { found, expected: self.options.issuer.clone() });
            }
            None => return Err(Refusal::Malformed("it names no issuer (iss)".into())),
            Some(_) => {}
        }
        if !asymmetric(header.alg) {
            return Err(Refusal::Algorithm(header.alg));
        }
        let kid = header.kid.ok_or_else(|| Refusal::Malformed("it names no signing key (kid)".into()))?;
        let key = self.key(&kid).await?;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&self.options.issuer]);
        validation.set_audience(&[&self.options.public_url]);
        // Lifetime is checked below against the server's clock, which tests can pin.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let claims = jsonwebtoken::decode::<Claims>(token, &key, &validation)
            .map_err(|error| match error.kind() {
                ErrorKind::InvalidAudience => Refusal::WrongAudience(self.options.public_url.clone()),
                ErrorKind::InvalidSignature | ErrorKind::InvalidAlgorithm => Refusal::BadSignature,
                ErrorKind::MissingRequiredClaim(claim) => Refusal::Malformed(format!("it has no {claim} claim")),
                _ => Refusal::Malformed(error.to_string()),
            })?
            .claims;
        let now = self.clock.now().timestamp();
        let leeway = i64::try_from(self.options.leeway.as_secs()).unwrap_or(i64::MAX);
        if now > claims.exp.saturating_add(leeway) {
            return Err(Refusal::Expired);
        }
        if claims.nbf.is_some_and(|nbf| nbf > now.saturating_add(leeway)) {
            return Err(Refusal::NotYet);
        }
        let named = claims
            .scope
            .iter()
            .flat_map(|s| s.split_whitespace().map(str::to_string))
            .chain(claims.scp.into_iter().flatten());
        let scopes: BTreeSet<TokenScope> = named.filter_map(|name| TokenScope::parse(&name)).collect();
        Ok(Grant { subject: claims.sub, email: claims.email, scopes })
    }

    /// The decoding key `kid` names, fetching the issuer's keys when none are held or when `kid`
    /// is new and the last fetch is older than [`REFETCH_GAP`].
    async fn key(&self, kid: &str) -> Result<DecodingKey, Refusal> {
        let mut keys = self.keys.lock().await;
        let known = keys.set.as_ref().and_then(|set| set.find(kid)).is_some();
        let due = keys.fetched.is_none_or(|at| at.elapsed() >= REFETCH_GAP);
        if !known && due {
            if let Some((at, why)) = &keys.failed
                && at.elapsed() < FAILED_FETCH_HOLD
            {
                return Err(Refusal::IssuerUnreachable(why.clone()));
            }
            match self.fetch_keys().await {
                Ok(set) => *keys = Keys { set: Some(set), fetched: Some(Instant::now()), failed: None },
                Err(why) => {
                    keys.failed = Some((Instant::now(), why.clone()));
                    return Err(Refusal::IssuerUnreachable(why));
                }
            }
        }
        let jwk = keys.set.as_ref().and_then(|set| set.find(kid)).ok_or(Refusal::BadSignature)?;
        DecodingKey::from_jwk(jwk).map_err(|_| Refusal::BadSignature)
    }

    /// Reads the issuer's metadata (RFC 8414 first, then OpenID discovery), then its key set.
    async fn fetch_keys(&self) -> Result<JwkSet, String> {
        let mut last = String::new();
        for url in metadata_urls(&self.options.issuer) {
            match self.get_json::<IssuerMetadata>(&url).await {
                Ok(metadata) if metadata.issuer == self.options.issuer => {
                    return self.get_json::<JwkSet>(&metadata.jwks_uri).await;
                }
                Ok(metadata) => last = format!("{url} names the issuer {}", metadata.issuer),
                Err(error) => last = error,
            }
        }
        Err(last)
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> Result<T, String> {
        let response = self.http.get(url).send().await.map_err(|error| format!("{url}: {error}"))?;
        if !response.status().is_success() {
            return Err(format!("{url} answered {}", response.status()));
        }
        response.json::<T>().await.map_err(|error| format!("{url}: {error}"))
    }
}

/// Where an issuer's metadata may live: RFC 8414's well-known path inserted before the issuer's
/// path, then OpenID discovery's appended after it.
fn metadata_urls(issuer: &str) -> Vec<String> {
    let trimmed = issuer.trim_end_matches('/');
    let (origin, path) = match trimmed.find("://").map(|at| at + 3) {
        Some(start) => match trimmed[start..].find('/') {
            Some(slash) => trimmed.split_at(start + slash),
            None => (trimmed, ""),
        },
        None => (trimmed, ""),
    };
    vec![
        format!("{origin}/.well-known/oauth-authorization-server{path}"),
        format!("{trimmed}/.well-known/openid-configuration"),
    ]
}

/// Public-key algorithms only: a symmetric one (HS*) would let anyone holding a public key sign.
fn asymmetric(alg: Algorithm) -> bool {
    alg.family() != AlgorithmFamily::Hmac
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_is_looked_for_where_rfc_8414_and_openid_discovery_put_it() {
        assert_eq!(
            metadata_urls("https://auth.example.com"),
            [
                "https://auth.example.com/.well-known/oauth-authorization-server",
                "https://auth.example.com/.well-known/openid-configuration"
            ]
        );
        assert_eq!(
            metadata_urls("https://auth.example.com/tenant/1"),
            [
                "https://auth.example.com/.well-known/oauth-authorization-server/tenant/1",
                "https://auth.example.com/tenant/1/.well-known/openid-configuration"
            ]
        );
    }
}
