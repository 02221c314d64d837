//! Booking writes end to end: previews change nothing, confirms write exactly once, repeats are
//! answered from the first result, and every answer is checked against the sandbox's own data.

use crate::support::mcp;
use hostaway_mcp::domain::Channel;
use hostaway_mcp::hostaway::id;

use chrono::{Duration, NaiveDate};
use hostaway_mcp::{
    hostaway::types,
    sandbox::store::{Store, blocks_calendar},
    server::ServerOptions,
};
use serde_json::{Value, json};

const WRITE_TOOLS: [&str; 4] = ["send_guest_message", "create_reservation", "update_reservation", "cancel_reservation"];

/// Upstream requests made by `call`, after a warm-up so the token mint is not counted.
async fn calls<F: Future<Output = Value>>(h: &mcp::Harness, call: F) -> (Value, u64) {
    let before = h.sandbox.stats().total_received();
    let answer = call.await;
    (answer, h.sandbox.stats().total_received() - before)
}

async fn warm_up(h: &mcp::Harness) {
    h.ok("search_listings", json!({"limit": 1})).await;
}

fn date(value: &Value) -> NaiveDate {
    NaiveDate::parse_from_str(value.as_str().unwrap(), "%Y-%m-%d").unwrap()
}

/// A future, calendar-blocking reservation of at least two nights matching `extra`.
fn upcoming(store: &Store, extra: impl Fn(&Store, &types::Reservation) -> bool) -> types::Reservation {
    store
        .reservations
        .values()
        .filter(|r| r.arrival_date > store.today + Duration::days(3) && blocks_calendar(&r.status))
        .filter(|r| r.status.as_str() != "ownerStay" && (r.departure_date - r.arrival_date).num_days() >= 2)
        .find(|r| extra(store, r))
        .cloned()
        .expect("a matching upcoming reservation")
}

fn messages_in(store: &Store, conversation_id: i64) -> usize {
    store.messages.values().filter(|m| m.conversation_id == Some(conversation_id)).count()
}

#[tokio::test]
async fn send_guest_message_previews_then_sends_once_and_never_twice() {
    let h = mcp::start().await;
    let conversation = h.sandbox.inspect(|s| {
        s.conversations.values().find(|c| c.type_.as_deref() == Some("host-guest-email")).unwrap().clone()
    });
    let id = conversation.id;
    let before = h.sandbox.inspect(|s| messages_in(s, id));
    warm_up(&h).await;
    let text = "Hi! Check-in is from 15:00; the key box code comes the day before.";

    let (preview, n) = calls(&h, h.ok("send_guest_message", json!({"conversation_id": id, "message": text}))).await;
    assert_eq!(n, 1, "a preview reads the conversation once");
    assert_eq!(preview["status"], "preview");
    assert_eq!(preview["message"], text);
    assert_eq!(preview["via"], "email");
    assert_eq!(preview["recipient"], json!(conversation.recipient_name));
    assert_eq!(preview["reservation"]["reservation_id"], json!(conversation.reservation_id));
    assert!(preview.get("message_id").is_none());
    assert_eq!(h.sandbox.stats().applied(id::SEND_CONVERSATION_MESSAGE), 0);
    assert_eq!(h.sandbox.inspect(|s| messages_in(s, id)), before);

    let confirm = json!({"conversation_id": id, "message": text, "confirm": true});
    let (sent, n) = calls(&h, h.ok("send_guest_message", confirm.clone())).await;
    assert_eq!(n, 2, "confirming looks for the same message in Hostaway, then sends (the conversation is cached)");
    assert_eq!(sent["status"], "done");
    assert_eq!(sent["via"], "email");
    assert!(sent.get("message").is_none(), "the text is not echoed back");
    let message_id = sent["message_id"].as_i64().unwrap();
    let stored = h.sandbox.inspect(|s| s.messages[&message_id].clone());
    assert_eq!(stored.conversation_id, Some(id));
    assert_eq!(stored.body.as_deref(), Some(text));
    assert_eq!(stored.communication_type.as_deref(), Some("email"));
    assert_eq!(sent["sent_at"], json!(stored.inserted_on));
    assert_eq!(h.sandbox.inspect(|s| messages_in(s, id)), before + 1);

    let (again, n) = calls(&h, h.ok("send_guest_message", confirm)).await;
    assert_eq!(n, 2, "a repeat re-reads the conversation (the send dropped it) and finds the message in Hostaway");
    assert_eq!(again["status"], "already_done");
    assert_eq!(again["message_id"], json!(message_id));
    assert_eq!(h.sandbox.stats().applied(id::SEND_CONVERSATION_MESSAGE), 1);
    assert_eq!(h.sandbox.inspect(|s| messages_in(s, id)), before + 1);

    let other =
        h.ok("send_guest_message", json!({"conversation_id": id, "message": "See you soon!", "confirm": true})).await;
    assert_eq!(other["status"], "done");
    assert_ne!(other["message_id"], json!(message_id));
    assert_eq!(h.sandbox.stats().applied(id::SEND_CONVERSATION_MESSAGE), 2);
    assert_eq!(h.sandbox.inspect(|s| messages_in(s, id)), before + 2);
}

