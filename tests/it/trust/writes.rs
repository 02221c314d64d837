//! Writes checked against Hostaway, not a memory: each test replays what a property manager's
//! assistant found when it drove the write tools against a sandbox and counted what was applied.

use crate::support::api;
use crate::support::mcp;
use hostaway_mcp::domain::Channel;
use hostaway_mcp::hostaway::id;

use chrono::{Duration, NaiveDate};
use hostaway_mcp::{
    hostaway::types,
    sandbox::{FaultPlan, store::Store},
};
use rmcp::{ServiceExt, model::CallToolRequestParams};
use serde_json::{Value, json};

/// An upcoming booking on `channel` that occupies the calendar.
fn upcoming_on(store: &Store, channel: i64) -> types::Reservation {
    store
        .reservations
        .values()
        .filter(|r| r.arrival_date > store.today + Duration::days(3) && r.channel_id == Some(channel))
        .find(|r| matches!(r.status.as_str(), "new" | "modified"))
        .cloned()
        .expect("an upcoming booking on the channel")
}

fn booking(listing: i64, check_in: NaiveDate, check_out: NaiveDate, confirm: bool) -> Value {
    json!({"listing_id": listing, "check_in": check_in.to_string(), "check_out": check_out.to_string(),
           "guests": 2, "guest_name": "Lena Müller", "guest_email": "lena@example.com", "confirm": confirm})
}

fn email_conversation(store: &Store) -> i64 {
    store.conversations.values().find(|c| c.type_.as_deref() == Some("host-guest-email")).unwrap().id
}

fn channel_conversation(store: &Store) -> i64 {
    store.conversations.values().find(|c| c.type_.as_deref() == Some("host-guest-channel")).unwrap().id
}

fn sent_with(store: &Store, conversation: i64, text: &str) -> Vec<types::ConversationMessage> {
    store
        .messages
        .values()
        .filter(|m| m.conversation_id == Some(conversation) && m.body.as_deref() == Some(text))
        .cloned()
        .collect()
}

#[tokio::test]
async fn rebooking_after_a_cancel_books_again() {
    let h = mcp::start().await;
    let (listing, check_in, check_out) = h.sandbox.inspect(mcp::free_stay);
    let first = h.ok("create_reservation", booking(listing, check_in, check_out, true)).await;
    assert_eq!(first["status"], "done");
    let id = first["reservation_id"].as_i64().unwrap();
    let cancelled = h.ok("cancel_reservation", json!({"reservation_id": id, "confirm": true})).await;
    assert_eq!(cancelled["status"], "done");

    let again = h.ok("create_reservation", booking(listing, check_in, check_out, true)).await;
    assert_eq!(again["status"], "done", "a cancelled booking never stands in for a new one");
    let new_id = again["reservation_id"].as_i64().unwrap();
    assert_ne!(new_id, id);
    assert_eq!(h.sandbox.stats().applied(id::CREATE_RESERVATION), 2);
    assert_eq!(h.sandbox.inspect(|s| s.reservations[&new_id].status.to_string()), "new");
    assert!(
        !h.sandbox.inspect(|s| s.is_free(&s.listings[&listing], check_in, check_out, None)),
        "the nights are taken"
    );
}

