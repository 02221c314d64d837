//! `search_reservations` with `by_guest: true`: one guest across all their reservations, found by
//! name or email, with what they stayed, spent and have coming. Hostaway has no guest object, so
//! guests are told apart here by email (or by name when a booking has no email).

use crate::tools::untrusted::Untrusted;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Serialize;

use super::rows::{nights, occupies};
use crate::hostaway::{Gateway, GatewayError, ReservationQuery, types};
use crate::tools::{
    ToolContext,
    args::{self, Cursor, Money},
    error::ToolError,
    text_match,
};

/// One page of guests, and what the walk behind it covered.
#[derive(Debug)]
pub(super) struct GuestPage {
    /// One entry per guest (same email, or same name when there is no email), most recent stay first.
    pub guests: Vec<GuestProfile>,
    /// Guests found in all; a page lists at most 20, and `next_cursor` reaches the rest.
    pub total_guests: usize,
    /// For the next guests; absent on the last page.
    pub next_cursor: Option<String>,
    /// True when the scan stopped at its cap (300 reservations by email, 3,000 by name).
    pub capped: bool,
    /// What `upcoming` counts from: today in the account's zone, said in words.
    pub today: String,
}

/// One guest across their reservations.
#[derive(Debug, Serialize, JsonSchema)]
pub struct GuestProfile {
    /// Name as on the most recent reservation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guest_name: Option<Untrusted>,
    /// Email address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<Untrusted>,
    /// Phone number from the most recent reservation that has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<Untrusted>,
    /// Stays that happened or will happen (booked statuses; cancellations, inquiries and
    /// declined or expired requests are not stays).
    pub stays: u32,
    /// Nights across those stays.
    pub nights: i64,
    /// What those stays cost the guest in all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_spent: Option<Money>,
    /// First arrival of those stays.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_check_in: Option<String>,
    /// Last departure of those stays.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_check_out: Option<String>,
    /// The next stay arriving today or later, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upcoming: Option<UpcomingStay>,
    /// Every reservation of the guest (any status), for get_reservation.
    pub reservation_ids: Vec<i64>,
}

/// A guest's next stay.
#[derive(Debug, Serialize, JsonSchema)]
pub struct UpcomingStay {
    /// The reservation.
    pub reservation_id: i64,
    /// The listing.
    pub listing_id: i64,
    /// Arrival day.
    pub check_in: String,
    /// Departure day.
    pub check_out: String,
}

impl ToolContext {
    /// The page of guests whose name holds `name` and, when given, whose email is `email`,
    /// starting at `cursor`.
    pub(super) async fn guest_page(
        &self,
        name: Option<String>,
        email: Option<String>,
        cursor: Option<&str>,
    ) -> Result<GuestPage, ToolError> {
        let offset = match Cursor::decode(cursor)? {
            None => 0,
            Some(Cursor::Offset(n)) => n as usize,
            Some(Cursor::After(_)) => {
                return Err(ToolError::invalid("cursor", "not a cursor of by_guest; pass next_cursor as returned"));
            }
        };
        if name.is_none() && email.is_none() {
            return Err(ToolError::invalid("guest", "by_guest needs `guest` (part of the guest's name) or `email`"));
        }
        let pages = if email.is_some() { GUEST_PAGES } else { NAME_PAGES };
        let (reservations, capped) = guests_named(&self.gateway, name.as_deref(), email, pages).await?;
        let mut by_guest: BTreeMap<String, Vec<types::Reservation>> = BTreeMap::new();
        for reservation in reservations {
            let key = match (&reservation.guest_email, &reservation.guest_name) {
                (Some(email), _) if !email.trim().is_empty() => format!("e:{}", email.trim().to_lowercase()),
                (_, Some(name)) => format!("n:{}", name.trim().to_lowercase()),
                _ => format!("r:{}", reservation.id),
            };
            by_guest.entry(key).or_default().push(reservation);
        }
        let today = self.account_today().await?;
        let mut guests: Vec<GuestProfile> = by_guest.into_values().map(|stays| profile(stays, today.date)).collect();
        guests.sort_by(|a, b| b.last_check_out.cmp(&a.last_check_out).then(b.reservation_ids.cmp(&a.reservation_ids)));
        let total_guests = guests.len();
        if offset > 0 && offset >= total_guests {
            return Err(ToolError::invalid(
                "cursor",
                format!(
                    "this cursor points past the end: {total_guests} guests match now; call again without a cursor"
                ),
            ));
        }
        let next = offset + MAX_GUESTS;
        Ok(GuestPage {
            guests: guests.into_iter().skip(offset).take(MAX_GUESTS).collect(),
            total_guests,
            next_cursor: (next < total_guests).then(|| Cursor::Offset(next as u32).encode()),
            capped,
            today: format!("{} in {}", today.date, today.zone),
        })
    }
}