#[tokio::test]
async fn default_via_follows_the_conversation_type() {
    let h = mcp::start().await;
    let (channel, email) = h.sandbox.inspect(|s| {
        let of = |kind: &str| s.conversations.values().find(|c| c.type_.as_deref() == Some(kind)).unwrap().id;
        (of("host-guest-channel"), of("host-guest-email"))
    });
    let preview = h.ok("send_guest_message", json!({"conversation_id": channel, "message": "Hello"})).await;
    assert_eq!(preview["via"], "channel");
    let preview = h.ok("send_guest_message", json!({"conversation_id": email, "message": "Hello"})).await;
    assert_eq!(preview["via"], "email");
    let preview =
        h.ok("send_guest_message", json!({"conversation_id": channel, "message": "Hello", "via": "sms"})).await;
    assert_eq!(preview["via"], "sms");

    let sent =
        h.ok("send_guest_message", json!({"conversation_id": channel, "message": "Welcome!", "confirm": true})).await;
    assert_eq!(sent["via"], "channel");
    let id = sent["message_id"].as_i64().unwrap();
    assert_eq!(h.sandbox.inspect(|s| s.messages[&id].communication_type.clone()).as_deref(), Some("channel"));
    let sent = h
        .ok(
            "send_guest_message",
            json!({"conversation_id": channel, "message": "Also by text", "via": "whatsapp", "confirm": true}),
        )
        .await;
    let id = sent["message_id"].as_i64().unwrap();
    assert_eq!(h.sandbox.inspect(|s| s.messages[&id].communication_type.clone()).as_deref(), Some("whatsapp"));
}