#[tokio::test]
async fn a_change_made_outside_is_seen_before_an_update_is_called_a_repeat() {
    let h = mcp::start().await;
    let target = h.sandbox.inspect(|s| {
        s.reservations
            .values()
            .filter(|r| r.arrival_date > s.today + Duration::days(3) && matches!(r.status.as_str(), "new" | "modified"))
            .find(|r| s.listings[&r.listing_map_id].person_capacity.unwrap_or(0) >= 4 && r.number_of_guests != Some(4))
            .cloned()
            .unwrap()
    });
    let id = target.id;
    let four = json!({"reservation_id": id, "guests": 4, "confirm": true});
    assert_eq!(h.ok("update_reservation", four.clone()).await["status"], "done");
    assert_eq!(h.sandbox.inspect(|s| s.reservations[&id].number_of_guests), Some(4));

    // Someone changes the party to 3 straight through the API, as a channel sync or a colleague would.
    let token = api::mint(&h.sandbox).await;
    api::with_token(&h.sandbox, &token)
        .update_reservation()
        .reservation_id(id)
        .body(types::ReservationInput { number_of_guests: std::num::NonZeroU32::new(3), ..Default::default() })
        .send()
        .await
        .unwrap();
    assert_eq!(h.sandbox.inspect(|s| s.reservations[&id].number_of_guests), Some(3));

    let again = h.ok("update_reservation", four.clone()).await;
    assert_eq!(again["status"], "done", "Hostaway holds 3, so asking for 4 is a real change");
    assert_eq!(h.sandbox.inspect(|s| s.reservations[&id].number_of_guests), Some(4));
    assert_eq!(h.ok("update_reservation", four).await["status"], "unchanged", "now it already holds 4");
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_RESERVATION), 3, "two tool writes and the outside one");
}

#[tokio::test]
async fn a_lost_answer_then_the_same_message_sends_it_exactly_once() {
    let h = mcp::start().await;
    let id = h.sandbox.inspect(email_conversation);
    let text = "Your host will meet you at 16:00 at the door.";
    let confirm = json!({"conversation_id": id, "message": text, "confirm": true});
    h.sandbox.set_faults(FaultPlan {
        drop_next: 1,
        drop_after_handling: true,
        only: vec![id::SEND_CONVERSATION_MESSAGE.into()],
        ..FaultPlan::default()
    });
    let lost = h.err("send_guest_message", confirm.clone()).await;
    assert!(lost.contains("not known whether the message was sent"), "{lost}");
    assert!(lost.contains("send_guest_message again with the same arguments"), "{lost}");
    assert_eq!(h.sandbox.stats().applied(id::SEND_CONVERSATION_MESSAGE), 1, "Hostaway did apply it");

    let again = h.ok("send_guest_message", confirm).await;
    assert_eq!(again["status"], "already_done");
    let stored = h.sandbox.inspect(|s| sent_with(s, id, text));
    assert_eq!(stored.len(), 1, "the guest gets one copy");
    assert_eq!(again["message_id"], json!(stored[0].id));
    assert_eq!(h.sandbox.stats().applied(id::SEND_CONVERSATION_MESSAGE), 1);
}

#[tokio::test]
async fn a_lost_answer_then_the_same_booking_books_it_exactly_once() {
    let h = mcp::start().await;
    let (listing, check_in, check_out) = h.sandbox.inspect(mcp::free_stay);
    h.sandbox.set_faults(FaultPlan {
        drop_next: 1,
        drop_after_handling: true,
        only: vec![id::CREATE_RESERVATION.into()],
        ..FaultPlan::default()
    });
    let lost = h.err("create_reservation", booking(listing, check_in, check_out, true)).await;
    assert!(lost.contains("not known whether the booking was made"), "{lost}");
    assert!(!lost.contains("nothing was booked"), "it must not claim nothing was booked: {lost}");
    assert_eq!(h.sandbox.stats().applied(id::CREATE_RESERVATION), 1);

    let again = h.ok("create_reservation", booking(listing, check_in, check_out, true)).await;
    assert_eq!(again["status"], "already_done");
    let made = h.sandbox.inspect(|s| {
        s.reservations
            .values()
            .filter(|r| r.listing_map_id == listing && r.arrival_date == check_in && r.status.as_str() != "cancelled")
            .map(|r| r.id)
            .collect::<Vec<_>>()
    });
    assert_eq!(made.len(), 1, "exactly one booking exists");
    assert_eq!(again["reservation_id"], json!(made[0]));
    assert_eq!(h.sandbox.stats().applied(id::CREATE_RESERVATION), 1);
}