/// Pages of one guest's reservations read at most.
const GUEST_PAGES: u32 = 3;
/// Pages read at most when a guest's name is matched here over the whole list (3,000 reservations).
const NAME_PAGES: u32 = 30;
/// Guests listed at most on a page.
const MAX_GUESTS: usize = 20;

/// The reservations whose guest's name contains `name` (any case, accents) and, when given,
/// whose email is `email`; and whether the scan stopped at its cap. Hostaway's own match is tried
/// first (one page, usually); it is exact about accents ("Muller" misses "Müller"), so when it
/// finds nobody the (cached) list is matched here instead, at most `pages` pages of it.
pub(crate) async fn guests_named(
    gateway: &Gateway,
    name: Option<&str>,
    email: Option<String>,
    pages: u32,
) -> Result<(Vec<types::Reservation>, bool), GatewayError> {
    let named = |r: &types::Reservation| {
        name.is_none_or(|n| r.guest_name.as_deref().is_some_and(|g| text_match::contains(g, n)))
    };
    let filter =
        ReservationQuery { email: email.clone(), name: name.map(str::to_string), ..ReservationQuery::default() };
    let (mut reservations, mut capped) = gateway.reservations_walk(&filter, GUEST_PAGES).await?;
    if name.is_some() && !reservations.iter().any(named) {
        (reservations, capped) =
            gateway.reservations_walk(&ReservationQuery { email, ..ReservationQuery::default() }, pages).await?;
    }
    reservations.retain(named);
    Ok((reservations, capped))
}

/// Sums up one guest's reservations.
fn profile(mut reservations: Vec<types::Reservation>, today: NaiveDate) -> GuestProfile {
    reservations.sort_by_key(|r| (r.arrival_date, r.id));
    let stays: Vec<&types::Reservation> = reservations.iter().filter(|r| occupies(&r.status)).collect();
    let latest = reservations.last();
    let currency = args::currency_or_fallback(stays.iter().find_map(|r| r.currency.as_deref()));
    let spent: f64 = stays.iter().filter_map(|r| r.total_price).sum();
    let upcoming = stays.iter().find(|r| r.arrival_date >= today).map(|r| UpcomingStay {
        reservation_id: r.id,
        listing_id: r.listing_map_id,
        check_in: r.arrival_date.to_string(),
        check_out: r.departure_date.to_string(),
    });
    let mut reservation_ids: Vec<i64> = reservations.iter().map(|r| r.id).collect();
    reservation_ids.sort_unstable();
    GuestProfile {
        guest_name: latest.and_then(|r| r.guest_name.clone()).map(Untrusted::from),
        email: latest.and_then(|r| r.guest_email.clone()).map(Untrusted::from),
        phone: reservations.iter().rev().find_map(|r| r.phone.clone()).map(Untrusted::from),
        stays: stays.len() as u32,
        nights: stays.iter().map(|r| nights(r)).sum(),
        total_spent: (!stays.is_empty()).then(|| Money::new(spent, currency)),
        first_check_in: stays.first().map(|r| r.arrival_date.to_string()),
        last_check_out: stays.iter().map(|r| r.departure_date).max().map(|d| d.to_string()),
        upcoming,
        reservation_ids,
    }
}
