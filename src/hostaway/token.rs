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
    budget::{self, BoxFuture, RateBudget},
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
}

impl fmt::Debug for StoredToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredToken")
            .field("account_id", &self.account_id)
            .field("base_url", &self.base_url)
            .field("access_token", &"***")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Where a token survives restarts. The file store serves one machine; a shared backend (Redis)
/// can implement the same interface so several replicas use one token.
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// The stored token, if any.
    fn load(&self) -> BoxFuture<'_, Option<StoredToken>>;
    /// Replaces the stored token.
    fn save<'a>(&'a self, token: &'a StoredToken) -> BoxFuture<'a, ()>;
    /// Forgets the stored token.
    fn clear(&self) -> BoxFuture<'_, ()>;
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
    fn load(&self) -> BoxFuture<'_, Option<StoredToken>> {
        Box::pin(async move {
            let bytes = std::fs::read(&self.path).ok()?;
            serde_json::from_slice(&bytes).ok()
        })
    }

    fn save<'a>(&'a self, token: &'a StoredToken) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            if let Err(error) = self.write(token) {
                tracing::warn!(path = %self.path.display(), %error, "cannot persist the Hostaway token; it will be minted again after a restart");
            }
        })
    }

    fn clear(&self) -> BoxFuture<'_, ()> {
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
    /// Concurrent callers share one mint.
    pub async fn token(&self) -> Result<Arc<str>, GatewayError> {
        let mut state = self.state.lock().await;
        if !state.loaded {
            state.loaded = true;
            if let Some(stored) = self.load().await {
                state.current = Some(Current {
                    token: stored.access_token.into(),
                    usable_from: Instant::now(),
                    expires_at: stored.expires_at,
                });
            }
        }
        let fresh = state.current.as_ref().filter(|c| c.expires_at > self.clock.unix_seconds() + 60).cloned();
        let current = match fresh {
            Some(current) => current,
            None => self.mint(&mut state).await?,
        };
        drop(state);
        tokio::time::sleep_until(current.usable_from.into()).await;
        Ok(current.token)
    }

    /// Called when Hostaway refused `rejected`: drops it and mints once, unless another caller
    /// already replaced it, in which case the replacement is returned.
    pub async fn refresh(&self, rejected: &str) -> Result<Arc<str>, GatewayError> {
        {
            let mut state = self.state.lock().await;
            if state.current.as_ref().is_some_and(|c| &*c.token == rejected) {
                state.current = None;
                if let Some(store) = &self.store {
                    store.clear().await;
                }
            }
        }
        self.token().await
    }

    async fn load(&self) -> Option<StoredToken> {
        let stored = self.store.as_ref()?.load().await?;
        let usable = stored.account_id == self.credentials.account_id
            && stored.base_url == self.base_url
            && stored.expires_at > self.clock.unix_seconds() + 60;
        usable.then_some(stored)
    }

    async fn mint(&self, state: &mut State) -> Result<Current, GatewayError> {
        if let Some((at, error)) = &state.refused
            && at.elapsed() < self.refusal_memory
        {
            return Err(error.clone());
        }
        // The caller's deadline bounds the wait; the token endpoint counts against the IP limit.
        let waited =
            budget::acquire(self.budget.as_ref(), Instant::now() + Duration::from_secs(3600)).await.unwrap_or_default();
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
            };
            store.save(&stored).await;
        }
        state.current = Some(current.clone());
        Ok(current)
    }
}