#[tokio::test]
async fn the_same_text_by_another_route_is_another_message() {
    let h = mcp::start().await;
    let id = h.sandbox.inspect(channel_conversation);
    let text = "Thanks, see you on Friday!";
    let by_channel = h.ok("send_guest_message", json!({"conversation_id": id, "message": text, "confirm": true})).await;
    assert_eq!((by_channel["status"].as_str(), by_channel["via"].as_str()), (Some("done"), Some("channel")));
    let by_email = h
        .ok("send_guest_message", json!({"conversation_id": id, "message": text, "via": "email", "confirm": true}))
        .await;
    assert_eq!(by_email["status"], "done", "email is a different route, so it is sent");
    let routes: Vec<_> =
        h.sandbox.inspect(|s| sent_with(s, id, text)).into_iter().filter_map(|m| m.communication_type).collect();
    assert_eq!(routes.len(), 2);
    assert!(routes.contains(&"channel".to_string()) && routes.contains(&"email".to_string()));
    let other_text = h
        .ok("send_guest_message", json!({"conversation_id": id, "message": "And bring sun cream.", "confirm": true}))
        .await;
    assert_eq!(other_text["status"], "done", "different text is a different message");
}

#[tokio::test]
async fn identical_messages_confirmed_at_the_same_moment_are_sent_once() {
    let h = mcp::start().await;
    let id = h.sandbox.inspect(email_conversation);
    let args = json!({"conversation_id": id, "message": "Parking is in the yard.", "confirm": true});
    let (a, b) = tokio::join!(h.ok("send_guest_message", args.clone()), h.ok("send_guest_message", args));
    assert_eq!(a["message_id"], b["message_id"]);
    assert_eq!(h.sandbox.stats().applied(id::SEND_CONVERSATION_MESSAGE), 1);
}

#[tokio::test]
async fn a_party_larger_than_the_listing_sleeps_is_refused() {
    let h = mcp::start().await;
    let (listing, check_in, check_out) = h.sandbox.inspect(mcp::free_stay);
    let capacity = h.sandbox.inspect(|s| s.listings[&listing].person_capacity.unwrap());
    let mut args = booking(listing, check_in, check_out, false);
    args["guests"] = json!(capacity + 1);
    for confirm in [false, true] {
        args["confirm"] = json!(confirm);
        let refused = h.err("create_reservation", args.clone()).await;
        assert!(refused.contains(&format!("sleeps {capacity}")) && refused.contains("nothing was booked"), "{refused}");
    }

    let booked = h.sandbox.inspect(|s| upcoming_on(s, Channel::Direct.id()));
    let sleeps = h.sandbox.inspect(|s| s.listings[&booked.listing_map_id].person_capacity.unwrap());
    for confirm in [false, true] {
        let too_many = json!({"reservation_id": booked.id, "guests": sleeps + 7, "confirm": confirm});
        let refused = h.err("update_reservation", too_many).await;
        assert!(refused.contains(&format!("sleeps {sleeps}")) && refused.contains("nothing was changed"), "{refused}");
    }
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_RESERVATION), 0);
    assert_eq!(h.sandbox.stats().applied(id::CREATE_RESERVATION), 0);
}

#[tokio::test]
async fn cancelled_bookings_cannot_be_edited() {
    let h = mcp::start().await;
    let cancelled = h.sandbox.inspect(|s| {
        s.reservations
            .values()
            .find(|r| r.status.as_str() == "cancelled" && r.arrival_date > s.today + Duration::days(3))
            .cloned()
            .unwrap()
    });
    let next_day = |d: NaiveDate| (d + Duration::days(1)).to_string();
    let args = json!({"reservation_id": cancelled.id, "check_in": next_day(cancelled.arrival_date),
                      "check_out": next_day(cancelled.departure_date), "confirm": true});
    let refused = h.err("update_reservation", args).await;
    assert!(refused.contains("is cancelled") && refused.contains("create_reservation"), "{refused}");
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_RESERVATION), 0);
    let kept = h.sandbox.inspect(|s| s.reservations[&cancelled.id].clone());
    assert_eq!((kept.arrival_date, kept.total_price), (cancelled.arrival_date, cancelled.total_price));
}

