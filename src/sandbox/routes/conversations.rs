//! Conversations, their messages, sending a message, and message templates.

use crate::hostaway::id;
use std::sync::Arc;

use axum::extract::{Path, State};
use serde::Deserialize;

use crate::{
    hostaway::types,
    sandbox::{
        app::{Shared, lock},
        seed::FIRST_MESSAGE_ID,
        store::Store,
        webhooks::{self, Event},
        wire::{self, Body, Failure, Params, Reply},
    },
};

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    limit: Option<usize>,
    offset: Option<usize>,
    reservation_id: Option<i64>,
    #[allow(dead_code)]
    include_resources: Option<i32>,
}

/// The newer of a conversation's last sent and last received times.
fn last_activity(c: &types::Conversation) -> String {
    c.message_sent_on.clone().max(c.message_received_on.clone()).unwrap_or_default()
}

/// A conversation as Hostaway sends it: with its latest message and its reservation.
fn full(store: &Store, conversation: &types::Conversation) -> types::Conversation {
    let mut full = conversation.clone();
    full.conversation_messages = thread(store, conversation.id).into_iter().take(1).collect();
    full.reservation = conversation.reservation_id.and_then(|id| store.reservations.get(&id)).cloned();
    full
}

/// Messages of a conversation, newest first.
fn thread(store: &Store, conversation_id: i64) -> Vec<types::ConversationMessage> {
    let mut messages: Vec<_> =
        store.messages.values().filter(|m| m.conversation_id == Some(conversation_id)).cloned().collect();
    messages.sort_by_key(|m| std::cmp::Reverse((m.inserted_on.clone(), m.id)));
    messages
}

/// `GET /conversations`, latest activity first.
pub async fn list(State(shared): State<Arc<Shared>>, Params(q): Params<ListQuery>) -> Reply {
    let store = lock(&shared.store);
    let mut rows: Vec<&types::Conversation> =
        store.conversations.values().filter(|c| q.reservation_id.is_none_or(|r| c.reservation_id == Some(r))).collect();
    rows.sort_by_key(|c| std::cmp::Reverse((last_activity(c), c.id)));
    let page: Vec<types::Conversation> =
        wire::slice(&rows, q.limit, q.offset).into_iter().map(|c| full(&store, c)).collect();
    wire::page(&page, rows.len(), q.limit, Some(q.offset.unwrap_or(0)))
}

