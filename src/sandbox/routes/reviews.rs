//! Reviews: guests' reviews of their stays and hosts' reviews of guests.

use std::sync::Arc;

use axum::extract::State;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::{
    hostaway::types,
    sandbox::{
        app::{Shared, lock},
        wire::{self, Body, Failure, Params, Reply},
    },
};

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewsQuery {
    limit: Option<usize>,
    offset: Option<usize>,
    sort_by: Option<String>,
    sort_order: Option<String>,
    reservation_id: Option<i64>,
    #[serde(rename = "type")]
    kind: Option<String>,
    departure_date_start: Option<NaiveDate>,
    departure_date_end: Option<NaiveDate>,
}

/// The day part of a review's departure ("YYYY-MM-DD HH:MM:SS").
fn departure(review: &types::Review) -> Option<NaiveDate> {
    review.departure_date.as_deref().and_then(|d| d.get(..10)).and_then(|d| d.parse().ok())
}

/// `GET /reviews`: filtered, sorted (departure date, newest first, by default), paged.
pub async fn list(State(shared): State<Arc<Shared>>, Params(q): Params<ReviewsQuery>) -> Reply {
    if q.limit == Some(0) {
        return Err(Failure::invalid("limit must be at least 1"));
    }
    let store = lock(&shared.store);
    let mut found: Vec<types::Review> = store
        .reviews
        .iter()
        .filter(|r| q.reservation_id.is_none_or(|id| r.reservation_id == Some(id)))
        .filter(|r| q.kind.as_deref().is_none_or(|kind| r.type_.as_deref() == Some(kind)))
        .filter(|r| q.departure_date_start.is_none_or(|from| departure(r).is_some_and(|d| d >= from)))
        .filter(|r| q.departure_date_end.is_none_or(|to| departure(r).is_some_and(|d| d <= to)))
        .cloned()
        .collect();
    match q.sort_by.as_deref().unwrap_or("departureDate") {
        "id" => found.sort_by_key(|r| r.id),
        "guestName" => found.sort_by(|a, b| a.guest_name.cmp(&b.guest_name).then(a.id.cmp(&b.id))),
        "arrivalDate" => found.sort_by(|a, b| a.arrival_date.cmp(&b.arrival_date).then(a.id.cmp(&b.id))),
        "departureDate" => found.sort_by(|a, b| a.departure_date.cmp(&b.departure_date).then(a.id.cmp(&b.id))),
        other => {
            return Err(Failure::invalid(format!(
                "sortBy {other:?} is not one of id, guestName, arrivalDate, departureDate"
            )));
        }
    }
    if q.sort_order.as_deref().unwrap_or(if q.sort_by.is_none() { "desc" } else { "asc" }) == "desc" {
        found.reverse();
    }
    let total = found.len();
    wire::page(&wire::slice(&found, q.limit, q.offset), total, q.limit, q.offset)
}

/// The channel's side: a guest's review of a stay arrives (`POST /_sandbox/channel/reviews`), for
/// tests and demos of what guests write. Hostaway's API has no way to write one; the id is the
/// store's next.
pub async fn receive(State(shared): State<Arc<Shared>>, Body(review): Body<types::Review>) -> Reply {
    let mut store = lock(&shared.store);
    if let Some(id) = review.reservation_id
        && !store.reservations.contains_key(&id)
    {
        return Err(Failure::not_found("reservation", id));
    }
    let id = store.reviews.iter().map(|r| r.id).max().unwrap_or(0) + 1;
    let review = types::Review { id, ..review };
    store.reviews.push(review.clone());
    wire::success(review)
}
