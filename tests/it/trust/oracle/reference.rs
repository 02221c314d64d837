//! The reference: what an answer must say, worked out from the wire JSON with the rules the
//! Hostaway docs give, each a few obvious lines. Nothing here comes from the server's code.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::Value;

/// A date field ("YYYY-MM-DD", or with a time after it).
pub fn date(value: &Value) -> Option<NaiveDate> {
    value.as_str().and_then(|s| s.get(..10)).and_then(|s| s.parse().ok())
}

/// The docs' reservation statuses that keep the nights: confirmed, changed, owner stays and those
/// still waiting on payment or verification. Cancelled, declined, expired and inquiries do not.
pub fn holds_nights(reservation: &Value) -> bool {
    matches!(
        reservation["status"].as_str(),
        Some("new" | "modified" | "pending" | "awaitingPayment" | "awaitingGuestVerification" | "ownerStay")
    )
}

/// Nights of a reservation that fall between `first` and `last` (inclusive).
pub fn nights_between(reservation: &Value, first: NaiveDate, last: NaiveDate) -> i64 {
    let (Some(arrival), Some(departure)) = (date(&reservation["arrivalDate"]), date(&reservation["departureDate"]))
    else {
        return 0;
    };
    let from = arrival.max(first);
    let until = departure.min(last.succ_opt().unwrap());
    (until - from).num_days().max(0)
}

/// The account's zone: the `timeZoneName` most listings keep, ties to the lowest listing id.
pub fn account_zone(listings: &[Value]) -> chrono_tz::Tz {
    let mut zones: BTreeMap<String, (usize, i64)> = BTreeMap::new();
    for listing in listings {
        let zone = listing["timeZoneName"].as_str().unwrap_or("UTC").to_string();
        let id = listing["id"].as_i64().unwrap();
        let entry = zones.entry(zone).or_insert((0, id));
        *entry = (entry.0 + 1, entry.1.min(id));
    }
    let best = zones.into_iter().max_by_key(|(_, (count, id))| (*count, -id)).map(|(zone, _)| zone);
    best.and_then(|zone| zone.parse().ok()).unwrap_or(chrono_tz::Tz::UTC)
}

/// Whether a calendar day is free to book: available, and no reservation on it.
pub fn open(day: &Value) -> bool {
    day["isAvailable"] == 1 && day["reservations"].as_array().is_none_or(Vec::is_empty)
}

/// Whether a stay can be booked, from the listing and its calendar from arrival to departure
/// (inclusive): every night free, the arrival day's minimum and maximum stay (else the
/// listing's) met, arrival and departure days open for them, and the party within capacity.
pub fn bookable(listing: &Value, days: &[Value], check_in: NaiveDate, check_out: NaiveDate, guests: i64) -> bool {
    let nights = (check_out - check_in).num_days();
    let on = |d: NaiveDate| days.iter().find(|day| date(&day["date"]) == Some(d));
    let every_night_free = check_in.iter_days().take_while(|d| *d < check_out).all(|d| on(d).is_some_and(open));
    let arrival = on(check_in).cloned().unwrap_or(Value::Null);
    let min = arrival["minimumStay"].as_i64().or(listing["minNights"].as_i64()).unwrap_or(1);
    let max = arrival["maximumStay"].as_i64().or(listing["maxNights"].as_i64()).unwrap_or(i64::MAX);
    let closed_in = arrival["closedOnArrival"] == 1;
    let closed_out = on(check_out).is_some_and(|d| d["closedOnDeparture"] == 1);
    let fits = listing["personCapacity"].as_i64().is_none_or(|c| guests <= c);
    every_night_free && min <= nights && nights <= max && !closed_in && !closed_out && fits
}

/// An amount as the answers give it: rounded to cents.
pub fn cents(amount: f64) -> f64 {
    (amount * 100.0).round() / 100.0
}
