//! Hostaway's two rate limits as the sandbox enforces them.
//!
//! Hostaway documents "15 requests every 10 seconds per IP" and "20 per 10 seconds per account"
//! without naming an algorithm. The sandbox uses sliding windows
//! ([`crate::sliding_window::SlidingWindow`]), the strictest reading: no 10-second span ever
//! holds more than the limit, so a client that never trips the sandbox will not trip Hostaway.

use std::time::Duration;

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