#[tokio::test]
async fn create_reservation_books_free_nights_at_the_quote_and_blocks_them() {
    let h = mcp::start().await;
    let (listing_id, check_in, check_out) = h.sandbox.inspect(mcp::free_stay);
    let expected =
        h.sandbox.inspect(|s| s.quote(&s.listings[&listing_id], check_in, check_out, 2, Channel::Direct.id()).total());
    let count = h.sandbox.inspect(|s| s.reservations.len());
    warm_up(&h).await;
    let args = json!({
        "listing_id": listing_id, "check_in": check_in.to_string(), "check_out": check_out.to_string(),
        "guests": 2, "guest_name": "Ana Maria Silva", "guest_email": "ana@example.com",
        "guest_phone": "+351 912 345 678", "note": "Late arrival"
    });

    let (preview, n) = calls(&h, h.ok("create_reservation", args.clone())).await;
    assert_eq!(n, 3, "a preview reads the listing, the nights and the quote");
    assert_eq!(preview["status"], "preview");
    assert_eq!(preview["nights_free"], true);
    assert_eq!(preview["taken_dates"], json!([]));
    assert_eq!(preview["nights"], 3);
    assert_eq!(preview["quote"]["total"]["amount"], json!(expected));
    assert_eq!(preview["total_to_book"]["amount"], json!(expected));
    let (name, currency) =
        h.sandbox.inspect(|s| (s.listings[&listing_id].name.clone(), s.listings[&listing_id].currency_code.clone()));
    assert_eq!(preview["listing_name"], json!(name), "the preview names the listing");
    assert_eq!(preview["guest_name"], "Ana Maria Silva", "and the guest");
    assert_eq!(preview["total_to_book"]["currency"], json!(currency), "and the total's currency");
    assert!(preview.get("reservation_id").is_none());
    assert_eq!(h.sandbox.stats().applied(id::CREATE_RESERVATION), 0);
    assert_eq!(h.sandbox.inspect(|s| s.reservations.len()), count);

    let mut confirm = args.clone();
    confirm["confirm"] = json!(true);
    let (done, n) = calls(&h, h.ok("create_reservation", confirm.clone())).await;
    assert_eq!(n, 3, "confirming looks for the booking and re-reads the nights fresh, then creates");
    assert_eq!(done["status"], "done");
    assert_eq!(done["total"]["amount"], json!(expected));
    let id = done["reservation_id"].as_i64().unwrap();
    let created = h.sandbox.inspect(|s| s.reservations[&id].clone());
    assert_eq!(created.listing_map_id, listing_id);
    assert_eq!((created.arrival_date, created.departure_date), (check_in, check_out));
    assert_eq!(created.channel_id, Some(Channel::Direct.id()));
    assert_eq!(created.total_price, Some(expected));
    assert_eq!(created.number_of_guests, Some(2));
    assert_eq!(created.guest_name.as_deref(), Some("Ana Maria Silva"));
    assert_eq!(created.guest_last_name.as_deref(), Some("Silva"));
    assert_eq!(created.guest_email.as_deref(), Some("ana@example.com"));
    assert_eq!(created.host_note.as_deref(), Some("Late arrival"));
    assert_eq!(done["total"]["currency"], json!(created.currency));
    assert!(!h.sandbox.inspect(|s| s.is_free(&s.listings[&listing_id], check_in, check_out, None)));

    let (again, n) = calls(&h, h.ok("create_reservation", confirm)).await;
    assert_eq!(
        n, 4,
        "a repeat's preview re-reads the two reads the write dropped from the cache; its confirm finds the booking \
         in Hostaway and names its listing"
    );
    assert_eq!(again["status"], "already_done");
    assert_eq!(again["reservation_id"], json!(id));
    assert_eq!(h.sandbox.stats().applied(id::CREATE_RESERVATION), 1);
    assert_eq!(h.sandbox.inspect(|s| s.reservations.len()), count + 1);

    let preview = h.ok("create_reservation", args).await;
    assert_eq!(preview["nights_free"], false, "the new booking now occupies those nights");
}

#[tokio::test]
async fn create_reservation_with_a_price_override_books_that_price() {
    let h = mcp::start().await;
    let (listing_id, check_in, check_out) = h.sandbox.inspect(mcp::free_stay);
    let args = json!({
        "listing_id": listing_id, "check_in": check_in.to_string(), "check_out": check_out.to_string(),
        "guests": "2", "guest_name": "Jo", "total_price": 321.5, "confirm": true
    });
    let done = h.ok("create_reservation", args).await;
    assert_eq!(done["total_to_book"]["amount"], json!(321.5));
    let id = done["reservation_id"].as_i64().unwrap();
    assert_eq!(h.sandbox.inspect(|s| s.reservations[&id].total_price), Some(321.5));
}

#[tokio::test]
async fn create_reservation_on_taken_nights_is_flagged_and_refused() {
    let h = mcp::start().await;
    let taken = h.sandbox.inspect(|s| upcoming(s, |_, _| true));
    let count = h.sandbox.inspect(|s| s.reservations.len());
    let args = json!({
        "listing_id": taken.listing_map_id, "check_in": taken.arrival_date.to_string(),
        "check_out": taken.departure_date.to_string(), "guests": 1, "guest_name": "Overbooker"
    });
    let preview = h.ok("create_reservation", args.clone()).await;
    assert_eq!(preview["nights_free"], false);
    let dates: Vec<String> = preview["taken_dates"].as_array().unwrap().iter().map(|d| d.to_string()).collect();
    assert!(dates.contains(&json!(taken.arrival_date.to_string()).to_string()), "{dates:?}");

    let mut confirm = args;
    confirm["confirm"] = json!(true);
    let message = h.err("create_reservation", confirm).await;
    assert!(message.contains("not free") && message.contains(&taken.arrival_date.to_string()), "{message}");
    assert!(message.contains("nothing was booked"), "{message}");
    assert_eq!(h.sandbox.stats().received(id::CREATE_RESERVATION), 0);
    assert_eq!(h.sandbox.inspect(|s| s.reservations.len()), count);
}

