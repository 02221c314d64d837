//! A listing's calendar: read, update one range, update many ranges, and price quotes.

use crate::hostaway::id;
use std::sync::Arc;

use axum::extract::{Path, State};
use chrono::{Duration, NaiveDate};
use serde::Deserialize;
use serde_json::json;

use super::listings::find;
use crate::{
    domain::Channel,
    hostaway::types,
    sandbox::{
        app::{Shared, lock},
        store::Store,
        wire::{self, Body, Failure, Params, Reply},
    },
};

/// Longest range one calendar read may cover in the sandbox.
const MAX_DAYS: i64 = 1100;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DaysQuery {
    start_date: Option<NaiveDate>,
    end_date: Option<NaiveDate>,
    include_resources: Option<i32>,
}

/// `GET /listings/{listingId}/calendar`.
pub async fn days(State(shared): State<Arc<Shared>>, Path(id): Path<i64>, Params(q): Params<DaysQuery>) -> Reply {
    let store = lock(&shared.store);
    let listing = find(&store, id)?;
    let start = q.start_date.unwrap_or(store.today);
    let end = q.end_date.unwrap_or(start + Duration::days(365));
    check_range(start, end)?;
    wire::success(store.calendar(listing, start, end, q.include_resources == Some(1)))
}

fn check_range(start: NaiveDate, end: NaiveDate) -> Result<(), Failure> {
    if end < start {
        return Err(Failure::invalid("endDate must not be before startDate"));
    }
    if (end - start).num_days() > MAX_DAYS {
        return Err(Failure::invalid(format!("The date range is too long; ask for at most {MAX_DAYS} days")));
    }
    Ok(())
}

fn apply(store: &mut Store, listing_id: i64, update: &types::CalendarUpdate) -> Result<(), Failure> {
    check_range(update.start_date, update.end_date)?;
    if update.price.is_some_and(|p| p.is_nan() || p <= 0.0) {
        return Err(Failure::invalid("price must be greater than 0"));
    }
    let mut date = update.start_date;
    while date <= update.end_date {
        let day = store.days.entry((listing_id, date)).or_default();
        let set = |target: &mut Option<i32>, value: Option<i32>| {
            if value.is_some() {
                *target = value;
            }
        };
        set(&mut day.is_available, update.is_available);
        set(&mut day.minimum_stay, update.minimum_stay.map(|n| n.get() as i32));
        set(&mut day.maximum_stay, update.maximum_stay.map(|n| n.get() as i32));
        set(&mut day.closed_on_arrival, update.closed_on_arrival);
        set(&mut day.closed_on_departure, update.closed_on_departure);
        if let Some(price) = update.price {
            day.price = Some(price);
        }
        if let Some(note) = &update.note {
            day.note = Some(note.clone());
        }
        date += Duration::days(1);
    }
    Ok(())
}

/// `PUT /listings/{listingId}/calendar`: returns the affected days.
pub async fn update(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<i64>,
    Body(update): Body<types::CalendarUpdate>,
) -> Reply {
    let mut store = lock(&shared.store);
    find(&store, id)?;
    apply(&mut store, id, &update)?;
    shared.applied(id::UPDATE_CALENDAR);
    let listing = find(&store, id)?;
    wire::success(store.calendar(listing, update.start_date, update.end_date, false))
}

/// `PUT /listings/{listingId}/calendarIntervals`: at most 200 updates, all or nothing.
pub async fn intervals(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<i64>,
    Body(updates): Body<Vec<types::CalendarUpdate>>,
) -> Reply {
    if updates.is_empty() || updates.len() > 200 {
        return Err(Failure::invalid("Send between 1 and 200 calendar intervals"));
    }
    let mut store = lock(&shared.store);
    find(&store, id)?;
    for update in &updates {
        check_range(update.start_date, update.end_date)?;
    }
    for update in &updates {
        apply(&mut store, id, update)?;
    }
    shared.applied(id::UPDATE_CALENDAR_INTERVALS);
    wire::empty()
}

/// `POST /listings/{listingId}/calendar/priceDetails`.
pub async fn price_details(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<i64>,
    Body(request): Body<types::PriceDetailsRequest>,
) -> Reply {
    let store = lock(&shared.store);
    let listing = find(&store, id)?;
    if request.ending_date <= request.starting_date {
        return Err(Failure::invalid("endingDate must be after startingDate"));
    }
    let guests = request.number_of_guests.get() as i32;
    if let Some(capacity) = listing.person_capacity.filter(|c| guests > *c) {
        return Err(Failure::invalid(format!("numberOfGuests exceeds the listing's capacity of {capacity}")));
    }
    let nights = (request.ending_date - request.starting_date).num_days();
    let money = store.quote(listing, request.starting_date, request.ending_date, guests, Channel::Direct.id());
    let markup = request.markup.filter(|m| *m > 1.0).unwrap_or(1.0);
    let component = |kind: &str, name: &str, title: &str, total: f64, quantity: Option<i64>| {
        json!({"id": null, "listingFeeSettingId": null, "type": kind, "name": name, "title": title, "alias": null,
               "quantity": quantity, "value": total, "total": total, "isIncludedInTotalPrice": 1,
               "isOverriddenByUser": 0, "isQuantitySelectable": 0, "isMandatory": 1, "isDeleted": 0})
    };
    let base = crate::sandbox::pricing::round2(money.base_rate * markup);
    let mut components = vec![component("price", "baseRate", "Base rate", base, Some(nights))];
    if money.extra_person > 0.0 {
        components.push(component("price", "priceForExtraPerson", "Price for extra person", money.extra_person, None));
    }
    components.push(component("fee", "cleaningFee", "Cleaning fee", money.cleaning_fee, None));
    if money.tax > 0.0 {
        components.push(component("tax", "lodgingTax", "Lodging tax", money.tax, None));
    }
    let total = crate::sandbox::pricing::round2(money.total() - money.base_rate + base);
    wire::success(
        json!({"totalPrice": total, "originalTotalPrice": 0, "selectedComponentsAmount": 0, "components": components,
                         "extraComponents": [], "selectedComponents": []}),
    )
}
