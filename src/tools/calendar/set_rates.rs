//! `set_rates`: nightly prices and minimum stays over a range of days. Booked nights keep the
//! price they were booked at; a price far from what the listing usually asks is called out. It
//! previews unless called with `confirm: true`.

use std::num::NonZeroU32;

use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::update::{MAX_DAYS, update};
use crate::{
    hostaway::{Fresh, types},
    tools::{
        ToolContext, WriteStatus, args,
        days::{self, DayState},
        error::ToolError,
        params::Parameters,
    },
};

/// Arguments of `set_rates`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetRatesArgs {
    #[serde(deserialize_with = "args::int")]
    #[schemars(range(min = 1))]
    pub listing_id: i64,
    /// First day.
    pub start_date: String,
    /// Last day, inclusive; at most 366 days.
    pub end_date: String,
    /// Nightly price, listing's currency.
    #[serde(default)]
    #[schemars(extend("exclusiveMinimum" = 0))]
    pub price: Option<f64>,
    /// Minimum nights for arrivals on these days, 1-365.
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1, max = 365))]
    pub min_stay: Option<u32>,
    /// true applies the preview.
    #[serde(default)]
    pub confirm: bool,
}

/// Prices and minimum stays over a range.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct RateRange {
    /// Lowest nightly price in the range, in the listing's currency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_min: Option<f64>,
    /// Highest nightly price in the range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_max: Option<f64>,
    /// Shortest minimum stay (nights) in the range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_stay_min: Option<i32>,
    /// Longest minimum stay (nights) in the range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_stay_max: Option<i32>,
}

/// What `set_rates` would do or did.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct RatesOutcome {
    /// preview (nothing changed), done (changed now) or unchanged (Hostaway already holds this; nothing sent).
    pub status: WriteStatus,
    /// The listing.
    pub listing_id: i64,
    /// First day of the range.
    pub start_date: String,
    /// Last day of the range (inclusive).
    pub end_date: String,
    /// Days in the range.
    pub days: u32,
    /// Preview only: prices and minimum stays now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<RateRange>,
    /// Preview: what they become; after the change: what the calendar now says.
    pub after: RateRange,
    /// Preview only: booked nights in the range; their reservations keep the price they were booked at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub booked_days: Option<u32>,
    /// One line for the user.
    pub summary: String,
}

