//! "Today" is the listing's own date in its time zone, and the account's for account-wide
//! questions: every test pins its moment (most of them late in a UTC evening, when Berlin is
//! already on the next day and Lisbon is not) and reads zones from the sandbox's listings.

use crate::support::mcp;

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use serde_json::json;

/// 23:30 UTC on a winter Friday: 00:30 on Saturday in Berlin, still Friday in Lisbon.
fn late_evening() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2027-01-08T23:30:00Z").unwrap().to_utc()
}

/// The zone listing `id` keeps, as the sandbox holds it.
fn zone_of(h: &mcp::Harness, id: i64) -> Tz {
    h.sandbox.inspect(|s| s.listings[&id].time_zone_name.clone()).unwrap().parse().unwrap()
}

/// The lowest listing id keeping `zone`.
fn listing_in(h: &mcp::Harness, zone: &str) -> i64 {
    h.sandbox
        .inspect(|s| s.listings.values().find(|l| l.time_zone_name.as_deref() == Some(zone)).map(|l| l.id).unwrap())
}

/// The zone most listings keep, ties to the one of the lowest id, counted from the sandbox.
fn account_zone(h: &mcp::Harness) -> Tz {
    let zones: BTreeMap<i64, Tz> = h.sandbox.inspect(|s| {
        s.listings
            .values()
            .map(|l| (l.id, l.time_zone_name.as_deref().and_then(|z| z.parse().ok()).unwrap_or(Tz::UTC)))
            .collect()
    });
    let count = |zone: &Tz| zones.values().filter(|z| *z == zone).count();
    let most = zones.values().map(count).max().unwrap();
    // BTreeMap iterates by id, so the first zone with the top count is the lowest id's.
    *zones.values().find(|z| count(z) == most).unwrap()
}

fn day_in(at: DateTime<Utc>, zone: Tz) -> NaiveDate {
    at.with_timezone(&zone).date_naive()
}

#[tokio::test]
async fn arrivals_without_a_date_answer_for_the_account_zones_today_and_say_which() {
    let at = late_evening();
    let h = mcp::start_at(at).await;
    let zone = account_zone(&h);
    let today = day_in(at, zone);
    assert_ne!(
        today,
        at.date_naive(),
        "the account's zone ({zone}) must be past midnight for this test to mean anything"
    );

    let answer = h.ok("arrivals_and_departures", json!({})).await;
    assert_eq!(answer["today"], today.to_string());
    assert_eq!(answer["time_zone"], zone.name());
    assert_eq!(answer["days"][0]["date"], today.to_string());
}

#[tokio::test]
async fn a_berlin_listing_is_on_the_next_day_while_a_lisbon_listing_is_not() {
    let at = late_evening();
    let h = mcp::start_at(at).await;
    let (berlin, lisbon) = (listing_in(&h, "Europe/Berlin"), listing_in(&h, "Europe/Lisbon"));
    let utc_day = at.date_naive();
    assert_eq!(day_in(at, zone_of(&h, lisbon)), utc_day);
    let berlin_today = day_in(at, zone_of(&h, berlin));
    assert_eq!(berlin_today, utc_day + Duration::days(1));

    let block = |id: i64| json!({"listing_id": id, "start_date": utc_day.to_string(), "end_date": utc_day.to_string()});
    let preview = h.ok("block_dates", block(lisbon)).await;
    assert_eq!(preview["start_date"], utc_day.to_string());
    let refused = h.err("block_dates", block(berlin)).await;
    assert!(
        refused.contains(&format!("start_date {utc_day} is in the past: today is {berlin_today} in Europe/Berlin")),
        "{refused}"
    );

    let stay = |id: i64| json!({"listing_id": id, "check_in": "today", "check_out": (utc_day + Duration::days(3)).to_string(), "guests": 1});
    let lisbon_quote = h.ok("quote_stay", stay(lisbon)).await;
    assert_eq!(lisbon_quote["check_in"], utc_day.to_string());
    let berlin_quote = h.ok("quote_stay", stay(berlin)).await;
    assert_eq!(berlin_quote["check_in"], berlin_today.to_string());
}

#[tokio::test]
async fn today_tomorrow_and_yesterday_count_from_the_listings_and_the_accounts_today() {
    let at = late_evening();
    let h = mcp::start_at(at).await;
    let berlin = listing_in(&h, "Europe/Berlin");
    let today = day_in(at, zone_of(&h, berlin));

    let quote = h
        .ok("quote_stay", json!({"listing_id": berlin, "check_in": "Today", "check_out": "TOMORROW", "guests": 1}))
        .await;
    assert_eq!(
        (quote["check_in"].as_str(), quote["check_out"].as_str()),
        (Some(today.to_string().as_str()), Some((today + Duration::days(1)).to_string().as_str()))
    );

    let calendar =
        h.ok("get_calendar", json!({"listing_id": berlin, "start_date": "yesterday", "end_date": "tomorrow"})).await;
    assert_eq!(calendar["start_date"], (today - Duration::days(1)).to_string());
    assert_eq!(calendar["end_date"], (today + Duration::days(1)).to_string());

    let account_today = day_in(at, account_zone(&h));
    let ops = h.ok("arrivals_and_departures", json!({"date": "tomorrow"})).await;
    assert_eq!(ops["days"][0]["date"], (account_today + Duration::days(1)).to_string());

    let bad =
        h.err("get_calendar", json!({"listing_id": berlin, "start_date": "next week", "end_date": "tomorrow"})).await;
    assert!(bad.contains("today, tomorrow or yesterday"), "{bad}");
}

