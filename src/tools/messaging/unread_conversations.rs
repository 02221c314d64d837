//! `unread_conversations`: inbox triage. The newest 1,000 conversations are scanned and the unread
//! ones put in the order they need a reply: guests in house, then arrivals soonest first, then the
//! rest, longest waiting first within each.

use crate::tools::untrusted::Untrusted;
use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::sent_at;
use crate::{
    hostaway::{
        paging::{Caps, Page, Pager},
        types,
    },
    tools::{
        ToolContext,
        args::{self, Cursor},
        error::ToolError,
        params::Parameters,
        reservations,
    },
};

/// Arguments of `unread_conversations`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnreadConversationsArgs {
    /// Conversations per page (default 10).
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1, max = 50))]
    pub limit: Option<u32>,
    #[serde(default)]
    pub cursor: Option<String>,
}

/// One conversation waiting for a reply.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct UnreadRow {
    /// Hostaway conversation id (`conversation_id` in get_conversation and send_guest_message).
    pub conversation_id: i64,
    /// The booking the conversation belongs to, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reservation_id: Option<i64>,
    /// The listing the guest is booked into.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listing_id: Option<i64>,
    /// That listing's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listing_name: Option<Untrusted>,
    /// Why the conversation stands where it does: in_house, arriving or other.
    pub urgency: Urgency,
    /// The guest's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guest_name: Option<Untrusted>,
    /// When the guest's latest message arrived, ISO 8601 UTC (YYYY-MM-DDTHH:MM:SSZ).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiting_since: Option<String>,
    /// Hours since then, to one decimal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiting_hours: Option<f64>,
    /// The latest message, cut to 280 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_message: Option<Untrusted>,
    /// Arrival date of the booking (YYYY-MM-DD).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_in: Option<String>,
    /// Departure date of the booking (YYYY-MM-DD, exclusive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_out: Option<String>,
    /// The booking's status, e.g. new, modified, cancelled, inquiry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// Who needs a reply first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// The guest is staying now (arrived, not yet left).
    InHouse,
    /// The guest arrives later.
    Arriving,
    /// Past stays, cancellations, inquiries and conversations without a booking.
    Other,
}

/// The unread part of the inbox.
#[derive(Debug, Serialize, JsonSchema)]
pub struct UnreadInbox {
    /// Unread conversations in the order they need a reply: guests in house, then arrivals
    /// soonest first, then the rest; longest waiting first within each (at most `limit`).
    pub conversations: Vec<UnreadRow>,
    /// How many conversations are unread in all (may exceed the rows returned).
    pub unread_total: u64,
    /// False when the inbox is larger than the 1,000 conversations scanned, so older unread ones may be missing.
    pub complete: bool,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// The date "in house" and "arriving" count from: today in the account's time zone.
    pub today: String,
    /// The account's time zone (the one most of its listings keep).
    pub time_zone: String,
}

/// Conversations fetched per page while scanning the inbox.
const PAGE_SIZE: u32 = 100;
/// Pages scanned at most (1,000 conversations).
const MAX_PAGES: u32 = 10;
/// Longest message preview, in characters.
const PREVIEW_CHARS: usize = 280;

