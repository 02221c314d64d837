//! One deadline for a whole tool call: a tool that pages stops there and answers what it found,
//! marked incomplete; any other tool fails clearly by then. Latency is set on the sandbox after the
//! session began, so only the tool calls are slowed.

use crate::support::mcp;
use hostaway_mcp::hostaway::id;

use std::time::{Duration, Instant};

use hostaway_mcp::{sandbox::FaultPlan, server::ServerOptions};
use serde_json::json;

const DEADLINE: Duration = Duration::from_millis(1500);
const LATENCY_MS: u64 = 400;

async fn slow_harness() -> mcp::Harness {
    let h =
        mcp::start_with(mcp::sandbox_config(), ServerOptions { tool_deadline: DEADLINE, ..Default::default() }).await;
    h.sandbox.set_faults(FaultPlan { latency_ms: LATENCY_MS, ..FaultPlan::default() });
    h
}

#[tokio::test]
async fn a_status_scan_stops_at_the_tool_deadline_and_answers_what_it_found() {
    let h = slow_harness().await;
    let started = Instant::now();
    let answer = h.ok("search_reservations", json!({"status": ["inquiry"], "limit": 50})).await;
    let elapsed = started.elapsed();
    eprintln!("search_reservations status scan at {LATENCY_MS} ms a page, deadline {DEADLINE:?}: {elapsed:?}");
    assert!(elapsed < DEADLINE + Duration::from_millis(700), "it stopped at the deadline: {elapsed:?}");
    assert_eq!(answer["complete"], false, "{answer}");
    assert!(answer["incomplete_reason"].as_str().unwrap().contains("deadline"), "{answer}");
    assert!(answer["next_cursor"].is_string(), "the scan can go on from where it stopped");
    let pages = h.sandbox.stats().received(id::LIST_RESERVATIONS);
    assert!((1..5).contains(&pages), "it read some pages, not all five: {pages}");
    for row in answer["reservations"].as_array().unwrap() {
        assert_eq!(row["status"], "inquiry");
    }

    h.sandbox.set_faults(FaultPlan::default());
    let whole = h.ok("search_reservations", json!({"status": ["inquiry"], "limit": 50})).await;
    assert_eq!(whole["complete"], true, "without the latency the same scan completes");
    assert!(whole.get("incomplete_reason").is_none());
}

#[tokio::test]
async fn a_single_read_slower_than_the_deadline_fails_clearly_by_then() {
    let h = slow_harness().await;
    h.sandbox.set_faults(FaultPlan { latency_ms: 3000, ..FaultPlan::default() });
    let id = h.sandbox.inspect(|s| *s.listings.keys().next().unwrap());
    let started = Instant::now();
    let message = h.err("get_listing", json!({"listing_id": id})).await;
    let elapsed = started.elapsed();
    assert!(elapsed < DEADLINE + Duration::from_millis(700), "failed at the deadline: {elapsed:?}");
    assert!(message.contains("did not answer within") || message.contains("deadline"), "{message}");
}

#[tokio::test]
async fn a_portfolio_calendar_past_the_deadline_answers_the_listings_it_read_and_says_so() {
    let h = slow_harness().await;
    h.sandbox.set_faults(FaultPlan::default());
    let today = h.sandbox.inspect(|s| s.today);
    let range = |extra: serde_json::Value| {
        let mut args =
            json!({"start_date": today.to_string(), "end_date": (today + chrono::Duration::days(30)).to_string()});
        args.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        args
    };
    // One city's calendars are read (and cached) at full speed; then every calendar read takes
    // longer than the whole deadline, so of the full portfolio only that city can be answered.
    let city = h.sandbox.inspect(|s| s.listings.values().find_map(|l| l.city.clone()).unwrap());
    let cached = h.ok("portfolio_calendar", range(json!({"city": city}))).await["listings"].as_array().unwrap().len();
    h.sandbox.set_faults(FaultPlan { latency_ms: 3000, only: vec![id::GET_CALENDAR.into()], ..FaultPlan::default() });
    let started = Instant::now();
    let answer = h.ok("portfolio_calendar", range(json!({}))).await;
    let elapsed = started.elapsed();
    assert!(elapsed < DEADLINE + Duration::from_millis(700), "it stopped at the deadline: {elapsed:?}");
    let total = h.sandbox.inspect(|s| s.listings.len());
    let read = answer["listings"].as_array().unwrap().len();
    assert_eq!(answer["complete"], false, "{answer}");
    assert_eq!(read, cached, "the cached city's listings, none of the slow ones");
    assert!(read > 0 && read < total);
    assert!(answer["incomplete_reason"].as_str().unwrap().contains(&format!("{read} of {total}")), "{answer}");
}