#[tokio::test]
async fn a_reservation_eight_months_ago_is_refused_naming_today() {
    let at = late_evening();
    let h = mcp::start_at(at).await;
    let berlin = listing_in(&h, "Europe/Berlin");
    let today = day_in(at, zone_of(&h, berlin));
    let check_in = today - Duration::days(240);
    let args = json!({
        "listing_id": berlin,
        "check_in": check_in.to_string(),
        "check_out": (check_in + Duration::days(3)).to_string(),
        "guests": 2,
        "guest_name": "Ana Costa",
        "confirm": true,
    });
    let before = h.sandbox.inspect(|s| s.reservations.len());
    let message = h.err("create_reservation", args).await;
    assert!(
        message.contains(&format!("check_in {check_in} is in the past: today is {today} in Europe/Berlin")),
        "{message}"
    );
    assert_eq!(h.sandbox.inspect(|s| s.reservations.len()), before, "nothing was booked");
}

#[tokio::test]
async fn a_quote_for_last_january_is_refused_instead_of_bookable() {
    let at = late_evening();
    let h = mcp::start_at(at).await;
    let lisbon = listing_in(&h, "Europe/Lisbon");
    let today = day_in(at, zone_of(&h, lisbon));
    let check_in = NaiveDate::from_ymd_opt(today.year() - 1, 1, 10).unwrap();
    let check_out = check_in + Duration::days(3);
    let stay = json!({"listing_id": lisbon, "check_in": check_in.to_string(), "check_out": check_out.to_string(), "guests": 1});
    let result = h.call("quote_stay", stay).await;
    assert_eq!(result.is_error, Some(true), "a past stay is not quoted: {}", mcp::text(&result));
    let message = mcp::text(&result);
    assert!(message.contains(&format!("today is {today} in Europe/Lisbon")), "{message}");
    assert!(result.structured_content.is_none_or(|s| s["bookable"] != true));
}

#[tokio::test]
async fn calendar_writes_and_searches_refuse_past_dates_but_reads_of_the_past_stay_allowed() {
    let at = late_evening();
    let h = mcp::start_at(at).await;
    let berlin = listing_in(&h, "Europe/Berlin");
    let today = day_in(at, zone_of(&h, berlin));
    let range = json!({
        "listing_id": berlin,
        "start_date": (today - Duration::days(3)).to_string(),
        "end_date": (today + Duration::days(2)).to_string(),
    });
    for unblock in [false, true] {
        let mut range = range.clone();
        range["unblock"] = json!(unblock);
        let message = h.err("block_dates", range.clone()).await;
        assert!(message.contains(&format!("today is {today} in Europe/Berlin")), "{range}: {message}");
    }
    let mut rates = range.clone();
    rates["price"] = json!(150);
    let message = h.err("set_rates", rates).await;
    assert!(message.contains("is in the past"), "{message}");

    let account_today = day_in(at, account_zone(&h));
    let past = (account_today - Duration::days(1)).to_string();
    let message =
        h.err("find_available_listings", json!({"check_in": past, "check_out": today.to_string(), "guests": 1})).await;
    assert!(message.contains(&format!("today is {account_today} in {}", account_zone(&h))), "{message}");

    let calendar = h.ok("get_calendar", range).await;
    assert_eq!(calendar["start_date"], (today - Duration::days(3)).to_string());
}

#[tokio::test]
async fn instructions_carry_todays_date_and_the_account_zone() {
    let at = late_evening();
    let h = mcp::start_at(at).await;
    let zone = account_zone(&h);
    assert_ne!(day_in(at, zone), at.date_naive(), "late in UTC, the account's zone is already on the next day");
    // The server learns the zone beside its start, never holding a session back for it: a session
    // opened once it is learnt is told today in the account's zone.
    let expected = format!("Today is {} in {zone} (the account's time zone)", day_in(at, zone));
    let instructions = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            let session = mcp::connect(&h.url).await;
            let instructions = session.peer_info().and_then(|i| i.instructions.clone()).unwrap_or_default();
            if instructions.contains("the account's zone is not known yet") {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                continue;
            }
            return instructions;
        }
    })
    .await
    .expect("the zone is learnt within 10 s");
    assert!(instructions.contains(&expected), "{instructions}");
}

