//! `list_reviews`: reviews of stays that ended in a period, rated and written, by listing and
//! channel, with averages overall and per listing, the low ones first when asked, and the stays
//! still awaiting a review.

use crate::tools::untrusted::Untrusted;
use std::collections::BTreeMap;

use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    hostaway::types,
    tools::{
        ToolContext,
        args::{self, Range},
        channels,
        error::ToolError,
        params::Parameters,
    },
};

/// Days of departures one call covers at most.
const MAX_DAYS: i64 = 366;

/// Arguments of `list_reviews`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListReviewsArgs {
    /// Stays that ended from this day.
    pub start_date: String,
    /// Stays that ended by this day, inclusive.
    pub end_date: String,
    /// Only these listings.
    #[serde(default, deserialize_with = "args::opt_ids")]
    #[schemars(inner(range(min = 1)))]
    pub listing_ids: Option<Vec<i64>>,
    /// Only this channel.
    #[serde(default)]
    #[schemars(schema_with = "channels::schema")]
    pub channel: Option<String>,
    /// Lowest rating first (else latest stay first).
    #[serde(default)]
    pub lowest_first: bool,
    /// Reviews to return (default 20).
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1, max = 50))]
    pub limit: Option<u32>,
}

/// Reviews over a period, with averages.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Reviews {
    /// Rated reviews that match.
    pub count: u32,
    /// Their average rating.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub average: Option<f64>,
    /// Stays whose guest has not reviewed yet (awaited).
    pub awaiting: u32,
    /// Per listing: rated reviews and average, lowest average first.
    pub by_listing: Vec<ListingRating>,
    /// The reviews, up to `limit`.
    pub reviews: Vec<ReviewRow>,
    /// Whether every review of the period was read (at most 2,000 are).
    pub complete: bool,
}

/// One listing's ratings.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ListingRating {
    /// The listing.
    pub listing_id: i64,
    /// Rated reviews.
    pub count: u32,
    /// Their average.
    pub average: f64,
}

/// One review.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ReviewRow {
    /// The stay reviewed.
    pub reservation_id: Option<i64>,
    /// The listing.
    pub listing_id: Option<i64>,
    /// The guest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guest_name: Option<Untrusted>,
    /// Booking channel, as every tool names it.
    pub channel: String,
    /// Departure day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub departure: Option<String>,
    /// The guest's rating.
    pub rating: f64,
    /// What the guest wrote.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<Untrusted>,
    /// The host's public reply.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply: Option<Untrusted>,
}

#[tool_router(router = list_reviews_tool, vis = "pub(crate)")]
impl ToolContext {
    /// Reviews of stays that ended in a period, with averages overall and per listing, and stays awaiting a review.
    #[tool(
        name = "list_reviews",
        title = "List reviews",
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = true)
    )]
    pub async fn list_reviews(
        &self,
        Parameters(args): Parameters<ListReviewsArgs>,
    ) -> Result<Json<Reviews>, ToolError> {
        let words = [Some(args.start_date.as_str()), Some(args.end_date.as_str())];
        let today = self.today_for_words(None, &words).await?;
        let range = Range::parse(&args.start_date, &args.end_date, MAX_DAYS, today)?;
        let limit = args::limit(args.limit, 20, 50)? as usize;
        self.known_listings("listing_ids", args.listing_ids.as_deref().unwrap_or_default()).await?;
        let channel = args.channel.as_deref().map(|c| channels::id("channel", c)).transpose()?;
        // Compared by name: several Hostaway ids are one channel (airbnb has its official id and an older one).
        let channel = channel.map(|id| channels::name(Some(id), None));
        let (found, capped) = self.gateway.guest_reviews(range.start, range.end).await?;
        let chosen: Vec<&types::Review> = found
            .iter()
            .filter(|r| r.is_cancelled != Some(1))
            .filter(|r| {
                args.listing_ids.as_ref().is_none_or(|ids| r.listing_map_id.is_some_and(|id| ids.contains(&id)))
            })
            .filter(|r| channel.as_deref().is_none_or(|c| channels::name(r.channel_id, None) == c))
            .collect();
        let awaiting = chosen.iter().filter(|r| r.rating.is_none()).count() as u32;
        let mut rated: Vec<&types::Review> = chosen.into_iter().filter(|r| r.rating.is_some()).collect();
        let rating = |r: &types::Review| r.rating.unwrap_or_default();
        if args.lowest_first {
            rated.sort_by(|a, b| rating(a).total_cmp(&rating(b)).then(b.departure_date.cmp(&a.departure_date)));
        } else {
            rated.sort_by(|a, b| b.departure_date.cmp(&a.departure_date).then(a.id.cmp(&b.id)));
        }
        let mut per_listing: BTreeMap<i64, (u32, f64)> = BTreeMap::new();
        for review in &rated {
            let entry = per_listing.entry(review.listing_map_id.unwrap_or_default()).or_default();
            *entry = (entry.0 + 1, entry.1 + rating(review));
        }
        let mut by_listing: Vec<ListingRating> = per_listing
            .into_iter()
            .map(|(listing_id, (count, sum))| ListingRating {
                listing_id,
                count,
                average: two_places(sum / f64::from(count)),
            })
            .collect();
        by_listing.sort_by(|a, b| a.average.total_cmp(&b.average).then(a.listing_id.cmp(&b.listing_id)));
        let total: f64 = rated.iter().map(|r| rating(r)).sum();
        Ok(Json(Reviews {
            count: rated.len() as u32,
            average: (!rated.is_empty()).then(|| two_places(total / rated.len() as f64)),
            awaiting,
            by_listing,
            reviews: rated.iter().take(limit).map(|r| row(r)).collect(),
            complete: !capped,
        }))
    }
}

/// Shapes a review.
fn row(review: &types::Review) -> ReviewRow {
    ReviewRow {
        reservation_id: review.reservation_id,
        listing_id: review.listing_map_id,
        guest_name: review.guest_name.clone().map(Untrusted::from),
        channel: channels::name(review.channel_id, None),
        departure: review.departure_date.as_deref().and_then(|d| d.get(..10)).map(str::to_string),
        rating: review.rating.unwrap_or_default(),
        text: review.public_review.clone().map(Untrusted::from),
        reply: review.reviewee_response.clone().map(Untrusted::from),
    }
}

/// An average to two decimals.
fn two_places(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}
