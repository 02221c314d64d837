//! Bounded answers on a large portfolio: every tool's largest answer stays under
//! `MAX_ANSWER_CHARS`, and portfolio_calendar pages through every listing exactly once.

use crate::support::{api, mcp};

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate};
use hostaway_mcp::{sandbox::SandboxConfig, server::ServerOptions, tools::MAX_ANSWER_CHARS};
use serde_json::{Value, json};

/// Listings in the generated portfolio: twelve times the seeded account.
const LISTINGS: usize = 300;

async fn large_portfolio() -> mcp::Harness {
    // These tests are about how large answers grow, not how fast: on a loaded machine, reading
    // 300 listings' calendars can take longer than the suite's usual 5 s upstream deadline.
    let config = SandboxConfig { listings: LISTINGS, ..mcp::sandbox_config() };
    mcp::start_tuned(mcp::clock(), config, ServerOptions::default(), |gateway| {
        gateway.deadline = std::time::Duration::from_secs(60);
    })
    .await
}

/// Each tool with the arguments that make its answer largest: the highest limit, full detail, the
/// widest range it takes, every listing.
fn largest_calls(h: &mcp::Harness, statement: i64, task: i64, begun: i64) -> Vec<(&'static str, Value)> {
    let today = h.sandbox.inspect(|s| s.today);
    let day = |n: i64| (today + Duration::days(n)).to_string();
    let (listing, reservation, conversation) = h.sandbox.inspect(|s| {
        let listing =
            s.listings.values().find(|l| s.is_free(l, today + Duration::days(150), today + Duration::days(180), None));
        let reservation = s.reservations.values().find(|r| r.status.as_str() == "new" && r.arrival_date > today);
        (listing.unwrap().id, reservation.unwrap().id, *s.conversations.keys().next().unwrap())
    });
    let text = "Clean, quiet and close to everything. ".repeat(100);
    // Writes start tomorrow in UTC: east of UTC a listing's today may already be the sandbox's tomorrow.
    let (first, last) = (day(1), day(366));
    vec![
        ("search_listings", json!({"limit": 100, "detail": "full"})),
        ("get_listing", json!({"listing_id": listing, "detail": "full"})),
        ("update_listing", json!({"listing_id": listing, "description": text, "house_rules": text, "min_nights": 2})),
        (
            "find_available_listings",
            json!({"check_in": day(150), "check_out": day(180), "guests": 1, "limit": 20, "detail": "full"}),
        ),
        ("get_calendar", json!({"listing_id": listing, "start_date": day(0), "end_date": day(365), "detail": "full"})),
        ("portfolio_calendar", json!({"start_date": day(0), "end_date": day(61)})),
        ("quote_stay", json!({"listing_id": listing, "check_in": day(150), "check_out": day(180), "guests": 1})),
        ("block_dates", json!({"listing_id": listing, "start_date": first, "end_date": last, "note": "n".repeat(500)})),
        ("block_dates", json!({"listing_id": listing, "start_date": first, "end_date": last, "unblock": true})),
        (
            "set_rates",
            json!({"listing_id": listing, "start_date": first, "end_date": last, "price": 999, "min_stay": 2}),
        ),
        ("search_reservations", json!({"limit": 100, "detail": "full"})),
        ("get_reservation", json!({"reservation_id": reservation, "detail": "full"})),
        ("search_reservations", json!({"by_guest": true, "guest": "a"})),
        ("arrivals_and_departures", json!({"date": day(-7), "days": 14})),
        (
            "create_reservation",
            json!({"listing_id": listing, "check_in": day(150), "check_out": day(180), "guests": 1,
                   "guest_name": "Ada Lovelace", "guest_email": "ada@example.com", "note": text}),
        ),
        ("update_reservation", json!({"reservation_id": reservation, "host_note": text})),
        ("cancel_reservation", json!({"reservation_id": reservation})),
        ("cancel_reservation", json!({"reservation_id": begun, "no_show": true})),
        ("unread_conversations", json!({"limit": 50})),
        ("get_conversation", json!({"conversation_id": conversation, "limit": 100})),
        ("list_message_templates", json!({})),
        ("send_guest_message", json!({"conversation_id": conversation, "message": "x".repeat(5000)})),
        ("revenue_report", json!({"start_date": day(-365), "end_date": day(0), "group_by": "listing"})),
        ("get_reservation", json!({"reservation_id": reservation, "payments": true})),
        ("expenses_report", json!({"start_date": day(-365), "end_date": day(0), "group_by": "item"})),
        ("record_expense", json!({"concept": "Accountant", "amount": 300})),
        ("record_payment", json!({"reservation_id": reservation, "amount": 50})),
        ("list_reviews", json!({"start_date": day(-365), "end_date": day(0), "limit": 50})),
        ("get_owner_statement", json!({})),
        ("get_owner_statement", json!({"statement_id": statement})),
        ("list_tasks", json!({"start_date": day(-31), "end_date": day(30), "limit": 100})),
        ("list_staff", json!({"include_disabled": true})),
        (
            "create_task",
            // Across 300 listings the stays of any range are more than it reads at once, so one listing's.
            json!({"category": "cleaning", "listing_id": listing, "after_departures": {"start_date": first, "end_date": day(31)}}),
        ),
        ("update_task", json!({"task_id": task, "status": "confirmed", "description": text})),
    ]
}