#[tokio::test]
async fn update_reservation_changes_only_the_given_fields() {
    let h = mcp::start().await;
    let original = h.sandbox.inspect(|s| upcoming(s, |_, r| r.phone.is_some()));
    let id = original.id;
    warm_up(&h).await;
    let args = json!({"reservation_id": id, "guest_phone": "+49 30 1234567", "host_note": "VIP: bring flowers"});

    let (preview, n) = calls(&h, h.ok("update_reservation", args.clone())).await;
    assert_eq!(n, 1, "a preview without date changes reads the reservation once");
    assert_eq!(preview["status"], "preview");
    let changes = preview["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0], json!({"field": "guest_phone", "before": original.phone, "after": "+49 30 1234567"}));
    assert_eq!(changes[1]["field"], "host_note");
    assert_eq!(changes[1]["before"], json!(original.host_note));
    assert!(preview.get("nights_free").is_none());
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_RESERVATION), 0);
    assert_eq!(h.sandbox.inspect(|s| s.reservations[&id].phone.clone()), original.phone);

    let mut confirm = args;
    confirm["confirm"] = json!(true);
    let (done, n) = calls(&h, h.ok("update_reservation", confirm.clone())).await;
    assert_eq!(n, 2, "confirming reads the booking fresh, then writes");
    assert_eq!(done["status"], "done");
    let updated = h.sandbox.inspect(|s| s.reservations[&id].clone());
    assert_eq!(updated.phone.as_deref(), Some("+49 30 1234567"));
    assert_eq!(updated.host_note.as_deref(), Some("VIP: bring flowers"));
    assert_eq!((updated.arrival_date, updated.departure_date), (original.arrival_date, original.departure_date));
    assert_eq!(updated.number_of_guests, original.number_of_guests);
    assert_eq!(updated.guest_email, original.guest_email);
    assert_eq!(updated.total_price, original.total_price);

    // The preview reads the booking the write dropped from the cache; the confirm reads it fresh.
    let (again, n) = calls(&h, h.ok("update_reservation", confirm)).await;
    assert_eq!((n, again["status"].as_str()), (2, Some("unchanged")));
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_RESERVATION), 1);

    let same = h.ok("update_reservation", json!({"reservation_id": id, "host_note": "VIP: bring flowers"})).await;
    assert_eq!(same["changes"], json!([]));
    assert!(same["note"].as_str().unwrap().contains("nothing to change"));
}

