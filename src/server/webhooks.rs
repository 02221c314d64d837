//! `POST /webhooks/hostaway`: Hostaway's unified webhook events (a booking created or changed, a
//! message received), so the cached answers they make stale are dropped the moment Hostaway
//! tells, on this replica and, through Redis, on every other.
//!
//! Off unless a login and a password are configured; Hostaway then sends them as basic auth,
//! compared here in constant time before anything else. The endpoint sits beside `/mcp` but not
//! behind its bearer token, has its own body limit and two rate budgets, one for authentic
//! deliveries and one for the rest, so a flood without credentials never turns Hostaway's real
//! deliveries away; it answers at once: the work happens after the
//! answer (Hostaway wants one within 20 s and retries on 5xx and 429). An event only drops cached
//! reads, which the next call reads afresh from Hostaway, so a repeated or late event can never
//! put an older state in place of a newer one. Repeats are recognised and dropped; events of other
//! kinds get 200 and are ignored, as Hostaway asks; a body that is no event at all gets 400 and
//! counts as none.

use std::{
    num::NonZeroU32,
    sync::Arc,
    time::{Duration, Instant},
};

use axum::{
    Router,
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::post,
};
use base64::Engine;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use serde_json::Value;
use subtle::ConstantTimeEq;

use super::{metrics::ServerMetrics, resources, subscriptions::Subscriptions, webhook_health::WebhookHealth};
use crate::{
    hostaway::{Gateway, cache::Stay},
    secret::Secret,
};

/// Where Hostaway delivers.
pub const PATH: &str = "/webhooks/hostaway";
/// The largest event accepted (a reservation with every field is a few kilobytes).
const MAX_BODY: usize = 256 * 1024;
/// Authentic events accepted per second, with bursts of [`BURST`]; more get 429, which Hostaway
/// retries.
const PER_SECOND: u32 = 50;
const BURST: u32 = 200;
/// Deliveries without the right credentials answered 401 per second, with bursts of
/// [`STRANGERS_BURST`]; more get 429. They have their own budget, so a flood of them never turns
/// away Hostaway's real deliveries.
const STRANGERS_PER_SECOND: u32 = 5;
const STRANGERS_BURST: u32 = 20;
/// How long a delivered event is remembered, to drop its repeats.
const REMEMBERED: Duration = Duration::from_secs(3600);

/// The basic auth Hostaway is told to send, and how the server judges whether events arrive.
#[derive(Clone, Debug)]
pub struct WebhookOptions {
    /// The login.
    pub login: Secret,
    /// The password.
    pub password: Secret,
    /// How often to ask Hostaway whether the webhook is enabled and its deliveries succeed.
    pub check_every: Duration,
    /// How long without events, with failed deliveries in Hostaway's log, before the long cache
    /// times give way to the short ones.
    pub quiet: Duration,
}

impl WebhookOptions {
    /// The options for `login` and `password`, checking every minute and falling back after five
    /// quiet minutes with failures.
    pub fn new(login: Secret, password: Secret) -> Self {
        Self { login, password, check_every: Duration::from_secs(60), quiet: Duration::from_secs(300) }
    }
}

/// What an event changes besides the caches: who hears of it and who keeps count.
#[derive(Clone)]
pub struct Listeners {
    /// The judge of the webhooks' health, told of every authentic event.
    pub health: Arc<WebhookHealth>,
    /// The resource subscriptions to notify.
    pub subscriptions: Arc<Subscriptions>,
    /// Where deliveries are counted.
    pub metrics: Arc<ServerMetrics>,
}

/// The receiver's state: what it expects and what it has seen.
#[derive(Clone)]
struct Receiver {
    /// The basic auth credentials (base64 of `login:password`), without the scheme's name, which
    /// Hostaway or a proxy may send in any case.
    expected: Arc<str>,
    gateway: Arc<Gateway>,
    listeners: Listeners,
    /// The body hash of the latest event applied, per object ("reservation.updated/7").
    latest: moka::future::Cache<String, u64>,
    /// The budget of authentic deliveries.
    limiter: Arc<DefaultDirectRateLimiter>,
    /// The budget of deliveries that fail authentication.
    strangers: Arc<DefaultDirectRateLimiter>,
}

