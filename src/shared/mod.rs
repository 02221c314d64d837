//! What replicas share, in Redis: the rate budget, the token, the record of writes that keeps
//! their read caches coherent, the lock identical writes take turns on, MCP sessions, and the
//! changes webhook events report (for subscribed clients on every replica), the circuit breakers
//! that stop every replica sending while Hostaway fails, and the last good answers they then give. With
//! `--redis-url` every replica of one account paces by the same exact sliding window, uses one
//! token, never answers from a cache a write through another replica made stale, never sends a
//! write another replica is sending and continues a session another replica opened; without it
//! nothing here runs and each process keeps its own (the single-process default).
//!
//! Every key of an account sits under one hash tag (`hostaway-mcp:{<account>}:…`), so the atomic
//! scripts that touch several keys also work on a Redis Cluster. While Redis cannot be reached,
//! calls fail fast with an error that names it (never its password); the connection manager
//! reconnects by itself once Redis is back, so nothing needs a restart.

mod budget;
mod circuit;
mod coherence;
mod last_good;
mod notices;
mod sessions;
mod token;
mod write_lock;

use std::{future::Future, sync::Arc, time::Duration};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

pub use budget::RedisRateBudget;
pub use circuit::RedisCircuit;
pub use coherence::RedisCacheCoherence;
pub use last_good::RedisCopies;
pub use notices::RedisNotices;
pub use sessions::{RedisSessionStore, Touched};
pub use token::RedisTokenStore;
pub use write_lock::RedisWriteLock;

use crate::hostaway::{Gateway, GatewayConfig, GatewayError, budget::Unavailable};

/// Deletes KEYS[1] only while it holds ARGV[1] (compare and delete), so a lock is only ever
/// given back by its holder.
const DELETE_IF: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
";

/// Takes KEYS[1] for ARGV[1] for ARGV[2] ms unless another holder has it. Taking it again for the
/// same holder succeeds, so a claim whose answer was lost and is sent again is not refused.
const CLAIM: &str = r"
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then return 1 end
return 0
";

/// How long one Redis command may take before the call fails as "Redis unreachable".
const REDIS_TIMEOUT: Duration = Duration::from_millis(500);

/// Why the shared store could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum SharedError {
    /// The URL is not a Redis URL.
    #[error("REDIS_URL {shown} is not a Redis URL ({detail}); use redis://[:password@]host[:port][/db]")]
    BadUrl {
        /// The URL without its password.
        shown: String,
        /// What is wrong with it.
        detail: String,
    },
}

/// One Redis, shared by the replicas of one account: a multiplexed connection that reconnects by
/// itself, and the account's key prefix.
#[derive(Clone)]
pub struct SharedStore {
    client: redis::Client,
    connection: ConnectionManager,
    shown: String,
    prefix: String,
}

impl std::fmt::Debug for SharedStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedStore").field("redis", &self.shown).field("prefix", &self.prefix).finish()
    }
}

