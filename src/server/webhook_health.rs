//! Whether Hostaway's webhooks are arriving, and so whether bookings and conversations may be
//! cached for long (each event drops what it changes) or only for their short times.
//!
//! The server starts on the short times. It goes live when Hostaway holds an enabled unified
//! webhook with this server's login whose latest deliveries succeeded, or when an event arrives.
//! It falls back to the short times, saying why in `/health` and `/metrics`, when that webhook is
//! gone or disabled (Hostaway disables one after 5 days of failures), or when no event has come for
//! a while and the webhook's delivery log shows failures. An event brings it back.
//!
//! A delivery that failed may never arrive (Hostaway retries only 3 times), so each failed delivery
//! the check finds in the log is applied as if it had arrived: what it changed is dropped, and its
//! subscribers are told. A lost event so costs at most one check interval of freshness.

use std::{
    collections::HashSet,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use tokio_util::sync::CancellationToken;

use super::{
    metrics::ServerMetrics,
    subscriptions::Subscriptions,
    webhooks::{self, Change},
};
use crate::hostaway::{Gateway, id, types};

/// Deliveries read from the log per page, newest first; the state is judged on the first page.
const DELIVERIES: u32 = 50;
/// Pages read at most in one check, going back to the newest delivery the last check saw.
const MAX_PAGES: u32 = 10;
/// Failed deliveries remembered as already applied.
const APPLIED: usize = 10_000;

/// Where the server stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum State {
    /// Not yet confirmed: the short times.
    Waiting,
    /// Events arrive: the long times.
    Live,
    /// Events may not arrive, for the reason given: the short times.
    Fallback(String),
}

impl State {
    /// The state's name, as `/metrics` labels it.
    pub fn name(&self) -> &'static str {
        match self {
            State::Waiting => "waiting",
            State::Live => "live",
            State::Fallback(_) => "fallback",
        }
    }
}

/// The judge of the webhooks' health, shared by the receiver, the checker and `/health`.
#[derive(Debug)]
pub struct WebhookHealth {
    gateway: Arc<Gateway>,
    metrics: Arc<ServerMetrics>,
    subscriptions: Arc<Subscriptions>,
    login: String,
    quiet: Duration,
    state: Mutex<State>,
    last_event: Mutex<Option<Instant>>,
    applied: Mutex<HashSet<i64>>,
    /// The newest delivery id the last check saw (0 for an empty log); none before the first check.
    seen_up_to: Mutex<Option<i64>>,
}

impl WebhookHealth {
    /// A judge for the webhook sending `login`, which falls back after `quiet` without events
    /// when the log shows failures.
    pub fn new(
        gateway: Arc<Gateway>,
        metrics: Arc<ServerMetrics>,
        subscriptions: Arc<Subscriptions>,
        login: String,
        quiet: Duration,
    ) -> Self {
        metrics.webhook_state(State::Waiting.name());
        Self {
            gateway,
            metrics,
            subscriptions,
            login,
            quiet,
            state: Mutex::new(State::Waiting),
            last_event: Mutex::default(),
            applied: Mutex::default(),
            seen_up_to: Mutex::default(),
        }
    }

    fn set(&self, next: State) {
        let mut state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if *state == next {
            return;
        }
        match &next {
            State::Live => tracing::info!("webhooks live: bookings and conversations are cached longer"),
            State::Fallback(why) => tracing::warn!(reason = %why, "webhooks failing: back to short cache times"),
            State::Waiting => {}
        }
        self.gateway.set_webhooks_live(next == State::Live);
        self.metrics.webhook_state(next.name());
        *state = next;
    }

