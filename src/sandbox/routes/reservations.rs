//! Reservations: list with Hostaway's filters, orders and `afterId` paging, read, create, update, cancel.

use crate::hostaway::id;
use std::{cmp::Ordering, sync::Arc};

use axum::extract::{Path, State};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;

use super::listings::find as find_listing;
use crate::{
    domain::Channel,
    hostaway::types,
    sandbox::{
        app::{Shared, lock},
        pricing::Breakdown,
        seed::FIRST_RESERVATION_ID,
        store::{self, Store},
        webhooks::{self, Event},
        wire::{self, Body, Failure, Params, Reply},
    },
};

/// Hostaway's default page size for reservations.
const DEFAULT_LIMIT: usize = 100;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    limit: Option<usize>,
    offset: Option<usize>,
    after_id: Option<i64>,
    sort_order: Option<types::ReservationSortOrder>,
    channel_id: Option<i64>,
    listing_id: Option<i64>,
    assignee_user_id: Option<i64>,
    #[serde(rename = "match")]
    name_match: Option<String>,
    guest_email: Option<String>,
    arrival_start_date: Option<NaiveDate>,
    arrival_end_date: Option<NaiveDate>,
    departure_start_date: Option<NaiveDate>,
    departure_end_date: Option<NaiveDate>,
    latest_activity_start: Option<NaiveDate>,
    latest_activity_end: Option<NaiveDate>,
    has_unread_conversation_messages: Option<i32>,
    is_starred: Option<i32>,
    is_archived: Option<i32>,
    is_pinned: Option<i32>,
    customer_user_id: Option<String>,
    reservation_agreement: Option<String>,
    include_resources: Option<i32>,
    #[allow(dead_code)]
    include_cancellation_policy: Option<i32>,
}

fn within(date: NaiveDate, start: Option<NaiveDate>, end: Option<NaiveDate>) -> bool {
    start.is_none_or(|s| date >= s) && end.is_none_or(|e| date <= e)
}

fn date_of(stamp: &Option<String>) -> Option<NaiveDate> {
    stamp.as_deref().and_then(|s| s.get(..10)).and_then(|d| d.parse().ok())
}

/// The conversation timestamps of a reservation, for the message-based sort orders.
fn last_messages(store: &Store, reservation_id: i64) -> (Option<String>, Option<String>, bool) {
    store.conversations.values().find(|c| c.reservation_id == Some(reservation_id)).map_or((None, None, false), |c| {
        (c.message_sent_on.clone(), c.message_received_on.clone(), c.has_unread_messages == Some(1))
    })
}

/// A sort key: the ordered field as text (dates and Hostaway datetimes sort as text), then the id.
fn key(store: &Store, r: &types::Reservation, order: Option<types::ReservationSortOrder>) -> (String, i64) {
    use types::ReservationSortOrder as O;
    let text = match order {
        Some(O::ArrivalDate | O::ArrivalDateDesc) => r.arrival_date.to_string(),
        Some(O::LastConversationMessageSent | O::LastConversationMessageSentDesc) => {
            last_messages(store, r.id).0.unwrap_or_default()
        }
        Some(O::LastConversationMessageReceived | O::LastConversationMessageReceivedDesc) => {
            last_messages(store, r.id).1.unwrap_or_default()
        }
        Some(O::LatestActivity | O::LatestActivityDesc) => r.latest_activity_on.clone().unwrap_or_default(),
        Some(O::UpdatedOn) | None => r.updated_on.clone().unwrap_or_default(),
    };
    (text, r.id)
}

fn descending(order: Option<types::ReservationSortOrder>) -> bool {
    use types::ReservationSortOrder as O;
    matches!(
        order,
        None | Some(
            O::ArrivalDateDesc
                | O::LastConversationMessageSentDesc
                | O::LastConversationMessageReceivedDesc
                | O::LatestActivityDesc
        )
    )
}

fn compare(a: &(String, i64), b: &(String, i64), order: Option<types::ReservationSortOrder>) -> Ordering {
    if descending(order) { b.cmp(a) } else { a.cmp(b) }
}

