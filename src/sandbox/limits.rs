//! Hostaway's two rate limits, enforced as sliding windows.
//!
//! Hostaway documents "15 requests every 10 seconds per IP" and "20 per 10 seconds per account"
//! without naming an algorithm. A sliding window is the strictest reading (no 10-second span ever
//! holds more than the limit), so a client that never trips it will not trip Hostaway either.

use std::{
    collections::{HashMap, VecDeque},
    hash::Hash,
    time::{Duration, Instant},
};

/// The limits the sandbox enforces; a limit of 0 turns that limit off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimits {
    /// Requests allowed per window from one IP address.
    pub per_ip: u32,
    /// Requests allowed per window for one account.
    pub per_account: u32,
    /// The window length (10 s at Hostaway).
    pub window: Duration,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self { per_ip: 15, per_account: 20, window: Duration::from_secs(10) }
    }
}

/// Recent request times per key, for one limit.
#[derive(Debug)]
pub struct SlidingWindow<K> {
    limit: u32,
    window: Duration,
    hits: HashMap<K, VecDeque<Instant>>,
}

impl<K: Eq + Hash> SlidingWindow<K> {
    /// A window admitting `limit` requests per `window` for each key.
    pub fn new(limit: u32, window: Duration) -> Self {
        Self { limit, window, hits: HashMap::new() }
    }

    /// Whether a request for `key` at `now` fits. It returns how long until one would fit when not.
    pub fn check(&mut self, key: &K, now: Instant) -> Result<(), Duration>
    where
        K: Clone,
    {
        if self.limit == 0 {
            return Ok(());
        }
        let window = self.window;
        let hits = self.hits.entry(key.clone()).or_default();
        while hits.front().is_some_and(|&t| now.duration_since(t) >= window) {
            hits.pop_front();
        }
        if hits.len() < self.limit as usize {
            return Ok(());
        }
        let oldest = hits.front().copied().unwrap_or(now);
        Err(window.saturating_sub(now.duration_since(oldest)))
    }

    /// Records an admitted request.
    pub fn record(&mut self, key: K, now: Instant) {
        if self.limit > 0 {
            self.hits.entry(key).or_default().push_back(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admits_the_limit_then_refuses_until_the_oldest_hit_leaves_the_window() {
        let mut window = SlidingWindow::new(3, Duration::from_secs(10));
        let start = Instant::now();
        for i in 0..3 {
            let at = start + Duration::from_secs(i);
            assert!(window.check(&"ip", at).is_ok());
            window.record("ip", at);
        }
        let wait = window.check(&"ip", start + Duration::from_secs(4)).unwrap_err();
        assert_eq!(wait, Duration::from_secs(6));
        assert!(window.check(&"other", start + Duration::from_secs(4)).is_ok());
        assert!(window.check(&"ip", start + Duration::from_secs(10)).is_ok());
    }

    #[test]
    fn zero_means_unlimited() {
        let mut window = SlidingWindow::new(0, Duration::from_secs(10));
        let now = Instant::now();
        for _ in 0..100 {
            assert!(window.check(&1, now).is_ok());
            window.record(1, now);
        }
    }
}
