//! The listings toolset, one tool a file: finding properties is `search_listings`, reading one
//! `get_listing`, changing one `update_listing`. The listing row they share is in `rows`, its fees
//! beyond cleaning and extra guests in `fees`; the place check here is shared with the calendar's
//! searches too.

use rmcp::handler::server::router::tool::ToolRouter;

use super::{ToolContext, Toolset, error::ToolError, text_match};
use crate::hostaway::types;

mod fees;
pub mod get_listing;
pub mod rows;
pub mod search_listings;
pub mod update_listing;

/// The listings toolset, as `--toolsets` names it and the instructions introduce it.
pub const TOOLSET: Toolset =
    Toolset { name: "listings", guide: "Find properties with search_listings (listing_id) / get_listing.", tools };

fn tools() -> ToolRouter<ToolContext> {
    ToolContext::search_listings_tool() + ToolContext::get_listing_tool() + ToolContext::update_listing_tool()
}

/// The portfolio's own spelling of a `city` or `country` argument (any case, any accents; a
/// country also by ISO code). A place no listing is in is an error naming the closest known ones,
/// so it cannot be mistaken for a place whose listings are all booked.
pub(crate) fn place(field: &'static str, wanted: &str, portfolio: &[types::Listing]) -> Result<String, ToolError> {
    let mut known: Vec<&str> = portfolio
        .iter()
        .filter_map(|l| if field == "city" { l.city.as_deref() } else { l.country.as_deref() })
        .collect();
    known.sort_unstable();
    known.dedup();
    let by_code = (field == "country")
        .then(|| portfolio.iter().find(|l| l.country_code.as_deref().is_some_and(|c| text_match::same(c, wanted))))
        .flatten()
        .and_then(|l| l.country.as_deref());
    if let Some(found) = known.iter().find(|k| text_match::same(k, wanted)).copied().or(by_code) {
        return Ok(found.to_string());
    }
    Err(ToolError::invalid(
        field,
        format!(
            "no listing is in {wanted:?} (this is not about availability: the portfolio has no such {field}); \
             closest known: {}",
            text_match::closest(wanted, known.iter().copied()).join(", ")
        ),
    ))
}
