//! End to end: search_reservations (with by_guest), get_reservation and arrivals_and_departures
//! through the MCP client, checked against the sandbox's store.

use crate::support::mcp;
use hostaway_mcp::domain::Channel;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate};
use hostaway_mcp::hostaway::{Gateway, Idempotence, id, types};
use serde_json::{Value, json};

/// Statuses that hold the calendar (the rule the tools use for stays and operations).
fn occupies(status: &str) -> bool {
    matches!(status, "new" | "modified" | "pending" | "awaitingPayment" | "awaitingGuestVerification" | "ownerStay")
}

fn today(h: &mcp::Harness) -> NaiveDate {
    h.sandbox.inspect(|s| s.today)
}

fn ids(rows: &[Value]) -> Vec<i64> {
    rows.iter().map(|r| r["reservation_id"].as_i64().unwrap()).collect()
}

fn set(ids: impl IntoIterator<Item = i64>) -> BTreeSet<i64> {
    ids.into_iter().collect()
}

/// The reservations of the store matching `keep`.
fn expected(h: &mcp::Harness, keep: impl Fn(&types::Reservation) -> bool) -> BTreeSet<i64> {
    h.sandbox.inspect(|s| s.reservations.values().filter(|r| keep(r)).map(|r| r.id).collect())
}

/// Every row of a search, following next_cursor; checks that no reservation comes twice.
async fn search_all(h: &mcp::Harness, args: Value) -> Vec<Value> {
    let mut rows = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..100 {
        let mut page_args = args.clone();
        if let Some(c) = &cursor {
            page_args["cursor"] = json!(c);
        }
        let page = h.ok("search_reservations", page_args).await;
        rows.extend(page["reservations"].as_array().unwrap().iter().cloned());
        match page.get("next_cursor").and_then(Value::as_str) {
            Some(next) => cursor = Some(next.to_string()),
            None => {
                let all = ids(&rows);
                assert_eq!(all.len(), set(all.clone()).len(), "a reservation came twice: {all:?}");
                return rows;
            }
        }
    }
    panic!("the cursor never ended");
}

/// Creates a reservation straight in the sandbox (as another Hostaway client would), overbooking allowed.
async fn create(h: &mcp::Harness, input: types::ReservationInput) -> types::Reservation {
    let gateway = Gateway::new(mcp::gateway_config(&h.sandbox)).unwrap();
    let created: types::ReservationEnvelope = gateway
        .call(id::CREATE_RESERVATION, Idempotence::Unsafe, |client| {
            let input = input.clone();
            async move { client.create_reservation().force_overbooking(1).body(input).send().await }
        })
        .await
        .unwrap();
    created.result
}

fn booking(
    listing: i64,
    arrival: NaiveDate,
    nights: i64,
    status: &str,
    name: (&str, &str),
    email: &str,
) -> types::ReservationInput {
    types::ReservationInput {
        channel_id: Some(Channel::Direct.id()),
        listing_map_id: Some(listing),
        arrival_date: Some(arrival),
        departure_date: Some(arrival + Duration::days(nights)),
        guest_first_name: Some(name.0.into()),
        guest_last_name: Some(name.1.into()),
        guest_email: Some(email.into()),
        phone: Some("+351 912 345 678".into()),
        number_of_guests: std::num::NonZeroU32::new(2),
        status: Some(status.into()),
        ..Default::default()
    }
}

/// Calls made by one tool call (after a warm-up call elsewhere has minted the token).
async fn calls(h: &mcp::Harness, tool: &str, args: Value) -> (u64, Value) {
    let before = h.sandbox.stats().total_received();
    let answer = h.ok(tool, args).await;
    (h.sandbox.stats().total_received() - before, answer)
}

