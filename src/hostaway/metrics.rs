//! Counters of the gateway's work, for logs, benchmarks and the metrics endpoint.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering::Relaxed},
    },
    time::Duration,
};

use serde::Serialize;

/// Live counters; cheap to bump from any task.
#[derive(Debug, Default)]
pub struct Metrics {
    calls: Mutex<BTreeMap<(&'static str, String), u64>>,
    retries: AtomicU64,
    limiter_waits: AtomicU64,
    limiter_wait_micros: AtomicU64,
    token_mints: AtomicU64,
    cache_hits: AtomicU64,
    cache_misses: AtomicU64,
    circuits_open: Mutex<BTreeSet<&'static str>>,
    circuit_refusals: AtomicU64,
    stale_answers: AtomicU64,
}

/// A copy of the counters at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MetricsSnapshot {
    /// Upstream attempts by operationId and outcome ("200", "429", "network", ...).
    pub calls: BTreeMap<String, BTreeMap<String, u64>>,
    /// Attempts that were retries.
    pub retries: u64,
    /// Times a call waited for the rate budget.
    pub limiter_waits: u64,
    /// Total time spent waiting for the rate budget, in milliseconds.
    pub limiter_wait_ms: u64,
    /// Tokens minted.
    pub token_mints: u64,
    /// Reads answered from the cache.
    pub cache_hits: u64,
    /// Reads that went upstream because the cache had nothing.
    pub cache_misses: u64,
    /// Operations whose circuits were open when this process last saw them.
    pub circuits_open: u64,
    /// Requests not sent because the circuit was open.
    pub circuit_refusals: u64,
    /// Reads answered from their last good copy because Hostaway failed.
    pub stale_answers: u64,
}

impl MetricsSnapshot {
    /// Attempts of one operation that ended with `outcome`.
    pub fn calls(&self, operation: &str, outcome: &str) -> u64 {
        self.calls.get(operation).and_then(|o| o.get(outcome)).copied().unwrap_or(0)
    }

    /// Attempts that ended with `outcome`, over all operations.
    pub fn outcome(&self, outcome: &str) -> u64 {
        self.calls.values().filter_map(|o| o.get(outcome)).sum()
    }
}

impl Metrics {
    /// Counts one upstream attempt.
    pub fn call(&self, operation: &'static str, outcome: impl Into<String>) {
        let mut calls = self.calls.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *calls.entry((operation, outcome.into())).or_default() += 1;
    }

    /// Counts a retry.
    pub fn retry(&self) {
        self.retries.fetch_add(1, Relaxed);
    }

    /// Counts a wait for the rate budget (waits under a millisecond are not waits).
    pub fn limiter_wait(&self, waited: Duration) {
        if waited < Duration::from_millis(1) {
            return;
        }
        self.limiter_waits.fetch_add(1, Relaxed);
        self.limiter_wait_micros.fetch_add(u64::try_from(waited.as_micros()).unwrap_or(u64::MAX), Relaxed);
    }

    /// Counts a token mint.
    pub fn token_mint(&self) {
        self.token_mints.fetch_add(1, Relaxed);
    }

    /// Counts a cache lookup.
    pub fn cache(&self, hit: bool) {
        if hit { &self.cache_hits } else { &self.cache_misses }.fetch_add(1, Relaxed);
    }

    /// Notes `operation`'s circuit as last seen.
    pub fn circuit(&self, operation: &'static str, open: bool) {
        let mut circuits = self.circuits_open.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if open {
            circuits.insert(operation);
        } else {
            circuits.remove(operation);
        }
    }

    /// Counts a request an open circuit kept back.
    pub fn circuit_refusal(&self, operation: &'static str) {
        self.circuit(operation, true);
        self.circuit_refusals.fetch_add(1, Relaxed);
    }

    /// Counts a read answered from its last good copy.
    pub fn stale_answer(&self) {
        self.stale_answers.fetch_add(1, Relaxed);
    }

    /// The counters now.
    pub fn snapshot(&self) -> MetricsSnapshot {
        let mut calls: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
        for ((operation, outcome), count) in self.calls.lock().unwrap_or_else(std::sync::PoisonError::into_inner).iter()
        {
            calls.entry((*operation).to_string()).or_default().insert(outcome.clone(), *count);
        }
        MetricsSnapshot {
            calls,
            retries: self.retries.load(Relaxed),
            limiter_waits: self.limiter_waits.load(Relaxed),
            limiter_wait_ms: self.limiter_wait_micros.load(Relaxed) / 1000,
            token_mints: self.token_mints.load(Relaxed),
            cache_hits: self.cache_hits.load(Relaxed),
            cache_misses: self.cache_misses.load(Relaxed),
            circuits_open: self.circuits_open.lock().unwrap_or_else(std::sync::PoisonError::into_inner).len() as u64,
            circuit_refusals: self.circuit_refusals.load(Relaxed),
            stale_answers: self.stale_answers.load(Relaxed),
        }
    }
}