#[tokio::test]
async fn update_reservation_checks_new_nights_counting_its_own_as_free() {
    let h = mcp::start().await;
    // A stay whose next night is free, so it can grow by one night.
    let original = h.sandbox.inspect(|s| {
        upcoming(s, |s, r| {
            s.is_free(&s.listings[&r.listing_map_id], r.departure_date, r.departure_date + Duration::days(1), None)
        })
    });
    let id = original.id;
    warm_up(&h).await;
    let longer = (original.departure_date + Duration::days(1)).to_string();
    let (preview, n) = calls(&h, h.ok("update_reservation", json!({"reservation_id": id, "check_out": longer}))).await;
    assert_eq!(n, 4, "moving dates reads the reservation, then the listing, the new quote and the new nights");
    assert_eq!(preview["nights_free"], true, "its own nights do not count as taken");
    assert_eq!(preview["changes"].as_array().unwrap().len(), 1);
    assert_eq!(preview["changes"][0]["field"], "check_out");
    let requote = h.sandbox.inspect(|s| {
        let guests = original.number_of_guests.unwrap();
        s.quote(
            &s.listings[&original.listing_map_id],
            original.arrival_date,
            date(&json!(longer)),
            guests,
            Channel::Direct.id(),
        )
        .total()
    });
    assert_eq!(preview["price"]["before"]["amount"], json!(original.total_price.unwrap()));
    assert_eq!(preview["price"]["after"]["amount"], json!(requote), "the preview shows the re-quoted total");
    let difference = preview["price"]["difference"]["amount"].as_f64().unwrap();
    assert!((difference - (requote - original.total_price.unwrap())).abs() < 0.011);

    let done = h.ok("update_reservation", json!({"reservation_id": id, "check_out": longer, "confirm": true})).await;
    assert_eq!(done["status"], "done");
    assert_eq!(
        done["reservation"]["total"]["amount"], preview["price"]["after"]["amount"],
        "the stored total is the one previewed"
    );
    assert_eq!(date(&done["reservation"]["check_out"]).to_string(), longer);
    let updated = h.sandbox.inspect(|s| s.reservations[&id].clone());
    assert_eq!(updated.departure_date.to_string(), longer);
    assert_eq!(updated.arrival_date, original.arrival_date);
    assert_eq!(updated.phone, original.phone);

    // Moving onto another booking's nights is flagged and refused.
    let other = h.sandbox.inspect(|s| {
        s.reservations
            .values()
            .filter(|r| r.listing_map_id == original.listing_map_id && r.id != id && blocks_calendar(&r.status))
            .find(|r| r.arrival_date > s.today)
            .cloned()
            .unwrap()
    });
    let onto = json!({"reservation_id": id, "check_in": other.arrival_date.to_string(),
                      "check_out": other.departure_date.to_string()});
    let preview = h.ok("update_reservation", onto.clone()).await;
    assert_eq!(preview["nights_free"], false);
    assert!(preview["taken_dates"].as_array().unwrap().contains(&json!(other.arrival_date.to_string())));
    let mut confirm = onto;
    confirm["confirm"] = json!(true);
    let message = h.err("update_reservation", confirm).await;
    assert!(message.contains("taken") && message.contains("nothing was changed"), "{message}");
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_RESERVATION), 1);
    assert_eq!(h.sandbox.inspect(|s| s.reservations[&id].departure_date.to_string()), longer);
}

#[tokio::test]
async fn cancel_reservation_frees_the_nights_and_a_repeat_does_not_write_again() {
    let h = mcp::start().await;
    let booked = h.sandbox.inspect(|s| upcoming(s, |_, _| true));
    let id = booked.id;
    warm_up(&h).await;

    let (preview, n) = calls(&h, h.ok("cancel_reservation", json!({"reservation_id": id}))).await;
    assert_eq!(n, 1);
    assert_eq!(preview["status"], "preview");
    assert_eq!(preview["already_cancelled"], false);
    assert_eq!(preview["cancelled_by"], "host");
    assert_eq!(preview["reservation"]["status"], json!(booked.status.to_string()));
    assert_eq!(preview["reservation"]["listing_id"], json!(booked.listing_map_id));
    assert_eq!(preview["reservation"]["guest_name"], json!(booked.guest_name));
    assert_eq!(preview["reservation"]["check_in"], json!(booked.arrival_date.to_string()));
    assert_eq!(preview["reservation"]["total"]["amount"], json!(booked.total_price));
    assert_eq!(h.sandbox.stats().applied(id::CANCEL_RESERVATION), 0);
    assert_eq!(h.sandbox.inspect(|s| s.reservations[&id].status.clone()), booked.status);

    let confirm = json!({"reservation_id": id, "cancelled_by": "guest", "confirm": true});
    let (done, n) = calls(&h, h.ok("cancel_reservation", confirm.clone())).await;
    assert_eq!(n, 2, "confirming reads the booking fresh, then cancels");
    assert_eq!(done["status"], "done");
    assert_eq!(done["reservation"]["status"], "cancelled");
    let cancelled = h.sandbox.inspect(|s| s.reservations[&id].clone());
    assert_eq!(cancelled.status.as_str(), "cancelled");
    assert_eq!(cancelled.cancelled_by.as_deref(), Some("guest"));
    let free = h
        .sandbox
        .inspect(|s| s.is_free(&s.listings[&booked.listing_map_id], booked.arrival_date, booked.departure_date, None));
    assert!(free, "the nights are free again");

    // The preview reads the booking the write dropped from the cache; the confirm reads it fresh.
    let (again, n) = calls(&h, h.ok("cancel_reservation", confirm)).await;
    assert_eq!((n, again["status"].as_str()), (2, Some("unchanged")));

    // Another confirm (not identical) finds it cancelled and writes nothing.
    let (noop, n) = calls(&h, h.ok("cancel_reservation", json!({"reservation_id": id, "confirm": true}))).await;
    assert_eq!(n, 1, "only the reservation is read");
    assert_eq!(noop["status"], "unchanged");
    assert_eq!(noop["already_cancelled"], true);
    assert_eq!(h.sandbox.stats().received(id::CANCEL_RESERVATION), 1);
    assert_eq!(h.sandbox.stats().applied(id::CANCEL_RESERVATION), 1);
}