    /// An authentic event arrived: deliveries work.
    pub fn event_arrived(&self) {
        *self.last_event.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Instant::now());
        self.set(State::Live);
    }

    /// Asks Hostaway for the webhook and its latest deliveries, and moves to what they show. A
    /// check that cannot reach Hostaway changes nothing.
    pub async fn check(&self) {
        match self.judge().await {
            Ok(next) => self.set(next),
            Err(error) => tracing::warn!(%error, "cannot check the unified webhook; its state stays as it was"),
        }
    }

    async fn judge(&self) -> Result<State, crate::hostaway::GatewayError> {
        let hooks = self.gateway.unified_webhooks().await?;
        let Some(ours) = hooks.iter().find(|hook| hook.is_enabled == 1 && hook.login.as_deref() == Some(&self.login))
        else {
            // Every delivery of a webhook registered from now on is one this server may have missed.
            self.seen_up_to.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get_or_insert(0);
            return Ok(State::Fallback(
                "Hostaway holds no enabled unified webhook with this server's login; run `hostaway-mcp webhooks \
                 register --url <public URL>`"
                    .into(),
            ));
        };
        let (deliveries, since_last) = self.deliveries_since_last_check(ours.id).await?;
        let failures: Vec<_> = since_last.iter().filter(|d| !(200..300).contains(&d.response_status)).collect();
        let unapplied: Vec<Change> = {
            let mut applied = self.applied.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if applied.len() > APPLIED {
                applied.clear();
            }
            failures
                .iter()
                .filter(|d| applied.insert(d.id))
                .filter_map(|d| Change::of_delivery(&d.object, d.object_id, d.listing_map_id))
                .collect()
        };
        for change in unapplied {
            self.metrics.webhook_event("recovered");
            webhooks::apply(&self.gateway, &self.subscriptions, change).await;
        }
        let failed: Vec<i32> =
            deliveries.iter().filter(|d| !(200..300).contains(&d.response_status)).map(|d| d.response_status).collect();
        let last_event = *self.last_event.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let quiet = last_event.is_none_or(|at| at.elapsed() >= self.quiet);
        Ok(match (quiet, failed.first()) {
            (true, Some(status)) => State::Fallback(format!(
                "no event for {} s and {} of Hostaway's last {} deliveries failed (latest failure: status {status})",
                self.quiet.as_secs(),
                failed.len(),
                deliveries.len()
            )),
            _ => State::Live,
        })
    }

    /// The newest page of webhook `hook`'s deliveries, and every delivery since the last check:
    /// more than a page can arrive between two checks, and a delivery that failed for good further
    /// back would otherwise never be applied. The first check that finds the webhook reads one page
    /// (the cache started empty, so older failures changed nothing it holds), unless an earlier
    /// check found no webhook: then all of its deliveries are new to this server.
    async fn deliveries_since_last_check(
        &self,
        hook: i64,
    ) -> Result<(Vec<types::UnifiedWebhookLog>, Vec<types::UnifiedWebhookLog>), crate::hostaway::GatewayError> {
        let newest = self.gateway.unified_webhook_deliveries(hook, DELIVERIES, 0).await?;
        let seen_up_to = *self.seen_up_to.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // A full page none of which the last check saw may have unseen deliveries behind it.
        let more_behind = |page: &[types::UnifiedWebhookLog]| {
            page.len() == DELIVERIES as usize && seen_up_to.is_some_and(|seen| page.iter().all(|d| d.id > seen))
        };
        let mut since = newest.clone();
        let mut behind = more_behind(&newest);
        let mut pages = 1;
        while behind && pages < MAX_PAGES {
            let page = self.gateway.unified_webhook_deliveries(hook, DELIVERIES, pages * DELIVERIES).await?;
            behind = more_behind(&page);
            since.extend(page);
            pages += 1;
        }
        if behind {
            tracing::warn!(
                read = since.len(),
                "more webhook deliveries since the last check than one check reads; failures further back are not \
                 applied (check more often with --webhook-check-secs)"
            );
        }
        let newest_id = since.iter().map(|d| d.id).chain(seen_up_to).max().unwrap_or(0);
        *self.seen_up_to.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(newest_id);
        Ok((newest, since))
    }

    /// Checks now and then every `every`, until `stop`.
    pub async fn run(self: Arc<Self>, every: Duration, stop: CancellationToken) {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        while stop.run_until_cancelled(tick.tick()).await.is_some() {
            self.check().await;
        }
    }

    /// The line `/health` gives. The state stays locked while the times are read: a switch
    /// changes both under that lock, so the line never pairs one state with the other's times.
    pub fn describe(&self) -> String {
        let state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let times = format!(
            "bookings cached {} s, conversations {} s",
            self.gateway.cache_ttl(id::GET_RESERVATION).as_secs(),
            self.gateway.cache_ttl(id::LIST_CONVERSATIONS).as_secs()
        );
        match &*state {
            State::Waiting => format!("webhooks: waiting for Hostaway to confirm the unified webhook ({times})"),
            State::Live => format!("webhooks: live, each event drops what it changes ({times})"),
            State::Fallback(why) => format!("webhooks: fallback: {why} ({times})"),
        }
    }
}
