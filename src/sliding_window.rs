//! An exact sliding-window limit: no span of `window` ever admits more than `limit` requests per
//! key. The gateway paces itself to Hostaway's limits with it, and the sandbox enforces the same
//! limits with it, so both agree on what "15 per 10 s" means.

use std::{
    collections::{HashMap, VecDeque},
    hash::Hash,
    time::{Duration, Instant},
};

/// Recent request times per key, for one limit.
#[derive(Debug)]
pub struct SlidingWindow<K> {
    limit: u32,
    window: Duration,
    hits: HashMap<K, VecDeque<Instant>>,
}

impl<K: Eq + Hash + Clone> SlidingWindow<K> {
    /// A window admitting `limit` requests per `window` for each key; a limit of 0 admits everything.
    pub fn new(limit: u32, window: Duration) -> Self {
        Self { limit, window, hits: HashMap::new() }
    }

    /// Whether a request for `key` at `now` fits; when not, how long until one would.
    pub fn check(&mut self, key: &K, now: Instant) -> Result<(), Duration> {
        if self.limit == 0 {
            return Ok(());
        }
        let window = self.window;
        let hits = self.hits.entry(key.clone()).or_default();
        while hits.front().is_some_and(|&t| now.saturating_duration_since(t) >= window) {
            hits.pop_front();
        }
        if hits.len() < self.limit as usize {
            return Ok(());
        }
        let oldest = hits.front().copied().unwrap_or(now);
        Err(window.saturating_sub(now.saturating_duration_since(oldest)))
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
    fn a_window_admits_the_limit_then_refuses_until_the_oldest_hit_leaves() {
        let mut window = SlidingWindow::new(3, Duration::from_secs(10));
        let start = Instant::now();
        for i in 0..3 {
            let at = start + Duration::from_secs(i);
            assert!(window.check(&"ip", at).is_ok());
            window.record("ip", at);
        }
        assert_eq!(window.check(&"ip", start + Duration::from_secs(4)), Err(Duration::from_secs(6)));
        assert!(window.check(&"other", start + Duration::from_secs(4)).is_ok());
        assert!(window.check(&"ip", start + Duration::from_secs(10)).is_ok());
    }

    #[test]
    fn a_limit_of_zero_admits_everything() {
        let mut window = SlidingWindow::new(0, Duration::from_secs(10));
        let now = Instant::now();
        for _ in 0..100 {
            assert!(window.check(&1, now).is_ok());
            window.record(1, now);
        }
    }
}
