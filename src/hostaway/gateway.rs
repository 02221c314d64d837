//! The one way tools reach Hostaway: a pooled client plus the token, the rate budget, a
//! concurrency cap, retries that never repeat a write that may have landed, and a deadline.

use std::{
    future::Future,
    sync::Arc,
    time::{Duration, Instant},
};

use backon::BackoffBuilder;
use serde::{Serialize, de::DeserializeOwned};
use tokio::sync::Semaphore;

use crate::{
    clock::Clock,
    log_limit::{LASTING, LogLimit},
};

use super::{
    bearer::Bearer,
    budget::{self, Limits, LocalRateBudget, RateBudget},
    cache::{CacheCoherence, CacheTtls, Missed, ReadCache, ReadKey, Scope, Stay, Topics},
    circuit::{Admission, CircuitSettings, CircuitStore, LocalCircuit, Outage},
    classify::{self, ClientError, Outcome},
    error::GatewayError,
    generated::{Client, ResponseValue},
    last_good::{CopyStore, KeepSettings, LastGood},
    metrics::{Metrics, MetricsSnapshot},
    stale::{self, StaleRead},
    token::{Credentials, TokenManager, TokenStore},
};

/// Whether an operation may be sent twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Idempotence {
    /// Reads, and PUTs that set absolute state: repeating them changes nothing.
    Safe,
    /// Creates and sends (POST): repeated only when they certainly never reached Hostaway.
    Unsafe,
}

/// Everything the gateway is built from.
#[derive(Debug, Clone)]
pub struct GatewayConfig {
    /// Hostaway's base URL, ending in `/v1`.
    pub base_url: String,
    /// Account id and secret.
    pub credentials: Credentials,
    /// Where the token survives restarts (none: mint after every start).
    pub token_store: Option<Arc<dyn TokenStore>>,
    /// How long a fresh token needs before it works (Hostaway: one second).
    pub token_activation: Duration,
    /// Rate limits to pace by.
    pub limits: Limits,
    /// Upstream requests in flight at once.
    pub max_concurrency: usize,
    /// TCP connect timeout.
    pub connect_timeout: Duration,
    /// Timeout of one attempt.
    pub request_timeout: Duration,
    /// Overall deadline of one call, retries and waits included.
    pub deadline: Duration,
    /// Retries after the first attempt (429, 5xx, network), not counting one token refresh.
    pub max_retries: usize,
    /// First backoff delay; it doubles (with jitter) up to `max_backoff`.
    pub min_backoff: Duration,
    /// Longest backoff delay.
    pub max_backoff: Duration,
    /// How long reads stay cached, per operation ([`CacheTtls::disabled`] turns caching off).
    pub cache_ttls: CacheTtls,
    /// Reads kept at most.
    pub cache_capacity: u64,
    /// When the circuit opens and how long it stays open.
    pub circuit: CircuitSettings,
    /// How long, and how much of, the last good answers are kept for outages.
    pub keep: KeepSettings,
    /// The current time, for token expiry.
    pub clock: Clock,
}

impl GatewayConfig {
    /// Hostaway's defaults for `base_url` and `credentials`.
    pub fn new(base_url: impl Into<String>, credentials: Credentials) -> Self {
        Self {
            base_url: base_url.into(),
            credentials,
            token_store: None,
            token_activation: Duration::from_secs(1),
            limits: Limits::default(),
            max_concurrency: 10,
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(20),
            deadline: Duration::from_secs(30),
            max_retries: 4,
            min_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            cache_ttls: CacheTtls::default(),
            cache_capacity: 2_000,
            circuit: CircuitSettings::default(),
            keep: KeepSettings::default(),
            clock: Clock::system(),
        }
    }
}

/// The gateway; cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct Gateway {
    base_url: String,
    http: reqwest::Client,
    tokens: TokenManager,
    budget: Arc<dyn RateBudget>,
    permits: Semaphore,
    cache: ReadCache,
    last_good: LastGood,
    coherence: Option<Arc<dyn CacheCoherence>>,
    /// Lines about changes the other replicas were not told of (one per event while Redis is away).
    unannounced: LogLimit,
    circuit: Arc<dyn CircuitStore>,
    config: GatewayConfig,
    metrics: Arc<Metrics>,
}

