//! `POST /webhooks/hostaway`: Hostaway's unified webhook events (a booking created or changed, a
//! message received), so the cached answers they make stale are dropped the moment Hostaway
//! tells, on this replica and, through Redis, on every other.
//!
//! Off unless a login and a password are configured; Hostaway then sends them as basic auth,
//! compared here in constant time. The endpoint sits beside `/mcp` but not behind its bearer
//! token, has its own body limit and rate limit, and answers at once: the work happens after the
//! answer (Hostaway wants one within 20 s and retries on 5xx and 429). An event only drops cached
//! reads, which the next call reads afresh from Hostaway, so a repeated or late event can never
//! put an older state in place of a newer one. Repeats are recognised and dropped; events of other
//! kinds get 200 and are ignored, as Hostaway asks.

use std::{num::NonZeroU32, sync::Arc, time::Duration};

use axum::{
    Router,
    body::Bytes,
    extract::{DefaultBodyLimit, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::post,
};
use base64::Engine;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use serde_json::Value;
use subtle::ConstantTimeEq;

use crate::{hostaway::Gateway, secret::Secret};

/// Where Hostaway delivers.
pub const PATH: &str = "/webhooks/hostaway";
/// The largest event accepted (a reservation with every field is a few kilobytes).
const MAX_BODY: usize = 256 * 1024;
/// Events accepted per second, with bursts of [`BURST`]; more get 429, which Hostaway retries.
const PER_SECOND: u32 = 50;
const BURST: u32 = 200;
/// How long a delivered event is remembered, to drop its repeats.
const REMEMBERED: Duration = Duration::from_secs(3600);

/// The basic auth Hostaway is told to send.
#[derive(Clone, Debug)]
pub struct WebhookAuth {
    /// The login.
    pub login: Secret,
    /// The password.
    pub password: Secret,
}

/// The receiver's state: what it expects and what it has seen.
#[derive(Clone)]
struct Receiver {
    expected: Arc<str>,
    gateway: Arc<Gateway>,
    seen: moka::future::Cache<String, ()>,
    limiter: Arc<DefaultDirectRateLimiter>,
}

/// The receiver's route, answering for `gateway`.
pub fn route(auth: &WebhookAuth, gateway: Arc<Gateway>) -> Router {
    let pair = format!("{}:{}", auth.login.expose(), auth.password.expose());
    let expected = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair));
    let quota = Quota::per_second(NonZeroU32::new(PER_SECOND).unwrap_or(NonZeroU32::MIN))
        .allow_burst(NonZeroU32::new(BURST).unwrap_or(NonZeroU32::MIN));
    let receiver = Receiver {
        expected: expected.into(),
        gateway,
        seen: moka::future::Cache::builder().max_capacity(100_000).time_to_live(REMEMBERED).build(),
        limiter: Arc::new(RateLimiter::direct(quota)),
    };
    Router::new().route(PATH, post(receive)).layer(DefaultBodyLimit::max(MAX_BODY)).with_state(receiver)
}

/// One event, as far as freshness needs it.
#[derive(Debug, PartialEq, Eq)]
enum Change {
    /// A reservation was created or changed: the reservation, its listing's calendar and prices,
    /// and every list go stale.
    Reservation { id: i64, listing: Option<i64> },
    /// A message arrived: its conversation and the lists (unread, inbox) go stale.
    Message { reservation: Option<i64> },
}

/// What `event` says changed, and the key that recognises its repeats; `None` for events of
/// other kinds.
fn change_of(event: &Value) -> Option<(Change, String)> {
    let data = event.get("data").filter(|d| d.is_object());
    let number = |field: &str| data.and_then(|d| d.get(field)).and_then(Value::as_i64);
    let id = number("id").or_else(|| event.get("objectId").and_then(Value::as_i64))?;
    let name = event.get("event").and_then(Value::as_str)?;
    let change = match name {
        "reservation.created" | "reservation.updated" => Change::Reservation { id, listing: number("listingMapId") },
        "message.received" => Change::Message { reservation: number("reservationId") },
        _ => return None,
    };
    let version = data.and_then(|d| d.get("updatedOn").or_else(|| d.get("insertedOn"))).and_then(Value::as_str);
    Some((change, format!("{name}/{id}/{}", version.unwrap_or(""))))
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> Response {
    if receiver.limiter.check().is_err() {
        return (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, HeaderValue::from_static("1"))]).into_response();
    }
    let given = headers.get(header::AUTHORIZATION).map(HeaderValue::as_bytes).unwrap_or_default();
    if !bool::from(given.ct_eq(receiver.expected.as_bytes())) {
        let challenge = HeaderValue::from_static("Basic realm=\"hostaway-mcp webhooks\"");
        return (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, challenge)]).into_response();
    }
    let Ok(event) = serde_json::from_slice::<Value>(&body) else {
        return (StatusCode::BAD_REQUEST, "the body is not a JSON event").into_response();
    };
    let Some((change, key)) = change_of(&event) else { return StatusCode::OK.into_response() };
    if receiver.seen.contains_key(&key) {
        return StatusCode::OK.into_response();
    }
    receiver.seen.insert(key, ()).await;
    tokio::spawn(async move {
        match change {
            Change::Reservation { id, listing } => receiver.gateway.reservation_changed(id, listing).await,
            Change::Message { reservation } => receiver.gateway.message_arrived(reservation).await,
        }
    });
    StatusCode::OK.into_response()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn events_name_what_changed_and_other_kinds_are_ignored() {
        let booked = json!({"object": "reservation", "event": "reservation.created",
            "data": {"id": 7, "listingMapId": 40100, "updatedOn": "2026-11-30 10:00:00"}});
        assert_eq!(
            change_of(&booked),
            Some((
                Change::Reservation { id: 7, listing: Some(40100) },
                "reservation.created/7/2026-11-30 10:00:00".to_string()
            ))
        );
        let message = json!({"event": "message.received", "objectId": 9, "data": {"reservationId": 7}});
        assert_eq!(change_of(&message).map(|c| c.0), Some(Change::Message { reservation: Some(7) }));
        assert_eq!(change_of(&json!({"event": "listing.updated", "data": {"id": 1}})), None);
        assert_eq!(change_of(&json!({"event": "reservation.updated"})), None, "no id, nothing to drop");
    }
}
