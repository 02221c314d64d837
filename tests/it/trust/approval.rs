//! A confirm applies the preview a person saw, and nothing else: no token, another call's token,
//! an expired one, or Hostaway changed since: refused with a fresh preview, nothing sent. A
//! repeated confirm of a write already made still answers unchanged / already_done.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use hostaway_mcp::{hostaway::id, server::ServerOptions};
use serde_json::{Value, json};

use crate::support::mcp::{self, Harness};

/// A block of four free days, as block_dates arguments without confirm.
fn four_free_days(h: &Harness) -> Value {
    let (listing, check_in, _) = h.sandbox.inspect(mcp::free_stay);
    let end = check_in + chrono::Days::new(3);
    json!({"listing_id": listing, "start_date": check_in.to_string(), "end_date": end.to_string()})
}

fn with(arguments: &Value, extra: Value) -> Value {
    let mut arguments = arguments.clone();
    for (key, value) in extra.as_object().unwrap() {
        arguments[key] = value.clone();
    }
    arguments
}

/// The token a preview of `arguments` answers with.
async fn token_of(h: &Harness, tool: &str, arguments: &Value) -> String {
    let preview = h.ok(tool, arguments.clone()).await;
    assert_eq!(preview["status"], "preview");
    preview["preview_token"].as_str().expect("a preview carries its token").to_string()
}

/// A refused confirm: its reason, and the fresh preview it carries (with a token of its own).
async fn refused(h: &Harness, tool: &str, arguments: Value) -> (String, Value) {
    let answer = h.call_as_sent(tool, arguments).await;
    assert_eq!(answer.is_error, Some(true), "refused: {answer:?}");
    let preview = answer.structured_content.clone().expect("a refusal carries the fresh preview");
    assert_eq!(preview["status"], "preview");
    assert!(preview["preview_token"].is_string(), "the fresh preview has its own token: {preview}");
    (mcp::text(&answer), preview)
}

fn blocks_applied(h: &Harness) -> u64 {
    h.sandbox.stats().applied(id::UPDATE_CALENDAR)
}

#[tokio::test]
async fn a_confirm_without_a_token_or_with_another_calls_token_is_refused_with_a_fresh_preview() {
    let h = mcp::start().await;
    let block = four_free_days(&h);
    let confirm = with(&block, json!({"confirm": true}));

    let (why, preview) = refused(&h, "block_dates", confirm.clone()).await;
    assert!(why.contains("Not applied") && why.contains("preview_token"), "{why}");
    assert_eq!(preview["will_change"]["count"], 4);

    let other_days = with(&block, json!({"end_date": block["start_date"]}));
    let others = token_of(&h, "block_dates", &other_days).await;
    let (why, _) = refused(&h, "block_dates", with(&confirm, json!({"preview_token": others}))).await;
    assert!(why.contains("not from a preview of this tool with these arguments"), "{why}");
    let another_tool = token_of(&h, "set_rates", &with(&block, json!({"price": 150}))).await;
    let (why, _) = refused(&h, "block_dates", with(&confirm, json!({"preview_token": another_tool}))).await;
    assert!(why.contains("not from a preview of this tool"), "{why}");
    let (why, _) = refused(&h, "block_dates", with(&confirm, json!({"preview_token": "rs1.made.up"}))).await;
    assert!(why.contains("not from a preview"), "{why}");
    assert_eq!(blocks_applied(&h), 0, "nothing refused reached Hostaway");

    // The refusal's own preview is the one to confirm.
    let done = h.ok("block_dates", with(&confirm, json!({"preview_token": preview["preview_token"]}))).await;
    assert_eq!(done["status"], "done");
    assert_eq!(done["now"]["count"], 4);
    assert_eq!(blocks_applied(&h), 1);
}

/// When a token stops being valid: its expiry, written (signed) in its body.
fn expiry_of(token: &str) -> SystemTime {
    let body = token.split('.').nth(1).expect("rs1.<body>.<tag>");
    let body = URL_SAFE_NO_PAD.decode(body).unwrap();
    let ms = i64::from_be_bytes(body[..8].try_into().unwrap());
    UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap())
}

