//! What the calendar's read tools share: a quote's lines and the checks and currency quote_stay
//! and find_available_listings price a stay with, and the gap nights (free, but shorter than the
//! minimum stay) that get_calendar and portfolio_calendar both call out.

use crate::tools::untrusted::Untrusted;
use std::num::NonZeroU32;

use chrono::Duration;
use schemars::JsonSchema;
use serde::Serialize;

use crate::hostaway::types;
use crate::tools::{
    args::{self, Money},
    days::{self, DayState},
    error::ToolError,
};

/// Longest stay the stay tools price, in nights.
pub(super) const MAX_STAY_NIGHTS: i64 = 90;
/// Largest party the stay tools accept.
const MAX_GUESTS: u32 = 50;

/// One line of a quote.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct PriceLine {
    /// Hostaway's name of the line, e.g. baseRate, cleaningFee, lodgingTax.
    pub name: String,
    /// Human title, e.g. "Cleaning fee".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<Untrusted>,
    /// price, fee, tax or discount.
    pub kind: String,
    /// The line's amount.
    pub amount: Money,
    /// Whether the amount is part of the total (false for optional extras).
    pub in_total: bool,
}

/// Free nights that cannot be sold.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Gap {
    /// First free night.
    pub start_date: String,
    /// Last free night (inclusive).
    pub end_date: String,
    /// Free nights in the gap.
    pub nights: u64,
    /// Minimum stay for an arrival on the first night, which the gap is shorter than.
    pub min_stay: i32,
}

/// Checks the party size.
pub(super) fn guests(value: u32) -> Result<NonZeroU32, ToolError> {
    match NonZeroU32::new(value) {
        Some(guests) if value <= MAX_GUESTS => Ok(guests),
        _ => Err(ToolError::invalid("guests", format!("{value} is out of range; use 1 to {MAX_GUESTS}"))),
    }
}

/// The listing's currency (Hostaway's default when it has none).
pub(super) fn currency(listing: &types::Listing) -> String {
    args::currency_or_fallback(listing.currency_code.as_deref())
}

/// A quote's lines, without deleted ones.
pub(super) fn lines(details: &types::PriceDetails, currency: &str) -> Vec<PriceLine> {
    details
        .components
        .iter()
        .filter(|c| c.is_deleted != Some(1))
        .map(|c| PriceLine {
            name: c.name.clone(),
            title: c.title.clone().map(Untrusted::from),
            kind: c.type_.clone(),
            amount: Money::new(c.total, currency),
            in_total: c.is_included_in_total_price != Some(0),
        })
        .collect()
}

/// Free stretches bounded by unavailable days on both sides that are shorter than the minimum
/// stay of their first night.
pub(super) fn gaps(days: &[types::CalendarDay]) -> Vec<Gap> {
    let mut gaps = Vec::new();
    let mut i = 0;
    while i < days.len() {
        if days::state(&days[i]) != DayState::Open {
            i += 1;
            continue;
        }
        let start = i;
        while i < days.len() && days::state(&days[i]) == DayState::Open {
            i += 1;
        }
        let bounded = start > 0 && i < days.len();
        let contiguous = days[start.saturating_sub(1)..days.len().min(i + 1)]
            .windows(2)
            .all(|pair| pair[0].date + Duration::days(1) == pair[1].date);
        let nights = (i - start) as u64;
        if let Some(min_stay) =
            days[start].minimum_stay.filter(|m| bounded && contiguous && (nights as i64) < i64::from(*m))
        {
            gaps.push(Gap {
                start_date: days[start].date.to_string(),
                end_date: days[i - 1].date.to_string(),
                nights,
                min_stay,
            });
        }
    }
    gaps
}