#[tokio::test]
async fn search_filters_return_exactly_the_matching_reservations() {
    let h = mcp::start().await;
    let today = today(&h);
    let (start, end) = (today - Duration::days(20), today + Duration::days(20));

    // Arrival range + channel, sorted by arrival.
    let rows = search_all(
        &h,
        json!({"arrival_start_date": start.to_string(), "arrival_end_date": end.to_string(), "channel": "airbnb", "limit": 50}),
    )
    .await;
    let want = expected(&h, |r| {
        r.arrival_date >= start && r.arrival_date <= end && r.channel_id == Some(Channel::Airbnb.id())
    });
    assert!(!want.is_empty());
    assert_eq!(set(ids(&rows)), want);
    assert!(rows.iter().all(|r| r["channel"] == "airbnb"));
    let arrivals: Vec<&str> = rows.iter().map(|r| r["check_in"].as_str().unwrap()).collect();
    assert!(arrivals.windows(2).all(|w| w[0] <= w[1]), "an arrival range sorts by arrival");

    // Listing + departure range, channel as a numeric id.
    let listing = h.sandbox.inspect(|s| *s.listings.keys().nth(3).unwrap());
    let rows = search_all(
        &h,
        json!({"listing_id": listing.to_string(), "departure_start_date": (today - Duration::days(90)).to_string(),
               "departure_end_date": today.to_string(), "channel": Channel::BookingCom.id()}),
    )
    .await;
    let want = expected(&h, |r| {
        r.listing_map_id == listing
            && r.departure_date >= today - Duration::days(90)
            && r.departure_date <= today
            && r.channel_id == Some(Channel::BookingCom.id())
    });
    assert_eq!(set(ids(&rows)), want);

    // Part of a guest's name, any case.
    let last = h.sandbox.inspect(|s| s.reservations.values().nth(10).unwrap().guest_last_name.clone().unwrap());
    let rows = search_all(&h, json!({"guest": last.to_uppercase(), "limit": 100})).await;
    let want =
        expected(&h, |r| r.guest_name.as_deref().is_some_and(|g| g.to_lowercase().contains(&last.to_lowercase())));
    assert!(!want.is_empty());
    assert_eq!(set(ids(&rows)), want);

    // Email, in full detail; no door code leaks.
    let target = h.sandbox.inspect(|s| s.reservations.values().nth(42).unwrap().clone());
    let page = h.ok("search_reservations", json!({"email": target.guest_email, "detail": "full"})).await;
    let rows = page["reservations"].as_array().unwrap();
    let want = expected(&h, |r| {
        r.guest_email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(target.guest_email.as_deref().unwrap()))
    });
    assert_eq!(set(ids(rows)), want);
    let row = rows.iter().find(|r| r["reservation_id"] == target.id).unwrap();
    assert_eq!(row["more"]["email"], json!(target.guest_email));
    assert_eq!(row["more"]["phone"], json!(target.phone));
    assert_eq!(row["total"]["amount"].as_f64(), target.total_price);
    assert!(!page.to_string().contains(&format!("\"{}\"", target.door_code.unwrap())), "door code leaked");
}