/// The receiver's route, answering for `gateway`.
pub fn route(options: &WebhookOptions, gateway: Arc<Gateway>, listeners: Listeners) -> Router {
    let pair = format!("{}:{}", options.login.expose(), options.password.expose());
    let expected = base64::engine::general_purpose::STANDARD.encode(pair);
    let quota = |per_second: u32, burst: u32| {
        Quota::per_second(NonZeroU32::new(per_second).unwrap_or(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN))
    };
    let receiver = Receiver {
        expected: expected.into(),
        gateway,
        listeners,
        latest: moka::future::Cache::builder().max_capacity(100_000).time_to_live(REMEMBERED).build(),
        limiter: Arc::new(RateLimiter::direct(quota(PER_SECOND, BURST))),
        strangers: Arc::new(RateLimiter::direct(quota(STRANGERS_PER_SECOND, STRANGERS_BURST))),
    };
    Router::new().route(PATH, post(receive)).with_state(receiver)
}

/// One event, as far as freshness needs it.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Change {
    /// A reservation was created or changed: the reservation, its listing's calendar and prices,
    /// and the lists that held it or can show it now (every list, when the event gave no dates)
    /// go stale.
    Reservation { id: i64, listing: Option<i64>, now: Option<Stay> },
    /// A message arrived: its conversation and the lists (unread, inbox) go stale.
    Message { reservation: Option<i64> },
}

impl Change {
    /// What a delivery in Hostaway's log was about (`object` and its id), as the event itself
    /// would have said; `None` for objects of other kinds.
    pub(super) fn of_delivery(object: &str, id: Option<i64>, listing: Option<i64>) -> Option<Self> {
        match object {
            "reservation" => id.map(|id| Change::Reservation { id, listing, now: None }),
            "conversationMessage" => Some(Change::Message { reservation: None }),
            _ => None,
        }
    }
}

/// Drops what `change` made stale, on this replica and every other, and tells the sessions
/// subscribed to what changed, on every replica.
pub(super) async fn apply(gateway: &Gateway, subscriptions: &Subscriptions, change: Change) {
    match change {
        Change::Reservation { id, listing, now } => {
            gateway.reservation_changed(id, listing, now).await;
            subscriptions.publish(format!("{}{id}", resources::RESERVATION)).await;
        }
        Change::Message { reservation } => {
            gateway.message_arrived(reservation).await;
            subscriptions.publish(resources::UNREAD.to_string()).await;
        }
    }
}

/// What `event` says changed, the object it is about and its body's hash; `None` for events of
/// other kinds. A repeat is the same body as the latest event about that object: two changes
/// within one second share their `updatedOn` (it has whole seconds) but not their bodies, and a
/// change back to an earlier state (2 guests, 3, then 2 again within a second) has the body of
/// an older event but not of the latest, so neither is dropped.
fn change_of(event: &Value, body: &[u8]) -> Option<(Change, String, u64)> {
    let data = event.get("data").filter(|d| d.is_object());
    let number = |field: &str| data.and_then(|d| d.get(field)).and_then(Value::as_i64);
    let id = number("id").or_else(|| event.get("objectId").and_then(Value::as_i64))?;
    let name = event.get("event").and_then(Value::as_str)?;
    let change = match name {
        "reservation.created" | "reservation.updated" => {
            Change::Reservation { id, listing: number("listingMapId"), now: data.and_then(stay_of) }
        }
        "message.received" => Change::Message { reservation: number("reservationId") },
        _ => return None,
    };
    let mut hasher = std::hash::DefaultHasher::new();
    std::hash::Hasher::write(&mut hasher, body);
    Some((change, format!("{name}/{id}"), std::hash::Hasher::finish(&hasher)))
}

/// Whether `body` has the shape of a unified webhook event: an object naming its `event` and
/// carrying its object as `data`. Anything else is no event at all, not one of another kind, so
/// it must not pass for a sign that Hostaway's deliveries arrive, which turns on the long cache
/// times.
fn is_event(body: &Value) -> bool {
    body.get("event").and_then(Value::as_str).is_some_and(|name| !name.is_empty())
        && body.get("data").is_some_and(Value::is_object)
}

/// A reservation's dates and channel, when the event's reservation carries its dates.
fn stay_of(reservation: &Value) -> Option<Stay> {
    let day = |field: &str| reservation.get(field)?.as_str()?.get(..10)?.parse().ok();
    Some(Stay {
        arrival: day("arrivalDate")?,
        departure: day("departureDate")?,
        channel: reservation.get("channelId").and_then(Value::as_i64),
    })
}

