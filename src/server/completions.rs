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
    hostaway::{GatewayError, types},
    tools::{ToolContext, name_of, reservations::guests_named, text_match},
};

/// Pages of reservations (100 each) matched here at most when Hostaway's own name match, exact
/// about accents, finds nobody: a completion must come back while the user types.
const NAME_PAGES: u32 = 10;

/// Suggestions for one argument.
pub async fn complete(
    ctx: &ToolContext,
    request: &CompleteRequestParams,
    offers: impl Fn(&str) -> bool,
) -> Result<CompleteResult, ErrorData> {
    let typed = request.argument.value.trim();
    let listings_offered = offers(&name_of(ToolContext::get_listing_tool_attr));
    let all = |values: Vec<String>| (values, false);
    let (values, capped) = match (&request.r#ref, request.argument.name.as_str()) {
        (Reference::Resource(template), "listing_id") if template.uri == LISTING_TEMPLATE && listings_offered => {
            listing_ids(ctx, typed).await.map(all)
        }
        (Reference::Resource(template), "reservation_id")
            if template.uri == RESERVATION_TEMPLATE && offers(&name_of(ToolContext::get_reservation_tool_attr)) =>
        {
            reservation_ids(ctx, typed).await
        }
        (Reference::Prompt(_), "city") if listings_offered => cities(ctx, typed).await.map(all),
        (Reference::Prompt(_), "date" | "check_in" | "check_out") => Ok(all(day_words(typed))),
        _ => Ok(all(Vec::new())),
    }
    .map_err(|error| ErrorData::internal_error(format!("cannot complete: {error}"), None))?;
    let total = values.len();
    let shown: Vec<String> = values.into_iter().take(CompletionInfo::MAX_VALUES).collect();
    // A capped scan knows no total; it says there may be more.
    let has_more = capped || total > shown.len();
    let info = CompletionInfo::with_pagination(shown, (!capped).then_some(total as u32), has_more)
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

/// Reservation ids whose guest's name contains `typed` in any case and accents ("muller" finds
/// "Müller"), as search_reservations by_guest matches names, latest arrival first; and whether the scan stopped at
/// its cap. Nothing for less than two letters: every booking would match.
async fn reservation_ids(ctx: &ToolContext, typed: &str) -> Result<(Vec<String>, bool), GatewayError> {
    if typed.chars().count() < 2 {
        return Ok((Vec::new(), false));
    }
    let (mut found, capped) = guests_named(&ctx.gateway, Some(typed), None, NAME_PAGES).await?;
    found.sort_by(|a, b| b.arrival_date.cmp(&a.arrival_date).then(a.id.cmp(&b.id)));
    Ok((found.into_iter().map(|r| r.id.to_string()).collect(), capped))
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
