//! `quote_stay`: what one stay costs, line by line as Hostaway prices it, and whether it can be
//! booked, judged by the same rule find_available_listings offers by ([`bookable::judge`]), with
//! every reason when it cannot.

use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{
    bookable,
    rows::{MAX_STAY_NIGHTS, PriceLine, currency, guests, lines},
};
use crate::hostaway::{Fresh, GatewayError};
use crate::tools::{
    ToolContext,
    args::{self, Money},
    error::ToolError,
    params::Parameters,
};

/// Arguments of `quote_stay`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteStayArgs {
    #[serde(deserialize_with = "args::int")]
    #[schemars(range(min = 1))]
    pub listing_id: i64,
    /// Arrival day.
    pub check_in: String,
    /// Departure day; at most 90 nights.
    pub check_out: String,
    /// Guests in the party.
    #[serde(deserialize_with = "args::int")]
    #[schemars(range(min = 1, max = 50))]
    pub guests: u32,
}

/// The price of one stay and whether it can be booked.
#[derive(Debug, Serialize, JsonSchema)]
pub struct StayQuote {
    /// The listing.
    pub listing_id: i64,
    /// Arrival day.
    pub check_in: String,
    /// Departure day.
    pub check_out: String,
    /// Nights of the stay.
    pub nights: i64,
    /// Guests quoted for.
    pub guests: u32,
    /// Whether the stay can be booked as asked: every night free, stay rules met, party fits.
    pub bookable: bool,
    /// Why it cannot be booked (empty when bookable).
    pub reasons: Vec<String>,
    /// Nights of the stay that are not free, with their status.
    pub unavailable_nights: Vec<NightStatus>,
    /// Minimum stay for an arrival on check_in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_stay: Option<i32>,
    /// Most guests the listing sleeps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_guests: Option<i32>,
    /// What the guest pays in all (absent when Hostaway gave no price, e.g. over capacity).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<Money>,
    /// `total` divided by the nights.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_night: Option<Money>,
    /// The quote line by line.
    pub components: Vec<PriceLine>,
}

/// A night that is not free.
#[derive(Debug, Serialize, JsonSchema)]
pub struct NightStatus {
    /// The night (its day).
    pub date: String,
    /// Hostaway's day status: reserved, pending, blocked, ...
    pub status: String,
}

#[tool_router(router = quote_stay_tool, vis = "pub(crate)")]
impl ToolContext {
    /// Exact price of a stay and whether it is bookable (free nights, stay rules, capacity), with every reason if not.
    #[tool(
        name = "quote_stay",
        title = "Quote a stay",
        annotations(
            title = "Quote a stay",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    pub async fn quote_stay(&self, Parameters(args): Parameters<QuoteStayArgs>) -> Result<Json<StayQuote>, ToolError> {
        let stay = self.future_stay(Some(args.listing_id), &args.check_in, &args.check_out, MAX_STAY_NIGHTS).await?;
        let guests = guests(args.guests)?;
        let id = args.listing_id;
        let gateway = &self.gateway;
        // The departure day is read too: its night is not part of the stay, but it may be closed for departures.
        let (quote, days, listing) = tokio::join!(
            gateway.price_details(id, stay.check_in, stay.check_out, guests),
            gateway.calendar(id, stay.check_in, stay.check_out, Fresh::No),
            gateway.listing(id, Fresh::No),
        );
        let listing = listing?;
        let days = days?;
        let currency = currency(&listing);
        let nights = stay.nights();
        let verdict = bookable::judge(&listing, &days, stay, guests.get());
        let over_capacity = verdict.obstacles.iter().any(|o| matches!(o, bookable::Obstacle::OverCapacity(..)));
        let mut reasons: Vec<String> = verdict.obstacles.iter().map(ToString::to_string).collect();
        let quote = match quote {
            Ok(details) => Some(details),
            Err(GatewayError::Rejected { message, .. }) => {
                // Hostaway refuses to price a party over capacity; that reason is already given.
                if !over_capacity {
                    reasons.push(format!("Hostaway gave no price: {message}"));
                }
                None
            }
            Err(error) => return Err(error.into()),
        };
        Ok(Json(StayQuote {
            listing_id: id,
            check_in: stay.check_in.to_string(),
            check_out: stay.check_out.to_string(),
            nights,
            guests: guests.get(),
            bookable: reasons.is_empty(),
            reasons,
            unavailable_nights: verdict
                .taken
                .iter()
                .map(|d| NightStatus { date: d.date.to_string(), status: bookable::status(d) })
                .collect(),
            min_stay: verdict.min_stay,
            max_guests: listing.person_capacity,
            total: quote.as_ref().map(|q| Money::new(q.total_price, currency.clone())),
            per_night: quote.as_ref().map(|q| Money::new(q.total_price / nights as f64, currency.clone())),
            components: quote.as_ref().map(|q| lines(q, &currency)).unwrap_or_default(),
        }))
    }
}