/// A booking of the sandbox's on listing `listing` whose dates `pick` accepts, judged on `today`
/// (the listing's), among those that hold their nights.
fn stay_where(
    h: &mcp::Harness,
    listing: Option<i64>,
    pick: impl Fn(NaiveDate, NaiveDate) -> bool,
) -> hostaway_mcp::hostaway::types::Reservation {
    h.sandbox.inspect(|s| {
        s.reservations
            .values()
            .filter(|r| listing.is_none_or(|id| r.listing_map_id == id))
            .filter(|r| matches!(r.status.as_str(), "new" | "modified"))
            .find(|r| pick(r.arrival_date, r.departure_date))
            .cloned()
            .expect("the seeded sandbox holds such a stay at this moment")
    })
}

/// What a reservation looks like to a manager: dates, party, price and status, as the sandbox holds it.
fn held(h: &mcp::Harness, id: i64) -> (NaiveDate, NaiveDate, Option<i32>, Option<f64>, String) {
    h.sandbox.inspect(|s| {
        let r = &s.reservations[&id];
        (r.arrival_date, r.departure_date, r.number_of_guests, r.total_price, r.status.as_str().to_string())
    })
}

#[tokio::test]
async fn a_booking_is_never_moved_into_the_past_and_an_ended_stay_is_never_re_priced() {
    let at = late_evening();
    let h = mcp::start_at(at).await;
    // A listing with three free nights ahead to book, and three free nights in the past to try
    // to move the booking to, so that only the date rule can stop the move.
    let (listing, zone, ahead, past) = h.sandbox.inspect(|s| {
        s.listings
            .values()
            .find_map(|l| {
                let zone: Tz = l.time_zone_name.as_deref()?.parse().ok()?;
                let today = day_in(at, zone);
                let free = |from: NaiveDate| s.is_free(l, from, from + Duration::days(3), None);
                let ahead = (14..200).map(|d| today + Duration::days(d)).find(|d| free(*d))?;
                let past = (4..60).map(|d| today - Duration::days(d)).find(|d| free(*d))?;
                Some((l.id, zone, ahead, past))
            })
            .expect("a listing with free nights ahead and behind")
    });
    let today = day_in(at, zone);
    let made = h
        .ok(
            "create_reservation",
            json!({"listing_id": listing, "check_in": ahead.to_string(),
                   "check_out": (ahead + Duration::days(3)).to_string(),
                   "guests": 1, "guest_name": "Ana Costa", "confirm": true}),
        )
        .await;
    let id = made["reservation_id"].as_i64().unwrap();
    let before = held(&h, id);
    let into_the_past = json!({"reservation_id": id, "check_in": past.to_string(), "check_out": (past + Duration::days(3)).to_string()});
    for confirm in [false, true] {
        let mut args = into_the_past.clone();
        args["confirm"] = json!(confirm);
        let message = h.err("update_reservation", args).await;
        assert!(message.contains(&format!("check_in {past} is in the past: today is {today} in {zone}")), "{message}");
    }
    assert_eq!(held(&h, id), before, "the booking keeps its dates and price");

    let berlin = listing_in(&h, "Europe/Berlin");
    let today = day_in(at, zone_of(&h, berlin));
    // A stay that ended days ago, on a listing whose today is read in its own zone.
    let ended = stay_where(&h, Some(berlin), |_, departure| departure < today - Duration::days(1));
    let before = held(&h, ended.id);
    let other_party = if ended.number_of_guests == Some(1) { 2 } else { 1 };
    let message =
        h.err("update_reservation", json!({"reservation_id": ended.id, "guests": other_party, "confirm": true})).await;
    assert!(message.contains(&format!("ended on {}", ended.departure_date)), "{message}");
    assert!(message.contains(&format!("today is {today} in Europe/Berlin")), "{message}");
    assert_eq!(held(&h, ended.id), before, "the ended stay keeps its party and price");
}

#[tokio::test]
async fn a_stay_that_has_ended_or_is_under_way_is_not_cancelled() {
    let at = late_evening();
    let h = mcp::start_at(at).await;
    let berlin = listing_in(&h, "Europe/Berlin");
    let today = day_in(at, zone_of(&h, berlin));
    let ended = stay_where(&h, Some(berlin), |_, departure| departure < today - Duration::days(1));
    let under_way = stay_where(&h, None, |arrival, departure| {
        arrival < today - Duration::days(1) && departure > today + Duration::days(1)
    });
    for (stay, why) in [(&ended, format!("ended on {}", ended.departure_date)), (&under_way, "under way".into())] {
        let before = held(&h, stay.id);
        for confirm in [false, true] {
            let message = h.err("cancel_reservation", json!({"reservation_id": stay.id, "confirm": confirm})).await;
            assert!(message.contains(&why), "{message}");
            assert!(!message.contains("free again"), "{message}");
        }
        assert_eq!(held(&h, stay.id), before, "reservation {} is as it was", stay.id);
    }
}
