//! Prometheus metrics: tool calls and latencies by tool and outcome, plus the gateway's counters
//! (upstream calls, retries, limiter waits, token mints, cache hits), read at scrape time.

use std::{sync::Arc, time::Duration};

use prometheus_client::{
    collector::Collector,
    encoding::{DescriptorEncoder, EncodeMetric},
    metrics::{
        counter::{ConstCounter, Counter},
        family::Family,
        gauge::{ConstGauge, Gauge},
        histogram::{Histogram, exponential_buckets},
    },
    registry::Registry,
};

use crate::hostaway::Gateway;

type Labels = Vec<(&'static str, String)>;

/// The server's metrics registry.
#[derive(Debug)]
pub struct ServerMetrics {
    registry: Registry,
    tool_calls: Family<Labels, Counter>,
    tool_seconds: Family<Labels, Histogram, fn() -> Histogram>,
    open_sessions: Gauge,
    refused: Family<Labels, Counter>,
    webhook_events: Family<Labels, Counter>,
    webhook_state: Family<Labels, Gauge>,
    webhook_invalidation: Histogram,
}

/// The states [`ServerMetrics::webhook_state`] reports, one gauge each.
const WEBHOOK_STATES: &[&str] = &["waiting", "live", "fallback"];

fn latency_histogram() -> Histogram {
    // 5 ms .. ~20 s.
    Histogram::new(exponential_buckets(0.005, 2.0, 13))
}

impl ServerMetrics {
    /// Metrics for a server whose upstream calls go through `gateway`.
    pub fn new(gateway: Arc<Gateway>) -> Self {
        let mut registry = Registry::with_prefix("hostaway_mcp");
        let tool_calls = Family::<Labels, Counter>::default();
        let tool_seconds = Family::<Labels, Histogram, fn() -> Histogram>::new_with_constructor(latency_histogram);
        registry.register(
            "tool_calls",
            "Tool calls by tool and outcome (ok, tool_error, protocol_error)",
            tool_calls.clone(),
        );
        registry.register("tool_duration_seconds", "Tool call latency by tool", tool_seconds.clone());
        let open_sessions = Gauge::default();
        registry.register("open_sessions", "MCP sessions open over streamable HTTP", open_sessions.clone());
        let refused = Family::<Labels, Counter>::default();
        registry.register(
            "refused_requests",
            "Requests and connections turned away at the edge, by reason (unauthorized, forbidden_host, \
             forbidden_origin, too_many_connections, too_many_sessions)",
            refused.clone(),
        );
        let webhook_events = Family::<Labels, Counter>::default();
        registry.register(
            "webhook_events",
            "Hostaway webhook deliveries by outcome (applied, duplicate, ignored, unauthorized, rate_limited, \
             bad_request; recovered: a failed delivery found in Hostaway's log and applied)",
            webhook_events.clone(),
        );
        let webhook_state = Family::<Labels, Gauge>::default();
        registry.register(
            "webhooks",
            "1 for the webhooks' state: live (bookings and conversations cached long, dropped by events), \
             waiting or fallback (short cache times)",
            webhook_state.clone(),
        );
        // 0.1 ms .. ~0.8 s.
        let webhook_invalidation = Histogram::new(exponential_buckets(0.0001, 2.0, 14));
        registry.register(
            "webhook_invalidation_seconds",
            "From a webhook event's arrival to the cached answers it changed being dropped everywhere",
            webhook_invalidation.clone(),
        );
        registry.register_collector(Box::new(GatewayCollector(gateway)));
        Self {
            registry,
            tool_calls,
            tool_seconds,
            open_sessions,
            refused,
            webhook_events,
            webhook_state,
            webhook_invalidation,
        }
    }

    /// Counts one webhook delivery by `outcome` (a fixed label).
    pub fn webhook_event(&self, outcome: &'static str) {
        self.webhook_events.get_or_create(&vec![("outcome", outcome.to_string())]).inc();
    }

    /// Records the webhooks' state (one of waiting, live, fallback).
    pub fn webhook_state(&self, state: &'static str) {
        for known in WEBHOOK_STATES {
            self.webhook_state.get_or_create(&vec![("state", known.to_string())]).set(i64::from(*known == state));
        }
    }

    /// Records how long an event took from arrival to its invalidation.
    pub fn webhook_invalidation(&self, took: Duration) {
        self.webhook_invalidation.observe(took.as_secs_f64());
    }

    /// Records one tool call.
    pub fn tool_call(&self, tool: &str, outcome: &'static str, took: Duration) {
        self.tool_calls.get_or_create(&vec![("tool", tool.to_string()), ("outcome", outcome.to_string())]).inc();
        self.tool_seconds.get_or_create(&vec![("tool", tool.to_string())]).observe(took.as_secs_f64());
    }

    /// Records how many sessions are open (read from the session table at scrape time).
    pub fn set_open_sessions(&self, open: usize) {
        self.open_sessions.set(i64::try_from(open).unwrap_or(i64::MAX));
    }

    /// Counts one request or connection turned away for `reason` (a fixed label, never client input).
    pub fn refused(&self, reason: &'static str) {
        self.refused.get_or_create(&vec![("reason", reason.to_string())]).inc();
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        let mut text = String::new();
        if prometheus_client::encoding::text::encode(&mut text, &self.registry).is_err() {
            text.clear();
        }
        text
    }
}

/// Reads the gateway's counters on each scrape.
#[derive(Debug)]
struct GatewayCollector(Arc<Gateway>);

fn counter(encoder: &mut DescriptorEncoder, name: &str, help: &str, value: u64) -> Result<(), std::fmt::Error> {
    let metric = ConstCounter::new(value);
    metric.encode(encoder.encode_descriptor(name, help, None, metric.metric_type())?)
}

impl Collector for GatewayCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let snapshot = self.0.metrics();
        let calls = ConstCounter::new(0u64);
        let mut family = encoder.encode_descriptor(
            "upstream_calls",
            "Hostaway attempts by operation and outcome (HTTP status or failure kind)",
            None,
            calls.metric_type(),
        )?;
        for (operation, outcomes) in &snapshot.calls {
            for (outcome, count) in outcomes {
                let labels = [("operation", operation.as_str()), ("outcome", outcome.as_str())];
                ConstCounter::new(*count).encode(family.encode_family(&labels)?)?;
            }
        }
        counter(&mut encoder, "upstream_retries", "Hostaway attempts that were retries", snapshot.retries)?;
        counter(
            &mut encoder,
            "limiter_waits",
            "Calls that waited for the Hostaway rate budget",
            snapshot.limiter_waits,
        )?;
        counter(
            &mut encoder,
            "limiter_wait_milliseconds",
            "Time spent waiting for the rate budget",
            snapshot.limiter_wait_ms,
        )?;
        counter(&mut encoder, "token_mints", "Hostaway access tokens minted", snapshot.token_mints)?;
        counter(&mut encoder, "cache_hits", "Reads answered from the cache", snapshot.cache_hits)?;
        counter(&mut encoder, "cache_misses", "Reads that went to Hostaway", snapshot.cache_misses)?;
        counter(
            &mut encoder,
            "stale_answers",
            "Reads answered from their last good copy because Hostaway failed",
            snapshot.stale_answers,
        )?;
        counter(
            &mut encoder,
            "circuit_refusals",
            "Hostaway requests not sent because the circuit was open",
            snapshot.circuit_refusals,
        )?;
        let open = ConstGauge::new(i64::try_from(snapshot.circuits_open).unwrap_or(i64::MAX));
        open.encode(encoder.encode_descriptor(
            "hostaway_circuits_open",
            "Hostaway operations whose circuit is open (failing, nothing sent), as this replica last saw them",
            None,
            open.metric_type(),
        )?)
    }
}