#[tokio::test]
async fn every_tools_largest_answer_on_a_large_portfolio_stays_under_the_bound() {
    let h = large_portfolio().await;
    assert_eq!(h.sandbox.inspect(|s| s.listings.len()), LISTINGS);
    let statement = h.ok("get_owner_statement", json!({})).await["statements"][0]["statement_id"].as_i64().unwrap();
    let task = h.ok("list_tasks", json!({"category": "maintenance"})).await["tasks"][0]["task_id"].as_i64().unwrap();
    let yesterday = (h.sandbox.inspect(|s| s.today) - Duration::days(1)).to_string();
    let begun =
        json!({"channel": "booking.com", "arrival_end_date": yesterday, "status": ["new", "modified"], "limit": 1});
    let begun = h.ok("search_reservations", begun).await["reservations"][0]["reservation_id"].as_i64().unwrap();

    let calls = largest_calls(&h, statement, task, begun);
    let listed: BTreeSet<String> =
        h.client.list_all_tools().await.unwrap().iter().map(|t| t.name.to_string()).collect();
    let called: BTreeSet<String> = calls.iter().map(|(tool, _)| tool.to_string()).collect();
    assert_eq!(listed, called, "every tool is measured here");
    let (mut sizes, mut answers, mut failed) = (BTreeMap::new(), BTreeMap::new(), Vec::new());
    for (tool, arguments) in calls {
        let result = h.call(tool, arguments).await;
        let text = mcp::text(&result);
        if result.is_error == Some(true) {
            failed.push(format!("{tool}: {text}"));
        }
        sizes.insert(tool, text.chars().count());
        answers.insert(tool, result.structured_content.unwrap_or_default());
    }
    eprintln!("largest answers on {LISTINGS} listings, in characters: {sizes:?}");
    assert!(failed.is_empty(), "{failed:#?}");
    let over: Vec<_> = sizes.iter().filter(|(_, size)| **size >= MAX_ANSWER_CHARS).collect();
    assert!(over.is_empty(), "over the {MAX_ANSWER_CHARS}-character bound: {over:?}");

    // What stopped early says so: a listing page shorter than its limit goes on with a cursor,
    // and revenue by listing adds up the rows left out in its last row, so the rows still make the totals.
    let page = &answers["search_listings"];
    if page["listings"].as_array().unwrap().len() < 100 {
        assert!(page["note"].as_str().unwrap().contains("characters") && page["next_cursor"].is_string(), "{page}");
    }
    let report = &answers["revenue_report"];
    let rows = report["groups"].as_array().unwrap();
    if rows.len() < LISTINGS {
        let last = rows.last().unwrap();
        assert!(last["group"].as_str().unwrap().contains("characters") && last.get("listing_id").is_none(), "{last}");
    }
    for field in ["bookings", "nights_sold"] {
        let sum: i64 = rows.iter().map(|r| r[field].as_i64().unwrap()).sum();
        assert_eq!(json!(sum), report["totals"][field], "revenue rows add up to the total {field}");
    }
    let cents: i64 = rows.iter().map(|r| (r["room_revenue"]["amount"].as_f64().unwrap() * 100.0).round() as i64).sum();
    assert_eq!(cents, (report["totals"]["room_revenue"]["amount"].as_f64().unwrap() * 100.0).round() as i64);
}

