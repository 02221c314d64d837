//! Unified webhook deliveries, as Hostaway makes them: after every change to a reservation and
//! every new message, the event is POSTed to each enabled webhook (with basic auth when it has a
//! login and a password). A delivery that meets a network error, a 5xx or a 429 is retried up to
//! three times, each wait four times the last; any other answer ends it. Every attempt is logged
//! for `GET /unifiedWebhookLogs`.
//!
//! The fault plan's `deliveries` part makes deliveries misbehave on purpose: fail before reaching
//! the receiver (then retried), arrive twice, or wait a random while so that they overtake each
//! other.

use std::{sync::Arc, time::Duration};

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::app::{Shared, lock};
use crate::hostaway::types;

/// How long a receiver has to answer, as Hostaway gives it.
const ANSWER_WITHIN: Duration = Duration::from_secs(20);
/// Retries after the first attempt.
const RETRIES: u32 = 3;
/// How much of a receiver's answer the log keeps.
const LOGGED_BODY: usize = 500;

/// What a delivery carries: the object's kind, the event and the object itself.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// `reservation` or `conversationMessage`.
    pub object: String,
    /// `reservation.created`, `reservation.updated` or `message.received`.
    pub event: String,
    /// The account the object belongs to.
    pub account_id: i64,
    /// The object's id.
    pub object_id: i64,
    /// The object as the API returns it.
    pub data: serde_json::Value,
    /// The listing it concerns, for the log.
    #[serde(skip)]
    pub listing: Option<i64>,
}

impl Event {
    /// A reservation was created (`created`) or changed.
    pub fn reservation(account_id: i64, reservation: &types::Reservation, created: bool) -> Self {
        let event = if created { "reservation.created" } else { "reservation.updated" };
        Self {
            object: "reservation".into(),
            event: event.into(),
            account_id,
            object_id: reservation.id,
            data: serde_json::to_value(reservation).unwrap_or_default(),
            listing: Some(reservation.listing_map_id),
        }
    }

    /// A message was added to a conversation.
    pub fn message(account_id: i64, message: &types::ConversationMessage) -> Self {
        Self {
            object: "conversationMessage".into(),
            event: "message.received".into(),
            account_id,
            object_id: message.id,
            data: serde_json::to_value(message).unwrap_or_default(),
            listing: message.listing_map_id,
        }
    }
}

/// How deliveries misbehave. Counts (`*_next`) are used up before rates apply.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeliveryFaults {
    /// Share of attempts that fail as a network error before reaching the receiver (then retried).
    pub fail_rate: f64,
    /// The next N attempts fail so.
    pub fail_next: u32,
    /// Share of events delivered twice.
    pub duplicate_rate: f64,
    /// Each delivery first waits a random 0..=this many milliseconds, so deliveries overtake each
    /// other.
    pub delay_ms: u64,
}

/// Sends `event` to every enabled webhook of the sandbox, in the background.
pub fn emit(shared: &Arc<Shared>, event: Event) {
    let hooks: Vec<types::UnifiedWebhook> =
        lock(&shared.store).webhooks.values().filter(|h| h.is_enabled == 1).cloned().collect();
    let event = Arc::new(event);
    for hook in hooks {
        let copies = if lock(&shared.faults).deliver_twice() { 2 } else { 1 };
        for _ in 0..copies {
            let (shared, event, hook) = (shared.clone(), event.clone(), hook.clone());
            tokio::spawn(async move { deliver(&shared, &hook, &event).await });
        }
    }
}

/// One delivery with its retries.
async fn deliver(shared: &Shared, hook: &types::UnifiedWebhook, event: &Event) {
    let delay = lock(&shared.faults).delivery_delay();
    tokio::time::sleep(delay).await;
    let mut wait = shared.config.webhook_retry;
    for attempt in 0..=RETRIES {
        let (status, body) = attempt_once(shared, hook, event).await;
        log(shared, hook, event, status, body);
        let transient = status == 0 || status == 429 || status >= 500;
        if !transient || attempt == RETRIES {
            return;
        }
        tokio::time::sleep(wait).await;
        wait *= 4;
    }
}

/// One POST: the receiver's status and body, or status 0 when it could not be reached.
async fn attempt_once(shared: &Shared, hook: &types::UnifiedWebhook, event: &Event) -> (u16, String) {
    if lock(&shared.faults).fail_delivery() {
        return (0, "the sandbox failed this delivery on purpose (fault plan)".into());
    }
    let mut request = shared.webhook_client.post(&hook.url).timeout(ANSWER_WITHIN).json(event);
    if let (Some(login), Some(password)) = (&hook.login, &hook.password) {
        request = request.basic_auth(login, Some(password));
    }
    match request.send().await {
        Ok(answer) => {
            let status = answer.status().as_u16();
            (status, answer.text().await.unwrap_or_default())
        }
        Err(error) => (0, error.to_string()),
    }
}

fn log(shared: &Shared, hook: &types::UnifiedWebhook, event: &Event, status: u16, body: String) {
    let mut store = lock(&shared.store);
    let id = store.webhook_logs.last().map_or(1, |l| l.id + 1);
    let mut body = body;
    body.truncate(body.char_indices().nth(LOGGED_BODY).map_or(body.len(), |(at, _)| at));
    let entry = json!({
        "id": id, "accountId": event.account_id, "listingMapId": event.listing,
        "webhookNotificationSettingId": hook.id, "url": hook.url, "object": event.object,
        "objectId": event.object_id, "event": event.event, "responseStatus": status, "responseBody": body,
    });
    if let Ok(entry) = serde_json::from_value(entry) {
        store.webhook_logs.push(entry);
    }
}
