//! Saved message templates end to end: listing them for a listing or channel, filled for a
//! booking, and sending one through send_guest_message, which refuses a text with a placeholder
//! left and sends a template once however often it is confirmed.

use crate::support::mcp;
use hostaway_mcp::domain::Channel;
use hostaway_mcp::hostaway::id;

use serde_json::{Value, json};

fn template_ids(answer: &Value) -> Vec<i64> {
    answer["templates"].as_array().unwrap().iter().map(|t| t["template_id"].as_i64().unwrap()).collect()
}

/// A conversation about a booking, with the booking's guest first name and listing name.
fn booked_conversation(h: &mcp::Harness) -> (i64, i64, String, String) {
    h.sandbox.inspect(|s| {
        let c = s
            .conversations
            .values()
            .find(|c| c.reservation_id.is_some_and(|r| s.reservations.contains_key(&r)))
            .unwrap();
        let r = &s.reservations[&c.reservation_id.unwrap()];
        (c.id, r.id, r.guest_first_name.clone().unwrap(), s.listings[&r.listing_map_id].name.clone())
    })
}

#[tokio::test]
async fn templates_are_listed_whole_or_for_a_listing_or_channel() {
    let h = mcp::start().await;
    let (all, scopes) = h.sandbox.inspect(|s| (s.templates.clone(), s.template_scopes.clone()));
    let listed = h.ok("list_message_templates", json!({})).await;
    assert_eq!(template_ids(&listed), all.iter().map(|t| t.id).collect::<Vec<_>>());
    for (row, stored) in listed["templates"].as_array().unwrap().iter().zip(&all) {
        assert_eq!(row["text"], json!(stored.message));
        let has_placeholder = stored.message.as_deref().unwrap_or_default().contains("{{");
        assert_eq!(row.get("placeholders").is_some(), has_placeholder, "{row}");
    }

    let (&scoped, scope) = scopes.iter().find(|(_, s)| s.listing.is_some()).unwrap();
    let listing = scope.listing.unwrap();
    let mine = template_ids(&h.ok("list_message_templates", json!({"listing_id": listing})).await);
    let other = template_ids(&h.ok("list_message_templates", json!({"listing_id": listing + 1})).await);
    assert!(mine.contains(&scoped) && !other.contains(&scoped));
    assert_eq!(mine.len(), other.len() + 1, "templates for every listing are in both");

    let (&airbnb_only, _) = scopes.iter().find(|(_, s)| s.channel == Some(Channel::Airbnb.id())).unwrap();
    assert!(template_ids(&h.ok("list_message_templates", json!({"channel": "airbnb"})).await).contains(&airbnb_only));
    assert!(!template_ids(&h.ok("list_message_templates", json!({"channel": "direct"})).await).contains(&airbnb_only));
}

#[tokio::test]
async fn a_template_for_a_booking_is_filled_and_what_is_left_is_named() {
    let h = mcp::start().await;
    let (_, reservation, first_name, _) = booked_conversation(&h);
    let answer = h.ok("list_message_templates", json!({"reservation_id": reservation})).await;
    let rows = answer["templates"].as_array().unwrap();
    assert!(rows.iter().any(|t| t["text"].as_str().unwrap().contains(&first_name)));
    let door = rows.iter().find(|t| t["text"].as_str().unwrap().contains("{{door_code}}")).unwrap();
    assert_eq!(door["placeholders"], json!(["door_code"]));
    assert!(rows.iter().filter(|t| t != &door).all(|t| t.get("placeholders").is_none()), "{answer}");
}

#[tokio::test]
async fn send_guest_message_sends_a_filled_template_once() {
    let h = mcp::start().await;
    let (conversation, _, first_name, listing_name) = booked_conversation(&h);
    let welcome = h.sandbox.inspect(|s| {
        s.templates
            .iter()
            .find(|t| {
                t.message.as_deref().unwrap().contains("{{listing_name}}")
                    && !t.message.as_deref().unwrap().contains("{{door_code}}")
            })
            .unwrap()
            .id
    });
    let args = json!({"conversation_id": conversation, "template_id": welcome});
    let preview = h.ok("send_guest_message", args.clone()).await;
    let text = preview["message"].as_str().unwrap().to_string();
    assert!(text.contains(&first_name) && text.contains(&listing_name) && !text.contains("{{"), "{text}");
    assert_eq!(h.sandbox.stats().applied(id::SEND_CONVERSATION_MESSAGE), 0, "a preview sends nothing");

    let mut confirm = args.clone();
    confirm["confirm"] = json!(true);
    let sent = h.ok("send_guest_message", confirm.clone()).await;
    assert_eq!(sent["status"], "done");
    let stored = h.sandbox.inspect(|s| {
        s.messages
            .values()
            .filter(|m| m.conversation_id == Some(conversation))
            .filter_map(|m| m.body.clone())
            .collect::<Vec<_>>()
    });
    assert!(stored.contains(&text), "the filled text was sent");
    let again = h.ok("send_guest_message", confirm).await;
    assert_eq!(again["status"], "already_done");
    assert_eq!(h.sandbox.stats().applied(id::SEND_CONVERSATION_MESSAGE), 1);
}

