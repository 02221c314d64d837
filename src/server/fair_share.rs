//! A fair share of tool calls per client, so one runaway client cannot spend the account's whole
//! Hostaway budget (20 requests per 10 s) while the others wait behind it.
//!
//! A client is the address it connects from, never something it says of itself: a session id is
//! the client's to choose (a new one per call, or ten sessions, would each get a share of their
//! own). stdio has a single client and no quota. The
//! quota is a token bucket (governor's GCRA), the right shape here: a client may burst, then
//! settles at its rate; the exact upstream pacing stays with the gateway.

use std::{
    net::IpAddr,
    num::NonZeroU32,
    sync::atomic::{AtomicU32, Ordering},
    time::Duration,
};

use governor::{
    Quota, RateLimiter,
    clock::{Clock, DefaultClock},
    state::keyed::DefaultKeyedStateStore,
};

/// The address a request came from, put into its extensions by the HTTP accept loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClientAddr(pub IpAddr);

/// Who a tool call is counted against: what the server knows of the client, not what it claims.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ClientKey {
    /// The subject of a verified OAuth token: one share per person, whatever they connect from.
    Subject(String),
    /// The address the client connects from, without OAuth.
    Address(IpAddr),
}

/// How many checks pass between two sweeps of clients that have gone quiet.
const SWEEP_EVERY: u32 = 1_000;

/// The per-client quota; absent when the operator turned it off.
pub struct FairShare {
    limiter: RateLimiter<ClientKey, DefaultKeyedStateStore<ClientKey>, DefaultClock>,
    per_minute: NonZeroU32,
    checks: AtomicU32,
}

impl std::fmt::Debug for FairShare {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FairShare").field("per_minute", &self.per_minute).finish()
    }
}

impl FairShare {
    /// `per_minute` calls a minute per client, with bursts of a quarter of that (at least one);
    /// `None` when `per_minute` is 0 (no quota).
    pub fn new(per_minute: u32) -> Option<Self> {
        let per_minute = NonZeroU32::new(per_minute)?;
        let burst = NonZeroU32::new(per_minute.get() / 4).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::per_minute(per_minute).allow_burst(burst);
        Some(Self { limiter: RateLimiter::keyed(quota), per_minute, checks: AtomicU32::new(0) })
    }

    /// Takes one call from `client`'s share, or says how long until it has room again.
    pub fn take(&self, client: &ClientKey) -> Result<(), Duration> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.limiter.retain_recent();
        }
        self.limiter.check_key(client).map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }

    /// The message a client over its share gets, as a tool error.
    pub fn refusal(&self, wait: Duration) -> String {
        format!(
            "this client has used its share of tool calls ({} a minute, set with MCP_CLIENT_CALLS_PER_MINUTE); \
             retry in {} s",
            self.per_minute,
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        )
    }
}

/// The client a request over HTTP comes from: its token's subject with OAuth, else its address.
/// `None` over stdio.
pub fn client_of(parts: Option<&axum::http::request::Parts>) -> Option<ClientKey> {
    let parts = parts?;
    if let Some(grant) = parts.extensions.get::<super::oauth::Grant>() {
        return Some(ClientKey::Subject(grant.subject.clone()));
    }
    parts.extensions.get::<ClientAddr>().map(|addr| ClientKey::Address(addr.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_its_burst_then_waits_while_another_client_is_untouched() {
        let share = FairShare::new(8).unwrap();
        let (a, b) = (ClientKey::Address([127, 0, 0, 1].into()), ClientKey::Address([127, 0, 0, 2].into()));
        assert!(share.take(&a).is_ok() && share.take(&a).is_ok(), "a burst of 8 / 4 = 2");
        let wait = share.take(&a).unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(8), "{wait:?}");
        assert!(share.refusal(wait).contains("retry in"));
        assert!(share.take(&b).is_ok(), "another client has its own share");
        assert!(FairShare::new(0).is_none(), "0 turns the quota off");
    }
}
