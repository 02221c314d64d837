//! Counts of what the sandbox served, so tests can assert call budgets and write counts.

use std::collections::BTreeMap;

use serde::Serialize;

/// Calls per operationId and responses per HTTP status since start or the last reset.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Requests received per operationId, whatever happened to them.
    pub received: BTreeMap<String, u64>,
    /// Requests per operationId that the handler actually carried out (a write that took effect).
    pub applied: BTreeMap<String, u64>,
    /// Responses per HTTP status code (dropped connections are counted under "dropped").
    pub statuses: BTreeMap<String, u64>,
    /// Response body bytes sent per operationId, to compare tool answers with raw payloads.
    pub bytes: BTreeMap<String, u64>,
    /// Access tokens minted.
    pub tokens_minted: u64,
}

impl Stats {
    /// Requests received for one operation.
    pub fn received(&self, operation: &str) -> u64 {
        self.received.get(operation).copied().unwrap_or(0)
    }

    /// Requests carried out for one operation.
    pub fn applied(&self, operation: &str) -> u64 {
        self.applied.get(operation).copied().unwrap_or(0)
    }

    /// Responses with one status ("429", "dropped", ...).
    pub fn status(&self, status: &str) -> u64 {
        self.statuses.get(status).copied().unwrap_or(0)
    }

    /// Response bytes sent over all operations.
    pub fn total_bytes(&self) -> u64 {
        self.bytes.values().sum()
    }

    /// All requests received.
    pub fn total_received(&self) -> u64 {
        self.received.values().sum()
    }

    pub(crate) fn count(map: &mut BTreeMap<String, u64>, key: &str) {
        *map.entry(key.to_string()).or_default() += 1;
    }
}
