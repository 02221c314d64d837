//! Every fault the sandbox can inject, against a representative read tool and a representative
//! write tool, through the real MCP server: each call ends in a success or a clear tool error
//! within its deadline, a write is never carried out twice, and the server serves normally after.

use crate::support::mcp;

use std::time::{Duration, Instant};

use hostaway_mcp::sandbox::FaultPlan;
use serde_json::json;

/// The harness gateway's deadline is 5 s; a tool call may add its own small overhead.
const CALL_LIMIT: Duration = Duration::from_secs(8);

fn faults() -> Vec<(&'static str, FaultPlan)> {
    vec![
        ("latency spike", FaultPlan { latency_ms: 400, ..FaultPlan::default() }),
        ("30% server errors", FaultPlan { server_error_rate: 0.3, ..FaultPlan::default() }),
        (
            "429 storm with Retry-After",
            FaultPlan { rate_limit_next: 2, retry_after_secs: Some(1), ..FaultPlan::default() },
        ),
        ("429 storm without Retry-After", FaultPlan { rate_limit_next: 3, ..FaultPlan::default() }),
        ("endless 429 storm", FaultPlan { rate_limit_storm: true, retry_after_secs: Some(30), ..FaultPlan::default() }),
        ("dropped connections", FaultPlan { drop_rate: 0.3, ..FaultPlan::default() }),
        ("dropped after the write", FaultPlan { drop_next: 1, drop_after_handling: true, ..FaultPlan::default() }),
        ("malformed bodies", FaultPlan { malformed_rate: 0.3, ..FaultPlan::default() }),
    ]
}

#[tokio::test]
async fn every_fault_ends_in_an_answer_or_a_clear_error_in_time_and_never_duplicates_a_write() {
    for (name, plan) in faults() {
        for revoke in [false, true] {
            check(name, plan.clone(), revoke).await;
        }
    }
}

async fn check(name: &str, plan: FaultPlan, revoke_token: bool) {
    let h = mcp::start().await;
    let (listing, conversation) =
        h.sandbox.inspect(|s| (*s.listings.keys().next().unwrap(), *s.conversations.keys().next().unwrap()));
    let start = mcp::clock().today_utc() + chrono::Duration::days(20);
    let read_args = json!({"listing_id": listing, "start_date": start.to_string(), "end_date": (start + chrono::Duration::days(30)).to_string()});
    h.ok("get_calendar", read_args.clone()).await; // warm up: token minted, nothing faulted yet
    h.sandbox.reset_stats();
    h.sandbox.set_faults(plan);
    if revoke_token {
        h.sandbox.revoke_tokens();
    }
    let label = format!("{name}{}", if revoke_token { " + revoked token" } else { "" });

    let started = Instant::now();
    let read = tokio::time::timeout(CALL_LIMIT, h.call("get_calendar", json!({"listing_id": listing, "start_date": start.to_string(), "end_date": (start + chrono::Duration::days(31)).to_string()})))
        .await
        .unwrap_or_else(|_| panic!("{label}: the read hung"));
    assert!(started.elapsed() < CALL_LIMIT, "{label}: the read took {:?}", started.elapsed());
    if read.is_error == Some(true) {
        let message = mcp::text(&read);
        assert!(message.len() > 20 && !message.contains("panick"), "{label}: unclear error {message:?}");
    } else {
        assert!(read.structured_content.is_some(), "{label}: a successful read has content");
    }

    let text = format!("Fault check: {label}");
    let write = tokio::time::timeout(
        CALL_LIMIT,
        h.call("send_guest_message", json!({"conversation_id": conversation, "message": text, "confirm": true})),
    )
    .await
    .unwrap_or_else(|_| panic!("{label}: the write hung"));
    let sent = h.sandbox.inspect(|s| s.messages.values().filter(|m| m.body.as_deref() == Some(text.as_str())).count());
    assert!(sent <= 1, "{label}: the message was sent {sent} times");
    if write.is_error == Some(true) {
        let message = mcp::text(&write);
        assert!(message.len() > 20, "{label}: unclear error {message:?}");
    } else {
        assert_eq!(write.structured_content.as_ref().unwrap()["status"], "done", "{label}");
        assert_eq!(sent, 1, "{label}: reported sent but not in the sandbox");
    }

    h.sandbox.set_faults(FaultPlan::default());
    h.ok("get_calendar", read_args).await;
    h.ok("search_listings", json!({"limit": 3})).await;
}