#[tokio::test]
async fn the_cursor_covers_a_result_set_once_at_one_call_per_page() {
    let h = mcp::start().await;
    h.ok("search_listings", json!({"limit": 1})).await;
    let listing = h.sandbox.inspect(|s| *s.listings.keys().next().unwrap());
    let want = expected(&h, |r| r.listing_map_id == listing);
    assert!(want.len() > 14);
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut args = json!({"listing_id": listing, "limit": 7});
        if let Some(c) = &cursor {
            args["cursor"] = json!(c);
        }
        let (spent, page) = calls(&h, "search_reservations", args).await;
        assert_eq!(spent, 1, "one page, one call");
        assert!(page["reservations"].as_array().unwrap().len() <= 7);
        if pages == 0 {
            assert_eq!(page["total"], json!(want.len()));
        }
        assert_eq!(page["capped"], false);
        pages += 1;
        seen.extend(ids(page["reservations"].as_array().unwrap()));
        match page.get("next_cursor").and_then(Value::as_str) {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(seen.len(), want.len(), "every reservation exactly once");
    assert_eq!(set(seen), want);
    assert_eq!(pages, want.len().div_ceil(7));
}

#[tokio::test]
async fn status_filters_are_applied_and_a_capped_scan_says_so() {
    let h = mcp::start().await;
    let today = today(&h);
    let listing = h.sandbox.inspect(|s| *s.listings.keys().nth(1).unwrap());
    let rows = search_all(&h, json!({"listing_id": listing, "status": ["cancelled"]})).await;
    let want = expected(&h, |r| r.listing_map_id == listing && r.status.as_str() == "cancelled");
    assert!(!want.is_empty());
    assert_eq!(set(ids(&rows)), want);

    let (start, end) = (today, today + Duration::days(30));
    let rows = search_all(
        &h,
        json!({"arrival_start_date": start.to_string(), "arrival_end_date": end.to_string(),
               "status": ["NEW", "modified"], "limit": 10}),
    )
    .await;
    let want = expected(&h, |r| {
        r.arrival_date >= start && r.arrival_date <= end && matches!(r.status.as_str(), "new" | "modified")
    });
    assert_eq!(set(ids(&rows)), want);
    assert!(rows.iter().all(|r| r["status"] == "new" || r["status"] == "modified"));

    // No reservation is "declined": the scan of the whole account stops at its cap and says so.
    h.ok("search_listings", json!({"limit": 1})).await;
    let total = h.sandbox.inspect(|s| s.reservations.len());
    let (spent, page) = calls(&h, "search_reservations", json!({"status": ["declined"]})).await;
    assert!(spent <= 5, "a status scan reads at most 5 pages, read {spent}");
    assert_eq!(page["capped"], true);
    assert!(page["note"].as_str().unwrap().contains("scanned 500"));
    assert!(page["reservations"].as_array().unwrap().is_empty());
    let rows = search_all(&h, json!({"status": ["declined"]})).await;
    assert!(rows.is_empty());
    assert!(total > 500);

    // Status filter over everything (several capped scans) finds every inquiry once.
    let rows = search_all(&h, json!({"status": ["inquiry"], "limit": 100})).await;
    assert_eq!(set(ids(&rows)), expected(&h, |r| r.status.as_str() == "inquiry"));
}

#[tokio::test]
async fn get_reservation_returns_the_booking_in_full_in_one_call() {
    let h = mcp::start().await;
    h.ok("search_listings", json!({"limit": 1})).await;
    let r = h.sandbox.inspect(|s| {
        let plain = |r: &&types::Reservation| r.confirmation_code.is_some() && r.custom_field_values.is_empty();
        s.reservations.values().find(plain).unwrap().clone()
    });
    let (spent, answer) = calls(&h, "get_reservation", json!({"reservation_id": r.id.to_string()})).await;
    assert_eq!(spent, 1);
    assert_eq!(answer["reservation_id"], r.id);
    assert_eq!(answer["listing_id"], r.listing_map_id);
    assert_eq!(answer["guest_name"], json!(r.guest_name));
    assert_eq!(answer["check_in"], r.arrival_date.to_string());
    assert_eq!(answer["check_out"], r.departure_date.to_string());
    assert_eq!(answer["nights"], (r.departure_date - r.arrival_date).num_days());
    assert_eq!(answer["status"], r.status.to_string());
    assert_eq!(answer["channel"], "airbnb");
    assert_eq!(answer["more"]["confirmation_code"], json!(r.confirmation_code));
    assert_eq!(answer["more"]["booked_at"], json!(r.reservation_date));
    assert_eq!(answer["more"]["cleaning_fee"]["amount"].as_f64(), r.cleaning_fee);
    assert_eq!(answer["more"]["remaining_balance"]["amount"].as_f64(), r.remaining_balance);
    assert!(!answer.to_string().contains("door"), "no door code field");
    let summary = h.ok("get_reservation", json!({"reservation_id": r.id, "detail": "summary"})).await;
    assert!(summary.get("more").is_none());
    let message = h.err("get_reservation", json!({"reservation_id": 1})).await;
    assert!(message.contains("not found"), "{message}");
}

#[tokio::test]
async fn by_guest_groups_stays_by_email_and_sums_them_like_the_store() {
    let h = mcp::start().await;
    let today = today(&h);
    let listing = h.sandbox.inspect(|s| *s.listings.keys().nth(2).unwrap());
    let email = "ada.lovelace@example.org";
    let ada = ("Ada", "Lovelace");
    let past = create(&h, booking(listing, today - Duration::days(40), 3, "new", ada, email)).await;
    let next = create(&h, booking(listing, today + Duration::days(10), 4, "modified", ada, email)).await;
    let later = create(&h, booking(listing, today + Duration::days(30), 2, "new", ada, email)).await;
    let cancelled = create(&h, booking(listing, today + Duration::days(5), 2, "cancelled", ada, email)).await;
    let inquiry = create(&h, booking(listing, today + Duration::days(3), 1, "inquiry", ada, email)).await;
    let other = create(&h, booking(listing, today + Duration::days(60), 2, "new", ada, "ada@other.example")).await;

    h.ok("search_listings", json!({"limit": 1})).await;
    let (spent, found) =
        calls(&h, "search_reservations", json!({"by_guest": true, "email": email.to_uppercase()})).await;
    assert_eq!(spent, 1, "by_guest reads one page (the account's zone was learnt when the session began)");
    assert_eq!(found["total"], 1);
    let guest = &found["guests"][0];
    let stays: Vec<types::Reservation> = h.sandbox.inspect(|s| {
        s.reservations
            .values()
            .filter(|r| r.guest_email.as_deref() == Some(email) && occupies(&r.status))
            .cloned()
            .collect()
    });
    assert_eq!(stays.len(), 3);
    assert_eq!(guest["guest_name"], "Ada Lovelace");
    assert_eq!(guest["email"], email);
    assert_eq!(guest["phone"], "+351 912 345 678");
    assert_eq!(guest["stays"], 3);
    assert_eq!(guest["nights"], 9);
    let spent_total: f64 = stays.iter().map(|r| r.total_price.unwrap()).sum();
    assert!((guest["total_spent"]["amount"].as_f64().unwrap() - spent_total).abs() < 0.01);
    assert_eq!(guest["first_check_in"], past.arrival_date.to_string());
    assert_eq!(guest["last_check_out"], later.departure_date.to_string());
    assert_eq!(guest["upcoming"]["reservation_id"], next.id, "the cancellation and the inquiry are not stays");
    let all = set([past.id, next.id, later.id, cancelled.id, inquiry.id]);
    assert_eq!(set(guest["reservation_ids"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap())), all);

    let found = h.ok("search_reservations", json!({"by_guest": true, "guest": "lovelace"})).await;
    assert_eq!(found["total"], 2, "two emails, two guests");
    assert_eq!(found["guests"][0]["reservation_ids"], json!([other.id]), "most recent stay first");
}

#[tokio::test]
async fn by_guest_by_name_matches_the_store_guest_by_guest() {
    let h = mcp::start().await;
    let last = h.sandbox.inspect(|s| s.reservations.values().nth(7).unwrap().guest_last_name.clone().unwrap());
    let found = h.ok("search_reservations", json!({"by_guest": true, "guest": last})).await;
    // "Upcoming" counts from today in the account's zone, which the answer states.
    let note = found["note"].as_str().unwrap();
    let today: NaiveDate = note.split("counts from ").nth(1).unwrap()[..10].parse().unwrap();
    assert_eq!(found["capped"], false);
    let groups: BTreeMap<String, Vec<types::Reservation>> = h.sandbox.inspect(|s| {
        let mut groups: BTreeMap<String, Vec<types::Reservation>> = BTreeMap::new();
        for r in s.reservations.values() {
            if r.guest_name.as_deref().is_some_and(|g| g.to_lowercase().contains(&last.to_lowercase())) {
                groups.entry(r.guest_email.clone().unwrap().to_lowercase()).or_default().push(r.clone());
            }
        }
        groups
    });
    assert_eq!(found["total"], groups.len());
    let listed = found["guests"].as_array().unwrap();
    assert_eq!(listed.len(), groups.len().min(20));
    for guest in listed {
        let rs = &groups[&guest["email"].as_str().unwrap().to_lowercase()];
        let stays: Vec<&types::Reservation> = rs.iter().filter(|r| occupies(&r.status)).collect();
        assert_eq!(
            set(guest["reservation_ids"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap())),
            set(rs.iter().map(|r| r.id))
        );
        assert_eq!(guest["stays"], stays.len());
        assert_eq!(guest["nights"], stays.iter().map(|r| (r.departure_date - r.arrival_date).num_days()).sum::<i64>());
        let total: f64 = stays.iter().filter_map(|r| r.total_price).sum();
        assert!((guest["total_spent"]["amount"].as_f64().unwrap_or(0.0) - total).abs() < 0.01);
        let upcoming = stays.iter().filter(|r| r.arrival_date >= today).min_by_key(|r| (r.arrival_date, r.id));
        assert_eq!(guest["upcoming"]["reservation_id"].as_i64(), upcoming.map(|r| r.id));
    }
}

/// Checks a plan from `start` against the store: exactly the occupying check-ins and check-outs
/// of each day, listing names, and turnovers that are real same-day check-outs and check-ins.
/// Returns the (check-out, check-in) reservation pairs of the turnovers.
fn check_plan(h: &mcp::Harness, start: NaiveDate, plan: &Value) -> Vec<(i64, i64)> {
    assert_eq!(plan["capped"], false);
    let names: BTreeMap<i64, String> =
        h.sandbox.inspect(|s| s.listings.values().map(|l| (l.id, l.name.clone())).collect());
    let mut pairs = Vec::new();
    for (offset, entry) in plan["days"].as_array().unwrap().iter().enumerate() {
        let date = start + Duration::days(offset as i64);
        assert_eq!(entry["date"], date.to_string());
        let ins = expected(h, |r| r.arrival_date == date && occupies(&r.status));
        let outs = expected(h, |r| r.departure_date == date && occupies(&r.status));
        let rows = |key: &str| entry[key].as_array().unwrap().clone();
        assert_eq!(set(ids(&rows("check_ins"))), ins, "check-ins on {date}");
        assert_eq!(set(ids(&rows("check_outs"))), outs, "check-outs on {date}");
        for (key, arriving) in [("check_ins", true), ("check_outs", false)] {
            for row in rows(key) {
                let r = h.sandbox.inspect(|s| s.reservations[&row["reservation_id"].as_i64().unwrap()].clone());
                assert_eq!(row["listing_id"], r.listing_map_id);
                assert_eq!(row["listing_name"], json!(names[&r.listing_map_id]));
                assert_eq!(row["guest_name"], json!(r.guest_name));
                assert_eq!(row["nights"], (r.departure_date - r.arrival_date).num_days());
                assert_eq!(row["hour"], json!(if arriving { r.check_in_time } else { r.check_out_time }));
            }
        }
        let expected_turnovers: BTreeSet<i64> = h.sandbox.inspect(|s| {
            let arriving: BTreeSet<i64> = ins.iter().map(|id| s.reservations[id].listing_map_id).collect();
            outs.iter().map(|id| s.reservations[id].listing_map_id).filter(|l| arriving.contains(l)).collect()
        });
        let turnovers = rows("turnovers");
        assert_eq!(set(turnovers.iter().map(|t| t["listing_id"].as_i64().unwrap())), expected_turnovers);
        for t in &turnovers {
            let out = t["check_out_reservation_id"].as_i64().unwrap();
            let inn = t["check_in_reservation_id"].as_i64().unwrap();
            h.sandbox.inspect(|s| {
                let (out, inn) = (&s.reservations[&out], &s.reservations[&inn]);
                assert_eq!(out.departure_date, date);
                assert_eq!(inn.arrival_date, date);
                assert_eq!(out.listing_map_id, inn.listing_map_id);
                assert_eq!(t["listing_id"], out.listing_map_id);
                assert!(occupies(&out.status) && occupies(&inn.status));
            });
            pairs.push((out, inn));
        }
    }
    pairs
}

#[tokio::test]
async fn arrivals_and_departures_list_exactly_the_occupying_stays_and_real_turnovers() {
    let h = mcp::start().await;
    h.ok("search_listings", json!({"limit": 1})).await;
    let (spent, plan) = calls(&h, "arrivals_and_departures", json!({"days": 7})).await;
    assert!(spent <= 3, "arrivals, departures and listing names: {spent} calls");
    assert_eq!(plan["days"].as_array().unwrap().len(), 7);
    // Without a date the plan starts on today in the account's zone, which the answer states.
    let today: NaiveDate = plan["today"].as_str().unwrap().parse().unwrap();
    check_plan(&h, today, &plan);

    // A turnover we make: a listing free for two nights before and three nights from some later day.
    let (listing, day) = h.sandbox.inspect(|s| {
        (20..110)
            .flat_map(|offset| s.listings.values().map(move |l| (l, today + Duration::days(offset))))
            .find(|(l, day)| s.is_free(l, *day - Duration::days(2), *day + Duration::days(3), None))
            .map(|(l, day)| (l.id, day))
            .expect("a free listing in the coming months")
    });
    let leaving =
        create(&h, booking(listing, day - Duration::days(2), 2, "new", ("Grace", "Hopper"), "gh@example.org")).await;
    let arriving = create(&h, booking(listing, day, 3, "modified", ("Alan", "Turing"), "at@example.org")).await;
    let cancelled = create(&h, booking(listing, day, 1, "cancelled", ("Alan", "Turing"), "at@example.org")).await;
    let start = day - Duration::days(3);
    let plan = h.ok("arrivals_and_departures", json!({"date": start.to_string(), "days": "14"})).await;
    assert_eq!(plan["days"].as_array().unwrap().len(), 14);
    let pairs = check_plan(&h, start, &plan);
    assert!(pairs.contains(&(leaving.id, arriving.id)), "{pairs:?}");
    assert!(
        !plan.to_string().contains(&format!("\"reservation_id\":{}", cancelled.id)),
        "cancelled stays are not operations"
    );

    // One listing, one day.
    let plan = h.ok("arrivals_and_departures", json!({"date": day.to_string(), "listing_id": listing})).await;
    let days = plan["days"].as_array().unwrap();
    assert_eq!(days.len(), 1);
    assert_eq!(ids(days[0]["check_ins"].as_array().unwrap()), vec![arriving.id]);
    assert_eq!(ids(days[0]["check_outs"].as_array().unwrap()), vec![leaving.id]);
    assert_eq!(days[0]["turnovers"][0]["check_in_reservation_id"], arriving.id);
}

#[tokio::test]
async fn typical_requests_stay_within_their_call_budgets() {
    let h = mcp::start().await;
    let today = today(&h);
    h.ok("search_listings", json!({"limit": 1})).await;
    let (spent, _) = calls(&h, "search_reservations", json!({"limit": 20})).await;
    assert_eq!(spent, 1, "search_reservations");
    let (spent, _) = calls(
        &h,
        "search_reservations",
        json!({"arrival_start_date": today.to_string(), "arrival_end_date": (today + Duration::days(7)).to_string()}),
    )
    .await;
    assert_eq!(spent, 1, "search_reservations by arrival");
    let (id, noted, other) = h.sandbox.inspect(|s| {
        let mut noted = s.reservations.values().filter(|r| !r.custom_field_values.is_empty()).map(|r| r.id);
        let plain = s.reservations.values().skip(100).find(|r| r.custom_field_values.is_empty()).unwrap().id;
        (plain, noted.next().unwrap(), noted.next().unwrap())
    });
    let (spent, _) = calls(&h, "get_reservation", json!({"reservation_id": id})).await;
    assert_eq!(spent, 1, "get_reservation");
    let (spent, _) = calls(&h, "get_reservation", json!({"reservation_id": noted})).await;
    assert_eq!(spent, 2, "get_reservation with custom fields: the account's field names the first time");
    let (spent, _) = calls(&h, "get_reservation", json!({"reservation_id": other})).await;
    assert_eq!(spent, 1, "get_reservation with custom fields: the field names cached");
    let email = h.sandbox.inspect(|s| s.reservations[&id].guest_email.clone().unwrap());
    let (spent, _) = calls(&h, "search_reservations", json!({"by_guest": true, "email": email})).await;
    assert_eq!(spent, 1, "by_guest: one page (the account's zone was learnt when the session began)");
    let name = h.sandbox.inspect(|s| s.reservations[&id].guest_name.clone().unwrap());
    let (spent, found) = calls(&h, "search_reservations", json!({"by_guest": true, "guest": name})).await;
    assert_eq!(spent, 1, "by_guest with a name as Hostaway spells it: Hostaway's own match, one page");
    assert!(found["total"].as_u64().unwrap() >= 1);
    let (spent, _) = calls(&h, "arrivals_and_departures", json!({"date": today.to_string(), "days": 3})).await;
    assert!(spent <= 3, "arrivals_and_departures: {spent}");
    let (spent, _) = calls(&h, "arrivals_and_departures", json!({"date": today.to_string(), "days": 5})).await;
    assert!(spent <= 2, "listing names come from the cache: {spent}");
}

#[tokio::test]
async fn invalid_arguments_are_tool_errors_naming_the_field() {
    let h = mcp::start().await;
    let cases = [
        ("search_reservations", json!({"arrival_start_date": "2026-13-01"}), "`arrival_start_date`"),
        ("search_reservations", json!({"arrival_end_date": "next week"}), "`arrival_end_date`"),
        (
            "search_reservations",
            json!({"arrival_start_date": "2026-05-10", "arrival_end_date": "2026-05-01"}),
            "`arrival_end_date`",
        ),
        (
            "search_reservations",
            json!({"departure_start_date": "2026-05-10", "departure_end_date": "2026-05-09"}),
            "`departure_end_date`",
        ),
        ("search_reservations", json!({"channel": "carrier pigeon"}), "`channel`"),
        ("search_reservations", json!({"channel": "-3"}), "`channel`"),
        ("search_reservations", json!({"limit": 0}), "`limit`"),
        ("search_reservations", json!({"limit": 101}), "`limit`"),
        ("search_reservations", json!({"status": ["confirmed"]}), "`status`"),
        ("search_reservations", json!({"cursor": "o20"}), "`cursor`"),
        ("search_reservations", json!({"cursor": "nonsense"}), "`cursor`"),
        ("search_reservations", json!({"by_guest": true}), "`email`"),
        ("search_reservations", json!({"by_guest": true, "guest": "  "}), "`guest`"),
        ("search_reservations", json!({"by_guest": true, "guest": "ana", "limit": 5}), "`limit`"),
        ("arrivals_and_departures", json!({"days": 0}), "`days`"),
        ("arrivals_and_departures", json!({"days": 15}), "`days`"),
        ("arrivals_and_departures", json!({"date": "next week"}), "`date`"),
        ("get_reservation", json!({}), "reservation_id"),
    ];
    for (tool, args, field) in cases {
        let message = h.err(tool, args.clone()).await;
        assert!(message.contains(field), "{tool} {args}: {message}");
    }
    let message = h.err("search_reservations", json!({"guests": 2})).await;
    assert!(message.contains("guests"), "{message}");
    h.ok("search_reservations", json!({"limit": 1})).await;
}

/// Issue 25, repro 6: a name shared by more guests than one page holds is paged with a cursor, so
/// every guest can be reached; none is dropped silently.
#[tokio::test]
async fn by_guest_pages_through_every_guest_of_a_common_name() {
    let h = mcp::start().await;
    let mut emails = BTreeSet::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut args = json!({"by_guest": true, "guest": "Müller"});
        if let Some(c) = &cursor {
            args["cursor"] = json!(c);
        }
        let page = h.ok("search_reservations", args).await;
        pages += 1;
        assert_eq!(page["capped"], false);
        for guest in page["guests"].as_array().unwrap() {
            assert!(emails.insert(guest["email"].as_str().unwrap().to_lowercase()), "a guest came twice");
        }
        let total = page["total"].as_u64().unwrap() as usize;
        match page.get("next_cursor").and_then(Value::as_str) {
            Some(next) => cursor = Some(next.to_string()),
            None => {
                assert_eq!(emails.len(), total, "the pages hold every guest the answer counted");
                break;
            }
        }
        assert!(pages < 20, "the cursor never ended");
    }
    let want: BTreeSet<String> = h.sandbox.inspect(|s| {
        s.reservations
            .values()
            .filter(|r| r.guest_name.as_deref().is_some_and(|g| g.contains("Müller")))
            .map(|r| r.guest_email.clone().unwrap().to_lowercase())
            .collect()
    });
    assert!(want.len() > 20, "the seed has more Müllers than one page ({})", want.len());
    assert_eq!(emails, want);
    let past_end = h.call("search_reservations", json!({"by_guest": true, "guest": "Müller", "cursor": "o500"})).await;
    assert_eq!(past_end.is_error, Some(true), "a cursor past the end is an error: {past_end:?}");
}

/// Issue 25, repro 6: a name and an email together find the guests matching both, not the email
/// alone.
#[tokio::test]
async fn by_guest_with_name_and_email_matches_both() {
    let h = mcp::start().await;
    let today = today(&h);
    let listing = h.sandbox.inspect(|s| *s.listings.keys().nth(1).unwrap());
    let email = "grace.hopper@example.org";
    create(&h, booking(listing, today + Duration::days(12), 2, "new", ("Grace", "Hopper"), email)).await;
    let both = h.ok("search_reservations", json!({"by_guest": true, "guest": "hopper", "email": email})).await;
    assert_eq!(both["total"], 1);
    let neither = h.ok("search_reservations", json!({"by_guest": true, "guest": "Müller", "email": email})).await;
    assert_eq!(neither["total"], 0, "Grace Hopper's email with the name Müller: {neither}");
}