#[tokio::test]
async fn a_confirm_after_its_preview_expired_is_refused() {
    let options = ServerOptions { preview_lifetime: Duration::from_millis(200), ..ServerOptions::default() };
    let h = mcp::start_with(mcp::sandbox_config(), options).await;
    let block = four_free_days(&h);
    let token = token_of(&h, "block_dates", &block).await;
    let expiry = expiry_of(&token);
    let until = Instant::now() + Duration::from_secs(10);
    while SystemTime::now() <= expiry + Duration::from_millis(1) {
        assert!(Instant::now() < until, "the token's expiry never came");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (why, preview) =
        refused(&h, "block_dates", with(&block, json!({"confirm": true, "preview_token": token}))).await;
    assert!(why.contains("expired"), "{why}");
    assert_eq!(preview["will_change"]["count"], 4);
    assert_eq!(blocks_applied(&h), 0);
}

#[tokio::test]
async fn a_confirm_after_hostaway_changed_is_refused_with_what_it_holds_now() {
    let h = mcp::start().await;
    let block = four_free_days(&h);
    let token = token_of(&h, "block_dates", &block).await;

    // Someone blocks the first of those days meanwhile.
    let first_day = with(&block, json!({"end_date": block["start_date"], "confirm": true}));
    assert_eq!(h.ok("block_dates", first_day).await["status"], "done");
    assert_eq!(blocks_applied(&h), 1);

    let confirm = with(&block, json!({"confirm": true, "preview_token": token}));
    let (why, fresh) = refused(&h, "block_dates", confirm).await;
    assert!(why.contains("Hostaway changed since the preview"), "{why}");
    assert_eq!((fresh["will_change"]["count"].as_u64(), fresh["already"]["count"].as_u64()), (Some(3), Some(1)));
    assert_eq!(blocks_applied(&h), 1, "the outdated confirm sent nothing");

    let done =
        h.ok("block_dates", with(&block, json!({"confirm": true, "preview_token": fresh["preview_token"]}))).await;
    assert_eq!(done["status"], "done");
    assert_eq!(blocks_applied(&h), 2);
}

#[tokio::test]
async fn a_repeated_confirm_with_the_same_token_answers_what_the_first_did_and_sends_nothing() {
    let h = mcp::start().await;
    let block = four_free_days(&h);
    let confirm = with(&block, json!({"confirm": true, "preview_token": token_of(&h, "block_dates", &block).await}));
    assert_eq!(h.ok("block_dates", confirm.clone()).await["status"], "done");
    assert_eq!(h.ok("block_dates", confirm).await["status"], "unchanged");
    assert_eq!(blocks_applied(&h), 1);

    let conversation = h
        .sandbox
        .inspect(|s| s.conversations.values().find(|c| c.type_.as_deref() == Some("host-guest-email")).unwrap().id);
    let message = json!({"conversation_id": conversation, "message": "The pool is heated from today."});
    let send =
        with(&message, json!({"confirm": true, "preview_token": token_of(&h, "send_guest_message", &message).await}));
    assert_eq!(h.ok("send_guest_message", send.clone()).await["status"], "done");
    assert_eq!(h.ok("send_guest_message", send).await["status"], "already_done");
    assert_eq!(h.sandbox.stats().applied(id::SEND_CONVERSATION_MESSAGE), 1);
}

#[tokio::test]
async fn every_write_previewed_then_confirmed_with_its_token_applies() {
    // A preview must show the same effect when the confirm looks again, or no confirm could apply:
    // nothing in a preview may drift between two looks at an unchanged Hostaway.
    let h = mcp::start().await;
    let (listing, check_in, check_out) = h.sandbox.inspect(mcp::free_stay);
    let day = |n: u64| (check_in + chrono::Days::new(n)).to_string();
    let conversation = h
        .sandbox
        .inspect(|s| s.conversations.values().find(|c| c.type_.as_deref() == Some("host-guest-email")).unwrap().id);
    let min_nights = h.sandbox.inspect(|s| s.listings[&listing].min_nights.unwrap_or(1));
    let writes = [
        ("set_rates", json!({"listing_id": listing, "start_date": day(0), "end_date": day(1), "price": 321})),
        ("update_listing", json!({"listing_id": listing, "min_nights": min_nights + 1})),
        (
            "create_reservation",
            json!({"listing_id": listing, "check_in": check_in.to_string(), "check_out": check_out.to_string(),
                   "guests": 2, "guest_name": "Ines Duarte", "guest_email": "ines@example.com"}),
        ),
        ("send_guest_message", json!({"conversation_id": conversation, "message": "Towels are in the hall."})),
        (
            "create_task",
            json!({"listing_id": listing, "category": "cleaning", "title": "Deep clean", "start": format!("{} 10:00", day(0))}),
        ),
    ];
    for (tool, arguments) in writes {
        let token = token_of(&h, tool, &arguments).await;
        let done = h.call_as_sent(tool, with(&arguments, json!({"confirm": true, "preview_token": token}))).await;
        assert_ne!(done.is_error, Some(true), "{tool}: {}", mcp::text(&done));
        assert_eq!(done.structured_content.unwrap()["status"], "done", "{tool}");
    }
    let booked = h.sandbox.inspect(|s| {
        s.reservations.values().find(|r| r.guest_email.as_deref() == Some("ines@example.com")).map(|r| r.id)
    });
    let booked = booked.expect("the booking was made");
    for (tool, arguments) in [
        ("update_reservation", json!({"reservation_id": booked, "host_note": "Late check-in"})),
        ("cancel_reservation", json!({"reservation_id": booked, "cancelled_by": "guest"})),
    ] {
        let token = token_of(&h, tool, &arguments).await;
        let done = h.call_as_sent(tool, with(&arguments, json!({"confirm": true, "preview_token": token}))).await;
        assert_ne!(done.is_error, Some(true), "{tool}: {}", mcp::text(&done));
        assert_eq!(done.structured_content.unwrap()["status"], "done", "{tool}");
    }
}

/// What the Python SDK's client saw and answered when it called `tool` with confirm: true in
/// `mode`, its person answering `answer` (accept or decline).
async fn asked_through_python(
    python: &std::path::Path,
    url: &str,
    mode: &str,
    answer: &str,
    tool: &str,
    arguments: &Value,
) -> Value {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oauth/approve.py");
    let run =
        tokio::process::Command::new(python).args([script, url, mode, answer, tool, &arguments.to_string()]).output();
    let out = tokio::time::timeout(Duration::from_secs(60), run).await.expect("the client finishes").unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_str(stdout.lines().last().unwrap_or_default()).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

#[tokio::test]
async fn a_client_that_can_ask_its_user_applies_on_approval_and_nothing_on_decline() {
    let Some(python) = crate::support::oauth::python_sdk() else { return };
    let h = mcp::start().await;
    let (listing, check_in, _) = h.sandbox.inspect(mcp::free_stay);
    for (k, (mode, protocol)) in [("legacy", "2025-11-25"), ("2026-07-28", "2026-07-28")].into_iter().enumerate() {
        let start = check_in + chrono::Days::new(4 * k as u64);
        let block = json!({"listing_id": listing, "start_date": start.to_string(),
                           "end_date": (start + chrono::Days::new(1)).to_string()});
        let before = blocks_applied(&h);

        let declined = asked_through_python(&python, &h.url, mode, "decline", "block_dates", &block).await;
        assert_eq!(declined["protocol"], protocol);
        let asked = declined["asked"].as_array().unwrap();
        assert_eq!(asked.len(), 1, "{mode}: the person is asked once: {declined}");
        assert!(asked[0].as_str().unwrap().contains("Would block 2 day(s)"), "{mode}: they see the preview: {asked:?}");
        assert_eq!(declined["is_error"], true, "{declined}");
        assert!(declined["text"].to_string().contains("declined"), "{declined}");
        assert_eq!(blocks_applied(&h), before, "{mode}: a decline applies nothing");

        let approved = asked_through_python(&python, &h.url, mode, "accept", "block_dates", &block).await;
        assert_eq!(approved["asked"].as_array().unwrap().len(), 1, "{approved}");
        assert_eq!(approved["is_error"], false, "{approved}");
        assert_eq!(approved["structured"]["status"], "done", "{mode}: {approved}");
        assert_eq!(blocks_applied(&h), before + 1, "{mode}: an approval applies it once");
        let blocked = h.sandbox.inspect(|s| {
            let days = s.calendar(&s.listings[&listing], start, start + chrono::Days::new(1), false);
            days.iter().filter(|d| d.status.as_deref() == Some("blocked")).count()
        });
        assert_eq!(blocked, 2, "{mode}: both days are blocked in Hostaway");
    }
}
