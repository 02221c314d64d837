//! The messaging toolset, one tool a file: the guest inbox (`unread_conversations`, what is
//! waiting for an answer; `get_conversation`, one thread), saved replies (`list_message_templates`)
//! and answering a guest (`send_guest_message`, filling a template through `template_fill`).

use chrono::NaiveDateTime;
use rmcp::handler::server::router::tool::ToolRouter;

use super::{ToolContext, Toolset, args};
use crate::hostaway::types;

pub mod get_conversation;
pub mod list_message_templates;
pub mod send_guest_message;
mod template_fill;
pub mod unread_conversations;

/// The messaging toolset, as `--toolsets` names it and the instructions introduce it.
pub const TOOLSET: Toolset = Toolset {
    name: "messaging",
    guide: "Guests: unread_conversations (conversation_id; in-house guests, then arrivals, each longest waiting first), get_conversation, saved replies with list_message_templates.",
    tools,
};

fn tools() -> ToolRouter<ToolContext> {
    ToolContext::unread_conversations_tool()
        + ToolContext::get_conversation_tool()
        + ToolContext::list_message_templates_tool()
        + ToolContext::send_guest_message_tool()
}

/// When a message was sent or received.
fn sent_at(message: &types::ConversationMessage) -> Option<NaiveDateTime> {
    message.inserted_on.as_deref().or(message.date.as_deref()).and_then(args::hostaway_datetime)
}