/// One delivery. The credentials are checked first (the scheme's name in any case, RFC 9110
/// section 11.1), in constant time and before the body is read,
/// so a caller without them costs a header comparison and draws on its own budget, never on the
/// one Hostaway's deliveries use.
async fn receive(State(receiver): State<Receiver>, request: Request) -> Response {
    let arrived = Instant::now();
    let count = |outcome| receiver.listeners.metrics.webhook_event(outcome);
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| super::http::credentials(value, "basic"))
        .unwrap_or_default();
    if !bool::from(given.as_bytes().ct_eq(receiver.expected.as_bytes())) {
        if receiver.strangers.check().is_err() {
            count("rate_limited_unauthorized");
            return too_many();
        }
        count("unauthorized");
        let challenge = HeaderValue::from_static("Basic realm=\"hostaway-mcp webhooks\"");
        return (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, challenge)]).into_response();
    }
    if receiver.limiter.check().is_err() {
        count("rate_limited");
        return too_many();
    }
    let Ok(body) = axum::body::to_bytes(request.into_body(), MAX_BODY).await else {
        count("bad_request");
        return (StatusCode::PAYLOAD_TOO_LARGE, "an event is at most 256 KiB").into_response();
    };
    let Some(event) = serde_json::from_slice::<Value>(&body).ok().filter(is_event) else {
        count("bad_request");
        return (StatusCode::BAD_REQUEST, "the body is not a Hostaway event: a JSON object with `event` and `data`")
            .into_response();
    };
    receiver.listeners.health.event_arrived();
    let Some((change, object, hash)) = change_of(&event, &body) else {
        count("ignored");
        return StatusCode::OK.into_response();
    };
    if receiver.latest.get(&object).await == Some(hash) {
        count("duplicate");
        return StatusCode::OK.into_response();
    }
    receiver.latest.insert(object, hash).await;
    count("applied");
    tokio::spawn(async move {
        apply(&receiver.gateway, &receiver.listeners.subscriptions, change).await;
        receiver.listeners.metrics.webhook_invalidation(arrived.elapsed());
    });
    StatusCode::OK.into_response()
}

/// The answer to a delivery over its budget: Hostaway retries a 429.
fn too_many() -> Response {
    (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, HeaderValue::from_static("1"))]).into_response()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn events_name_what_changed_and_other_kinds_are_ignored() {
        let change = |event: &Value| change_of(event, event.to_string().as_bytes());
        let booked = json!({"object": "reservation", "event": "reservation.created",
            "data": {"id": 7, "listingMapId": 40100, "guests": 2, "updatedOn": "2026-11-30 10:00:00"}});
        let (what, object, hash) = change(&booked).unwrap();
        assert_eq!(what, Change::Reservation { id: 7, listing: Some(40100), now: None }, "no dates, no stay");
        assert_eq!(object, "reservation.created/7");
        assert_eq!(change(&booked).unwrap().2, hash, "the same delivery again is recognised");
        let mut changed_again = booked.clone();
        changed_again["data"]["guests"] = json!(3);
        assert_ne!(change(&changed_again).unwrap().2, hash, "another change in the same second is not a repeat");
        changed_again["data"]["arrivalDate"] = json!("2026-12-03");
        changed_again["data"]["departureDate"] = json!("2026-12-06");
        let airbnb = crate::domain::Channel::Airbnb.id();
        changed_again["data"]["channelId"] = json!(airbnb);
        let day = |text: &str| text.parse().unwrap();
        let now = Stay { arrival: day("2026-12-03"), departure: day("2026-12-06"), channel: Some(airbnb) };
        assert_eq!(
            change(&changed_again).unwrap().0,
            Change::Reservation { id: 7, listing: Some(40100), now: Some(now) }
        );
        let message = json!({"event": "message.received", "objectId": 9, "data": {"reservationId": 7}});
        assert_eq!(change(&message).map(|c| c.0), Some(Change::Message { reservation: Some(7) }));
        assert_eq!(change(&json!({"event": "listing.updated", "data": {"id": 1}})), None);
        assert_eq!(change(&json!({"event": "reservation.updated"})), None, "no id, nothing to drop");
    }

    #[test]
    fn only_an_object_with_an_event_name_and_data_is_an_event() {
        assert!(is_event(&json!({"object": "listing", "event": "listing.updated", "data": {"id": 1}})));
        for body in [json!([1, 2, 3]), json!({}), json!({"event": "x"}), json!({"event": "", "data": {}})] {
            assert!(!is_event(&body), "{body}");
        }
        assert!(!is_event(&json!({"event": 7, "data": {}})));
        assert!(!is_event(&json!({"event": "reservation.updated", "data": [1]})));
    }
}