#[tokio::test]
async fn an_already_cancelled_reservation_is_reported_and_left_alone() {
    let h = mcp::start().await;
    let id = h.sandbox.inspect(|s| s.reservations.values().find(|r| r.status.as_str() == "cancelled").unwrap().id);
    let preview = h.ok("cancel_reservation", json!({"reservation_id": id})).await;
    assert_eq!(preview["already_cancelled"], true);
    assert!(preview["note"].as_str().unwrap().contains("already cancelled"));
    let done = h.ok("cancel_reservation", json!({"reservation_id": id, "confirm": true})).await;
    assert_eq!(done["already_cancelled"], true);
    assert_eq!(h.sandbox.stats().received(id::CANCEL_RESERVATION), 0);
}

#[tokio::test]
async fn invalid_arguments_are_tool_errors_naming_the_field_or_the_missing_object() {
    let h = mcp::start().await;
    let conversation = h.sandbox.inspect(|s| *s.conversations.keys().next().unwrap());
    let reservation = h.sandbox.inspect(|s| upcoming(s, |_, _| true));
    let (listing, check_in, check_out) = h.sandbox.inspect(mcp::free_stay);
    let stay = |extra: Value| {
        let mut args = json!({"listing_id": listing, "check_in": check_in.to_string(),
                              "check_out": check_out.to_string(), "guests": 2, "guest_name": "Ana"});
        for (k, v) in extra.as_object().unwrap() {
            args[k] = v.clone();
        }
        args
    };
    let cases = [
        (
            "send_guest_message",
            json!({"conversation_id": conversation, "message": "   ", "confirm": true}),
            "`message`",
        ),
        ("send_guest_message", json!({"conversation_id": conversation, "message": "x".repeat(5001)}), "`message`"),
        ("send_guest_message", json!({"conversation_id": conversation, "message": "hi", "via": "fax"}), "`whatsapp`"),
        ("send_guest_message", json!({"conversation_id": 1, "message": "hi", "confirm": true}), "Conversation 1"),
        (
            "create_reservation",
            stay(json!({"check_out": check_in.to_string(), "check_in": check_out.to_string()})),
            "`check_out`",
        ),
        ("create_reservation", stay(json!({"guests": 0, "confirm": true})), "`guests`"),
        ("create_reservation", stay(json!({"guest_name": " "})), "`guest_name`"),
        ("create_reservation", stay(json!({"guest_email": "not-an-email"})), "`guest_email`"),
        ("create_reservation", stay(json!({"total_price": -5})), "`total_price`"),
        ("create_reservation", stay(json!({"guests": 99})), "does not fit"),
        ("create_reservation", stay(json!({"check_in": "next friday"})), "`check_in`"),
        ("create_reservation", stay(json!({"listing_id": 1, "confirm": true})), "not found"),
        ("update_reservation", json!({"reservation_id": reservation.id}), "nothing to change"),
        ("update_reservation", json!({"reservation_id": reservation.id, "guests": 0}), "`guests`"),
        (
            "update_reservation",
            json!({"reservation_id": reservation.id, "check_out": (reservation.arrival_date - Duration::days(1)).to_string()}),
            "`check_out`",
        ),
        ("update_reservation", json!({"reservation_id": 1, "host_note": "x", "confirm": true}), "Reservation 1"),
        ("cancel_reservation", json!({"reservation_id": 1, "confirm": true}), "Reservation 1"),
        ("cancel_reservation", json!({"reservation_id": reservation.id, "cancelled_by": "nobody"}), "`guest`"),
    ];
    for (tool, args, needle) in cases {
        let message = h.err(tool, args.clone()).await;
        assert!(message.contains(needle), "{tool} {args}: {message}");
    }
    let stats = h.sandbox.stats();
    for op in [id::SEND_CONVERSATION_MESSAGE, id::CREATE_RESERVATION, id::UPDATE_RESERVATION, id::CANCEL_RESERVATION] {
        assert_eq!(stats.received(op), 0, "{op} was called");
    }
}

