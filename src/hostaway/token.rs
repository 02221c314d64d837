//! The access token: minted once, shared by every call, kept across restarts, re-minted once when
//! Hostaway stops accepting it.

use std::{
    fmt,
    path::PathBuf,
    sync::Arc,
    time::{Duration, Instant},
};

use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

use crate::{clock::Clock, secret::Secret};

use super::{
    budget::{self, BoxFuture, RateBudget, Refusal, Unavailable},
    error::GatewayError,
    generated::{Client, types},
    metrics::Metrics,
};

/// A token as persisted: whose it is, for which API, and until when it is good.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredToken {
    /// The account that minted it.
    pub account_id: i64,
    /// The API base URL it was minted at (a sandbox token is no good for the live API).
    pub base_url: String,
    /// The token itself.
    pub access_token: String,
    /// Expiry as Unix seconds.
    pub expires_at: u64,
    /// When it was minted, as Unix seconds (0 when unknown): a token works only a moment after.
    #[serde(default)]
    pub minted_at: u64,
    /// A digest of the secret it was minted with ([`secret_tag`]): a token minted with another
    /// secret is never used, so a wrong or revoked secret is noticed, not hidden by an old token.
    /// Empty in files written before the digest was kept, which are then minted afresh.
    #[serde(default)]
    pub secret_tag: String,
}

/// The SHA-256 digest of `secret`, in hex: tells tokens minted with different secrets apart
/// without keeping the secret beside the token.
pub fn secret_tag(secret: &Secret) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(secret.expose().as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
}

impl fmt::Debug for StoredToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredToken")
            .field("account_id", &self.account_id)
            .field("base_url", &self.base_url)
            .field("access_token", &"***")
            .field("expires_at", &self.expires_at)
            .field("secret_tag", &"***")
            .finish()
    }
}

/// Where a token survives restarts. The file store serves one machine; a shared store (Redis)
/// serves several replicas, which then mint one token between them.
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// The stored token, if any; an error when a shared store cannot be asked.
    fn load(&self) -> BoxFuture<'_, Result<Option<StoredToken>, Unavailable>>;
    /// Replaces the stored token.
    fn save<'a>(&'a self, token: &'a StoredToken) -> BoxFuture<'a, ()>;
    /// Forgets the stored token if it still is `rejected` (another replica may have replaced it).
    fn clear<'a>(&'a self, rejected: &'a str) -> BoxFuture<'a, ()>;
    /// Whether other processes write this store, so a token may appear in it at any time.
    fn is_shared(&self) -> bool {
        false
    }
    /// Claims, for a short while, the right to mint: `false` when another replica holds it (the
    /// caller then waits for that replica's token to appear). A store of one process always grants it.
    fn claim_mint(&self) -> BoxFuture<'_, Result<bool, Unavailable>> {
        Box::pin(std::future::ready(Ok(true)))
    }
    /// Gives the claim back after minting, or failing to.
    fn release_mint(&self) -> BoxFuture<'_, ()> {
        Box::pin(std::future::ready(()))
    }
}

/// A mint claim held in a shared store. It is given back when the mint ends, and also when the
/// caller gives up mid-mint (a deadline passed and dropped the call), so the other replicas need
/// not wait for the claim to lapse before one of them mints.
struct MintClaim(Option<Arc<dyn TokenStore>>);

impl MintClaim {
    async fn release(mut self) {
        if let Some(store) = self.0.take() {
            store.release_mint().await;
        }
    }
}

impl Drop for MintClaim {
    fn drop(&mut self) {
        if let (Some(store), Ok(runtime)) = (self.0.take(), tokio::runtime::Handle::try_current()) {
            runtime.spawn(async move { store.release_mint().await });
        }
    }
}

/// Keeps the token in a JSON file readable only by its owner (0600), in a directory created
/// private to the owner (0700).
#[derive(Debug, Clone)]
pub struct FileTokenStore {
    path: PathBuf,
}

impl FileTokenStore {
    /// A store at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The default location: `hostaway-mcp/token.json` under the user's cache directory.
    pub fn default_path() -> Option<PathBuf> {
        dirs::cache_dir().map(|dir| dir.join("hostaway-mcp").join("token.json"))
    }

    /// Writes through a fresh temporary file in the token's directory, then renames it over the
    /// token file. The temporary file has a random name and is created exclusively (never through
    /// an existing file or symlink), readable only by its owner, so another local user cannot
    /// plant a link that makes us write the token, or truncate a file, elsewhere. A directory we
    /// create is private to the owner (0700).
    fn write(&self, token: &StoredToken) -> std::io::Result<()> {
        use std::io::Write;
        let dir = match self.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => std::path::Path::new("."),
        };
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
        let mut file = tempfile::NamedTempFile::new_in(dir)?;
        file.write_all(&serde_json::to_vec(token).map_err(std::io::Error::other)?)?;
        file.as_file().sync_all()?;
        file.persist(&self.path).map(drop).map_err(|e| e.error)
    }
}

