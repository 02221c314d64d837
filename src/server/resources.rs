//! Resources: listings and reservations a client can attach as context, by URI
//! (`hostaway://listings/{listing_id}`, `hostaway://reservations/{reservation_id}`), and the
//! unread conversations (`hostaway://conversations/unread`).
//!
//! A resource reads like its tool and exists only where that tool is offered (get_listing,
//! get_reservation, unread_conversations), so `--toolsets` cannot be got round by reading a
//! resource instead. Reservations and the unread conversations can be subscribed to: Hostaway's
//! webhooks say when they change.

use rmcp::{
    ErrorData,
    model::{
        ListResourceTemplatesResult, ListResourcesResult, ReadResourceResult, Resource, ResourceContents,
        ResourceTemplate,
    },
};

use crate::{
    hostaway::{Fresh, GatewayError},
    tools::{
        Declaration, ToolContext,
        args::{Cursor, Detail},
        error::ToolError,
        listings::get_listing::GetListingArgs,
        messaging::unread_conversations::UnreadConversationsArgs,
        name_of,
        params::Parameters,
        reservations::get_reservation::GetReservationArgs,
        untrusted,
    },
};

const LISTING: &str = "hostaway://listings/";
/// The prefix of a reservation's URI.
pub(crate) const RESERVATION: &str = "hostaway://reservations/";
/// The unread conversations in reply order: in-house guests, then arrivals, each longest waiting first (the first
/// 50, as unread_conversations pages them).
pub(crate) const UNREAD: &str = "hostaway://conversations/unread";
/// Conversations the unread resource holds at most.
const UNREAD_ROWS: u32 = 50;
const PAGE: u32 = 50;

/// The URI template of a listing, as `resources/templates/list` gives it and completions take it.
pub(crate) const LISTING_TEMPLATE: &str = "hostaway://listings/{listing_id}";
/// The URI template of a reservation.
pub(crate) const RESERVATION_TEMPLATE: &str = "hostaway://reservations/{reservation_id}";

/// A kind of resource and the tool it reads like, which must be offered for it to exist.
struct Kind {
    prefix: &'static str,
    /// The tool's declaration.
    tool: Declaration,
    name: &'static str,
    /// What a person sees for it.
    title: &'static str,
    id: &'static str,
    description: &'static str,
}

const KINDS: &[Kind] = &[
    Kind {
        prefix: LISTING,
        tool: ToolContext::get_listing_tool_attr,
        name: "listing",
        title: "Listing",
        id: "listing_id",
        description: "A property in full: address, capacity, prices, rules, amenities.",
    },
    Kind {
        prefix: RESERVATION,
        tool: ToolContext::get_reservation_tool_attr,
        name: "reservation",
        title: "Reservation",
        id: "reservation_id",
        description: "A booking in full: guest, dates, party, money, notes.",
    },
];

/// The URI templates of the kinds whose tool is offered.
pub fn templates(offers: impl Fn(&str) -> bool) -> ListResourceTemplatesResult {
    ListResourceTemplatesResult {
        resource_templates: KINDS
            .iter()
            .filter(|kind| offers(&name_of(kind.tool)))
            .map(|kind| {
                ResourceTemplate::new(format!("{}{{{}}}", kind.prefix, kind.id), kind.name)
                    .with_title(kind.title)
                    .with_description(kind.description)
                    .with_mime_type("application/json")
            })
            .collect(),
        ..ListResourceTemplatesResult::default()
    }
}

fn upstream(error: GatewayError) -> ErrorData {
    match error {
        GatewayError::NotFound { message } => ErrorData::resource_not_found(message, None),
        other => ErrorData::internal_error(other.to_string(), None),
    }
}

/// A tool's failure as a resource read's error: Hostaway's not-found stays one.
fn tool_failed(error: ToolError) -> ErrorData {
    match error {
        ToolError::Hostaway(error) => upstream(error),
        other => ErrorData::internal_error(other.to_string(), None),
    }
}

fn offers_unread(offers: &impl Fn(&str) -> bool) -> bool {
    offers(&name_of(ToolContext::unread_conversations_tool_attr))
}

/// Whether `uri` names a resource this server can say has changed: a reservation (when
/// get_reservation is offered) or the unread conversations (when unread_conversations is).
pub fn subscribable(uri: &str, offers: impl Fn(&str) -> bool) -> bool {
    let reservation = uri.strip_prefix(RESERVATION).is_some_and(|id| id.parse::<i64>().is_ok_and(|id| id > 0));
    (reservation && offers(&name_of(ToolContext::get_reservation_tool_attr)))
        || (uri == UNREAD && offers_unread(&offers))
}

/// Refuses a subscription to a reservation the account does not hold, which would otherwise be
/// accepted and never heard of again.
pub async fn known(ctx: &ToolContext, uri: &str) -> Result<(), ErrorData> {
    let Some(id) = uri.strip_prefix(RESERVATION).and_then(|id| id.parse::<i64>().ok()) else { return Ok(()) };
    match ctx.gateway.reservation(id, Fresh::No).await {
        Ok(_) => Ok(()),
        Err(GatewayError::NotFound { .. }) => Err(ErrorData::resource_not_found(
            format!(
                "no reservation {id} in this account; search_reservations finds bookings by guest, listing or dates"
            ),
            None,
        )),
        Err(other) => Err(upstream(other)),
    }
}