#[tokio::test]
async fn read_only_mode_lists_none_of_the_booking_writes() {
    let h = mcp::start_with(mcp::sandbox_config(), ServerOptions { read_only: true, ..Default::default() }).await;
    let tools = h.client.list_all_tools().await.unwrap();
    for name in WRITE_TOOLS {
        assert!(!tools.iter().any(|t| t.name == name), "{name} is offered in read-only mode");
    }
    let h = mcp::start().await;
    let tools = h.client.list_all_tools().await.unwrap();
    for name in WRITE_TOOLS {
        let tool = tools.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("{name} is missing"));
        // Hints equal to MCP's defaults are left out of the list: absent readOnlyHint is false,
        // absent openWorldHint true.
        let hints = tool.annotations.as_ref().unwrap();
        assert_ne!(hints.read_only_hint, Some(true), "{name}");
        assert_ne!(hints.open_world_hint, Some(false), "{name}");
    }
}

/// Issue 32: a booking's arrival details. Door details are refused, naming the flag, unless the
/// server allows access codes; with it, the preview shows each change and writes nothing, the
/// confirm writes once what Hostaway then holds, a repeat is unchanged, and a stay that has ended
/// keeps its details.
#[tokio::test]
async fn arrival_details_are_written_once_and_door_codes_only_when_allowed() {
    let details = json!({"door_code": "4821", "door_code_vendor": "Nuki", "door_code_instruction": "Keypad by the gate",
        "check_in_hour": 16, "check_out_hour": 10});
    let closed = mcp::start().await;
    let booking = closed.sandbox.inspect(|s| upcoming(s, |_, _| true)).id;
    let mut asked = details.clone();
    asked["reservation_id"] = json!(booking);
    let refused = closed.err("update_reservation", asked.clone()).await;
    assert!(refused.contains("--expose-access-codes"), "{refused}");
    let hours = json!({"reservation_id": booking, "check_in_hour": 16, "confirm": true});
    assert_eq!(closed.ok("update_reservation", hours).await["status"], "done", "hours need no flag");

    let h =
        mcp::start_with(mcp::sandbox_config(), ServerOptions { expose_access_codes: true, ..Default::default() }).await;
    let held = |h: &mcp::Harness| {
        h.sandbox.inspect(|s| {
            let r = &s.reservations[&booking];
            json!([r.door_code, r.door_code_vendor, r.door_code_instruction, r.check_in_time, r.check_out_time])
        })
    };
    let before = held(&h);
    let preview = h.ok("update_reservation", asked.clone()).await;
    let fields: Vec<&str> =
        preview["changes"].as_array().unwrap().iter().map(|c| c["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["door_code", "door_code_vendor", "door_code_instruction", "check_in_hour", "check_out_hour"]);
    assert_eq!(held(&h), before, "a preview writes nothing");
    let mut confirm = asked.clone();
    confirm["confirm"] = json!(true);
    assert_eq!(h.ok("update_reservation", confirm.clone()).await["status"], "done");
    assert_eq!(held(&h), json!(["4821", "Nuki", "Keypad by the gate", 16, 10]));
    let read = h.ok("get_reservation", json!({"reservation_id": booking})).await;
    let more = &read["more"];
    assert_eq!(
        json!([
            more["door_code"],
            more["door_code_vendor"],
            more["door_code_instruction"],
            more["check_in_hour"],
            more["check_out_hour"]
        ]),
        json!(["4821", "Nuki", "Keypad by the gate", 16, 10]),
        "read back as set: {read}"
    );
    assert_eq!(h.ok("update_reservation", confirm).await["status"], "unchanged");
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_RESERVATION), 1);

    let ended = h.sandbox.inspect(|s| {
        let r = s.reservations.values().find(|r| r.departure_date < s.today - Duration::days(2)).unwrap();
        r.id
    });
    let late = json!({"reservation_id": ended, "check_out_hour": 12, "confirm": true});
    let refused = h.err("update_reservation", late).await;
    assert!(refused.contains("ended"), "{refused}");
    assert_eq!(h.sandbox.stats().applied(id::UPDATE_RESERVATION), 1, "nothing written for an ended stay");
}
