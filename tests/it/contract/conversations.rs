//! Contract: conversations, their messages, sending a message and message templates, through the
//! generated client against the sandbox over a real socket.

use crate::support::api;
use hostaway_mcp::domain::Channel;
use hostaway_mcp::hostaway::id;

use std::collections::BTreeSet;

use hostaway_mcp::{
    hostaway::{Client, types},
    sandbox::{Sandbox, SandboxConfig},
};

const SEND: &str = id::SEND_CONVERSATION_MESSAGE;

fn message(text: &str) -> types::SendMessageRequest {
    types::SendMessageRequest { body: text.parse().unwrap(), communication_type: None }
}

/// The newer of a conversation's last sent and last received times.
fn last_activity(c: &types::Conversation) -> String {
    c.message_sent_on.clone().max(c.message_received_on.clone()).unwrap_or_default()
}

/// Every conversation, fetched in pages of `size`.
async fn every_conversation(client: &Client, size: u32) -> Vec<types::Conversation> {
    let mut all = Vec::new();
    loop {
        let page = client.list_conversations().limit(size).offset(all.len() as i32).send().await.unwrap().into_inner();
        assert_eq!(page.status, types::EnvelopeStatus::Success);
        let fetched = page.result.len();
        all.extend(page.result);
        if fetched < size as usize {
            return all;
        }
    }
}

/// Number of stored messages per conversation.
fn thread_sizes(sandbox: &Sandbox) -> Vec<(i64, usize)> {
    sandbox.inspect(|store| {
        store
            .conversations
            .keys()
            .map(|&id| (id, store.messages.values().filter(|m| m.conversation_id == Some(id)).count()))
            .collect()
    })
}

/// The conversation with the longest thread.
fn longest_thread(sandbox: &Sandbox) -> (i64, usize) {
    thread_sizes(sandbox).into_iter().max_by_key(|&(id, n)| (n, -id)).unwrap()
}

/// A booking-channel conversation whose guest is waiting for an answer (so a send that defaulted
/// to the conversation's channel instead of email would show).
fn unread_conversation(sandbox: &Sandbox) -> types::Conversation {
    sandbox.inspect(|store| {
        store
            .conversations
            .values()
            .find(|c| c.has_unread_messages == Some(1) && c.type_.as_deref() == Some("host-guest-channel"))
            .cloned()
            .unwrap()
    })
}

#[tokio::test]
async fn conversation_paging_covers_every_conversation_exactly_once() {
    let (sandbox, client) = api::connected().await;
    let stored: BTreeSet<i64> = sandbox.inspect(|store| store.conversations.keys().copied().collect());
    assert!(stored.len() >= 50, "the seeded account has many conversations");

    let first = client.list_conversations().limit(7).send().await.unwrap().into_inner();
    assert_eq!(first.status, types::EnvelopeStatus::Success);
    assert_eq!(first.count, Some(stored.len() as i64), "count is the total, not the page size");
    assert_eq!((first.limit, first.offset, first.result.len()), (Some(7), Some(0), 7));

    let all = every_conversation(&client, 7).await;
    let ids: Vec<i64> = all.iter().map(|c| c.id).collect();
    let unique: BTreeSet<i64> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "no conversation appears on two pages");
    assert_eq!(unique, stored);
}

#[tokio::test]
async fn conversations_come_latest_activity_first() {
    let (_sandbox, client) = api::connected().await;
    let all = client.list_conversations().send().await.unwrap().into_inner().result;
    assert!(all.len() >= 50);
    for pair in all.windows(2) {
        assert!(
            last_activity(&pair[0]) >= last_activity(&pair[1]),
            "conversation {} ({}) is listed before {} ({})",
            pair[0].id,
            last_activity(&pair[0]),
            pair[1].id,
            last_activity(&pair[1])
        );
    }
    assert_ne!(last_activity(&all[0]), last_activity(&all[all.len() - 1]), "the order is not trivially flat");
}

#[tokio::test]
async fn each_listed_conversation_embeds_its_reservation_and_its_latest_message() {
    let (sandbox, client) = api::connected().await;
    let all = client.list_conversations().send().await.unwrap().into_inner().result;
    for conversation in &all {
        let reservation = conversation.reservation.as_ref().expect("the reservation is embedded");
        assert_eq!(Some(reservation.id), conversation.reservation_id);
        assert_eq!(conversation.conversation_messages.len(), 1, "only the latest message is embedded");
        let embedded = &conversation.conversation_messages[0];
        let latest = sandbox.inspect(|store| {
            store
                .messages
                .values()
                .filter(|m| m.conversation_id == Some(conversation.id))
                .max_by_key(|m| (m.inserted_on.clone(), m.id))
                .map(|m| m.id)
        });
        assert_eq!(Some(embedded.id), latest, "conversation {}", conversation.id);
        assert_eq!(embedded.conversation_id, Some(conversation.id));
    }
}