impl Gateway {
    /// Builds the gateway with the in-process rate budget.
    pub fn new(config: GatewayConfig) -> Result<Self, GatewayError> {
        let budget = Arc::new(LocalRateBudget::new(config.limits));
        Self::with_budget(config, budget)
    }

    /// Builds the gateway with a given rate budget (e.g. one shared between replicas).
    pub fn with_budget(config: GatewayConfig, budget: Arc<dyn RateBudget>) -> Result<Self, GatewayError> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .pool_idle_timeout(Duration::from_secs(90))
            .tcp_nodelay(true)
            .user_agent(concat!("hostaway-mcp/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| GatewayError::InvalidRequest(format!("cannot build the HTTP client: {e}")))?;
        let base_url = config.base_url.trim_end_matches('/').to_string();
        let metrics = Arc::new(Metrics::default());
        let minter = Client::new_with_client(&base_url, http.clone(), Bearer::default());
        let tokens = TokenManager::new(
            config.credentials.clone(),
            minter,
            base_url.clone(),
            config.token_store.clone(),
            config.token_activation,
            budget.clone(),
            metrics.clone(),
        )
        .with_clock(config.clock);
        Ok(Self {
            permits: Semaphore::new(config.max_concurrency.max(1)),
            cache: ReadCache::new(config.cache_ttls.clone(), config.cache_capacity),
            last_good: LastGood::new(config.keep, config.clock),
            base_url,
            http,
            tokens,
            budget,
            coherence: None,
            unannounced: LogLimit::new(LASTING),
            circuit: Arc::new(LocalCircuit::new(config.circuit)),
            config,
            metrics,
        })
    }

    /// The same gateway keeping its read cache coherent with other replicas' writes.
    pub fn with_coherence(self, coherence: Arc<dyn CacheCoherence>) -> Self {
        Self { coherence: Some(coherence), ..self }
    }

    /// The same gateway opening and closing a circuit kept elsewhere (one shared by replicas).
    pub fn with_circuit(self, circuit: Arc<dyn CircuitStore>) -> Self {
        Self { circuit, ..self }
    }

    /// The same gateway also keeping its last good copies in `copies` for other replicas.
    pub fn with_shared_copies(self, copies: Arc<dyn CopyStore>) -> Self {
        Self { last_good: self.last_good.sharing(copies), ..self }
    }

    /// The operations whose circuits are open now (Hostaway failing them), by name.
    pub async fn open_circuits(&self) -> Result<Vec<(String, Outage)>, super::budget::Unavailable> {
        self.circuit.open().await
    }

    /// The Hostaway account this gateway serves.
    pub fn account_id(&self) -> i64 {
        self.config.credentials.account_id
    }

    /// A 32-byte key for `purpose` derived from the account's API secret (HKDF-SHA256): every
    /// replica serving the account derives the same one with nothing to share or store, no one
    /// without the secret can, and the secret itself never leaves the gateway. `None` only if the
    /// derivation itself fails, which HKDF rules out for one hash length.
    pub fn derived_key(&self, purpose: &str) -> Option<[u8; 32]> {
        use aws_lc_rs::hkdf;
        struct ThirtyTwo;
        impl hkdf::KeyType for ThirtyTwo {
            fn len(&self) -> usize {
                32
            }
        }
        let credentials = &self.config.credentials;
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, b"hostaway-mcp derived keys v1")
            .extract(credentials.secret.expose().as_bytes());
        let account = credentials.account_id.to_be_bytes();
        let mut key = [0u8; 32];
        prk.expand(&[&account, purpose.as_bytes()], ThirtyTwo).and_then(|okm| okm.fill(&mut key)).ok()?;
        Some(key)
    }

    /// The counters so far.
    pub fn metrics(&self) -> MetricsSnapshot {
        self.metrics.snapshot()
    }

