//! `send_guest_message`: answering guests, one message to the guest of a conversation, previewed
//! unless called with `confirm: true`, and never sent twice.

use crate::tools::untrusted::Untrusted;
use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    hostaway::{Fresh, types},
    tools::{
        ToolContext, WriteStatus, args,
        error::ToolError,
        params::Parameters,
        reservations::{self, ReservationRow},
    },
};

/// Longest message Hostaway is sent, in characters.
const MAX_MESSAGE_CHARS: usize = 5000;
/// How far back an outgoing message with the same text and route counts as this one.
const SAME_MESSAGE_WINDOW: chrono::TimeDelta = chrono::TimeDelta::minutes(10);
/// How many of a conversation's latest messages are searched for an earlier identical send.
const RECENT_MESSAGES: u32 = 50;

/// How a message reaches the guest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    /// Through the booking channel's own inbox (Airbnb, Booking.com, ...).
    Channel,
    /// By email.
    Email,
    /// By text message.
    Sms,
    /// By WhatsApp.
    Whatsapp,
}

/// Arguments of `send_guest_message`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SendGuestMessageArgs {
    #[serde(deserialize_with = "args::int")]
    #[schemars(range(min = 1))]
    pub conversation_id: i64,
    /// Exact text, 1-5000 characters; or give template_id.
    #[serde(default)]
    pub message: Option<String>,
    /// From list_message_templates; filled for the booking.
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1))]
    pub template_id: Option<i64>,
    /// Default: as the conversation came in (channel, else email).
    #[serde(default)]
    pub via: Option<Via>,
    /// true applies the preview.
    #[serde(default)]
    pub confirm: bool,
}

/// What `send_guest_message` would send, or sent.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct SendGuestMessageOut {
    /// preview (nothing sent), done (sent now) or already_done (the same text went the same way in
    /// the last 10 minutes; not sent again).
    pub status: WriteStatus,
    /// The conversation.
    pub conversation_id: i64,
    /// Who receives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipient: Option<Untrusted>,
    /// The booking the conversation is about, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reservation: Option<ReservationRow>,
    /// How it is (or was) sent.
    pub via: Via,
    /// The exact text that would be sent (preview only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Hostaway's id of the sent message (for already_done: of the message found).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<i64>,
    /// When it was sent, YYYY-MM-DD HH:MM:SS (UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<String>,
}

#[tool_router(router = send_guest_message_tool, vis = "pub(crate)")]
impl ToolContext {
    /// Message a conversation's guest; the preview shows recipient, route and text. already_done if sent the same
    /// way in the last 10 minutes.
    #[tool(
        name = "send_guest_message",
        title = "Send guest message",
        annotations(
            title = "Send guest message",
            read_only_hint = false,
            // Additive in Hostaway, but a message once sent cannot be taken back: clients that ask
            // before destructive calls should ask before this one.
            destructive_hint = true,
            idempotent_hint = false,
            open_world_hint = true
        )
    )]
    pub async fn send_guest_message(
        &self,
        Parameters(args): Parameters<SendGuestMessageArgs>,
    ) -> Result<Json<SendGuestMessageOut>, ToolError> {
        let id = args.conversation_id;
        let conversation = self.gateway.conversation(id, Fresh::No).await?;
        let text = match (args.message.as_deref(), args.template_id) {
            (Some(_), Some(_)) => {
                return Err(ToolError::invalid("template_id", "give either message or template_id, not both"));
            }
            (None, None) => {
                return Err(ToolError::invalid("message", "is missing; write the text, or give template_id"));
            }
            (Some(message), None) => message.trim().to_string(),
            (None, Some(template)) => self.filled_template(template, &conversation).await?.trim().to_string(),
        };
        let chars = text.chars().count();
        if text.is_empty() {
            return Err(ToolError::invalid("message", "is blank; write the text to send"));
        }
        if chars > MAX_MESSAGE_CHARS {
            return Err(ToolError::invalid(
                "message",
                format!("is {chars} characters; at most {MAX_MESSAGE_CHARS} are accepted"),
            ));
        }
        let mut out = message_out(&conversation, args.via, WriteStatus::Preview);
        if !args.confirm {
            out.message = Some(text);
            return Ok(Json(out));
        }
        let via = out.via;
        let summary = format!("conversation {id} via {}", communication_type(via));
        let ((message_id, sent_at), status) = self
            .guard
            .run("send_guest_message", &(id, &text, via), &summary, async {
                if let Some(sent) = self.sent_recently(id, &text, via).await? {
                    return Ok(((Some(sent.id), sent.inserted_on.or(sent.date)), WriteStatus::AlreadyDone));
                }
                let body = types::SendMessageRequest {
                    body: text
                        .as_str()
                        .try_into()
                        .map_err(|_| ToolError::invalid("message", "is empty; write the text to send"))?,
                    communication_type: Some(communication_type(via)),
                };
                let sent = self
                    .gateway
                    .send_message(&conversation, body)
                    .await
                    .map_err(|e| ToolError::of_write("send_guest_message", "the message was sent", e))?;
                Ok(((Some(sent.id), sent.inserted_on.or(sent.date)), WriteStatus::Done))
            })
            .await?;
        out.status = status;
        out.message_id = message_id;
        out.sent_at = sent_at;
        Ok(Json(out))
    }
}

impl ToolContext {
    /// The outgoing message with this text, sent this way to this conversation in the last ten
    /// minutes, as Hostaway holds it now.
    async fn sent_recently(
        &self,
        id: i64,
        text: &str,
        via: Via,
    ) -> Result<Option<types::ConversationMessage>, ToolError> {
        let page = self.gateway.conversation_messages(id, RECENT_MESSAGES, Fresh::Yes).await?;
        let since = self.clock.now().naive_utc() - SAME_MESSAGE_WINDOW;
        let route = communication_type(via).to_string();
        Ok(page.result.into_iter().find(|m| {
            m.is_incoming != Some(1)
                && m.body.as_deref().map(str::trim) == Some(text)
                && m.communication_type.as_deref() == Some(route.as_str())
                && m.inserted_on
                    .as_deref()
                    .or(m.date.as_deref())
                    .and_then(args::hostaway_datetime)
                    .is_some_and(|at| at >= since)
        }))
    }
}

/// The route a reply takes by default: the conversation's own kind.
fn default_via(conversation: &types::Conversation) -> Via {
    match &conversation.type_ {
        Some(kind) if kind.contains("channel") => Via::Channel,
        _ => Via::Email,
    }
}

fn communication_type(via: Via) -> types::SendMessageRequestCommunicationType {
    match via {
        Via::Channel => types::SendMessageRequestCommunicationType::Channel,
        Via::Email => types::SendMessageRequestCommunicationType::Email,
        Via::Sms => types::SendMessageRequestCommunicationType::Sms,
        Via::Whatsapp => types::SendMessageRequestCommunicationType::Whatsapp,
    }
}

fn message_out(conversation: &types::Conversation, via: Option<Via>, status: WriteStatus) -> SendGuestMessageOut {
    SendGuestMessageOut {
        status,
        conversation_id: conversation.id,
        recipient: conversation
            .recipient_name
            .clone()
            .or_else(|| conversation.reservation.as_ref().and_then(|r| r.guest_name.clone()))
            .map(Untrusted::from),
        reservation: conversation.reservation.as_ref().map(reservations::row),
        via: via.unwrap_or_else(|| default_via(conversation)),
        message: None,
        message_id: None,
        sent_at: None,
    }
}