#[tokio::test]
async fn filtering_by_reservation_returns_only_that_reservations_conversation() {
    let (sandbox, client) = api::connected().await;
    let (conversation_id, reservation_id) = sandbox.inspect(|store| {
        let c = store.conversations.values().nth(5).unwrap();
        (c.id, c.reservation_id.unwrap())
    });
    let found = client.list_conversations().reservation_id(reservation_id).send().await.unwrap().into_inner();
    assert_eq!(found.count, Some(1));
    assert_eq!(found.result.iter().map(|c| c.id).collect::<Vec<_>>(), vec![conversation_id]);
    assert_eq!(found.result[0].reservation_id, Some(reservation_id));

    let without = sandbox.inspect(|store| {
        let with: BTreeSet<i64> = store.conversations.values().filter_map(|c| c.reservation_id).collect();
        *store.reservations.keys().find(|id| !with.contains(id)).unwrap()
    });
    let none = client.list_conversations().reservation_id(without).send().await.unwrap().into_inner();
    assert_eq!((none.count, none.result.len()), (Some(0), 0), "a reservation without messages has no conversation");
}

#[tokio::test]
async fn getting_a_conversation_returns_it_with_its_reservation_and_latest_message() {
    let (sandbox, client) = api::connected().await;
    let stored = sandbox.inspect(|store| store.conversations.values().nth(3).cloned().unwrap());
    let got = client.get_conversation().conversation_id(stored.id).send().await.unwrap().into_inner();
    assert_eq!(got.status, types::EnvelopeStatus::Success);
    let got = got.result;
    assert_eq!(got.id, stored.id);
    assert_eq!(got.reservation_id, stored.reservation_id);
    assert_eq!(got.recipient_name, stored.recipient_name);
    assert_eq!(got.reservation.map(|r| r.id), stored.reservation_id);
    assert_eq!(got.conversation_messages.len(), 1);
}

#[tokio::test]
async fn an_unknown_conversation_is_a_404_failure() {
    let (_sandbox, client) = api::connected().await;
    let (status, message) = api::failure(client.get_conversation().conversation_id(1).send().await);
    assert_eq!(status, 404);
    assert!(message.contains("Conversation 1"), "{message}");
    let (status, _) = api::failure(client.list_conversation_messages().conversation_id(1).send().await);
    assert_eq!(status, 404);
}

#[tokio::test]
async fn messages_come_newest_first_and_all_belong_to_the_conversation() {
    let (sandbox, client) = api::connected().await;
    let (id, size) = longest_thread(&sandbox);
    assert!(size >= 3, "the longest seeded thread has a few messages");
    let listed = client.list_conversation_messages().conversation_id(id).send().await.unwrap().into_inner();
    assert_eq!(listed.status, types::EnvelopeStatus::Success);
    assert_eq!((listed.count, listed.result.len()), (Some(size as i64), size));
    assert!(listed.result.iter().all(|m| m.conversation_id == Some(id)));
    for pair in listed.result.windows(2) {
        let key = |m: &types::ConversationMessage| (m.inserted_on.clone(), m.id);
        assert!(key(&pair[0]) > key(&pair[1]), "{:?} is listed before {:?}", key(&pair[0]), key(&pair[1]));
    }
}

#[tokio::test]
async fn message_paging_covers_the_thread_exactly_once_in_order() {
    let (sandbox, client) = api::connected().await;
    let (id, size) = longest_thread(&sandbox);
    let whole: Vec<i64> = client
        .list_conversation_messages()
        .conversation_id(id)
        .send()
        .await
        .unwrap()
        .into_inner()
        .result
        .iter()
        .map(|m| m.id)
        .collect();
    let mut paged = Vec::new();
    for offset in (0..size).step_by(2) {
        let page = client
            .list_conversation_messages()
            .conversation_id(id)
            .limit(2)
            .offset(offset as i32)
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(page.count, Some(size as i64));
        assert_eq!((page.limit, page.offset), (Some(2), Some(offset as i64)));
        paged.extend(page.result.iter().map(|m| m.id));
    }
    assert_eq!(paged, whole);
    let past_end =
        client.list_conversation_messages().conversation_id(id).limit(2).offset(size as i32).send().await.unwrap();
    assert!(past_end.result.is_empty());
}