    /// A read, answered from the cache while fresh; concurrent identical reads share one call.
    /// When Hostaway fails, the last good answer is given instead, noted as stale for the tool
    /// call ([`stale::noting`]).
    pub(super) async fn read<T, F, Fut>(&self, key: ReadKey, send: F) -> Result<T, GatewayError>
    where
        T: Serialize + DeserializeOwned + Clone + Send + Sync + 'static,
        F: Fn(Client) -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, ClientError>>,
    {
        let operation = key.operation;
        let loaded = if self.cache.caches(operation) {
            self.catch_up().await?;
            self.cache
                .get_or_load(key.clone(), || self.call(operation, Idempotence::Safe, &send))
                .await
                .inspect(|(_, hit)| self.metrics.cache(*hit))
        } else {
            self.call(operation, Idempotence::Safe, send).await.map(|value| (value, false))
        };
        match loaded {
            Ok((value, hit)) => {
                if !hit {
                    self.last_good.keep(&key, &value).await;
                }
                Ok(value)
            }
            Err(error) if error.is_outage() => match self.last_good.get::<T>(&key).await {
                Some((value, fetched)) => {
                    self.metrics.stale_answer();
                    stale::note(StaleRead { operation, fetched, why: error.to_string() });
                    Ok(value)
                }
                None => Err(error),
            },
            Err(error) => Err(error),
        }
    }

    /// A read straight from Hostaway, never from the cache, whose answer then replaces the cached
    /// one: what a write compares against before deciding whether it is still needed.
    pub(super) async fn read_fresh<T, F, Fut>(&self, key: ReadKey, send: F) -> Result<T, GatewayError>
    where
        T: Serialize + DeserializeOwned + Clone + Send + Sync + 'static,
        F: Fn(Client) -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, ClientError>>,
    {
        let began = self.cache.begin();
        let value = self.call(key.operation, Idempotence::Safe, send).await?;
        self.last_good.keep(&key, &value).await;
        if self.cache.caches(key.operation) {
            self.cache.put(key, value.clone(), began).await;
        }
        Ok(value)
    }

    /// A write; afterwards (whatever its outcome, since a failed write may still have landed)
    /// cached reads it may have made stale are dropped.
    pub(super) async fn write<T, F, Fut>(
        &self,
        operation: &'static str,
        idempotence: Idempotence,
        scope: Scope,
        send: F,
    ) -> Result<T, GatewayError>
    where
        T: DeserializeOwned,
        F: Fn(Client) -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, ClientError>>,
    {
        let result = self.call(operation, idempotence, send).await;
        self.forget(scope, operation).await;
        result
    }

    /// Drops what a change Hostaway reported (a webhook event) may have made stale, here and on
    /// every replica: the reservation, its listing's calendar and prices, the reservation lists and
    /// the inbox (its rows show their bookings); not the listing itself, nor the portfolio.
    /// With the booking's dates (`now`, when the event gave them), lists of bookings that neither
    /// hold it nor can show it now stay cached.
    pub async fn reservation_changed(&self, reservation: i64, listing: Option<i64>, now: Option<Stay>) {
        let scope = Scope { now, ..Scope::reservation(reservation, listing).about(Topics::STAYS) };
        self.forget(scope, "reservation event").await;
    }

    /// The same for a message that arrived: the conversations, their messages and the inbox.
    pub async fn message_arrived(&self, reservation: Option<i64>) {
        let scope = reservation.map_or_else(Scope::default, |id| Scope::reservation(id, None));
        self.forget(scope.about(Topics::MESSAGES), "message event").await;
    }

    /// Turns the longer cache times of the reads webhooks report on (`true`: events are arriving)
    /// or off (back to the short times; what was cached under the long ones is dropped).
    pub fn set_webhooks_live(&self, live: bool) {
        self.cache.set_live(live);
    }

    /// How long a read of `operation` (an operationId) cached now stays.
    pub fn cache_ttl(&self, operation: &str) -> Duration {
        self.cache.ttl(operation)
    }

    /// Drops the cached reads a change to `scope` may have made stale, and records the change for
    /// the other replicas; `why` names the change in the warning when that record fails.
    async fn forget(&self, scope: Scope, why: &str) {
        self.cache.invalidate(scope);
        if let Some(coherence) = &self.coherence
            && let Err(down) = coherence.announce(&scope.encode()).await
            && let Some(due) = self.unannounced.occurred()
        {
            tracing::warn!(
                change = why,
                error = %down,
                "other replicas may answer from their caches until their reads expire ({due})"
            );
        }
    }

    /// Drops the cached reads other replicas' writes have made stale since the last look.
    async fn catch_up(&self) -> Result<(), GatewayError> {
        let Some(coherence) = &self.coherence else { return Ok(()) };
        match coherence.missed().await {
            Ok(Missed::Writes(scopes)) => {
                for scope in scopes {
                    match Scope::decode(&scope) {
                        Some(scope) => self.cache.invalidate(scope),
                        None => self.cache.invalidate_all(),
                    }
                }
                Ok(())
            }
            Ok(Missed::Everything) => {
                self.cache.invalidate_all();
                Ok(())
            }
            Err(down) => Err(GatewayError::SharedStateUnavailable { detail: down.0 }),
        }
    }

