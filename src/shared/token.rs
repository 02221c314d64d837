//! One Hostaway token for every replica: kept in Redis until Hostaway's own expiry, minted by
//! whichever replica first claims a short lock, and dropped only if it is still the token
//! Hostaway refused (another replica may already have replaced it).
//!
//! The token is a secret: it goes to Redis and back, never to a log or an error message.

use std::time::Duration;

use redis::{AsyncCommands, Script};

use super::SharedStore;
use crate::hostaway::{
    budget::{BoxFuture, Unavailable},
    token::{StoredToken, TokenStore},
};

/// How long a mint claim lasts if its holder dies before giving it back.
const CLAIM: Duration = Duration::from_secs(30);

/// Deletes the stored token only while it is the one refused. The token sits in a JSON value,
/// so the script decodes it.
const CLEAR_IF: &str = r"
local stored = redis.call('GET', KEYS[1])
if stored and cjson.decode(stored)['access_token'] == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
";

/// The token and the mint claim in Redis.
#[derive(Debug)]
pub struct RedisTokenStore {
    store: SharedStore,
    token_key: String,
    claim_key: String,
    claim_id: String,
}

impl RedisTokenStore {
    /// The token store in `store`.
    pub fn new(store: SharedStore) -> Self {
        let (token_key, claim_key) = (store.key("token"), store.key("token-mint"));
        Self { store, token_key, claim_key, claim_id: format!("{:016x}", rand::random::<u64>()) }
    }

    async fn read(&self) -> Result<Option<StoredToken>, Unavailable> {
        let key = &self.token_key;
        let raw: Option<String> = self.store.run(|mut c| async move { c.get(key).await }).await?;
        Ok(raw.and_then(|raw| serde_json::from_str(&raw).ok()))
    }

    async fn write(&self, token: &StoredToken) {
        let Ok(json) = serde_json::to_string(token) else { return };
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let ttl = token.expires_at.saturating_sub(now).max(1);
        let (key, json) = (&self.token_key, &json);
        let written: Result<(), _> = self.store.run(|mut c| async move { c.set_ex(key, json, ttl).await }).await;
        if let Err(error) = written {
            tracing::warn!(%error, "cannot share the Hostaway token in Redis; other replicas may mint their own");
        }
    }

    async fn claim(&self) -> Result<bool, Unavailable> {
        self.store.claim(&self.claim_key, &self.claim_id, CLAIM).await
    }

    async fn clear_if(&self, rejected: &str) {
        let (script, key) = (&Script::new(CLEAR_IF), &self.token_key);
        let done: Result<i64, _> =
            self.store.run(|mut c| async move { script.key(key).arg(rejected).invoke_async(&mut c).await }).await;
        if let Err(error) = done {
            tracing::warn!(%error, "cannot drop the refused token in Redis; it expires by itself");
        }
    }
}

impl TokenStore for RedisTokenStore {
    fn load(&self) -> BoxFuture<'_, Result<Option<StoredToken>, Unavailable>> {
        Box::pin(self.read())
    }

    fn save<'a>(&'a self, token: &'a StoredToken) -> BoxFuture<'a, ()> {
        Box::pin(self.write(token))
    }

    fn clear<'a>(&'a self, rejected: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(self.clear_if(rejected))
    }

    fn is_shared(&self) -> bool {
        true
    }

    fn claim_mint(&self) -> BoxFuture<'_, Result<bool, Unavailable>> {
        Box::pin(self.claim())
    }

    fn release_mint(&self) -> BoxFuture<'_, ()> {
        Box::pin(self.store.delete_if(&self.claim_key, &self.claim_id))
    }
}