#[tool_router(router = set_rates_tool, vis = "pub(crate)")]
impl ToolContext {
    /// Set nightly price and/or min stay on a date range; bookings keep their price. Base price: update_listing.
    #[tool(
        name = "set_rates",
        title = "Set rates",
        annotations(
            title = "Set rates",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    pub async fn set_rates(&self, Parameters(args): Parameters<SetRatesArgs>) -> Result<Json<RatesOutcome>, ToolError> {
        let range = self.future_range(args.listing_id, &args.start_date, &args.end_date, MAX_DAYS).await?;
        if args.price.is_none() && args.min_stay.is_none() {
            return Err(ToolError::invalid(
                "price",
                "give `price` (nightly, > 0) and/or `min_stay` (nights, >= 1); neither was given",
            ));
        }
        if let Some(price) = args.price.filter(|p| !p.is_finite() || *p <= 0.0) {
            return Err(ToolError::invalid("price", format!("{price} is not a price; use a nightly amount above 0")));
        }
        let min_stay = match args.min_stay {
            None => None,
            Some(n @ 1..=365) => NonZeroU32::new(n),
            Some(n) => return Err(ToolError::invalid("min_stay", format!("{n} is out of range; use 1 to 365 nights"))),
        };
        let id = args.listing_id;
        let body = types::CalendarUpdate { price: args.price, minimum_stay: min_stay, ..update(range) };
        let (start_date, end_date, days) = (range.start.to_string(), range.end.to_string(), range.days() as u32);
        let (listing, calendar) = tokio::join!(
            self.gateway.listing(id, Fresh::No),
            self.gateway.calendar_with_reservations(id, range.start, range.end, Fresh::No)
        );
        let (listing, calendar) = (listing?, calendar?);
        let warning = args.price.and_then(|price| unusual_price(price, &listing, &rate_range(&calendar)));
        let warned = |summary: String| match &warning {
            Some(warning) => format!("{warning} {summary}"),
            None => summary,
        };
        if !args.confirm {
            let before = rate_range(&calendar);
            let after = RateRange {
                price_min: args.price.or(before.price_min),
                price_max: args.price.or(before.price_max),
                min_stay_min: args.min_stay.map(|n| n as i32).or(before.min_stay_min),
                min_stay_max: args.min_stay.map(|n| n as i32).or(before.min_stay_max),
            };
            let booked = calendar.iter().filter(|d| days::state(d) == DayState::Booked).count() as u32;
            let summary = warned(format!(
                "Would set {} on {days} days from {start_date} to {end_date}; {booked} of them are booked and keep their price.",
                rates_text(args.price, args.min_stay)
            ));
            return Ok(Json(RatesOutcome {
                status: WriteStatus::Preview,
                listing_id: id,
                start_date,
                end_date,
                days,
                before: Some(before),
                after,
                booked_days: Some(booked),
                summary,
            }));
        }
        let audit =
            format!("listing {id} {start_date}..{end_date} price={:?} minimumStay={:?}", args.price, args.min_stay);
        let (price, min_stay) = (args.price, args.min_stay);
        let differs = move |day: &types::CalendarDay| {
            price.is_some_and(|p| day.price.is_none_or(|now| (now - p).abs() >= 0.005))
                || min_stay.is_some_and(|m| day.minimum_stay.map(i64::from) != Some(i64::from(m)))
        };
        let (calendar, status) = self.update_calendar("set_rates", id, range, body, &audit, differs).await?;
        let summary = match status {
            WriteStatus::Unchanged => format!(
                "Nothing to change: the {days} days from {start_date} to {end_date} already have {}.",
                rates_text(args.price, args.min_stay)
            ),
            _ => warned(format!(
                "Set {} on {days} days from {start_date} to {end_date}.",
                rates_text(args.price, args.min_stay)
            )),
        };
        Ok(Json(RatesOutcome {
            status,
            listing_id: id,
            start_date,
            end_date,
            days,
            before: None,
            after: rate_range(&calendar),
            booked_days: None,
            summary,
        }))
    }
}

/// Lowest and highest price and minimum stay over some days.
fn rate_range(calendar: &[types::CalendarDay]) -> RateRange {
    let prices = || calendar.iter().filter_map(|d| d.price);
    let stays = || calendar.iter().filter_map(|d| d.minimum_stay);
    RateRange {
        price_min: prices().reduce(f64::min),
        price_max: prices().reduce(f64::max),
        min_stay_min: stays().min(),
        min_stay_max: stays().max(),
    }
}

/// How far from what a listing usually asks a nightly price may be before it is called out.
const UNUSUAL_FACTOR: f64 = 3.0;

/// A warning when `price` is more than three times the most, or under a third of the least, that
/// the listing asks (its base price and the range's current prices): a slip such as 1000000 or 1.5
/// would otherwise go live without a word.
fn unusual_price(price: f64, listing: &types::Listing, now: &RateRange) -> Option<String> {
    let known = [listing.price, now.price_min, now.price_max];
    let low = known.iter().flatten().copied().reduce(f64::min)?;
    let high = known.iter().flatten().copied().reduce(f64::max)?;
    let currency = args::currency_or_fallback(listing.currency_code.as_deref());
    let usual = format!("this listing asks {low}–{high} {currency} a night now");
    if price > high * UNUSUAL_FACTOR {
        Some(format!("Warning: {price} {currency} is over {UNUSUAL_FACTOR} times the most {usual}; check it is meant."))
    } else if price < low / UNUSUAL_FACTOR {
        Some(format!("Warning: {price} {currency} is under a third of the least {usual}; check it is meant."))
    } else {
        None
    }
}

/// "price 150 and minimum stay 3 nights", for summaries.
fn rates_text(price: Option<f64>, min_stay: Option<u32>) -> String {
    match (price, min_stay) {
        (Some(p), Some(n)) => format!("price {p} and minimum stay {n} night(s)"),
        (Some(p), None) => format!("price {p}"),
        (None, Some(n)) => format!("minimum stay {n} night(s)"),
        (None, None) => "nothing".to_string(),
    }
}
