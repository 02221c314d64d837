//! Pacing: never send Hostaway more than its documented limits allow.
//!
//! Hostaway allows 15 requests per 10 s per IP and 20 per 10 s per account, without naming the
//! algorithm. The budget keeps a sliding log of send times, so no window of that length ever holds
//! more than the limit: it lets a burst of 15 go at once and then admits each next request the
//! moment the oldest one leaves the window. A token bucket (GCRA, as in `governor`) with a burst of
//! 15 would admit up to 30 requests in some 10 s window and draw 429s from a strict server; making
//! it safe needs a burst of 1, which delays even a lone three-call tool by seconds. The log is both
//! safe and as fast as the limits allow.

use std::{
    fmt,
    future::Future,
    pin::Pin,
    sync::Mutex,
    time::{Duration, Instant},
};

use crate::sliding_window::SlidingWindow;

/// A boxed future, for the object-safe async interfaces that a shared (Redis) backend can implement.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The limits to pace by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Requests per window from this machine's IP (Hostaway: 15). 0 turns it off.
    pub per_ip: u32,
    /// Requests per window for the account (Hostaway: 20). 0 turns it off.
    pub per_account: u32,
    /// The window (Hostaway: 10 s).
    pub window: Duration,
    /// Added to the window so that latency jitter between here and Hostaway never packs one
    /// request too many into Hostaway's own window.
    pub margin: Duration,
}

/// How the limits read in a message, e.g. "15 per 10 s per IP, 20 per 10 s per account".
impl fmt::Display for Limits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.window.as_secs_f64();
        let part = |limit: u32, whose: &str| {
            if limit == 0 { format!("no {whose} limit") } else { format!("{limit} per {secs} s per {whose}") }
        };
        write!(f, "{}, {}", part(self.per_ip, "IP"), part(self.per_account, "account"))
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self { per_ip: 15, per_account: 20, window: Duration::from_secs(10), margin: Duration::from_millis(200) }
    }
}

/// A shared budget that cannot be asked (its store is down): the message names the store, never
/// its password. Nothing was taken, and nothing may be sent, since another replica may be using
/// the slots this one cannot see.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Unavailable(pub String);

/// Why [`acquire`] gave no slot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A slot frees up only after this long, past the caller's deadline; nothing was taken.
    Wait(Duration),
    /// The budget could not be asked.
    Unavailable(Unavailable),
}

/// Where request slots come from. The local budget serves one process; a shared backend (one
/// Redis for several replicas on one account) implements the same interface.
pub trait RateBudget: Send + Sync + fmt::Debug {
    /// Takes a slot now, or says how long until one frees up (nothing is taken then).
    fn try_acquire(&self) -> BoxFuture<'_, Result<Result<(), Duration>, Unavailable>>;
}

/// Waits for a slot in `budget`. Returns how long it waited, or why there is none: a slot would
/// come only after `deadline` (with how long the caller would have had to wait), or the budget
/// cannot be asked.
pub async fn acquire(budget: &dyn RateBudget, deadline: Instant) -> Result<Duration, Refusal> {
    let started = Instant::now();
    loop {
        match budget.try_acquire().await.map_err(Refusal::Unavailable)? {
            Ok(()) => return Ok(started.elapsed()),
            Err(wait) if Instant::now() + wait >= deadline => return Err(Refusal::Wait(wait)),
            Err(wait) => tokio::time::sleep(wait).await,
        }
    }
}

/// The in-process budget: both limits as sliding logs.
#[derive(Debug)]
pub struct LocalRateBudget {
    windows: Mutex<(SlidingWindow<()>, SlidingWindow<()>)>,
}

impl LocalRateBudget {
    /// A budget for `limits`.
    pub fn new(limits: Limits) -> Self {
        let window = limits.window + limits.margin;
        Self {
            windows: Mutex::new((
                SlidingWindow::new(limits.per_ip, window),
                SlidingWindow::new(limits.per_account, window),
            )),
        }
    }

    fn take(&self, now: Instant) -> Result<(), Duration> {
        let mut guard = self.windows.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (ip, account) = &mut *guard;
        match (ip.check(&(), now), account.check(&(), now)) {
            (Ok(()), Ok(())) => {
                ip.record((), now);
                account.record((), now);
                Ok(())
            }
            (Err(a), Err(b)) => Err(a.max(b)),
            (Err(wait), _) | (_, Err(wait)) => Err(wait),
        }
    }
}

impl RateBudget for LocalRateBudget {
    fn try_acquire(&self) -> BoxFuture<'_, Result<Result<(), Duration>, Unavailable>> {
        Box::pin(std::future::ready(Ok(self.take(Instant::now()))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_obeys_the_tighter_limit_and_takes_nothing_when_it_refuses() {
        let budget = LocalRateBudget::new(Limits {
            per_ip: 3,
            per_account: 2,
            window: Duration::from_secs(10),
            margin: Duration::ZERO,
        });
        let now = Instant::now();
        assert!(budget.take(now).is_ok());
        assert!(budget.take(now).is_ok());
        assert_eq!(budget.take(now), Err(Duration::from_secs(10)));
        assert!(budget.take(now + Duration::from_secs(10)).is_ok());
    }
}
