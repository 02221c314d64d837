//! `find_available_listings`: the listings a stay and party can book, cheapest first. Hostaway's
//! availability search finds the free ones; each offered listing is then checked by the same rule
//! quote_stay applies ([`bookable::judge`]) and priced, so nothing offered is refused when quoted.

use std::{collections::HashMap, sync::Arc};

use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tokio::task::JoinSet;

use super::{
    bookable,
    rows::{MAX_STAY_NIGHTS, PriceLine, currency, guests, lines},
};
use crate::hostaway::{AvailabilityQuery, Fresh, types};
use crate::tools::{
    ToolContext,
    args::{self, Detail, Money},
    error::ToolError,
    listings::{
        self,
        rows::{self, ListedListing},
    },
    params::Parameters,
};

/// Free listings read by one availability search: one page of Hostaway's listing search.
const SEARCH_PAGE: u32 = 100;
/// Rounds of checking at most: a round replaces the listings the previous one found unbookable.
const CHECK_ROUNDS: usize = 3;

/// Arguments of `find_available_listings`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FindAvailableArgs {
    /// Arrival day.
    pub check_in: String,
    /// Departure day; at most 90 nights.
    pub check_out: String,
    /// Guests in the party.
    #[serde(deserialize_with = "args::int")]
    #[schemars(range(min = 1, max = 50))]
    pub guests: u32,
    /// City (any case, accents).
    #[serde(default)]
    pub city: Option<String>,
    /// Country name or 2-letter ISO code.
    #[serde(default)]
    pub country: Option<String>,
    /// Minimum bedrooms (0 includes studios).
    #[serde(default, deserialize_with = "args::opt_int")]
    pub min_bedrooms: Option<u32>,
    /// Highest quoted total, fees and taxes included.
    #[serde(default)]
    #[schemars(extend("exclusiveMinimum" = 0))]
    pub max_total_price: Option<f64>,
    /// Listings to quote and return (default 5).
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1, max = 20))]
    pub limit: Option<u32>,
    /// `full` adds listing details and quote lines.
    #[serde(default)]
    pub detail: Detail,
}

/// Free listings for a stay, cheapest first.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AvailableListings {
    /// Arrival day.
    pub check_in: String,
    /// Departure day.
    pub check_out: String,
    /// Nights of the stay.
    pub nights: i64,
    /// Guests the listings were checked for.
    pub guests: u32,
    /// Quoted listings within the budget, cheapest total first.
    pub listings: Vec<AvailableListing>,
    /// Listings Hostaway reports free on every night of the stay that sleep the party (city and country
    /// applied, min_bedrooms and stay rules not yet).
    pub free_total: u64,
    /// Of the free listings read, how many also have enough bedrooms.
    pub eligible: u64,
    /// How many eligible listings were checked as quote_stay checks them, and priced (lowest list price first).
    pub quoted: u64,
    /// Whether eligible listings exist that were not checked: raise `limit` (up to 20) or narrow the search.
    pub more: bool,
    /// When no listing sleeps the party: how many the largest (in the place asked for) sleeps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub largest_sleeps: Option<i32>,
    /// Why free listings were left out.
    pub excluded: Excluded,
    /// The same in one sentence.
    pub note: String,
}

/// Counts of free listings left out, by reason.
#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct Excluded {
    /// Fewer bedrooms than `min_bedrooms`.
    pub too_few_bedrooms: u64,
    /// Free, but their stay rules or calendar refuse this stay (listing ids; quote_stay says why).
    pub not_bookable: Vec<i64>,
    /// Quoted above `max_total_price`.
    pub over_budget: u64,
    /// Hostaway would not quote them (listing ids).
    pub not_quoted: Vec<i64>,
}

/// One free listing with its quote.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AvailableListing {
    /// The listing (`detail: "full"` adds its details under `more`).
    #[serde(flatten)]
    pub listing: ListedListing,
    /// Nights of the stay.
    pub nights: i64,
    /// What the guest pays in all: nightly rates, extra guests, fees and taxes.
    pub total: Money,
    /// `total` divided by the nights.
    pub per_night: Money,
    /// The quote line by line (`detail: "full"` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub components: Option<Vec<PriceLine>>,
}

