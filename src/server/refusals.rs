//! Requests and connections turned away at the edge: each one is counted for Prometheus, but the
//! log gets at most one summary line per interval, so a flood of unauthenticated or forbidden
//! requests cannot grow the log by a line per request.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use super::metrics::ServerMetrics;
use crate::log_limit::LogLimit;

/// Why the edge turned something away; the label of the `refused_requests` counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No bearer token, or the wrong one (401).
    Unauthorized,
    /// A `Host` outside the allowed list: a possible DNS-rebinding attempt (403).
    ForbiddenHost,
    /// A browser `Origin` outside the allowed list (403).
    ForbiddenOrigin,
    /// A connection beyond `--max-connections`, unless it is a `GET /health` the reserve answers
    /// (503 and closed).
    TooManyConnections,
    /// A connection beyond `--max-connections-per-address` of those its address holds without a
    /// request, unless it is a `GET /health` the reserve answers (503 and closed).
    TooManyConnectionsFromAddress,
    /// A new MCP session beyond `--max-sessions` (503).
    TooManySessions,
}

impl Refusal {
    const ALL: [Refusal; 6] = [
        Refusal::Unauthorized,
        Refusal::ForbiddenHost,
        Refusal::ForbiddenOrigin,
        Refusal::TooManyConnections,
        Refusal::TooManyConnectionsFromAddress,
        Refusal::TooManySessions,
    ];

    /// The metric label and the word used in the summary line.
    pub fn label(self) -> &'static str {
        match self {
            Refusal::Unauthorized => "unauthorized",
            Refusal::ForbiddenHost => "forbidden_host",
            Refusal::ForbiddenOrigin => "forbidden_origin",
            Refusal::TooManyConnections => "too_many_connections",
            Refusal::TooManyConnectionsFromAddress => "too_many_connections_per_address",
            Refusal::TooManySessions => "too_many_sessions",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The counted, rate-limited record of refusals; shared by the request guards and the accept loop.
#[derive(Debug)]
pub struct Refusals {
    metrics: Arc<ServerMetrics>,
    /// Refusals since the last summary line, by [`Refusal::index`].
    pending: [AtomicU64; Refusal::ALL.len()],
    /// When a summary line is due.
    lines: LogLimit,
}

/// How often, at most, a summary of refusals is logged.
pub const LOG_INTERVAL: Duration = Duration::from_secs(10);

impl Refusals {
    /// Refusals counted in `metrics` and summarised in the log at most once per `interval`.
    pub fn new(metrics: Arc<ServerMetrics>, interval: Duration) -> Self {
        Self { metrics, pending: Default::default(), lines: LogLimit::new(interval) }
    }

    /// Counts one refusal, and writes the summary line if one is due.
    pub fn record(&self, why: Refusal) {
        self.metrics.refused(why.label());
        self.pending[why.index()].fetch_add(1, Ordering::Relaxed);
        self.flush();
    }

    /// Writes one WARN line summing up the refusals since the last one, unless a line was written
    /// less than an interval ago or there is nothing to report. Called on each refusal and by a
    /// periodic tick, so the tail of a burst is reported too.
    pub fn flush(&self) {
        let gather = || {
            let counts: Vec<(Refusal, u64)> = Refusal::ALL
                .iter()
                .map(|why| (*why, self.pending[why.index()].swap(0, Ordering::Relaxed)))
                .filter(|(_, n)| *n > 0)
                .collect();
            (!counts.is_empty()).then_some(counts)
        };
        let Some((counts, due)) = self.lines.due(gather) else {
            return;
        };
        let since = due.since.map_or_else(|| "start-up".to_string(), |ago| format!("{} s ago", ago.as_secs()));
        let total: u64 = counts.iter().map(|(_, n)| n).sum();
        let reasons = counts.iter().map(|(why, n)| format!("{}={n}", why.label())).collect::<Vec<_>>().join(" ");
        tracing::warn!(
            refused = total,
            "refused {total} requests or connections since {since} ({reasons}); at most one such line per {} s, \
             per-reason totals in /metrics as hostaway_mcp_refused_requests_total",
            due.interval.as_secs()
        );
    }
}