impl TokenStore for FileTokenStore {
    fn load(&self) -> BoxFuture<'_, Result<Option<StoredToken>, Unavailable>> {
        Box::pin(async move {
            let bytes = std::fs::read(&self.path).ok();
            Ok(bytes.and_then(|bytes| serde_json::from_slice(&bytes).ok()))
        })
    }

    fn save<'a>(&'a self, token: &'a StoredToken) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            if let Err(error) = self.write(token) {
                tracing::warn!(path = %self.path.display(), %error, "cannot persist the Hostaway token; it will be minted again after a restart");
            }
        })
    }

    fn clear<'a>(&'a self, _rejected: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let _ = std::fs::remove_file(&self.path);
        })
    }
}

/// How to mint.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The Hostaway account id (`client_id`).
    pub account_id: i64,
    /// The API secret (`client_secret`).
    pub secret: Secret,
}

#[derive(Clone)]
struct Current {
    token: Arc<str>,
    usable_from: Instant,
    expires_at: u64,
}

impl fmt::Debug for Current {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Current").field("token", &"***").field("expires_at", &self.expires_at).finish()
    }
}

#[derive(Debug, Default)]
struct State {
    current: Option<Current>,
    loaded: bool,
    refused: Option<(Instant, GatewayError)>,
    /// The token Hostaway last refused, never to be taken from the store again.
    rejected: Option<Secret>,
}

/// How long a replica waits for another replica's mint before giving up.
const MINT_WAIT: Duration = Duration::from_secs(30);
/// How often a waiting replica looks for that token.
const MINT_POLL: Duration = Duration::from_millis(100);

fn shared_down(down: Unavailable) -> GatewayError {
    GatewayError::SharedStateUnavailable { detail: down.0 }
}

/// Hands out the account's token, minting it at most once at a time.
#[derive(Debug)]
pub struct TokenManager {
    credentials: Credentials,
    minter: Client,
    base_url: String,
    store: Option<Arc<dyn TokenStore>>,
    activation: Duration,
    refusal_memory: Duration,
    state: Mutex<State>,
    budget: Arc<dyn RateBudget>,
    metrics: Arc<Metrics>,
    clock: Clock,
}

impl TokenManager {
    /// A manager minting with `credentials` through `minter`, persisting to `store` if given.
    /// `activation` is how long a fresh token needs before it works (Hostaway: one second); the
    /// mint request takes its slot from `budget` like any other request.
    pub fn new(
        credentials: Credentials,
        minter: Client,
        base_url: String,
        store: Option<Arc<dyn TokenStore>>,
        activation: Duration,
        budget: Arc<dyn RateBudget>,
        metrics: Arc<Metrics>,
    ) -> Self {
        Self {
            credentials,
            minter,
            base_url,
            store,
            activation,
            refusal_memory: Duration::from_secs(30),
            state: Mutex::new(State::default()),
            budget,
            metrics,
            clock: Clock::system(),
        }
    }

    /// The same manager reading expiry times off `clock`.
    pub fn with_clock(self, clock: Clock) -> Self {
        Self { clock, ..self }
    }

    /// The token to use now: the current one, the persisted one, or a freshly minted one.
    /// Concurrent callers share one mint; so do replicas sharing a store.
    pub async fn token(&self) -> Result<Arc<str>, GatewayError> {
        let mut state = self.state.lock().await;
        let fresh = state.current.as_ref().filter(|c| c.expires_at > self.clock.unix_seconds() + 60).cloned();
        let current = match fresh {
            Some(current) => current,
            None => self.obtain(&mut state).await?,
        };
        drop(state);
        tokio::time::sleep_until(current.usable_from.into()).await;
        Ok(current.token)
    }

    /// Called when Hostaway refused `rejected`: drops it and mints once, unless another caller
    /// (or replica) already replaced it, in which case the replacement is returned.
    pub async fn refresh(&self, rejected: &str) -> Result<Arc<str>, GatewayError> {
        {
            let mut state = self.state.lock().await;
            if state.current.as_ref().is_some_and(|c| &*c.token == rejected) {
                state.current = None;
                state.rejected = Some(Secret::new(rejected));
                if let Some(store) = &self.store {
                    store.clear(rejected).await;
                }
            }
        }
        self.token().await
    }