impl SharedStore {
    /// The store at `url` for `account`. Connects lazily: a replica starts (and reports Redis as
    /// down) while Redis is away, and works once it is back.
    pub fn open(url: &str, account: i64) -> Result<Self, SharedError> {
        let shown = without_password(url);
        let client = redis::Client::open(url)
            .map_err(|e| SharedError::BadUrl { shown: shown.clone(), detail: e.to_string() })?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(REDIS_TIMEOUT))
            .set_response_timeout(Some(REDIS_TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(REDIS_TIMEOUT);
        let connection = ConnectionManager::new_lazy_with_config(client.clone(), config)
            .map_err(|e| SharedError::BadUrl { shown: shown.clone(), detail: e.to_string() })?;
        Ok(Self { client, connection, shown, prefix: format!("hostaway-mcp:{{{account}}}:") })
    }

    /// The Redis URL without its password, for messages and `/health`.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// Whether Redis answers now and keeps what is shared until it expires: `Some` names a
    /// setting under which Redis may drop keys early when it fills (what that risks, and the
    /// fix). Read from `INFO`, which managed Redis services allow where they disable `CONFIG`.
    pub async fn check(&self) -> Result<Option<String>, Unavailable> {
        let info: String =
            self.run(|mut c| async move { redis::cmd("INFO").arg("memory").query_async(&mut c).await }).await?;
        Ok(eviction_risk(&info).map(|(cap, policy)| {
            format!(
                "the shared Redis at {} may evict keys before they expire (maxmemory {cap} bytes, maxmemory-policy \
                 {policy}): when it fills, the rate budget, the token, write locks, the write record and sessions \
                 can vanish, risking 429s, stale answers and lost sessions; set maxmemory-policy noeviction",
                self.shown
            )
        }))
    }

    /// The account's key named `name`.
    fn key(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    /// Runs `command` on the shared connection. A command that meets a connection the manager had
    /// already lost (Redis restarted since the last command) makes it reconnect and is sent once
    /// more, so only a Redis that is still away fails the caller. A command whose answer was lost
    /// may thus run twice: every command here is safe to repeat.
    async fn run<T, F, Fut>(&self, command: F) -> Result<T, Unavailable>
    where
        F: Fn(ConnectionManager) -> Fut,
        Fut: Future<Output = redis::RedisResult<T>>,
    {
        let result = match command(self.connection.clone()).await {
            Err(lost) if lost.is_io_error() || lost.is_connection_dropped() || lost.is_connection_refusal() => {
                command(self.connection.clone()).await
            }
            result => result,
        };
        result.map_err(|e| self.down(&e))
    }

    /// Takes `key` for `holder` for `hold`: `false` while another holder has it.
    async fn claim(&self, key: &str, holder: &str, hold: Duration) -> Result<bool, Unavailable> {
        let script = &redis::Script::new(CLAIM);
        let hold = u64::try_from(hold.as_millis()).unwrap_or(u64::MAX);
        let taken: i64 =
            self.run(|mut c| async move { script.key(key).arg(holder).arg(hold).invoke_async(&mut c).await }).await?;
        Ok(taken == 1)
    }

    /// Deletes `key` if it still holds `value`; a failure is only logged, since the key expires.
    async fn delete_if(&self, key: &str, value: &str) {
        let script = &redis::Script::new(DELETE_IF);
        let done: Result<i64, _> =
            self.run(|mut c| async move { script.key(key).arg(value).invoke_async(&mut c).await }).await;
        if let Err(error) = done {
            tracing::warn!(%error, "a clean-up in Redis failed; the key expires by itself");
        }
    }

    /// A Redis failure as the error tools show: which Redis, and what happened.
    fn down(&self, error: &redis::RedisError) -> Unavailable {
        let what = if error.is_timeout() { "did not answer in time".to_string() } else { error.to_string() };
        Unavailable(format!("the shared Redis at {} cannot be reached ({what})", self.shown))
    }
}

/// The gateway for `config`: pacing by the rate budget, using the token and keeping its cache
/// coherent through `shared` when given (replicas), else keeping all three in this process.
pub fn gateway(mut config: GatewayConfig, shared: Option<&SharedStore>) -> Result<Gateway, GatewayError> {
    let Some(shared) = shared else { return Gateway::new(config) };
    config.token_store = Some(Arc::new(RedisTokenStore::new(shared.clone())));
    let budget = Arc::new(RedisRateBudget::new(shared.clone(), config.limits));
    let coherence = Arc::new(RedisCacheCoherence::new(shared.clone()));
    let circuit = Arc::new(RedisCircuit::new(shared.clone(), config.circuit));
    let copies = Arc::new(RedisCopies::new(shared.clone()));
    Ok(Gateway::with_budget(config, budget)?.with_coherence(coherence).with_circuit(circuit).with_shared_copies(copies))
}

/// The memory cap and policy from `INFO memory` when Redis may evict keys that have not expired:
/// with a cap (`maxmemory` above 0) any policy but `noeviction` does, the `volatile-*` ones too,
/// since every shared key carries an expiry.
fn eviction_risk(info: &str) -> Option<(u64, &str)> {
    let field = |name: &str| info.lines().find_map(|line| line.strip_prefix(name)?.strip_prefix(':')).map(str::trim);
    let cap: u64 = field("maxmemory")?.parse().ok()?;
    let policy = field("maxmemory_policy")?;
    (cap > 0 && policy != "noeviction").then_some((cap, policy))
}

/// `url` with any password replaced, so it can be logged and shown.
fn without_password(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                let _ = parsed.set_password(Some("***"));
            }
            parsed.to_string()
        }
        Err(_) => "(an unreadable URL)".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shown_url_never_carries_the_password() {
        assert_eq!(without_password("redis://:s3cret@cache:6380/2"), "redis://:***@cache:6380/2");
        assert_eq!(without_password("redis://user:s3cret@cache/0"), "redis://user:***@cache/0");
        assert_eq!(without_password("redis://127.0.0.1:6379"), "redis://127.0.0.1:6379");
        assert!(!without_password("not a url s3cret").contains("s3cret"));
    }

    #[test]
    fn only_a_memory_cap_with_an_evicting_policy_is_a_risk() {
        let info = |cap: &str, policy: &str| {
            format!(
                "# Memory\r\nused_memory:1024\r\nmaxmemory:{cap}\r\nmaxmemory_human:1M\r\nmaxmemory_policy:{policy}\r\n"
            )
        };
        assert_eq!(eviction_risk(&info("1048576", "allkeys-lru")), Some((1_048_576, "allkeys-lru")));
        assert_eq!(eviction_risk(&info("1048576", "volatile-ttl")), Some((1_048_576, "volatile-ttl")));
        assert_eq!(eviction_risk(&info("1048576", "noeviction")), None);
        assert_eq!(eviction_risk(&info("0", "allkeys-lru")), None, "no cap, nothing is evicted");
        assert_eq!(eviction_risk("# Memory\r\n"), None, "an INFO without the fields says nothing");
    }

    #[test]
    fn a_bad_url_is_named_without_its_password() {
        let error = SharedStore::open("http://:s3cret@cache", 1).unwrap_err().to_string();
        assert!(error.contains("redis://") && !error.contains("s3cret"), "{error}");
    }
}