    /// Sends one Hostaway operation: `send` receives a client carrying the current token and
    /// issues the generated call. Retries follow `idempotence`; the whole call ends by the deadline.
    pub async fn call<T, F, Fut>(
        &self,
        operation: &'static str,
        idempotence: Idempotence,
        send: F,
    ) -> Result<T, GatewayError>
    where
        T: DeserializeOwned,
        F: Fn(Client) -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, ClientError>>,
    {
        super::held_writes::check(operation)?;
        let started = Instant::now();
        let own = started + self.config.deadline;
        let deadline = super::deadline::current().map_or(own, |tool| tool.min(own));
        // Boxed so that tools joining several calls keep small futures (debug builds otherwise
        // come close to a 2 MiB thread stack).
        let attempts = Box::pin(self.attempts(operation, idempotence, deadline, send));
        let span = tracing::debug_span!("hostaway", operation);
        match tokio::time::timeout_at(deadline.into(), tracing::Instrument::instrument(attempts, span)).await {
            Ok(result) => result,
            Err(_) => {
                self.metrics.call(operation, "deadline");
                Err(GatewayError::Timeout {
                    deadline: self.config.deadline.min(deadline.saturating_duration_since(started)),
                })
            }
        }
    }

    async fn attempts<T, F, Fut>(
        &self,
        operation: &'static str,
        idempotence: Idempotence,
        deadline: Instant,
        send: F,
    ) -> Result<T, GatewayError>
    where
        T: DeserializeOwned,
        F: Fn(Client) -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, ClientError>>,
    {
        let mut backoff = backon::ExponentialBuilder::default()
            .with_min_delay(self.config.min_backoff)
            .with_max_delay(self.config.max_backoff)
            .with_max_times(self.config.max_retries)
            .with_jitter()
            .build();
        let mut refreshed = false;
        self.admit(operation).await?;
        let mut token = self.token(operation, deadline, &mut backoff).await?;
        let write = idempotence == Idempotence::Unsafe;
        for attempt in 1.. {
            if attempt > 1 {
                self.admit(operation).await?;
            }
            let _permit =
                self.permits.acquire().await.map_err(|_| GatewayError::InvalidRequest("gateway closed".into()))?;
            let waited = self.pace(deadline).await?;
            let started = Instant::now();
            let client = Client::new_with_client(&self.base_url, self.http.clone(), Bearer::new(token.clone()));
            let result = send(client).await.or_else(super::surrogates::salvage);
            drop(_permit);
            let outcome = match result {
                Ok(value) => {
                    self.record(operation, true).await;
                    self.metrics.call(operation, value.status().as_str().to_string());
                    tracing::debug!(
                        attempt,
                        status = value.status().as_u16(),
                        wait_ms = waited.as_millis() as u64,
                        elapsed_ms = started.elapsed().as_millis() as u64,
                        "hostaway call"
                    );
                    return Ok(value.into_inner());
                }
                Err(error) => classify::outcome(error),
            };
            self.metrics.call(operation, outcome.label());
            let opened = self.record(operation, !outcome.is_outage()).await;
            tracing::debug!(
                attempt,
                outcome = %outcome.label(),
                wait_ms = waited.as_millis() as u64,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "hostaway call failed"
            );
            let wait = match &outcome {
                Outcome::Denied(_) if !refreshed => {
                    refreshed = true;
                    token = self.tokens.refresh(&token).await?;
                    Some(Duration::ZERO)
                }
                Outcome::RateLimited(told) => backoff.next().map(|fallback| told.unwrap_or(fallback)),
                Outcome::ServerError(_) | Outcome::MaybeSent { .. } | Outcome::BadBody(_) if !write => backoff.next(),
                Outcome::NotSent(_) => backoff.next(),
                _ => None,
            };
            // Once the circuit is open, waiting to try again only delays the answer from the last good copy.
            let wait = wait.filter(|_| !opened);
            let Some(wait) = wait else { return Err(classify::final_error(outcome, write)) };
            if Instant::now() + wait >= deadline {
                return Err(match outcome {
                    Outcome::RateLimited(_) => GatewayError::RateLimited { retry_after: wait },
                    other => classify::final_error(other, write),
                });
            }
            self.metrics.retry();
            tokio::time::sleep(wait).await;
        }
        unreachable!("the attempt loop only ends by returning")
    }