fn find(store: &Store, id: i64) -> Result<&types::Conversation, Failure> {
    store.conversations.get(&id).ok_or_else(|| Failure::not_found("Conversation", id))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OneQuery {
    #[allow(dead_code)]
    include_resources: Option<i32>,
}

/// `GET /conversations/{conversationId}`.
pub async fn one(State(shared): State<Arc<Shared>>, Path(id): Path<i64>, Params(_): Params<OneQuery>) -> Reply {
    let store = lock(&shared.store);
    wire::success(full(&store, find(&store, id)?))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessagesQuery {
    limit: Option<usize>,
    offset: Option<usize>,
    include_scheduled_messages: Option<i32>,
}

/// `GET /conversations/{conversationId}/messages`, newest first.
pub async fn messages(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<i64>,
    Params(q): Params<MessagesQuery>,
) -> Reply {
    let store = lock(&shared.store);
    find(&store, id)?;
    let all = q.include_scheduled_messages == Some(1);
    let rows: Vec<_> = thread(&store, id).into_iter().filter(|m| all || m.status.as_deref() == Some("sent")).collect();
    wire::page(&wire::slice(&rows, q.limit, q.offset), rows.len(), q.limit, Some(q.offset.unwrap_or(0)))
}

/// `POST /conversations/{conversationId}/messages`: the host writes to the guest.
pub async fn send(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<i64>,
    Body(request): Body<types::SendMessageRequest>,
) -> Reply {
    let message = add_message(&shared, id, &request, false)?;
    shared.applied(id::SEND_CONVERSATION_MESSAGE);
    wire::success(message)
}

/// The channel's side: the guest writes in (a control route, outside `/v1`). The conversation
/// then has an unread message.
pub async fn receive(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<i64>,
    Body(request): Body<types::SendMessageRequest>,
) -> Reply {
    wire::success(add_message(&shared, id, &request, true)?)
}

/// Adds a message to conversation `id`, from the guest when `incoming`, and sends its event.
fn add_message(
    shared: &Arc<Shared>,
    id: i64,
    request: &types::SendMessageRequest,
    incoming: bool,
) -> Result<types::ConversationMessage, Failure> {
    if request.body.trim().is_empty() {
        return Err(Failure::invalid("The body parameter is required"));
    }
    let mut store = lock(&shared.store);
    let conversation = find(&store, id)?.clone();
    let message_id = Store::next_id(&store.messages, FIRST_MESSAGE_ID);
    let now = store.now_string();
    let kind = request.communication_type.map_or_else(|| "email".to_string(), |t| t.to_string());
    let message = types::ConversationMessage {
        id: message_id,
        conversation_id: Some(id),
        reservation_id: conversation.reservation_id,
        listing_map_id: conversation.listing_map_id,
        body: Some(request.body.to_string()),
        communication_type: Some(kind),
        // The docs' message statuses (awaiting, cancelled_by_user, cancelled_by_system, sent,
        // paused, failed) have no "received": a guest's message is sent, and `isIncoming` says whose.
        status: Some("sent".into()),
        is_incoming: Some(i32::from(incoming)),
        is_seen: Some(i32::from(!incoming)),
        sent_using_hostaway: Some(i32::from(!incoming)),
        date: Some(now.clone()),
        inserted_on: Some(now.clone()),
        updated_on: Some(now.clone()),
    };
    store.messages.insert(message_id, message.clone());
    if let Some(stored) = store.conversations.get_mut(&id) {
        if incoming {
            stored.message_received_on = Some(now);
        } else {
            stored.message_sent_on = Some(now);
        }
        stored.has_unread_messages = Some(i32::from(incoming));
    }
    drop(store);
    webhooks::emit(shared, Event::message(shared.config.account_id, &message));
    Ok(message)
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplatesQuery {
    // Template groups are not modelled: every template is in every group.
    #[allow(dead_code)]
    message_template_group_id: Option<i64>,
    channel_id: Option<i64>,
    listing_map_id: Option<i64>,
    reservation_id: Option<i64>,
}

/// `GET /messageTemplates`; with a reservationId the placeholders are filled in, as Hostaway does.
pub async fn templates(State(shared): State<Arc<Shared>>, Params(q): Params<TemplatesQuery>) -> Reply {
    let store = lock(&shared.store);
    let reservation = match q.reservation_id {
        Some(id) => Some(store.reservations.get(&id).ok_or_else(|| Failure::not_found("Reservation", id))?),
        None => None,
    };
    // A listing or channel filter keeps the templates for that listing or channel and those for all.
    let fits = |template: &types::MessageTemplate| {
        let scope = store.template_scopes.get(&template.id).copied().unwrap_or_default();
        let fits = |filter: Option<i64>, own: Option<i64>| filter.is_none() || own.is_none() || filter == own;
        fits(q.listing_map_id, scope.listing) && fits(q.channel_id, scope.channel)
    };
    let filled: Vec<types::MessageTemplate> = store
        .templates
        .iter()
        .filter(|template| fits(template))
        .cloned()
        .map(|mut template| {
            if let (Some(r), Some(text)) = (reservation, template.message.as_mut()) {
                let listing = store.listings.get(&r.listing_map_id);
                let hour = |h: Option<i32>| h.map_or_else(String::new, |h| format!("{h:02}:00"));
                *text = text
                    .replace("{{guest_first_name}}", r.guest_first_name.as_deref().unwrap_or("guest"))
                    .replace("{{listing_name}}", listing.map_or("", |l| l.name.as_str()))
                    .replace("{{checkin_time}}", &hour(listing.and_then(|l| l.check_in_time_start)))
                    .replace("{{checkout_time}}", &hour(listing.and_then(|l| l.check_out_time)));
            }
            template
        })
        .collect();
    wire::success(filled)
}