#[tool_router(router = unread_conversations_tool, vis = "pub(crate)")]
impl ToolContext {
    /// Unread conversations: in-house guests, then arrivals, each longest waiting first (newest 1,000 scanned).
    /// Reply: send_guest_message.
    #[tool(
        name = "unread_conversations",
        title = "Unread conversations",
        annotations(
            title = "Unread conversations",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    pub async fn unread_conversations(
        &self,
        Parameters(args): Parameters<UnreadConversationsArgs>,
    ) -> Result<Json<UnreadInbox>, ToolError> {
        let limit = args::limit(args.limit, 10, 50)?;
        let offset = match Cursor::decode(args.cursor.as_deref())? {
            Some(Cursor::Offset(n)) => n as usize,
            None => 0,
            Some(Cursor::After(_)) => return Err(ToolError::invalid("cursor", "this cursor belongs to another tool")),
        };
        let gateway = &self.gateway;
        let mut pager = Pager::offset(PAGE_SIZE, Caps { max_pages: MAX_PAGES, max_items: usize::MAX });
        let all = pager
            .collect(|request| async move {
                let page = gateway.conversations_page(request.limit, request.offset).await?;
                Ok(Page::counted(page.result, page.count))
            })
            .await?;
        let catalogue = gateway.portfolio().await?;
        let zone = crate::tools::today::account_zone(&catalogue);
        let today = self.clock.today_in(zone);
        let names: HashMap<i64, String> = catalogue.into_iter().map(|l| (l.id, l.name)).collect();
        let mut unread: Vec<types::Conversation> =
            all.into_iter().filter(|c| c.has_unread_messages == Some(1)).collect();
        unread.sort_by_key(|c| reply_order(c, today));
        if offset > 0 && offset >= unread.len() {
            return Err(ToolError::invalid(
                "cursor",
                format!(
                    "this cursor points past the end: {} conversations are unread now (some may have been answered \
                     since); call again without a cursor",
                    unread.len()
                ),
            ));
        }
        let now = self.clock.now().naive_utc();
        let next = offset + limit as usize;
        Ok(Json(UnreadInbox {
            unread_total: unread.len() as u64,
            conversations: unread
                .iter()
                .skip(offset)
                .take(limit as usize)
                .map(|c| unread_row(c, now, today, &names))
                .collect(),
            complete: !pager.capped(),
            next_cursor: (next < unread.len()).then(|| Cursor::Offset(next as u32).encode()),
            today: today.to_string(),
            time_zone: zone.to_string(),
        }))
    }
}

/// When the guest's latest message arrived.
fn received_at(conversation: &types::Conversation) -> Option<NaiveDateTime> {
    conversation.message_received_on.as_deref().and_then(args::hostaway_datetime)
}

/// `text` cut to [`PREVIEW_CHARS`] characters, marking the cut.
fn preview(text: &str) -> String {
    if text.chars().count() <= PREVIEW_CHARS {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(PREVIEW_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// Where a conversation's booking stands today.
fn urgency(c: &types::Conversation, today: NaiveDate) -> Urgency {
    match c.reservation.as_ref().filter(|r| reservations::occupies(&r.status)) {
        Some(r) if r.arrival_date <= today && today < r.departure_date => Urgency::InHouse,
        Some(r) if r.arrival_date > today => Urgency::Arriving,
        _ => Urgency::Other,
    }
}

/// Sort key: in house first, then arrivals soonest first, then the rest; within each, the guest
/// waiting longest first (an unknown wait last), so nobody's question ages at the bottom.
fn reply_order(
    c: &types::Conversation,
    today: NaiveDate,
) -> (Urgency, Option<NaiveDate>, bool, Option<NaiveDateTime>, i64) {
    let urgency = urgency(c, today);
    let arrival = c.reservation.as_ref().map(|r| r.arrival_date).filter(|_| urgency == Urgency::Arriving);
    let received = received_at(c);
    (urgency, arrival, received.is_none(), received, c.id)
}

fn unread_row(
    c: &types::Conversation,
    now: NaiveDateTime,
    today: NaiveDate,
    names: &HashMap<i64, String>,
) -> UnreadRow {
    let reservation = c.reservation.as_ref();
    let listing_id = c.listing_map_id.or_else(|| reservation.map(|r| r.listing_map_id));
    let latest = c.conversation_messages.iter().max_by_key(|m| (sent_at(m), m.id));
    let since = received_at(c);
    UnreadRow {
        conversation_id: c.id,
        reservation_id: c.reservation_id.or_else(|| reservation.map(|r| r.id)),
        listing_id,
        listing_name: listing_id.and_then(|id| names.get(&id).cloned()).map(Untrusted::from),
        urgency: urgency(c, today),
        guest_name: c
            .recipient_name
            .clone()
            .or_else(|| reservation.and_then(|r| r.guest_name.clone()))
            .map(Untrusted::from),
        waiting_since: c.message_received_on.as_deref().map(args::iso_datetime),
        waiting_hours: since.map(|at| ((now - at).num_minutes() as f64 / 6.0).round() / 10.0),
        last_message: latest.and_then(|m| m.body.as_deref()).map(preview).map(Untrusted::from),
        check_in: reservation.map(|r| r.arrival_date.to_string()),
        check_out: reservation.map(|r| r.departure_date.to_string()),
        status: reservation.map(|r| r.status.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_stop_at_280_characters_and_datetimes_become_iso() {
        assert_eq!(preview("short"), "short");
        let long = "é".repeat(400);
        assert_eq!(preview(&long).chars().count(), 280);
        assert_eq!(args::iso_datetime("2027-03-14 09:05:00"), "2027-03-14T09:05:00Z");
    }
}