#[tokio::test]
async fn a_sent_message_comes_back_leads_the_thread_and_marks_the_conversation_answered() {
    let (sandbox, client) = api::connected().await;
    let before = unread_conversation(&sandbox);
    let text = "Hi! The heating engineer will come by at 10:00 tomorrow.";
    let sent = client
        .send_conversation_message()
        .conversation_id(before.id)
        .body(message(text))
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(sent.status, types::EnvelopeStatus::Success);
    let sent = sent.result;
    assert_eq!(sent.body.as_deref(), Some(text));
    assert_eq!(sent.conversation_id, Some(before.id));
    assert_eq!(sent.reservation_id, before.reservation_id);
    assert_eq!(sent.communication_type.as_deref(), Some("email"), "communicationType defaults to email");
    assert_eq!(sent.is_incoming, Some(0));
    assert_eq!(sandbox.stats().applied(SEND), 1);

    let thread = client.list_conversation_messages().conversation_id(before.id).send().await.unwrap().into_inner();
    assert_eq!(thread.result[0].id, sent.id, "the new message is listed first");
    assert_eq!(thread.result[0].body.as_deref(), Some(text));

    let after = client.get_conversation().conversation_id(before.id).send().await.unwrap().into_inner().result;
    assert_eq!(after.has_unread_messages, Some(0));
    assert_ne!(after.message_sent_on, before.message_sent_on);
    assert_eq!(after.message_sent_on, sent.inserted_on);
    assert_eq!(after.conversation_messages[0].id, sent.id, "the embedded latest message is the new one");
}

#[tokio::test]
async fn each_send_is_applied_exactly_once_and_keeps_the_chosen_channel() {
    let (sandbox, client) = api::connected().await;
    let id = unread_conversation(&sandbox).id;
    let stored =
        |s: &Sandbox| s.inspect(|store| store.messages.values().filter(|m| m.conversation_id == Some(id)).count());
    let start = stored(&sandbox);

    client.send_conversation_message().conversation_id(id).body(message("First")).send().await.unwrap();
    assert_eq!(sandbox.stats().applied(SEND), 1);
    let second = types::SendMessageRequest {
        communication_type: Some(types::SendMessageRequestCommunicationType::Channel),
        ..message("Second")
    };
    let sent = client.send_conversation_message().conversation_id(id).body(second).send().await.unwrap();
    assert_eq!(sent.result.communication_type.as_deref(), Some("channel"));
    assert_eq!(sandbox.stats().applied(SEND), 2);
    assert_eq!(stored(&sandbox), start + 2);
}

