//! `search_listings`: finding properties by name, city, country or size, page by page, from the
//! cached portfolio. Dates and a party are `find_available_listings`.

use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{
    place,
    rows::{ListedListing, amenity_names, row},
};
use crate::{
    hostaway::types,
    tools::{
        ToolContext,
        args::{self, Cursor, Detail},
        bound,
        error::ToolError,
        params::Parameters,
        text_match,
    },
};

/// Arguments of `search_listings`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchListingsArgs {
    /// Words of the name (any case, accents).
    #[serde(default)]
    pub query: Option<String>,
    /// City (any case, accents).
    #[serde(default)]
    pub city: Option<String>,
    /// Country name or 2-letter ISO code.
    #[serde(default)]
    pub country: Option<String>,
    /// Minimum guest capacity.
    #[serde(default, deserialize_with = "args::opt_int")]
    pub min_guests: Option<u32>,
    /// Rows per page (default 20).
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1, max = 100))]
    pub limit: Option<u32>,
    #[serde(default)]
    pub cursor: Option<String>,
    /// `full` adds every field.
    #[serde(default)]
    pub detail: Detail,
}

/// A page of listings.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ListingPage {
    /// The listings on this page.
    pub listings: Vec<ListedListing>,
    /// How many listings match in all.
    pub total: u64,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// Why the page holds fewer than `limit` listings though more follow: the answer's size bound.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[tool_router(router = search_listings_tool, vis = "pub(crate)")]
impl ToolContext {
    /// Listings by name, city, country or size. Dates and party: find_available_listings.
    #[tool(
        name = "search_listings",
        title = "Search listings",
        annotations(
            title = "Search listings",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    pub async fn search_listings(
        &self,
        Parameters(args): Parameters<SearchListingsArgs>,
    ) -> Result<Json<ListingPage>, ToolError> {
        let limit = args::limit(args.limit, 20, 100)?;
        let offset = match Cursor::decode(args.cursor.as_deref())? {
            Some(Cursor::Offset(n)) => n,
            None => 0,
            Some(Cursor::After(_)) => return Err(ToolError::invalid("cursor", "this cursor belongs to another tool")),
        };
        let query = args::search_text("query", args.query.as_deref())?;
        let (city, country) =
            (args::search_text("city", args.city.as_deref())?, args::search_text("country", args.country.as_deref())?);
        let gateway = &self.gateway;
        let (portfolio, amenities) = tokio::join!(gateway.portfolio(), amenity_names(gateway, args.detail));
        let (portfolio, amenities) = (portfolio?, amenities?);
        let city = city.map(|c| place("city", &c, &portfolio)).transpose()?;
        let country = country.map(|c| place("country", &c, &portfolio)).transpose()?;
        let matching: Vec<&types::Listing> = portfolio
            .iter()
            .filter(|l| query.as_deref().is_none_or(|q| text_match::contains(&l.name, q)))
            .filter(|l| city.as_deref().is_none_or(|c| l.city.as_deref() == Some(c)))
            .filter(|l| country.as_deref().is_none_or(|c| l.country.as_deref() == Some(c)))
            .filter(|l| args.min_guests.is_none_or(|n| i64::from(l.person_capacity.unwrap_or(0)) >= i64::from(n)))
            .collect();
        let total = matching.len() as u64;
        let rows: Vec<ListedListing> = matching
            .iter()
            .skip(offset as usize)
            .take(limit as usize)
            .map(|l| ListedListing(row(l, args.detail, &amenities)))
            .collect();
        let mut page = ListingPage { listings: Vec::new(), total, next_cursor: None, note: None };
        let shown = bound::fitting(&rows, bound::chars(&page));
        let next = u64::from(offset) + shown as u64;
        page.next_cursor = (next < total).then(|| Cursor::Offset(next as u32).encode());
        page.note = (shown < rows.len()).then(|| bound::stopped(shown, "listings", "pass next_cursor for the rest"));
        page.listings = rows;
        page.listings.truncate(shown);
        Ok(Json(page))
    }
}
