//! Listings and the amenity catalogue.

use crate::hostaway::id;
use std::sync::Arc;

use axum::extract::{Path, State};
use chrono::NaiveDate;
use serde::Deserialize;

use crate::{
    hostaway::types,
    sandbox::{
        app::{Shared, lock},
        store::Store,
        wire::{self, Body, Failure, Params, Reply},
    },
};

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    limit: Option<usize>,
    offset: Option<usize>,
    sort_order: Option<types::ListingSortOrder>,
    city: Option<String>,
    country: Option<String>,
    contact_name: Option<String>,
    property_type_id: Option<i64>,
    #[serde(rename = "match")]
    name_match: Option<String>,
    availability_date_start: Option<NaiveDate>,
    availability_date_end: Option<NaiveDate>,
    availability_guest_number: Option<i32>,
    // Accepted like Hostaway does; the sandbox has one user who sees every listing, and keeps no
    // listing activity log or booking-engine flag, so these do not narrow the result.
    #[allow(dead_code)]
    user_id: Option<i64>,
    #[allow(dead_code)]
    latest_activity_start: Option<NaiveDate>,
    #[allow(dead_code)]
    latest_activity_end: Option<NaiveDate>,
    #[allow(dead_code)]
    is_booking_engine_active: Option<i32>,
    #[allow(dead_code)]
    include_resources: Option<i32>,
}

fn contains(field: &Option<String>, needle: &str) -> bool {
    field.as_deref().is_some_and(|value| value.to_lowercase().contains(&needle.to_lowercase()))
}

/// `GET /listings`.
pub async fn list(State(shared): State<Arc<Shared>>, Params(q): Params<ListQuery>) -> Reply {
    let window = match (q.availability_date_start, q.availability_date_end) {
        (Some(start), Some(end)) if end > start => Some((start, end)),
        (Some(_), Some(_)) => return Err(Failure::invalid("availabilityDateEnd must be after availabilityDateStart")),
        (None, None) => None,
        _ => return Err(Failure::invalid("availabilityDateStart and availabilityDateEnd must be given together")),
    };
    let store = lock(&shared.store);
    let mut rows: Vec<&types::Listing> = store
        .listings
        .values()
        .filter(|l| q.city.as_deref().is_none_or(|c| l.city.as_deref().is_some_and(|v| v.eq_ignore_ascii_case(c))))
        .filter(|l| {
            q.country.as_deref().is_none_or(|c| {
                [&l.country, &l.country_code].iter().any(|v| v.as_deref().is_some_and(|v| v.eq_ignore_ascii_case(c)))
            })
        })
        .filter(|l| q.contact_name.as_deref().is_none_or(|n| contains(&l.contact_name, n)))
        .filter(|l| q.property_type_id.is_none_or(|t| l.property_type_id == Some(t)))
        .filter(|l| q.name_match.as_deref().is_none_or(|m| l.name.to_lowercase().contains(&m.to_lowercase())))
        .filter(|l| q.availability_guest_number.is_none_or(|n| l.person_capacity.unwrap_or(0) >= n))
        .filter(|l| window.is_none_or(|(start, end)| store.is_free(l, start, end, None)))
        .collect();
    sort(&mut rows, q.sort_order);
    let page = wire::slice(&rows, q.limit, q.offset);
    wire::page(&page, rows.len(), q.limit, q.offset)
}

fn sort(rows: &mut [&types::Listing], order: Option<types::ListingSortOrder>) {
    use types::ListingSortOrder as O;
    let name = |l: &&types::Listing| l.name.to_lowercase();
    let contact = |l: &&types::Listing| l.contact_name.clone().unwrap_or_default().to_lowercase();
    match order {
        Some(O::Name) => rows.sort_by_key(name),
        Some(O::NameReversed) => rows.sort_by_key(|l| std::cmp::Reverse(name(l))),
        Some(O::ContactName) => rows.sort_by_key(contact),
        Some(O::ContactNameReversed) => rows.sort_by_key(|l| std::cmp::Reverse(contact(l))),
        Some(O::OrderReversed | O::LatestActivityDesc) => rows.sort_by_key(|l| std::cmp::Reverse(l.id)),
        Some(O::Order | O::LatestActivity) | None => rows.sort_by_key(|l| l.id),
    }
}

/// The listing with `id`, or Hostaway's not-found failure.
pub fn find(store: &Store, id: i64) -> Result<&types::Listing, Failure> {
    store.listings.get(&id).ok_or_else(|| Failure::not_found("Listing", id))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OneQuery {
    #[allow(dead_code)]
    include_resources: Option<i32>,
}

/// `GET /listings/{listingId}`.
pub async fn one(State(shared): State<Arc<Shared>>, Path(id): Path<i64>, Params(_): Params<OneQuery>) -> Reply {
    let store = lock(&shared.store);
    wire::success(find(&store, id)?)
}

/// `POST /listings`.
pub async fn create(State(shared): State<Arc<Shared>>, Body(input): Body<types::ListingInput>) -> Reply {
    let name = input
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| Failure::invalid("The name field is required"))?;
    let mut store = lock(&shared.store);
    let id = Store::next_id(&store.listings, crate::sandbox::seed::FIRST_LISTING_ID);
    let blank = types::Listing::builder()
        .id(id)
        .name(name)
        .try_into()
        .map_err(|e: types::error::ConversionError| Failure::Internal(e.to_string()))?;
    let listing: types::Listing = wire::merge(&blank, &input)?;
    store.listings.insert(id, listing.clone());
    shared.applied(id::CREATE_LISTING);
    wire::success(listing)
}

/// `PUT /listings/{listingId}` (partial update).
pub async fn update(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<i64>,
    Body(input): Body<types::ListingInput>,
) -> Reply {
    if input.name.as_deref().is_some_and(|n| n.trim().is_empty()) {
        return Err(Failure::invalid("The name field cannot be empty"));
    }
    let mut store = lock(&shared.store);
    super::custom_fields::check(&store, "listing", &input.custom_field_values)?;
    let updated: types::Listing = wire::merge(find(&store, id)?, &input)?;
    store.listings.insert(id, updated.clone());
    shared.applied(id::UPDATE_LISTING);
    wire::success(updated)
}

/// `DELETE /listings/{listingId}`.
pub async fn remove(State(shared): State<Arc<Shared>>, Path(id): Path<i64>) -> Reply {
    let mut store = lock(&shared.store);
    find(&store, id)?;
    store.listings.remove(&id);
    store.days.retain(|(listing, _), _| *listing != id);
    shared.applied(id::DELETE_LISTING);
    wire::empty()
}

/// `GET /amenities`.
pub async fn amenities(State(shared): State<Arc<Shared>>) -> Reply {
    let store = lock(&shared.store);
    wire::success(&store.amenities)
}