#[tokio::test]
async fn a_blank_message_is_refused_with_a_400_and_nothing_is_sent() {
    let (sandbox, client) = api::connected().await;
    let id = unread_conversation(&sandbox).id;
    let count = |s: &Sandbox| s.inspect(|store| store.messages.len());
    let start = count(&sandbox);

    let (status, text) =
        api::failure(client.send_conversation_message().conversation_id(id).body(message("  \n ")).send().await);
    assert_eq!(status, 400);
    assert!(text.contains("body"), "the failure names the missing body: {text}");

    // The generated client refuses an empty body itself, so send that one by hand.
    let token = api::mint(&sandbox).await;
    let raw = reqwest::Client::new()
        .post(format!("{}/conversations/{id}/messages", sandbox.base_url()))
        .bearer_auth(token)
        .json(&serde_json::json!({"body": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 400);
    let body: serde_json::Value = raw.json().await.unwrap();
    assert_eq!(body["status"], "fail");
    assert!(!body["result"].as_str().unwrap_or_default().is_empty(), "{body}");

    assert_eq!(sandbox.stats().applied(SEND), 0);
    assert_eq!(count(&sandbox), start);
}

#[tokio::test]
async fn templates_without_a_reservation_keep_their_placeholders() {
    let (sandbox, client) = api::connected().await;
    let listed = client.list_message_templates().send().await.unwrap().into_inner();
    assert_eq!(listed.status, types::EnvelopeStatus::Success);
    let stored = sandbox.inspect(|store| store.templates.len());
    assert_eq!(listed.result.len(), stored);
    let texts: Vec<&str> = listed.result.iter().filter_map(|t| t.message.as_deref()).collect();
    assert!(texts.iter().any(|t| t.contains("{{guest_first_name}}")));
    assert!(texts.iter().any(|t| t.contains("{{listing_name}}")));
}

#[tokio::test]
async fn templates_for_a_reservation_are_filled_in_for_its_guest() {
    let (sandbox, client) = api::connected().await;
    let (reservation_id, first_name, listing_name) = sandbox.inspect(|store| {
        let r = store.reservations.values().find(|r| r.status.as_str() == "new").unwrap();
        (r.id, r.guest_first_name.clone().unwrap(), store.listings[&r.listing_map_id].name.clone())
    });
    let raw = client.list_message_templates().send().await.unwrap().into_inner().result;
    let filled = client.list_message_templates().reservation_id(reservation_id).send().await.unwrap().into_inner();
    assert_eq!(filled.status, types::EnvelopeStatus::Success);
    assert_eq!(filled.result.len(), raw.len());
    for (template, original) in filled.result.iter().zip(&raw) {
        assert_eq!(template.id, original.id);
        let text = template.message.as_deref().unwrap();
        for known in ["{{guest_first_name}}", "{{listing_name}}", "{{checkin_time}}", "{{checkout_time}}"] {
            assert!(!text.contains(known), "template {} still has {known}: {text}", template.id);
        }
        if original.message.as_deref().unwrap().contains("{{guest_first_name}}") {
            assert!(text.contains(&first_name), "template {} lacks {first_name}: {text}", template.id);
        }
    }
    assert!(filled.result.iter().any(|t| t.message.as_deref().unwrap().contains(&listing_name)));
}

#[tokio::test]
async fn a_listing_or_channel_filter_keeps_its_own_templates_and_those_for_all() {
    let (sandbox, client) = api::connected().await;
    let (all, scopes) = sandbox
        .inspect(|store| (store.templates.iter().map(|t| t.id).collect::<Vec<_>>(), store.template_scopes.clone()));
    let (scoped_listing, scoped_channel) = scopes.iter().fold((None, None), |(l, c), (id, scope)| {
        (l.or(scope.listing.map(|x| (*id, x))), c.or(scope.channel.map(|x| (*id, x))))
    });
    let ((listing_template, listing), (channel_template, channel)) = (scoped_listing.unwrap(), scoped_channel.unwrap());
    let ids = |list: types::MessageTemplateList| list.result.into_iter().map(|t| t.id).collect::<Vec<_>>();
    let for_listing = ids(client.list_message_templates().listing_map_id(listing).send().await.unwrap().into_inner());
    let expected: Vec<i64> = all
        .iter()
        .copied()
        .filter(|id| scopes.get(id).is_none_or(|s| s.listing.is_none_or(|l| l == listing)))
        .collect();
    assert_eq!(for_listing, expected);
    assert!(for_listing.contains(&listing_template));
    let other = ids(client.list_message_templates().listing_map_id(listing + 1).send().await.unwrap().into_inner());
    assert!(!other.contains(&listing_template) && other.contains(&channel_template));
    let for_channel = ids(client.list_message_templates().channel_id(channel).send().await.unwrap().into_inner());
    assert!(for_channel.contains(&channel_template) && for_channel.contains(&listing_template));
    let direct =
        ids(client.list_message_templates().channel_id(Channel::Direct.id()).send().await.unwrap().into_inner());
    assert!(!direct.contains(&channel_template));
}

#[tokio::test]
async fn templates_for_an_unknown_reservation_are_a_404_failure() {
    let (_sandbox, client) = api::connected().await;
    let (status, message) = api::failure(client.list_message_templates().reservation_id(1).send().await);
    assert_eq!(status, 404);
    assert!(message.contains("Reservation 1"), "{message}");
}

#[tokio::test]
async fn a_sent_message_leads_the_thread_even_when_the_data_is_anchored_ahead_of_the_clock() {
    let clock = hostaway_mcp::clock::Clock::starting_at(chrono::DateTime::UNIX_EPOCH + chrono::Duration::days(20_800));
    let ahead = clock.today_utc() + chrono::Duration::days(30);
    let (sandbox, client) = api::connected_with(SandboxConfig { today: Some(ahead), clock, ..api::config() }).await;
    let id = unread_conversation(&sandbox).id;
    let sent = client.send_conversation_message().conversation_id(id).body(message("Hello")).send().await.unwrap();
    let thread = client.list_conversation_messages().conversation_id(id).send().await.unwrap();
    assert_eq!(thread.result[0].id, sent.result.id, "the new message is listed first");
    let conversations = client.list_conversations().limit(1).send().await.unwrap();
    assert_eq!(conversations.result[0].id, id, "the conversation just answered has the latest activity");
}
