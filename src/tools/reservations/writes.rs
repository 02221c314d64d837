//! What the booking writes share: the longest stay they book, which bookings count as held or
//! cancelled, the nights a stay cannot take, the party a listing sleeps, the warning a channel's
//! booking carries, and the one row a changed field is shown as (tasks use it too).
//!
//! Every booking write previews by default and writes only with `confirm: true`. Before a
//! confirmed write it asks Hostaway whether the write is still needed, so a lost answer, a restart
//! or a second replica never makes the same change twice.

use crate::tools::untrusted::Untrusted;
use std::num::NonZeroU32;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Serialize;

use crate::{
    domain::{BookingStatus, Channel},
    hostaway::types,
    tools::days::{self, DayState},
};

/// Longest stay these tools book or move to, in nights.
pub(super) const MAX_STAY_NIGHTS: i64 = 365;

/// One field that changes.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct FieldChange {
    /// The argument's name, e.g. check_in.
    pub field: String,
    /// Its current value (null when unset).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Untrusted>,
    /// Its new value.
    pub after: Untrusted,
}

/// Whether Hostaway holds the booking as cancelled.
pub(crate) fn is_cancelled(reservation: &types::Reservation) -> bool {
    status_of(reservation) == BookingStatus::Cancelled
}

/// The booking's status as the domain reads it.
pub(super) fn status_of(reservation: &types::Reservation) -> BookingStatus {
    BookingStatus::from_hostaway(reservation.status.as_str())
}

/// Days that cannot be booked, except those `own` says belong to the stay being moved.
pub(super) fn taken_dates(days: &[types::CalendarDay], own: impl Fn(NaiveDate) -> bool) -> Vec<String> {
    days.iter().filter(|d| days::state(d) != DayState::Open && !own(d.date)).map(|d| d.date.to_string()).collect()
}

/// Whether `value` can be an email address: something, an @, a dotted domain, no spaces.
pub(super) fn looks_like_email(value: &str) -> bool {
    value.split_once('@').is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.'))
        && !value.contains(char::is_whitespace)
}

/// Whether a booking still holds its nights and can be found as "the booking already made".
pub(super) fn is_active(reservation: &types::Reservation) -> bool {
    status_of(reservation).holds_nights()
}

/// Why a party of `guests` cannot stay at `listing`, if it cannot.
pub(super) fn over_capacity(listing: &types::Listing, guests: NonZeroU32) -> Option<String> {
    let capacity = listing.person_capacity.filter(|c| *c > 0)?;
    (i64::from(guests.get()) > i64::from(capacity)).then(|| {
        format!(
            "listing {} sleeps {capacity}; a party of {guests} does not fit. Choose a larger listing \
             (find_available_listings with guests)",
            listing.id
        )
    })
}

/// The warning a change to a channel's booking carries: the channel keeps its own copy.
pub(crate) fn channel_warning(reservation: &types::Reservation) -> Option<String> {
    let channel = reservation.channel_id.filter(|id| !Channel::from_id(*id).is_some_and(Channel::owned_by_hostaway))?;
    let name = crate::tools::channels::name(Some(channel), reservation.channel_name.as_deref());
    Some(format!(
        "this booking belongs to {name}: the channel may refuse or overwrite a change made here; make the same \
         change in {name}"
    ))
}