    /// Whether the circuit lets a request go now; an open one fails the call at once. When the
    /// circuit's shared store cannot be reached, the request goes: the rate budget, shared the same
    /// way, then says why nothing can be sent.
    async fn admit(&self, operation: &'static str) -> Result<(), GatewayError> {
        match self.circuit.admit(operation).await {
            Ok(Admission::Refuse(outage)) => {
                self.metrics.circuit_refusal(operation);
                Err(GatewayError::Down { open_for: outage.open_for, probe_in: outage.probe_in })
            }
            Ok(Admission::Send | Admission::Probe) | Err(_) => Ok(()),
        }
    }

    /// Records whether Hostaway answered `operation` (`healthy`); returns whether its circuit is
    /// now open.
    async fn record(&self, operation: &'static str, healthy: bool) -> bool {
        match self.circuit.record(operation, healthy).await {
            Ok(circuit) => {
                if circuit.is_open() && !healthy {
                    tracing::warn!(
                        operation,
                        "Hostaway is failing; the circuit is open and calls answer without it until a probe succeeds"
                    );
                }
                self.metrics.circuit(operation, circuit.is_open());
                circuit.is_open()
            }
            Err(down) => {
                tracing::debug!(error = %down.0, "the circuit's state could not be recorded");
                false
            }
        }
    }

    /// The current token; a mint that hits a passing fault is tried again (minting twice is harmless).
    /// A mint that fails as in an outage counts against `operation`'s circuit, which it holds up.
    async fn token(
        &self,
        operation: &'static str,
        deadline: Instant,
        backoff: &mut impl Iterator<Item = Duration>,
    ) -> Result<Arc<str>, GatewayError> {
        loop {
            match self.tokens.token().await {
                Err(error) if error.is_transient() => {
                    if matches!(error, GatewayError::Upstream { .. } | GatewayError::Network { .. })
                        && self.record(operation, false).await
                    {
                        return Err(error);
                    }
                    let told = match &error {
                        GatewayError::RateLimited { retry_after } => Some(*retry_after),
                        _ => None,
                    };
                    let wait = backoff.next().map(|fallback| told.unwrap_or(fallback));
                    match wait {
                        Some(wait) if Instant::now() + wait < deadline => {
                            self.metrics.retry();
                            tokio::time::sleep(wait).await;
                        }
                        _ => return Err(error),
                    }
                }
                result => return result,
            }
        }
    }

    /// Waits for a slot in the rate budget, or fails fast when the wait would pass the deadline.
    async fn pace(&self, deadline: Instant) -> Result<Duration, GatewayError> {
        let waited = budget::acquire(self.budget.as_ref(), deadline).await.map_err(|refusal| match refusal {
            budget::Refusal::Wait(retry_after) => GatewayError::Busy { retry_after, limits: self.config.limits },
            budget::Refusal::Unavailable(down) => GatewayError::SharedStateUnavailable { detail: down.0 },
        })?;
        self.metrics.limiter_wait(waited);
        Ok(waited)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{hostaway::token::Credentials, secret::Secret};

    fn gateway(account_id: i64, secret: &str) -> Gateway {
        let credentials = Credentials { account_id, secret: Secret::new(secret) };
        Gateway::new(GatewayConfig::new("http://127.0.0.1:9/v1", credentials)).unwrap()
    }

    #[test]
    fn a_derived_key_is_the_same_for_the_account_and_nobody_elses() {
        let key = gateway(1, "the-account-secret-0123456789").derived_key("preview tokens").unwrap();
        assert_eq!(
            Some(key),
            gateway(1, "the-account-secret-0123456789").derived_key("preview tokens"),
            "replicas agree"
        );
        assert_ne!(Some(key), gateway(2, "the-account-secret-0123456789").derived_key("preview tokens"));
        assert_ne!(Some(key), gateway(1, "another-secret-0123456789abc").derived_key("preview tokens"));
        assert_ne!(Some(key), gateway(1, "the-account-secret-0123456789").derived_key("something else"));
        assert_ne!(key, [0u8; 32]);
    }
}
