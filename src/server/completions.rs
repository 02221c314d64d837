//! Completions (`completion/complete`): what a client offers while a user fills in a prompt or a
//! resource URI. A listing is found by a fragment of its name (or the start of its id), a city by
//! the start of its name, a reservation by its guest's name; each in any case and accents.
//!
//! Like resources and prompts, a completion follows the tools: listing ids only while get_listing
//! is offered, reservation ids only while get_reservation is. Anything else, including an unknown
//! prompt or argument, completes to nothing rather than an error: a completion is a suggestion.

use rmcp::{
    ErrorData,
    model::{CompleteRequestParams, CompleteResult, CompletionInfo, Reference},
};

use super::resources::{LISTING_TEMPLATE, RESERVATION_TEMPLATE};
use crate::{
    hostaway::{Fresh, GatewayError, ReservationQuery, types},
    tools::{ToolContext, name_of, text_match},
};

/// Reservations read at most to complete a guest's name.
const RESERVATIONS_READ: u32 = 100;

/// Suggestions for one argument.
pub async fn complete(
    ctx: &ToolContext,
    request: &CompleteRequestParams,
    offers: impl Fn(&str) -> bool,
) -> Result<CompleteResult, ErrorData> {
    let typed = request.argument.value.trim();
    let listings_offered = offers(&name_of(ToolContext::get_listing_tool_attr));
    let values = match (&request.r#ref, request.argument.name.as_str()) {
        (Reference::Resource(template), "listing_id") if template.uri == LISTING_TEMPLATE && listings_offered => {
            listing_ids(ctx, typed).await
        }
        (Reference::Resource(template), "reservation_id")
            if template.uri == RESERVATION_TEMPLATE && offers(&name_of(ToolContext::get_reservation_tool_attr)) =>
        {
            reservation_ids(ctx, typed).await
        }
        (Reference::Prompt(_), "city") if listings_offered => cities(ctx, typed).await,
        (Reference::Prompt(_), "date" | "check_in" | "check_out") => Ok(day_words(typed)),
        _ => Ok(Vec::new()),
    }
    .map_err(|error| ErrorData::internal_error(format!("cannot complete: {error}"), None))?;
    let total = values.len();
    let shown: Vec<String> = values.into_iter().take(CompletionInfo::MAX_VALUES).collect();
    let has_more = total > shown.len();
    let info = CompletionInfo::with_pagination(shown, Some(total as u32), has_more)
        .map_err(|error| ErrorData::internal_error(error, None))?;
    Ok(CompleteResult::new(info))
}

/// Listing ids whose listing's name contains `typed`, or whose id starts with it; by id.
async fn listing_ids(ctx: &ToolContext, typed: &str) -> Result<Vec<String>, GatewayError> {
    let mut portfolio: Vec<types::Listing> = ctx.gateway.portfolio().await?;
    portfolio.sort_by_key(|l| l.id);
    Ok(portfolio
        .iter()
        .filter(|l| l.id.to_string().starts_with(typed) || text_match::contains(&l.name, typed))
        .map(|l| l.id.to_string())
        .collect())
}

/// The portfolio's cities that start with `typed`, in its own spelling, alphabetically.
async fn cities(ctx: &ToolContext, typed: &str) -> Result<Vec<String>, GatewayError> {
    let wanted = text_match::fold(typed);
    let mut cities: Vec<String> = ctx
        .gateway
        .portfolio()
        .await?
        .into_iter()
        .filter_map(|l| l.city)
        .filter(|city| text_match::fold(city).starts_with(&wanted))
        .collect();
    cities.sort_unstable();
    cities.dedup();
    Ok(cities)
}

/// Reservation ids whose guest's name contains `typed` (Hostaway's own name match, then the
/// same match without regard to case and accents), latest arrival first. Nothing for less than
/// two letters: every booking would match.
async fn reservation_ids(ctx: &ToolContext, typed: &str) -> Result<Vec<String>, GatewayError> {
    if typed.chars().count() < 2 {
        return Ok(Vec::new());
    }
    let query = ReservationQuery { name: Some(typed.to_string()), ..ReservationQuery::default() };
    let page = ctx.gateway.reservations_page(&query, RESERVATIONS_READ, None, Fresh::No).await?;
    let mut found: Vec<types::Reservation> = page
        .result
        .into_iter()
        .filter(|r| r.guest_name.as_deref().is_some_and(|name| text_match::contains(name, typed)))
        .collect();
    found.sort_by(|a, b| b.arrival_date.cmp(&a.arrival_date).then(a.id.cmp(&b.id)));
    Ok(found.into_iter().map(|r| r.id.to_string()).collect())
}

/// The day words a date argument takes, those that start with `typed`.
fn day_words(typed: &str) -> Vec<String> {
    let wanted = typed.to_lowercase();
    ["today", "tomorrow", "yesterday"].into_iter().filter(|w| w.starts_with(&wanted)).map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_words_complete_by_prefix_in_any_case() {
        assert_eq!(day_words("To"), ["today", "tomorrow"]);
        assert_eq!(day_words(""), ["today", "tomorrow", "yesterday"]);
        assert!(day_words("next").is_empty());
    }
}
