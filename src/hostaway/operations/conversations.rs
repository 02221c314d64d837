//! Guest conversations: one, the paged inbox, a thread's messages, and sending a message.

use super::{Fresh, id, secs};
use crate::hostaway::{
    Gateway, GatewayError, Idempotence,
    cache::{ReadKey, Scope, Topics},
    types,
};

/// Guests expect quick answers: conversations stay fresh for seconds only.
pub(super) const TTLS: &[(&str, std::time::Duration)] = &[
    (id::GET_CONVERSATION, secs(15)),
    (id::LIST_CONVERSATIONS, secs(15)),
    (id::LIST_CONVERSATION_MESSAGES, secs(15)),
    (id::LIST_MESSAGE_TEMPLATES, secs(600)),
];
/// While Hostaway's webhooks arrive, each guest message drops these reads at once. Ten minutes,
/// shorter than bookings: a host reading or answering in Hostaway's own inbox sends no event.
pub(super) const LIVE_TTLS: &[(&str, std::time::Duration)] = &[
    (id::GET_CONVERSATION, secs(600)),
    (id::LIST_CONVERSATIONS, secs(600)),
    (id::LIST_CONVERSATION_MESSAGES, secs(600)),
];

impl Gateway {
    /// One conversation, with its reservation.
    pub async fn conversation(&self, conversation: i64, fresh: Fresh) -> Result<types::Conversation, GatewayError> {
        let key = ReadKey {
            operation: id::GET_CONVERSATION,
            params: conversation.to_string(),
            scope: Scope::default().about(Topics::MESSAGES.and(Topics::STAYS)),
        };
        let envelope = self
            .fetch(key, fresh, move |client| async move {
                client.get_conversation().conversation_id(conversation).send().await
            })
            .await?;
        Ok(envelope.result)
    }

    /// One page of the inbox, `limit` conversations from `offset`.
    pub async fn conversations_page(&self, limit: u32, offset: u32) -> Result<types::ConversationList, GatewayError> {
        let key = ReadKey {
            operation: id::LIST_CONVERSATIONS,
            params: format!("limit={limit}&offset={offset}"),
            scope: Scope::default().about(Topics::MESSAGES.and(Topics::STAYS)),
        };
        self.read(key, move |client| async move {
            client.list_conversations().limit(super::limit(limit)).offset(super::offset(offset)).send().await
        })
        .await
    }

    /// A conversation's latest `limit` messages, as Hostaway orders them.
    pub async fn conversation_messages(
        &self,
        conversation: i64,
        limit: u32,
        fresh: Fresh,
    ) -> Result<types::ConversationMessageList, GatewayError> {
        let key = ReadKey {
            operation: id::LIST_CONVERSATION_MESSAGES,
            params: format!("{conversation}&limit={limit}"),
            scope: Scope::default().about(Topics::MESSAGES),
        };
        self.fetch(key, fresh, move |client| async move {
            client.list_conversation_messages().conversation_id(conversation).limit(super::limit(limit)).send().await
        })
        .await
    }

    /// Sends a message to a guest. A POST: never repeated once it may have reached Hostaway; the
    /// caller checks the thread before sending again.
    pub async fn send_message(
        &self,
        conversation: &types::Conversation,
        message: types::SendMessageRequest,
    ) -> Result<types::ConversationMessage, GatewayError> {
        let id = conversation.id;
        let scope = Scope {
            listing: conversation.listing_map_id,
            reservation: conversation.reservation_id,
            ..Scope::default()
        };
        let sent = self
            .write(super::id::SEND_CONVERSATION_MESSAGE, Idempotence::Unsafe, scope, move |client| {
                let message = message.clone();
                async move { client.send_conversation_message().conversation_id(id).body(message).send().await }
            })
            .await?;
        Ok(sent.result)
    }
}

/// A `listMessageTemplates` filter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TemplateQuery {
    /// Templates for this listing (and those for every listing).
    pub listing_id: Option<i64>,
    /// Templates for this channel (and those for every channel).
    pub channel_id: Option<i64>,
    /// Fill the placeholders for this reservation, as Hostaway does.
    pub reservation_id: Option<i64>,
}

impl TemplateQuery {
    /// The templates Hostaway offers for `booking`: those for its listing (or every listing) and its
    /// channel (or every channel), filled for it. A template saved for another property or channel
    /// never fits a booking, whatever the model asks for.
    pub fn for_booking(booking: &types::Reservation) -> Self {
        Self {
            listing_id: Some(booking.listing_map_id),
            channel_id: booking.channel_id,
            reservation_id: Some(booking.id),
        }
    }
}

impl Gateway {
    /// Saved message templates, their placeholders filled when a reservation is given.
    pub async fn message_templates(&self, query: TemplateQuery) -> Result<Vec<types::MessageTemplate>, GatewayError> {
        let scope = query.reservation_id.map_or_else(Scope::default, |id| Scope::reservation(id, None));
        let key = ReadKey { operation: id::LIST_MESSAGE_TEMPLATES, params: format!("{query:?}"), scope };
        let list = self
            .read(key, move |client| async move {
                let mut call = client.list_message_templates();
                if let Some(id) = query.listing_id {
                    call = call.listing_map_id(id);
                }
                if let Some(id) = query.channel_id {
                    call = call.channel_id(id);
                }
                if let Some(id) = query.reservation_id {
                    call = call.reservation_id(id);
                }
                call.send().await
            })
            .await?;
        Ok(list.result)
    }
}
