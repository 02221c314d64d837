//! An embedded Hostaway simulator: the same wire format from the spec's types, seeded data that
//! looks like a real portfolio, Hostaway's rules (token, 403, envelope, filters, paging, rate
//! limits) and faults on demand, served over a real socket.
//!
//! Besides `/v1`, a running sandbox has a small control API for tests and demos:
//! `GET /_sandbox/stats`, `POST /_sandbox/stats/reset`, `GET|PUT /_sandbox/faults` and
//! `POST /_sandbox/tokens/revoke`.

pub mod faults;
pub mod limits;
pub mod pricing;
pub mod seed;
pub mod stats;
pub mod store;
pub mod webhooks;

mod admin;
mod app;
mod routes;
mod server;
mod wire;

use std::{net::SocketAddr, sync::Arc, time::Duration};

use chrono::NaiveDate;
use tokio::{net::TcpListener, sync::oneshot};

use app::{Shared, lock};

use crate::clock::Clock;
pub use crate::hostaway::{OPERATIONS, Operation};
pub use faults::FaultPlan;
pub use limits::RateLimits;
pub use stats::Stats;
use store::Store;

/// The sandbox's account id, the `client_id` to mint tokens with.
pub const SANDBOX_ACCOUNT_ID: i64 = 10_101;
/// The sandbox's API secret, the `client_secret` to mint tokens with.
pub const SANDBOX_SECRET_KEY: &str = "sandbox-secret-0123456789abcdef";

/// How a sandbox behaves.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// Seed of the generated account; the same seed and date give the same data.
    pub seed: u64,
    /// The date the data is anchored on; the clock's today (UTC) when absent.
    pub today: Option<NaiveDate>,
    /// How many listings the account has, at least (and by default) [`seed::SEEDED_LISTINGS`]; a
    /// large portfolio, with bookings, messages and money to match, tests how answers scale.
    pub listings: usize,
    /// The current time: it anchors the data and stamps writes.
    pub clock: Clock,
    /// The account id that may mint tokens.
    pub account_id: i64,
    /// The secret that may mint tokens.
    pub secret_key: String,
    /// Rate limits enforced with 429.
    pub limits: RateLimits,
    /// Faults in force from the start.
    pub faults: FaultPlan,
    /// Lifetime announced in `expires_in` and enforced.
    pub token_ttl: Duration,
    /// How long after issue a token starts to work (about a second at Hostaway).
    pub token_activation: Duration,
    /// How long a failed webhook delivery waits before its first retry (each further wait is four
    /// times the last; Hostaway waits about a minute, then backs off within an hour).
    pub webhook_retry: Duration,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            seed: 42,
            today: None,
            listings: seed::SEEDED_LISTINGS,
            clock: Clock::system(),
            account_id: SANDBOX_ACCOUNT_ID,
            secret_key: SANDBOX_SECRET_KEY.to_string(),
            limits: RateLimits::default(),
            faults: FaultPlan::default(),
            token_ttl: Duration::from_secs(15_897_600),
            token_activation: Duration::from_secs(1),
            webhook_retry: Duration::from_secs(60),
        }
    }
}

/// Why a sandbox could not start.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The listener could not be bound or read.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The socket error.
        source: std::io::Error,
    },
    /// The seeded data does not fit the spec's types.
    #[error(transparent)]
    Seed(#[from] seed::SeedError),
}

/// A running sandbox; it stops when dropped.
#[derive(Debug)]
pub struct Sandbox {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
}

impl Sandbox {
    /// Seeds the account and starts serving on `addr` (port 0 picks a free port).
    pub async fn start(config: SandboxConfig, addr: SocketAddr) -> Result<Self, SandboxError> {
        let today = config.today.unwrap_or_else(|| config.clock.today_utc());
        let mut store: Store = seed::portfolio(config.seed, today, config.listings)?;
        store.clock = config.clock;
        for fee in store.fee_settings.values_mut().flatten() {
            fee.account_id = Some(config.account_id);
        }
        let listener = TcpListener::bind(addr).await.map_err(|source| SandboxError::Bind { addr, source })?;
        let addr = listener.local_addr().map_err(|source| SandboxError::Bind { addr, source })?;
        let shared = Arc::new(Shared::new(config, store));
        let router = routes::api()
            .layer(axum::middleware::from_fn_with_state(shared.clone(), app::gate))
            .merge(admin::router())
            .with_state(shared.clone());
        let (stop, stopped) = oneshot::channel();
        tokio::spawn(server::serve(listener, router, async {
            let _ = stopped.await;
        }));
        Ok(Self { shared, addr, stop: Some(stop) })
    }

    /// The socket address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL to give a Hostaway client, ending in `/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// The account id to mint tokens with.
    pub fn account_id(&self) -> i64 {
        self.shared.config.account_id
    }

    /// The secret to mint tokens with.
    pub fn secret_key(&self) -> &str {
        &self.shared.config.secret_key
    }

    /// What was served so far.
    pub fn stats(&self) -> Stats {
        lock(&self.shared.stats).clone()
    }

    /// Zeroes the counters.
    pub fn reset_stats(&self) {
        *lock(&self.shared.stats) = Stats::default();
    }

    /// Replaces the faults in force.
    pub fn set_faults(&self, plan: FaultPlan) {
        lock(&self.shared.faults).plan = plan;
    }

    /// Revokes every issued token, as if the account's tokens were reset.
    pub fn revoke_tokens(&self) {
        lock(&self.shared.tokens).clear();
    }

    /// Every token minted so far (revoked ones included), for tests that prove tokens never leak.
    pub fn issued_tokens(&self) -> Vec<String> {
        lock(&self.shared.issued).clone()
    }

    /// Reads the account's data directly, for tests that check answers against the source.
    pub fn inspect<R>(&self, read: impl FnOnce(&Store) -> R) -> R {
        read(&lock(&self.shared.store))
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