#[tokio::test]
async fn a_template_with_a_placeholder_left_is_refused_naming_it_and_nothing_is_sent() {
    let h = mcp::start().await;
    let (conversation, _, _, _) = booked_conversation(&h);
    let door = h
        .sandbox
        .inspect(|s| s.templates.iter().find(|t| t.message.as_deref().unwrap().contains("{{door_code}}")).unwrap().id);
    let message = h
        .err("send_guest_message", json!({"conversation_id": conversation, "template_id": door, "confirm": true}))
        .await;
    assert!(message.contains("{{door_code}}"), "{message}");
    assert_eq!(h.sandbox.stats().applied(id::SEND_CONVERSATION_MESSAGE), 0);

    let both = json!({"conversation_id": conversation, "template_id": door, "message": "hi"});
    assert!(h.err("send_guest_message", both).await.contains("either"));
    assert!(h.err("send_guest_message", json!({"conversation_id": conversation})).await.contains("message"));
    let unknown = h.err("send_guest_message", json!({"conversation_id": conversation, "template_id": 1})).await;
    assert!(unknown.contains("template_id") && unknown.contains("no template 1"), "{unknown}");
}

/// Issue 25, repro 4: for a booking, only the templates Hostaway offers for its listing and
/// channel are listed, and one saved for another property or channel is not sent to its guest.
#[tokio::test]
async fn a_booking_sees_only_the_templates_of_its_listing_and_channel() {
    let h = mcp::start().await;
    let scopes = h.sandbox.inspect(|s| s.template_scopes.clone());
    let (&parking, parking_scope) = scopes.iter().find(|(_, s)| s.listing.is_some()).unwrap();
    let (conversation, booking, listing, channel, expected) = h.sandbox.inspect(|s| {
        let (c, r) = s
            .conversations
            .values()
            .filter_map(|c| Some((c, s.reservations.get(&c.reservation_id?)?)))
            .find(|(_, r)| {
                r.channel_id == Some(Channel::BookingCom.id()) && Some(r.listing_map_id) != parking_scope.listing
            })
            .expect("a Booking.com conversation at a listing without its own templates");
        let fits = |own: Option<i64>, of_booking: Option<i64>| own.is_none() || own == of_booking;
        let expected: Vec<i64> = s
            .templates
            .iter()
            .filter(|t| {
                let scope = s.template_scopes.get(&t.id).copied().unwrap_or_default();
                fits(scope.listing, Some(r.listing_map_id)) && fits(scope.channel, r.channel_id)
            })
            .map(|t| t.id)
            .collect();
        (c.id, r.id, r.listing_map_id, r.channel_id, expected)
    });
    let answer = h.ok("list_message_templates", json!({"reservation_id": booking})).await;
    assert_eq!(template_ids(&answer), expected, "listing {listing}, channel {channel:?}");
    assert!(!expected.contains(&parking));
    let airbnb_only = scopes.iter().find(|(_, s)| s.channel == Some(Channel::Airbnb.id())).map(|(id, _)| *id).unwrap();
    assert!(!expected.contains(&airbnb_only));

    let refused = h
        .err("send_guest_message", json!({"conversation_id": conversation, "template_id": parking, "confirm": true}))
        .await;
    assert!(refused.contains("another listing or channel"), "{refused}");
    assert_eq!(h.sandbox.stats().applied(id::SEND_CONVERSATION_MESSAGE), 0);

    let elsewhere = h.sandbox.inspect(|s| *s.listings.keys().find(|id| **id != listing).unwrap());
    let clash = h.err("list_message_templates", json!({"reservation_id": booking, "listing_id": elsewhere})).await;
    assert!(clash.contains("the booking sets them"), "{clash}");
}