#[tokio::test]
async fn channel_bookings_carry_a_warning_and_direct_ones_do_not() {
    let h = mcp::start().await;
    for (channel, name) in [(Channel::Airbnb.id(), "airbnb"), (Channel::BookingCom.id(), "booking.com")] {
        let booked = h.sandbox.inspect(|s| upcoming_on(s, channel));
        let update = h.ok("update_reservation", json!({"reservation_id": booked.id, "host_note": "Check ID"})).await;
        let text = update["warnings"].to_string();
        assert!(text.contains("may refuse or overwrite"), "{channel}: {text}");
        assert!(text.contains(name), "the warning names the channel: {text}");
        let cancel = h.ok("cancel_reservation", json!({"reservation_id": booked.id})).await;
        assert!(cancel["warnings"].to_string().contains("may refuse or overwrite"));
        let done = h
            .ok("update_reservation", json!({"reservation_id": booked.id, "host_note": "Check ID", "confirm": true}))
            .await;
        assert!(done["warnings"].to_string().contains("may refuse or overwrite"), "the result carries it too");
    }
    let direct = h.sandbox.inspect(|s| upcoming_on(s, Channel::Direct.id()));
    let update = h.ok("update_reservation", json!({"reservation_id": direct.id, "host_note": "Check ID"})).await;
    assert!(update.get("warnings").is_none(), "direct bookings are Hostaway's own: {update}");
}

#[tokio::test]
async fn a_kill_9_restart_between_two_identical_confirmed_writes_applies_once() {
    let sandbox = api::start(mcp::sandbox_config()).await;
    let id = sandbox.inspect(email_conversation);
    let text = "The heating is on; the thermostat is by the door.";
    let message = json!({"conversation_id": id, "message": text, "confirm": true});
    let (listing, check_in, check_out) = sandbox.inspect(mcp::free_stay);
    let stay = booking(listing, check_in, check_out, true);
    let mut statuses = Vec::new();
    for _ in 0..2 {
        let (mut child, url) = mcp::spawn_serve(
            mcp::binary_against(&sandbox).args(["serve", "--bind", "127.0.0.1:0"]).env("LOG_LEVEL", "warn"),
        )
        .await;
        let client = ().serve(rmcp::transport::StreamableHttpClientTransport::from_uri(url)).await.unwrap();
        for (tool, arguments) in [("send_guest_message", &message), ("create_reservation", &stay)] {
            let arguments = mcp::previewed(&client, tool, (*arguments).clone()).await;
            let call = CallToolRequestParams::new(tool).with_arguments(arguments.as_object().cloned().unwrap());
            let result = client.call_tool(call).await.unwrap();
            statuses.push(result.structured_content.unwrap()["status"].clone());
        }
        child.kill().await.unwrap(); // SIGKILL: no shutdown, no chance to save anything
    }
    assert_eq!(statuses, vec![json!("done"), json!("done"), json!("already_done"), json!("already_done")]);
    assert_eq!(sandbox.stats().applied(id::SEND_CONVERSATION_MESSAGE), 1);
    assert_eq!(sandbox.inspect(|s| sent_with(s, id, text)).len(), 1);
    assert_eq!(sandbox.stats().applied(id::CREATE_RESERVATION), 1);
}

/// Spawns `serve` against `sandbox` keeping its files (token, write leases) in `dir`, one request
/// allowed 3 s, and opens a session on it.
async fn serve_keeping_files_in(
    sandbox: &hostaway_mcp::sandbox::Sandbox,
    dir: &std::path::Path,
) -> (tokio::process::Child, rmcp::service::RunningService<rmcp::RoleClient, ()>) {
    let mut command = mcp::binary_against(sandbox);
    command
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env_remove("HOSTAWAY_NO_TOKEN_FILE")
        .env("HOSTAWAY_TOKEN_FILE", dir.join("token.json"))
        .env("HOSTAWAY_REQUEST_TIMEOUT_SECS", "3")
        .env("LOG_LEVEL", "warn");
    let (child, url) = mcp::spawn_serve(&mut command).await;
    let client = ().serve(rmcp::transport::StreamableHttpClientTransport::from_uri(url)).await.unwrap();
    (child, client)
}

