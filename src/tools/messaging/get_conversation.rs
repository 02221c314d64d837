//! `get_conversation`: one guest conversation's thread, its guest and booking, latest messages
//! oldest first.

use crate::tools::untrusted::Untrusted;
use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::sent_at;
use crate::{
    hostaway::{Fresh, types},
    tools::{ToolContext, args, error::ToolError, params::Parameters},
};

/// Arguments of `get_conversation`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetConversationArgs {
    #[serde(deserialize_with = "args::int")]
    #[schemars(range(min = 1))]
    pub conversation_id: i64,
    /// Latest messages to return (default 20).
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1, max = 100))]
    pub limit: Option<u32>,
}

/// The booking a conversation is about.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ConversationReservation {
    /// Hostaway reservation id.
    pub reservation_id: i64,
    /// The listing booked.
    pub listing_id: i64,
    /// Arrival date (YYYY-MM-DD).
    pub check_in: String,
    /// Departure date (YYYY-MM-DD, exclusive).
    pub check_out: String,
    /// The booking's status.
    pub status: String,
}

/// Who wrote a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// The guest wrote it.
    Guest,
    /// The host (or an automation) sent it.
    Host,
}

/// One message of a thread.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct MessageRow {
    /// guest or host.
    pub direction: Direction,
    /// The text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Untrusted>,
    /// When it was sent or received, ISO 8601 UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<String>,
    /// How it travelled: email, channel, sms or whatsapp.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

/// A conversation with its recent messages.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ConversationThread {
    /// The conversation's id.
    pub conversation_id: i64,
    /// The guest's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guest_name: Option<Untrusted>,
    /// The booking the conversation is about, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reservation: Option<ConversationReservation>,
    /// The most recent messages, oldest first, so the last one is the newest.
    pub messages: Vec<MessageRow>,
    /// Sent messages in the whole thread (more than returned when older ones were left out).
    pub total_messages: u64,
    /// Whether the guest's latest message is still unread.
    pub has_unread: bool,
}

#[tool_router(router = get_conversation_tool, vis = "pub(crate)")]
impl ToolContext {
    /// One guest conversation: guest, booking and latest messages, oldest first; no scheduled messages.
    #[tool(
        name = "get_conversation",
        title = "Get conversation",
        annotations(
            title = "Get conversation",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    pub async fn get_conversation(
        &self,
        Parameters(args): Parameters<GetConversationArgs>,
    ) -> Result<Json<ConversationThread>, ToolError> {
        let limit = args::limit(args.limit, 20, 100)?;
        let id = args.conversation_id;
        let gateway = &self.gateway;
        let (conversation, messages) =
            tokio::join!(gateway.conversation(id, Fresh::No), gateway.conversation_messages(id, limit, Fresh::No));
        let conversation = conversation?;
        let messages = messages?;
        let total_messages = messages.count.map_or(messages.result.len() as u64, |c| c.max(0) as u64);
        let mut thread = messages.result;
        // Hostaway sends newest first; a thread reads oldest first.
        thread.sort_by_key(|m| (sent_at(m), m.id));
        let reservation = conversation.reservation.as_ref();
        Ok(Json(ConversationThread {
            conversation_id: conversation.id,
            guest_name: conversation
                .recipient_name
                .clone()
                .or_else(|| reservation.and_then(|r| r.guest_name.clone()))
                .map(Untrusted::from),
            reservation: reservation.map(|r| ConversationReservation {
                reservation_id: r.id,
                listing_id: r.listing_map_id,
                check_in: r.arrival_date.to_string(),
                check_out: r.departure_date.to_string(),
                status: r.status.to_string(),
            }),
            messages: thread.iter().map(message_row).collect(),
            total_messages,
            has_unread: conversation.has_unread_messages == Some(1),
        }))
    }
}

fn message_row(m: &types::ConversationMessage) -> MessageRow {
    MessageRow {
        direction: if m.is_incoming == Some(1) { Direction::Guest } else { Direction::Host },
        body: m.body.clone().map(Untrusted::from),
        sent_at: m.inserted_on.as_deref().or(m.date.as_deref()).map(args::iso_datetime),
        via: m.communication_type.clone(),
    }
}
