//! Misbehaviour on demand, so every failure path of a client can be tested over a real socket.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::webhooks::DeliveryFaults;

/// What the sandbox should get wrong. Each fault has a rate (share of requests, 0.0 to 1.0) and a
/// `*_next` count that hits the next N requests for certain; counts are used up before rates apply.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultPlan {
    /// Added to every API response, in milliseconds.
    pub latency_ms: u64,
    /// Share of requests answered 500 before they are handled.
    pub server_error_rate: f64,
    /// The next N requests are answered 500 before they are handled.
    pub server_error_next: u32,
    /// While true every request is answered 429 (a storm).
    pub rate_limit_storm: bool,
    /// The next N requests are answered 429.
    pub rate_limit_next: u32,
    /// `Retry-After` seconds sent with injected 429s; none when absent.
    pub retry_after_secs: Option<u64>,
    /// Share of connections dropped without an answer.
    pub drop_rate: f64,
    /// The next N requests have their connection dropped without an answer.
    pub drop_next: u32,
    /// When true, drops happen after the request was applied (the write happened, the answer is lost).
    pub drop_after_handling: bool,
    /// Share of responses whose body is replaced by broken JSON (status 200).
    pub malformed_rate: f64,
    /// The next N requests get a broken body in place of a success answer (a failure answer is sent as it is).
    pub malformed_next: u32,
    /// While true, every U+FFFD in a success answer goes out as the lone UTF-16 surrogate escape
    /// `\ud800`, as Hostaway passes on a channel's text cut in the middle of an emoji.
    pub lone_surrogates: bool,
    /// How unified webhook deliveries misbehave.
    pub deliveries: DeliveryFaults,
    /// Fault (and slow, with `latency_ms`) only requests of these operationIds (e.g.
    /// `[id::SEND_CONVERSATION_MESSAGE]`), so a test can lose or delay a write while the reads around
    /// it go through; empty means every request.
    pub only: Vec<String>,
}

/// A fault chosen for one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Close the connection before handling.
    DropBefore,
    /// Handle, then close the connection without answering.
    DropAfter,
    /// Answer 429.
    RateLimited,
    /// Answer 500.
    ServerError,
    /// Handle, then send a broken body.
    Malformed,
}

/// The current plan plus the seeded dice that decide rate-based faults.
#[derive(Debug)]
pub struct Faults {
    /// The plan in force.
    pub plan: FaultPlan,
    rng: ChaCha8Rng,
}

impl Faults {
    /// Starts with `plan`; `seed` makes rate-based faults repeatable.
    pub fn new(plan: FaultPlan, seed: u64) -> Self {
        Self { plan, rng: ChaCha8Rng::seed_from_u64(seed) }
    }

    /// Decides the fault, if any, for the next request of `operation` and uses up `*_next` counts.
    pub fn draw(&mut self, operation: &str) -> Option<Fault> {
        if !self.plan.only.is_empty() && !self.plan.only.iter().any(|o| o == operation) {
            return None;
        }
        let drop = if self.plan.drop_after_handling { Fault::DropAfter } else { Fault::DropBefore };
        let plan = &mut self.plan;
        if take(&mut plan.drop_next) {
            return Some(drop);
        }
        if plan.rate_limit_storm || take(&mut plan.rate_limit_next) {
            return Some(Fault::RateLimited);
        }
        if take(&mut plan.server_error_next) {
            return Some(Fault::ServerError);
        }
        if take(&mut plan.malformed_next) {
            return Some(Fault::Malformed);
        }
        let (drop_rate, error_rate, malformed_rate) = (plan.drop_rate, plan.server_error_rate, plan.malformed_rate);
        if self.roll(drop_rate) {
            return Some(drop);
        }
        if self.roll(error_rate) {
            return Some(Fault::ServerError);
        }
        self.roll(malformed_rate).then_some(Fault::Malformed)
    }

    /// Whether the next delivery attempt fails before reaching the receiver.
    pub fn fail_delivery(&mut self) -> bool {
        let rate = self.plan.deliveries.fail_rate;
        take(&mut self.plan.deliveries.fail_next) || self.roll(rate)
    }

    /// Whether the next event is delivered twice.
    pub fn deliver_twice(&mut self) -> bool {
        let rate = self.plan.deliveries.duplicate_rate;
        self.roll(rate)
    }

    /// How long the next delivery waits before its first attempt.
    pub fn delivery_delay(&mut self) -> std::time::Duration {
        let most = self.plan.deliveries.delay_ms;
        std::time::Duration::from_millis(if most == 0 { 0 } else { self.rng.random_range(0..=most) })
    }

    fn roll(&mut self, rate: f64) -> bool {
        rate > 0.0 && self.rng.random::<f64>() < rate
    }
}

fn take(count: &mut u32) -> bool {
    let hit = *count > 0;
    *count = count.saturating_sub(1);
    hit
}