#[tool_router(router = find_available_listings_tool, vis = "pub(crate)")]
impl ToolContext {
    /// Listings a stay and party can book (checked as quote_stay checks), quoted, cheapest total first.
    #[tool(
        name = "find_available_listings",
        title = "Find available listings",
        annotations(
            title = "Find available listings",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    pub async fn find_available_listings(
        &self,
        Parameters(args): Parameters<FindAvailableArgs>,
    ) -> Result<Json<AvailableListings>, ToolError> {
        let stay = self.future_stay(None, &args.check_in, &args.check_out, MAX_STAY_NIGHTS).await?;
        let guests = guests(args.guests)?;
        let limit = args::limit(args.limit, 5, 20)? as usize;
        if args.max_total_price.is_some_and(|p| p.is_nan() || p <= 0.0) {
            return Err(ToolError::invalid("max_total_price", "must be a positive amount, e.g. 800"));
        }
        let (city, country) =
            (args::search_text("city", args.city.as_deref())?, args::search_text("country", args.country.as_deref())?);
        let (portfolio, amenities) =
            tokio::join!(self.gateway.portfolio(), rows::amenity_names(&self.gateway, args.detail));
        let (portfolio, amenities) = (portfolio?, amenities?);
        // Hostaway's filters are exact: send the portfolio's own spelling, and refuse a place no listing is in.
        let city = city.map(|c| listings::place("city", &c, &portfolio)).transpose()?;
        let country = country.map(|c| listings::place("country", &c, &portfolio)).transpose()?;
        let (query_city, query_country) = (city.clone(), country.clone());
        let query = AvailabilityQuery {
            check_in: stay.check_in,
            check_out: stay.check_out,
            guests: guests.get(),
            city,
            country,
            limit: SEARCH_PAGE,
        };
        let page = self.gateway.available_listings(query).await?;
        let free_total = page.count.map_or(page.result.len() as u64, |c| c.max(0) as u64);
        let nights = stay.nights();
        let mut excluded = Excluded::default();
        let mut eligible: Vec<types::Listing> = Vec::new();
        for listing in page.result {
            if args.min_bedrooms.is_some_and(|min| i64::from(listing.bedrooms_number.unwrap_or(0)) < i64::from(min)) {
                excluded.too_few_bedrooms += 1;
            } else {
                eligible.push(listing);
            }
        }
        eligible.sort_by(|a, b| list_cost(a, nights).total_cmp(&list_cost(b, nights)).then(a.id.cmp(&b.id)));
        let eligible_count = eligible.len() as u64;
        // The cheapest by list price are checked and priced, in rounds that replace the ones refused,
        // until `limit` are bookable; a bounded number of rounds keeps the cost known.
        let mut prices: HashMap<i64, types::PriceDetails> = HashMap::new();
        let (mut checked, mut first_error) = (0, None);
        for _ in 0..CHECK_ROUNDS {
            let wanted = limit.saturating_sub(prices.len()).min(eligible.len() - checked);
            if wanted == 0 {
                break;
            }
            let mut checks = JoinSet::new();
            for listing in &eligible[checked..checked + wanted] {
                let (gateway, listing) = (Arc::clone(&self.gateway), listing.clone());
                checks.spawn(async move {
                    let (days, price) = tokio::join!(
                        gateway.calendar(listing.id, stay.check_in, stay.check_out, Fresh::No),
                        gateway.price_details(listing.id, stay.check_in, stay.check_out, guests),
                    );
                    (listing, days, price)
                });
            }
            checked += wanted;
            while let Some(joined) = checks.join_next().await {
                let (listing, days, price) =
                    joined.map_err(|e| ToolError::Refused(format!("internal: a price quote stopped: {e}")))?;
                match (days, price) {
                    (Ok(days), Ok(price)) => {
                        if bookable::judge(&listing, &days, stay, guests.get()).obstacles.is_empty() {
                            prices.insert(listing.id, price);
                        } else {
                            excluded.not_bookable.push(listing.id);
                        }
                    }
                    (Err(error), _) | (_, Err(error)) => {
                        excluded.not_quoted.push(listing.id);
                        first_error.get_or_insert(error);
                    }
                }
            }
        }
        if let Some(error) = first_error.filter(|_| prices.is_empty() && excluded.not_bookable.is_empty()) {
            return Err(error.into());
        }
        // Listings beyond the one page read count as possibly eligible too.
        let more = checked < eligible.len() || free_total > (eligible.len() as u64 + excluded.too_few_bedrooms);
        let quoted = checked as u64;
        excluded.not_bookable.sort_unstable();
        excluded.not_quoted.sort_unstable();

        let mut rows: Vec<AvailableListing> = eligible[..checked]
            .iter()
            .filter_map(|listing| {
                let details = prices.get(&listing.id)?;
                let currency = currency(listing);
                Some(AvailableListing {
                    listing: ListedListing(rows::row(listing, args.detail, &amenities)),
                    nights,
                    total: Money::new(details.total_price, currency.clone()),
                    per_night: Money::new(details.total_price / nights as f64, currency.clone()),
                    components: (args.detail == Detail::Full).then(|| lines(details, &currency)),
                })
            })
            .collect();
        rows.sort_by(|a, b| {
            a.total.amount.total_cmp(&b.total.amount).then(a.listing.0.listing_id.cmp(&b.listing.0.listing_id))
        });
        if let Some(max) = args.max_total_price {
            let before = rows.len();
            rows.retain(|r| r.total.amount <= max);
            excluded.over_budget = (before - rows.len()) as u64;
        }
        let place = |l: &&types::Listing| {
            query_city.as_deref().is_none_or(|c| l.city.as_deref() == Some(c))
                && query_country.as_deref().is_none_or(|c| l.country.as_deref() == Some(c))
        };
        let largest = portfolio.iter().filter(place).filter_map(|l| l.person_capacity).max();
        let largest_sleeps = largest.filter(|max| i64::from(guests.get()) > i64::from(*max));
        let mut note = note(free_total, eligible_count, quoted, rows.len(), more, &excluded);
        if let Some(max) = largest_sleeps {
            note.push_str(&format!(
                " No listing sleeps {guests}: the largest here sleeps {max}; split the party, or search for fewer."
            ));
        }
        Ok(Json(AvailableListings {
            check_in: stay.check_in.to_string(),
            check_out: stay.check_out.to_string(),
            nights,
            guests: guests.get(),
            listings: rows,
            free_total,
            eligible: eligible_count,
            quoted,
            more,
            largest_sleeps,
            excluded,
            note,
        }))
    }
}

/// What a stay would cost at the listing's list prices, to pick which listings to quote first.
fn list_cost(listing: &types::Listing, nights: i64) -> f64 {
    listing.price.map_or(f64::MAX, |p| p * nights as f64 + listing.cleaning_fee.unwrap_or(0.0))
}

/// The one-sentence account of a search.
fn note(free: u64, eligible: u64, quoted: u64, shown: usize, more: bool, excluded: &Excluded) -> String {
    let mut text = format!("{free} listing(s) are free for these dates and this party; {eligible} fit the filters");
    text.push_str(&format!("; checked and quoted {quoted}"));
    if !excluded.not_bookable.is_empty() {
        text.push_str(&format!(
            " ({} refused by their stay rules or calendar: {:?})",
            excluded.not_bookable.len(),
            excluded.not_bookable
        ));
    }
    if !excluded.not_quoted.is_empty() {
        text.push_str(&format!(" ({} could not be priced)", excluded.not_quoted.len()));
    }
    if excluded.over_budget > 0 {
        text.push_str(&format!("; {} over budget", excluded.over_budget));
    }
    text.push_str(&format!("; showing {shown}."));
    if more {
        text.push_str(" More listings are free beyond `limit`: raise it (up to 20) or narrow the search.");
    }
    text
}
