//! Resources: listings and reservations a client can attach as context, by URI
//! (`hostaway://listings/{listing_id}`, `hostaway://reservations/{reservation_id}`).
//!
//! A resource reads like its tool and exists only where that tool is offered (get_listing,
//! get_reservation), so `--toolsets` cannot be got round by reading a resource instead.

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
        listings, name_of, reservations, untrusted,
    },
};

const LISTING: &str = "hostaway://listings/";
const RESERVATION: &str = "hostaway://reservations/";
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
    id: &'static str,
    description: &'static str,
}

const KINDS: &[Kind] = &[
    Kind {
        prefix: LISTING,
        tool: ToolContext::get_listing_tool_attr,
        name: "listing",
        id: "listing_id",
        description: "A property in full: address, capacity, prices, rules, amenities.",
    },
    Kind {
        prefix: RESERVATION,
        tool: ToolContext::get_reservation_tool_attr,
        name: "reservation",
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

/// The portfolio's listings as resources, 50 per page; none when get_listing is not offered.
pub async fn list(
    ctx: &ToolContext,
    cursor: Option<String>,
    offers: impl Fn(&str) -> bool,
) -> Result<ListResourcesResult, ErrorData> {
    if !offers(&name_of(ToolContext::get_listing_tool_attr)) {
        return Ok(ListResourcesResult::default());
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
    let resources = page
        .result
        .iter()
        .map(|l| {
            let place =
                [l.city.as_deref(), l.country_code.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(", ");
            let sleeps = l.person_capacity.map(|n| format!(", sleeps {n}")).unwrap_or_default();
            Resource::new(format!("{LISTING}{}", l.id), untrusted::clean(&l.name))
                .with_description(untrusted::clean(&format!("{place}{sleeps}")))
                .with_mime_type("application/json")
        })
        .collect::<Vec<_>>();
    let next = u64::from(offset) + resources.len() as u64;
    let more = page.count.is_some_and(|total| next < total.max(0) as u64) && !resources.is_empty();
    Ok(ListResourcesResult {
        resources,
        next_cursor: more.then(|| Cursor::Offset(next as u32).encode()),
        ..ListResourcesResult::default()
    })
}

/// One listing or reservation as JSON (the same shape get_listing and get_reservation return),
/// if its tool is offered; otherwise it is not found, like an unknown URI.
pub async fn read(
    ctx: &ToolContext,
    uri: &str,
    offers: impl Fn(&str) -> bool,
) -> Result<ReadResourceResult, ErrorData> {
    let id = |prefix: &str| {
        let offered = KINDS.iter().any(|kind| kind.prefix == prefix && offers(&name_of(kind.tool)));
        uri.strip_prefix(prefix).filter(|_| offered).and_then(|rest| rest.parse::<i64>().ok())
    };
    let json = if let Some(listing) = id(LISTING) {
        let (found, amenities) =
            tokio::join!(ctx.gateway.listing(listing, Fresh::No), listings::amenity_names(&ctx.gateway, Detail::Full));
        serde_json::to_string(&listings::row(&found.map_err(upstream)?, Detail::Full, &amenities.map_err(upstream)?))
    } else if let Some(reservation) = id(RESERVATION) {
        let found = ctx.gateway.reservation(reservation, Fresh::No).await.map_err(upstream)?;
        serde_json::to_string(&reservations::detailed(&found, Detail::Full))
    } else {
        let offered: Vec<String> = KINDS
            .iter()
            .filter(|kind| offers(&name_of(kind.tool)))
            .map(|kind| format!("{}<{}>", kind.prefix, kind.id))
            .collect();
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