#[tokio::test]
async fn portfolio_calendar_pages_through_every_listing_once_with_the_nights_the_sandbox_holds() {
    let h = large_portfolio().await;
    let today = h.sandbox.inspect(|s| s.today);
    let (start, end) = (today, today + Duration::days(61));
    let range = json!({"start_date": start.to_string(), "end_date": end.to_string()});
    let (mut seen, mut pages, mut cursor) = (Vec::new(), Vec::new(), None::<String>);
    loop {
        let mut args = range.clone();
        if let Some(cursor) = &cursor {
            args["cursor"] = json!(cursor);
        }
        let result = h.call("portfolio_calendar", args.clone()).await;
        let size = mcp::text(&result).chars().count();
        assert!(size < MAX_ANSWER_CHARS, "a page of {size} characters");
        let page = h.ok("portfolio_calendar", args).await;
        let rows = page["listings"].as_array().unwrap().clone();
        if page["complete"] == false {
            let why = page["incomplete_reason"].as_str().unwrap();
            assert!(why.contains(&format!("under {MAX_ANSWER_CHARS} characters")), "{why}");
            assert!(page["next_cursor"].is_string(), "a page that stopped early says where to go on: {page}");
        }
        pages.push((rows.len(), size, page["complete"] == false));
        seen.extend(rows);
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    eprintln!("pages (listings, characters, stopped at the bound): {pages:?}");
    assert!(pages.iter().any(|(_, _, stopped)| *stopped), "62 days of 300 listings pass the bound somewhere");

    // Every listing once, in id order, with each night in the state the raw API gives it.
    let ids: Vec<i64> = seen.iter().map(|row| row["listing_id"].as_i64().unwrap()).collect();
    let listings: Vec<i64> = h.sandbox.inspect(|s| s.listings.keys().copied().collect());
    assert_eq!(ids, listings, "every listing exactly once, by id");
    let client = api::with_token(&h.sandbox, &api::mint(&h.sandbox).await);
    for row in &seen {
        let id = row["listing_id"].as_i64().unwrap();
        let days = client.get_calendar().listing_id(id).start_date(start).end_date(end).send().await.unwrap();
        let held: Vec<(NaiveDate, &str)> = days
            .result
            .iter()
            .map(|d| {
                let state = match d.status.as_deref() {
                    Some("available") => "free",
                    Some("reserved" | "pending") => "booked",
                    Some("blocked") => "blocked",
                    other => panic!("listing {id} {}: status {other:?}", d.date),
                };
                (d.date, state)
            })
            .collect();
        let mut answered = Vec::new();
        for run in row["runs"].as_array().unwrap() {
            let day = |field: &str| NaiveDate::parse_from_str(run[field].as_str().unwrap(), "%Y-%m-%d").unwrap();
            let state = match run["state"].as_str().unwrap() {
                "gap" => "free",
                other => other,
            };
            answered.extend(day("from").iter_days().take_while(|d| *d <= day("to")).map(|d| (d, state)));
        }
        assert_eq!(answered, held, "listing {id}: its nights");
        let count = |state: &str| held.iter().filter(|(_, s)| *s == state).count();
        assert_eq!(row["free"], json!(count("free")), "listing {id}");
        assert_eq!(row["booked"], json!(count("booked")), "listing {id}");
        assert_eq!(row["blocked"], json!(count("blocked")), "listing {id}");
    }
}