/// `GET /reservations`.
pub async fn list(State(shared): State<Arc<Shared>>, Params(q): Params<ListQuery>) -> Reply {
    if q.limit == Some(0) {
        return Err(Failure::invalid("limit must be at least 1"));
    }
    let store = lock(&shared.store);
    let mut rows: Vec<(&types::Reservation, (String, i64))> = store
        .reservations
        .values()
        .filter(|r| q.channel_id.is_none_or(|c| r.channel_id == Some(c)))
        .filter(|r| q.listing_id.is_none_or(|l| r.listing_map_id == l))
        .filter(|_| q.assignee_user_id.is_none() && q.customer_user_id.is_none())
        .filter(|_| q.reservation_agreement.as_deref().is_none_or(|a| a == "not_required"))
        .filter(|r| {
            q.name_match
                .as_deref()
                .is_none_or(|m| r.guest_name.as_deref().is_some_and(|g| g.to_lowercase().contains(&m.to_lowercase())))
        })
        .filter(|r| {
            q.guest_email.as_deref().is_none_or(|e| r.guest_email.as_deref().is_some_and(|g| g.eq_ignore_ascii_case(e)))
        })
        .filter(|r| within(r.arrival_date, q.arrival_start_date, q.arrival_end_date))
        .filter(|r| within(r.departure_date, q.departure_start_date, q.departure_end_date))
        .filter(|r| {
            (q.latest_activity_start.is_none() && q.latest_activity_end.is_none())
                || date_of(&r.latest_activity_on)
                    .is_some_and(|d| within(d, q.latest_activity_start, q.latest_activity_end))
        })
        .filter(|r| q.has_unread_conversation_messages.is_none_or(|u| last_messages(&store, r.id).2 == (u == 1)))
        .filter(|r| q.is_starred.is_none_or(|v| r.is_starred.unwrap_or(0) == v))
        .filter(|r| q.is_archived.is_none_or(|v| r.is_archived.unwrap_or(0) == v))
        .filter(|r| q.is_pinned.is_none_or(|v| r.is_pinned.unwrap_or(0) == v))
        .map(|r| (r, key(&store, r, q.sort_order)))
        .collect();
    rows.sort_by(|a, b| compare(&a.1, &b.1, q.sort_order));
    let total = rows.len();
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
    let page: Vec<types::Reservation> = match q.after_id {
        Some(after) => {
            let Some(anchor) = store.reservations.get(&after).map(|r| key(&store, r, q.sort_order)) else {
                return wire::page::<types::Reservation>(&[], total, Some(limit), None);
            };
            rows.iter()
                .filter(|(_, k)| compare(k, &anchor, q.sort_order) == Ordering::Greater)
                .take(limit)
                .map(|(r, _)| (*r).clone())
                .collect()
        }
        None => {
            let plain: Vec<types::Reservation> = rows.iter().map(|(r, _)| (*r).clone()).collect();
            wire::slice(&plain, Some(limit), q.offset)
        }
    };
    // The remaining balance comes only with includePayments=1, which the list does not take; custom
    // field values only with includeResources=1.
    let include = q.include_resources == Some(1);
    let page: Vec<_> = page
        .into_iter()
        .map(|r| types::Reservation {
            remaining_balance: None,
            custom_field_values: if include { r.custom_field_values.clone() } else { Vec::new() },
            ..with_resources(&store, r, include)
        })
        .collect();
    wire::page(&page, total, Some(limit), q.after_id.is_none().then_some(q.offset.unwrap_or(0)))
}

fn with_resources(store: &Store, mut reservation: types::Reservation, include: bool) -> types::Reservation {
    reservation.reservation_fees = if include {
        let money = store.money.get(&reservation.id).copied().unwrap_or_default();
        vec![types::ReservationFee {
            name: Some("cleaningFee".into()),
            amount: Some(money.cleaning_fee),
            currency: reservation.currency.clone(),
            is_included: Some(1),
        }]
    } else {
        Vec::new()
    };
    reservation
}