    /// A token when this process holds none that is good: the stored one, else a minted one. With
    /// a shared store one replica claims the right to mint and the others wait for its token.
    async fn obtain(&self, state: &mut State) -> Result<Current, GatewayError> {
        let shared = self.store.as_ref().filter(|store| store.is_shared()).cloned();
        if !state.loaded || shared.is_some() {
            state.loaded = true;
            if let Some(current) = self.stored(state).await? {
                return Ok(current);
            }
        }
        let Some(store) = shared else { return self.mint(state).await };
        let give_up = Instant::now() + MINT_WAIT;
        loop {
            if store.claim_mint().await.map_err(shared_down)? {
                let claim = MintClaim(Some(store.clone()));
                // Another replica may have minted between the look above and the claim.
                let current = match self.stored(state).await {
                    Ok(Some(current)) => Ok(current),
                    Ok(None) => self.mint(state).await,
                    Err(error) => Err(error),
                };
                claim.release().await;
                return current;
            }
            if Instant::now() >= give_up {
                return Err(GatewayError::SharedStateUnavailable {
                    detail: format!(
                        "another replica claimed the Hostaway token mint but stored no token within {} s",
                        MINT_WAIT.as_secs()
                    ),
                });
            }
            tokio::time::sleep(MINT_POLL).await;
            if let Some(current) = self.stored(state).await? {
                return Ok(current);
            }
        }
    }

    /// The stored token, made current, when it is this account's, minted with this secret, for this API, not about to
    /// expire and not the one Hostaway just refused. A token minted a moment ago (by another
    /// replica) is used only once it works.
    async fn stored(&self, state: &mut State) -> Result<Option<Current>, GatewayError> {
        let Some(store) = &self.store else { return Ok(None) };
        let Some(stored) = store.load().await.map_err(shared_down)? else { return Ok(None) };
        let now = self.clock.unix_seconds();
        let usable = stored.account_id == self.credentials.account_id
            && stored.base_url == self.base_url
            && stored.secret_tag == secret_tag(&self.credentials.secret)
            && stored.expires_at > now + 60
            && state.rejected.as_ref().is_none_or(|r| r.expose() != stored.access_token);
        if !usable {
            return Ok(None);
        }
        let young = stored.minted_at + self.activation.as_secs() + 1 > now;
        let current = Current {
            token: stored.access_token.into(),
            usable_from: Instant::now() + if young { self.activation } else { Duration::ZERO },
            expires_at: stored.expires_at,
        };
        state.current = Some(current.clone());
        Ok(Some(current))
    }

    async fn mint(&self, state: &mut State) -> Result<Current, GatewayError> {
        if let Some((at, error)) = &state.refused
            && at.elapsed() < self.refusal_memory
        {
            return Err(error.clone());
        }
        // The caller's deadline bounds the wait; the token endpoint counts against the IP limit.
        let waited = match budget::acquire(self.budget.as_ref(), Instant::now() + Duration::from_secs(3600)).await {
            Ok(waited) => waited,
            Err(Refusal::Unavailable(down)) => return Err(shared_down(down)),
            Err(Refusal::Wait(_)) => Duration::ZERO,
        };
        self.metrics.limiter_wait(waited);
        self.metrics.token_mint();
        let response = self
            .minter
            .create_access_token()
            .body(types::AccessTokenRequest {
                client_id: self.credentials.account_id,
                client_secret: self.credentials.secret.expose().to_string(),
                grant_type: types::AccessTokenRequestGrantType::ClientCredentials,
                scope: types::AccessTokenRequestScope::General,
            })
            .send()
            .await;
        let minted = match response {
            Ok(token) => token.into_inner(),
            Err(error) => {
                let error = super::classify::mint_error(error);
                if matches!(error, GatewayError::BadCredentials { .. }) {
                    state.refused = Some((Instant::now(), error.clone()));
                }
                return Err(error);
            }
        };
        state.refused = None;
        tracing::info!(expires_in_s = minted.expires_in, "minted a Hostaway access token");
        let expires_at = self.clock.unix_seconds() + u64::try_from(minted.expires_in).unwrap_or(0);
        let current = Current {
            token: minted.access_token.as_str().into(),
            usable_from: Instant::now() + self.activation,
            expires_at,
        };
        if let Some(store) = &self.store {
            let stored = StoredToken {
                account_id: self.credentials.account_id,
                base_url: self.base_url.clone(),
                access_token: minted.access_token,
                expires_at,
                minted_at: self.clock.unix_seconds(),
                secret_tag: secret_tag(&self.credentials.secret),
            };
            store.save(&stored).await;
        }
        state.current = Some(current.clone());
        Ok(current)
    }
}