/// The unread conversations first (when unread_conversations is offered), then the portfolio's
/// listings, 50 per page (when get_listing is).
pub async fn list(
    ctx: &ToolContext,
    cursor: Option<String>,
    offers: impl Fn(&str) -> bool,
) -> Result<ListResourcesResult, ErrorData> {
    let unread = (cursor.is_none() && offers_unread(&offers)).then(|| {
        Resource::new(UNREAD, "unread conversations")
            .with_title("Unread conversations")
            .with_description("Guests waiting for a reply: in-house guests, then arrivals, each longest waiting first; subscribe to hear of new messages.")
            .with_mime_type("application/json")
    });
    // The views open the first page too: a host reads them by URI anyway, but a person browsing
    // resources sees what there is.
    let views: Vec<Resource> = if cursor.is_none() { super::views::listed(&offers).collect() } else { Vec::new() };
    let unread: Vec<Resource> = unread.into_iter().chain(views).collect();
    if !offers(&name_of(ToolContext::get_listing_tool_attr)) {
        return Ok(ListResourcesResult { resources: unread, ..ListResourcesResult::default() });
    }
    let offset = match Cursor::decode(cursor.as_deref()) {
        Ok(None) => 0,
        Ok(Some(Cursor::Offset(n))) => n,
        _ => {
            return Err(ErrorData::invalid_params(
                "not a cursor from resources/list; pass nextCursor as returned",
                None,
            ));
        }
    };
    let page = ctx.gateway.listings_page(PAGE, offset).await.map_err(upstream)?;
    let listed = page
        .result
        .iter()
        .map(|l| {
            let place =
                [l.city.as_deref(), l.country_code.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(", ");
            let sleeps = l.person_capacity.map(|n| format!(", sleeps {n}")).unwrap_or_default();
            let name = untrusted::clean(&l.name);
            Resource::new(format!("{LISTING}{}", l.id), name.clone())
                .with_title(name)
                .with_description(untrusted::clean(&format!("{place}{sleeps}")))
                .with_mime_type("application/json")
        })
        .collect::<Vec<_>>();
    let next = u64::from(offset) + listed.len() as u64;
    let more = page.count.is_some_and(|total| next < total.max(0) as u64) && !listed.is_empty();
    let resources = unread.into_iter().chain(listed).collect();
    Ok(ListResourcesResult {
        resources,
        next_cursor: more.then(|| Cursor::Offset(next as u32).encode()),
        ..ListResourcesResult::default()
    })
}

/// One listing or reservation, or the unread conversations, as JSON (the same shape get_listing,
/// get_reservation and unread_conversations return), if its tool is offered; otherwise it is not
/// found, like an unknown URI.
pub async fn read(
    ctx: &ToolContext,
    uri: &str,
    offers: impl Fn(&str) -> bool,
) -> Result<ReadResourceResult, ErrorData> {
    let id = |prefix: &str| {
        let offered = KINDS.iter().any(|kind| kind.prefix == prefix && offers(&name_of(kind.tool)));
        uri.strip_prefix(prefix).filter(|_| offered).and_then(|rest| rest.parse::<i64>().ok())
    };
    if let Some(view) = super::views::read(uri, &offers) {
        return Ok(view);
    }
    // Read through the tools themselves, so a resource holds exactly what its tool answers.
    let json = if let Some(listing_id) = id(LISTING) {
        let args = GetListingArgs { listing_id, detail: Some(Detail::Full) };
        serde_json::to_string(&ctx.get_listing(Parameters(args)).await.map_err(tool_failed)?.0)
    } else if let Some(reservation_id) = id(RESERVATION) {
        let args = GetReservationArgs { reservation_id, detail: Some(Detail::Full), payments: false };
        serde_json::to_string(&ctx.get_reservation(Parameters(args)).await.map_err(tool_failed)?.0)
    } else if uri == UNREAD && offers_unread(&offers) {
        let args = UnreadConversationsArgs { limit: Some(UNREAD_ROWS), cursor: None };
        let inbox = ctx
            .unread_conversations(Parameters(args))
            .await
            .map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
        serde_json::to_string(&inbox.0)
    } else {
        let mut offered: Vec<String> = KINDS
            .iter()
            .filter(|kind| offers(&name_of(kind.tool)))
            .map(|kind| format!("{}<{}>", kind.prefix, kind.id))
            .collect();
        if offers_unread(&offers) {
            offered.push(UNREAD.to_string());
        }
        return Err(ErrorData::resource_not_found(
            if offered.is_empty() {
                format!("unknown resource {uri:?}; this server offers no resources")
            } else {
                format!("unknown resource {uri:?}; this server offers: {}", offered.join(", "))
            },
            None,
        ));
    }
    .map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
    Ok(ReadResourceResult::new(vec![ResourceContents::text(json, uri).with_mime_type("application/json")]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listed_templates_are_the_ones_completions_know() {
        let listed: Vec<String> = templates(|_| true).resource_templates.into_iter().map(|t| t.uri_template).collect();
        assert_eq!(listed, [LISTING_TEMPLATE, RESERVATION_TEMPLATE]);
    }
}