/// The reservation with `id`, or Hostaway's not-found failure.
pub fn find(store: &Store, id: i64) -> Result<&types::Reservation, Failure> {
    store.reservations.get(&id).ok_or_else(|| Failure::not_found("Reservation", id))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OneQuery {
    include_resources: Option<i32>,
    include_payments: Option<i32>,
}

/// `GET /reservations/{reservationId}`.
pub async fn one(State(shared): State<Arc<Shared>>, Path(id): Path<i64>, Params(q): Params<OneQuery>) -> Reply {
    let store = lock(&shared.store);
    let mut reservation = find(&store, id)?.clone();
    if q.include_payments != Some(1) {
        reservation.remaining_balance = None;
    }
    wire::success(with_resources(&store, reservation, q.include_resources == Some(1)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WriteQuery {
    force_overbooking: Option<i32>,
}

/// The `channelName` Hostaway writes for a channel id; an id it does not predefine is a partner's.
fn channel_name(channel_id: i64) -> &'static str {
    Channel::from_id(channel_id).unwrap_or(Channel::Partner).hostaway_name()
}

/// Re-prices and checks a stay whose listing, dates or party changed.
fn settle(
    store: &Store,
    reservation: &mut types::Reservation,
    force: bool,
    price_given: bool,
) -> Result<Breakdown, Failure> {
    if reservation.departure_date <= reservation.arrival_date {
        return Err(Failure::invalid("departureDate must be after arrivalDate"));
    }
    let listing = find_listing(store, reservation.listing_map_id)?;
    let blocking = store::blocks_calendar(&reservation.status);
    if blocking
        && !force
        && !store.is_free(listing, reservation.arrival_date, reservation.departure_date, Some(reservation.id))
    {
        return Err(Failure::invalid(format!(
            "Listing {} is not available from {} to {}; pass forceOverbooking=1 to book anyway",
            listing.id, reservation.arrival_date, reservation.departure_date
        )));
    }
    reservation.nights = Some((reservation.departure_date - reservation.arrival_date).num_days() as i32);
    let guests = reservation.number_of_guests.unwrap_or(1);
    let money = store.quote(
        listing,
        reservation.arrival_date,
        reservation.departure_date,
        guests,
        reservation.channel_id.unwrap_or(Channel::Direct.id()),
    );
    let given = reservation.total_price;
    store::apply_money(reservation, &money);
    if price_given {
        reservation.total_price = given;
    }
    Ok(money)
}

/// `POST /reservations`.
pub async fn create(
    State(shared): State<Arc<Shared>>,
    Params(q): Params<WriteQuery>,
    Body(input): Body<types::ReservationInput>,
) -> Reply {
    let missing: Vec<&str> = [
        ("channelId", input.channel_id.is_none()),
        ("listingMapId", input.listing_map_id.is_none()),
        ("arrivalDate", input.arrival_date.is_none()),
        ("departureDate", input.departure_date.is_none()),
    ]
    .into_iter()
    .filter_map(|(name, absent)| absent.then_some(name))
    .collect();
    if !missing.is_empty() {
        return Err(Failure::invalid(format!("Required fields are missing: {}", missing.join(", "))));
    }
    let mut store = lock(&shared.store);
    let id = Store::next_id(&store.reservations, FIRST_RESERVATION_ID);
    let now = store.now_string();
    let channel_id = input.channel_id.unwrap_or(Channel::Direct.id());
    let blank = json!({
        "id": id, "listingMapId": input.listing_map_id, "arrivalDate": input.arrival_date, "departureDate": input.departure_date,
        "status": "new", "channelId": channel_id, "channelName": channel_name(channel_id), "source": channel_name(channel_id),
        "reservationId": format!("{channel_id}-{}-{id}", input.listing_map_id.unwrap_or_default()),
        "currency": "EUR", "isStarred": 0, "isArchived": 0, "isPinned": 0, "numberOfGuests": 1,
        "reservationDate": now, "insertedOn": now, "updatedOn": now, "latestActivityOn": now, "reservationFees": [],
    });
    let blank: types::Reservation = serde_json::from_value(blank).map_err(|e| Failure::invalid(e.to_string()))?;
    let mut reservation: types::Reservation = wire::merge(&blank, &input)?;
    if reservation.guest_name.is_none() {
        let name = [&reservation.guest_first_name, &reservation.guest_last_name]
            .iter()
            .filter_map(|p| p.as_deref())
            .collect::<Vec<_>>()
            .join(" ");
        reservation.guest_name = (!name.is_empty()).then_some(name);
    }
    let money = settle(&store, &mut reservation, q.force_overbooking == Some(1), input.total_price.is_some())?;
    reservation.remaining_balance =
        Some(if input.is_paid == Some(1) { 0.0 } else { reservation.total_price.unwrap_or(0.0) });
    store.money.insert(id, money);
    store.reservations.insert(id, reservation.clone());
    drop(store);
    shared.applied(id::CREATE_RESERVATION);
    webhooks::emit(&shared, Event::reservation(shared.config.account_id, &reservation, true));
    wire::success(reservation)
}

/// `PUT /reservations/{reservationId}`.
pub async fn update(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<i64>,
    Params(q): Params<WriteQuery>,
    Body(input): Body<types::ReservationInput>,
) -> Reply {
    let mut store = lock(&shared.store);
    let current = find(&store, id)?.clone();
    if input.listing_map_id.is_some_and(|l| l != current.listing_map_id) {
        return Err(Failure::invalid("listingMapId of a reservation cannot be changed"));
    }
    for hour in [input.check_in_time, input.check_out_time].into_iter().flatten() {
        if !(0..=23).contains(&hour) {
            return Err(Failure::invalid(format!("checkInTime and checkOutTime are hours 0-23, not {hour}")));
        }
    }
    super::custom_fields::check(&store, "reservation", &input.custom_field_values)?;
    let mut updated: types::Reservation = wire::merge(&current, &input)?;
    let reprice = input.arrival_date.is_some() || input.departure_date.is_some() || input.number_of_guests.is_some();
    if reprice {
        let money = settle(&store, &mut updated, q.force_overbooking == Some(1), input.total_price.is_some())?;
        store.money.insert(id, money);
    }
    if input.status.is_none() && current.status.as_str() == "new" {
        updated.status = types::ReservationStatus("modified".into());
    }
    let now = store.now_string();
    updated.updated_on = Some(now.clone());
    updated.latest_activity_on = Some(now);
    store.reservations.insert(id, updated.clone());
    drop(store);
    shared.applied(id::UPDATE_RESERVATION);
    webhooks::emit(&shared, Event::reservation(shared.config.account_id, &updated, false));
    wire::success(updated)
}

/// `PUT /reservations/{reservationId}/statuses/cancelled`; cancelling twice changes nothing.
pub async fn cancel(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<i64>,
    Body(request): Body<types::CancelReservationRequest>,
) -> Reply {
    let mut store = lock(&shared.store);
    let mut reservation = find(&store, id)?.clone();
    if reservation.status.as_str() != "cancelled" {
        let now = store.now_string();
        reservation.status = types::ReservationStatus("cancelled".into());
        reservation.cancelled_by = Some(request.cancelled_by.to_string());
        reservation.cancellation_date = Some(now.clone());
        reservation.updated_on = Some(now.clone());
        reservation.latest_activity_on = Some(now);
        store.reservations.insert(id, reservation.clone());
        drop(store);
        shared.applied(id::CANCEL_RESERVATION);
        webhooks::emit(&shared, Event::reservation(shared.config.account_id, &reservation, false));
    }
    wire::success(reservation)
}

/// `PUT /reservations/{reservationId}/statuses/noShow`: reports that the guest never came. As the
/// docs say, only Booking.com reservations can be reported, not cancelled or pay-at-property ones;
/// the sandbox also refuses a stay that has not begun, since nobody can miss an arrival ahead.
/// Reporting again refreshes the report.
pub async fn no_show(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<i64>,
    Body(request): Body<types::NoShowRequest>,
) -> Reply {
    let mut store = lock(&shared.store);
    let mut reservation = find(&store, id)?.clone();
    if reservation.channel_id != Some(Channel::BookingCom.id()) {
        return Err(Failure::invalid("a no-show can be reported only for Booking.com reservations"));
    }
    if !store::blocks_calendar(&reservation.status) {
        return Err(Failure::invalid(format!("reservation {id} is {} and cannot be changed", reservation.status)));
    }
    if reservation.arrival_date > store.today {
        return Err(Failure::invalid(format!(
            "reservation {id} arrives on {}; it has not begun",
            reservation.arrival_date
        )));
    }
    let now = store.now_string();
    reservation.bookingcom_no_show_reported_at = Some(now.clone());
    reservation.bookingcom_no_show_fee_waived = Some(serde_json::Value::Bool(request.waived_fees));
    reservation.updated_on = Some(now.clone());
    reservation.latest_activity_on = Some(now);
    store.reservations.insert(id, reservation.clone());
    drop(store);
    shared.applied(id::REPORT_NO_SHOW);
    webhooks::emit(&shared, Event::reservation(shared.config.account_id, &reservation, false));
    wire::success(reservation)
}
