//! Whether a stay can be booked at a listing: the one rule quote_stay and find_available_listings
//! both ask, so a listing is never offered for a stay that quoting it would then refuse.
//!
//! A stay is bookable when every night is free, the arrival day's minimum and maximum stay (else
//! the listing's) admit its length, the arrival and departure days are open for them, and the
//! party fits the listing's capacity.

use std::fmt;

use chrono::{Duration, NaiveDate};

use crate::hostaway::types;
use crate::tools::{
    args::Stay,
    days::{self, DayState},
};

/// One thing that keeps a stay from being booked, in words a host can act on.
#[derive(Clone, Debug, PartialEq)]
pub enum Obstacle {
    /// Hostaway's calendar had no day for this many of the nights.
    NoCalendar(i64),
    /// Nights from the first to the last date (inclusive) are not free, with the status they have.
    Taken(NaiveDate, NaiveDate, String),
    /// The arrival day needs at least this many nights; the stay has the last.
    MinimumStay(NaiveDate, i32, i64),
    /// The arrival day allows at most this many nights; the stay has the last.
    MaximumStay(NaiveDate, i32, i64),
    /// The arrival day is closed for arrivals.
    ClosedToArrival(NaiveDate),
    /// The departure day is closed for departures.
    ClosedToDeparture(NaiveDate),
    /// The party is larger than the listing sleeps.
    OverCapacity(u32, i32),
}

impl Obstacle {
    /// Whether it is one of the listing's stay rules (length, closed days) rather than a taken
    /// night or the party's size, which Hostaway's availability search already applies.
    pub fn is_stay_rule(&self) -> bool {
        matches!(
            self,
            Self::MinimumStay(..) | Self::MaximumStay(..) | Self::ClosedToArrival(_) | Self::ClosedToDeparture(_)
        )
    }
}

impl fmt::Display for Obstacle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoCalendar(missing) => write!(f, "Hostaway returned no calendar for {missing} of the nights"),
            Self::Taken(start, end, status) if start == end => {
                write!(f, "the night of {start} is not available ({status})")
            }
            Self::Taken(start, end, status) => write!(f, "the nights {start} to {end} are not available ({status})"),
            Self::MinimumStay(day, min, nights) => {
                write!(f, "an arrival on {day} needs at least {min} nights; this stay has {nights}")
            }
            Self::MaximumStay(day, max, nights) => {
                write!(f, "an arrival on {day} allows at most {max} nights; this stay has {nights}")
            }
            Self::ClosedToArrival(day) => write!(f, "{day} is closed for arrivals"),
            Self::ClosedToDeparture(day) => write!(f, "{day} is closed for departures"),
            Self::OverCapacity(guests, capacity) => {
                write!(f, "{guests} guests exceed the listing's capacity of {capacity}")
            }
        }
    }
}

/// What the calendar and the listing say about one stay.
#[derive(Debug)]
pub struct Verdict<'a> {
    /// Everything that keeps it from being booked; empty when it can be.
    pub obstacles: Vec<Obstacle>,
    /// The nights of the stay that are not free.
    pub taken: Vec<&'a types::CalendarDay>,
    /// The minimum stay that applies to this arrival.
    pub min_stay: Option<i32>,
}

/// Judges `stay` for `guests` at `listing`, from its calendar `days` (the departure day included,
/// since it may be closed for departures).
pub fn judge<'a>(listing: &types::Listing, days: &'a [types::CalendarDay], stay: Stay, guests: u32) -> Verdict<'a> {
    let nights = stay.nights();
    let mut obstacles = Vec::new();
    let in_stay = |d: &&types::CalendarDay| d.date < stay.check_out;
    let taken: Vec<&types::CalendarDay> =
        days.iter().filter(in_stay).filter(|d| days::state(d) != DayState::Open).collect();
    let missing = nights - days.iter().filter(in_stay).count() as i64;
    if missing > 0 {
        obstacles.push(Obstacle::NoCalendar(missing));
    }
    obstacles.extend(spans(&taken).into_iter().map(|(start, end, status)| Obstacle::Taken(start, end, status)));
    let arrival = days.iter().find(|d| d.date == stay.check_in);
    let min_stay = arrival.and_then(|d| d.minimum_stay).or(listing.min_nights);
    if let Some(min) = min_stay.filter(|min| i64::from(*min) > nights) {
        obstacles.push(Obstacle::MinimumStay(stay.check_in, min, nights));
    }
    if let Some(max) =
        arrival.and_then(|d| d.maximum_stay).or(listing.max_nights).filter(|max| i64::from(*max) < nights)
    {
        obstacles.push(Obstacle::MaximumStay(stay.check_in, max, nights));
    }
    if arrival.is_some_and(|d| d.closed_on_arrival == Some(1)) {
        obstacles.push(Obstacle::ClosedToArrival(stay.check_in));
    }
    if days.iter().any(|d| d.date == stay.check_out && d.closed_on_departure == Some(1)) {
        obstacles.push(Obstacle::ClosedToDeparture(stay.check_out));
    }
    if let Some(capacity) = listing.person_capacity.filter(|c| i64::from(guests) > i64::from(*c)) {
        obstacles.push(Obstacle::OverCapacity(guests, capacity));
    }
    Verdict { obstacles, taken, min_stay }
}

/// The day's status as Hostaway names it (derived from availability when absent).
pub fn status(day: &types::CalendarDay) -> String {
    day.status
        .clone()
        .unwrap_or_else(|| if days::state(day) == DayState::Open { "available".into() } else { "unavailable".into() })
}

/// Groups consecutive unavailable nights with the same status into (first, last, status).
fn spans(nights: &[&types::CalendarDay]) -> Vec<(NaiveDate, NaiveDate, String)> {
    let mut spans: Vec<(NaiveDate, NaiveDate, String)> = Vec::new();
    for night in nights {
        let status = status(night);
        match spans.last_mut() {
            Some(span) if span.1 + Duration::days(1) == night.date && span.2 == status => span.1 = night.date,
            _ => spans.push((night.date, night.date, status)),
        }
    }
    spans
}