#[tokio::test]
async fn a_kill_9_while_writes_are_on_their_way_then_the_same_confirms_at_once_apply_each_once() {
    let sandbox = api::start(mcp::sandbox_config()).await;
    let dir = tempfile::tempdir().unwrap();
    let conversation = sandbox.inspect(email_conversation);
    let text = "Check-in is from 15:00; the code comes by SMS.";
    let (listing, check_in, check_out) = sandbox.inspect(mcp::free_stay);
    let writes = [
        (
            "send_guest_message",
            id::SEND_CONVERSATION_MESSAGE,
            json!({"conversation_id": conversation, "message": text, "confirm": true}),
        ),
        ("create_reservation", id::CREATE_RESERVATION, booking(listing, check_in, check_out, true)),
        (
            "create_task",
            id::CREATE_TASK,
            json!({"listing_id": listing, "category": "maintenance", "title": "Fix the shower", "start": format!("{check_in} 10:00"), "confirm": true}),
        ),
    ];
    for (tool, operation, arguments) in writes {
        let (mut doomed, client) = serve_keeping_files_in(&sandbox, dir.path()).await;
        // Hostaway takes 2 s over the write alone: it is killed on its way, and lands after the
        // restarted server has read what Hostaway holds.
        sandbox.set_faults(FaultPlan { latency_ms: 2_000, only: vec![operation.to_string()], ..FaultPlan::default() });
        let confirm = mcp::previewed(&client, tool, arguments.clone()).await;
        let call = CallToolRequestParams::new(tool).with_arguments(confirm.as_object().cloned().unwrap());
        let sending = tokio::spawn(async move { client.call_tool(call).await });
        let on_the_way = tokio::time::timeout(std::time::Duration::from_secs(20), async {
            while sandbox.stats().received(operation) == 0 {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
        })
        .await;
        assert!(on_the_way.is_ok(), "{tool} reaches Hostaway");
        doomed.kill().await.unwrap();
        sending.abort();

        let (_restarted, client) = serve_keeping_files_in(&sandbox, dir.path()).await;
        let confirm = mcp::previewed(&client, tool, arguments.clone()).await;
        let call = CallToolRequestParams::new(tool).with_arguments(confirm.as_object().cloned().unwrap());
        let answer = client.call_tool(call).await.unwrap();
        assert_ne!(answer.is_error, Some(true), "{tool}: {answer:?}");
        sandbox.set_faults(FaultPlan::default());
        assert_eq!(sandbox.stats().applied(operation), 1, "{tool} applied once");
        sandbox.reset_stats();
    }
}

#[tokio::test]
async fn confirms_of_one_booking_that_differ_in_contact_or_party_book_it_once_and_say_how_they_differ() {
    let h = mcp::start().await;
    let (listing, check_in, check_out) = h.sandbox.inspect(mcp::free_stay);
    let stay = booking(listing, check_in, check_out, true);
    let mut other = stay.clone();
    other["guest_email"] = json!("lena.m@example.org");
    other["guests"] = json!(1);
    let (a, b) = tokio::join!(h.call("create_reservation", stay.clone()), h.call("create_reservation", other.clone()));
    let statuses: Vec<String> = [a, b]
        .iter()
        .map(|answer| {
            assert_ne!(answer.is_error, Some(true), "{answer:?}");
            answer.structured_content.as_ref().unwrap()["status"].as_str().unwrap().to_string()
        })
        .collect();
    let mut sorted = statuses.clone();
    sorted.sort();
    assert_eq!(sorted, ["already_done", "done"], "two confirms of one booking at once");
    assert_eq!(h.sandbox.stats().applied(id::CREATE_RESERVATION), 1);

    // The one that did not book is told where the booking differs from what it asked.
    let lost = if statuses[0] == "done" { other } else { stay };
    let again = h.ok("create_reservation", lost).await;
    assert_eq!(again["status"], "already_done");
    let warnings = again["warnings"].to_string();
    assert!(warnings.contains("guests") && warnings.contains("guest_email"), "{warnings}");
    assert_eq!(h.sandbox.stats().applied(id::CREATE_RESERVATION), 1, "one booking in all");
}
