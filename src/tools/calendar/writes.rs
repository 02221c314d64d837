//! Changing calendars: blocking and reopening dates, nightly prices and minimum stays. Every tool
//! previews unless called with `confirm: true`.

use std::num::NonZeroU32;

use chrono::NaiveDate;
use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    hostaway::{Fresh, types},
    tools::{
        ToolContext, WriteStatus,
        args::{self, Range},
        days::{self, DayState},
        error::ToolError,
        params::Parameters,
    },
};

/// Longest range one calendar write may cover, in days.
const MAX_DAYS: i64 = 366;

/// Arguments of `block_dates` and `unblock_dates`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AvailabilityArgs {
    /// From search_listings.
    #[serde(deserialize_with = "args::int")]
    #[schemars(range(min = 1))]
    pub listing_id: i64,
    /// First day, YYYY-MM-DD (listing's time zone), not in the past.
    pub start_date: String,
    /// Last day, YYYY-MM-DD, inclusive; at most 366 days in all.
    pub end_date: String,
    /// Note shown on the days in Hostaway.
    #[serde(default)]
    pub note: Option<String>,
    /// true applies it; else a preview.
    #[serde(default)]
    pub confirm: bool,
}

/// Arguments of `set_rates`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetRatesArgs {
    /// From search_listings.
    #[serde(deserialize_with = "args::int")]
    #[schemars(range(min = 1))]
    pub listing_id: i64,
    /// First day, YYYY-MM-DD (listing's time zone), not in the past.
    pub start_date: String,
    /// Last day, YYYY-MM-DD, inclusive; at most 366 days in all.
    pub end_date: String,
    /// Nightly price, listing's currency.
    #[serde(default)]
    #[schemars(extend("exclusiveMinimum" = 0))]
    pub price: Option<f64>,
    /// Minimum nights for arrivals on these days, 1-365.
    #[serde(default, deserialize_with = "args::opt_int")]
    #[schemars(range(min = 1, max = 365))]
    pub min_stay: Option<u32>,
    /// true applies it; else a preview.
    #[serde(default)]
    pub confirm: bool,
}

/// A run of consecutive days.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Span {
    /// First day.
    pub start_date: String,
    /// Last day (inclusive).
    pub end_date: String,
}

/// A set of days as a count and runs of consecutive dates.
#[derive(Clone, Debug, Default, Serialize, JsonSchema)]
pub struct Days {
    /// How many days.
    pub count: u32,
    /// The days as runs of consecutive dates, earliest first.
    pub spans: Vec<Span>,
}

/// Booked nights in the range: a reservation wins over a block or reopening, so they stay booked.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Conflict {
    /// The reservation holding the nights (known in previews).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reservation_id: Option<i64>,
    /// Calendar status of the nights: reserved or pending.
    pub status: String,
    /// First booked night in the range.
    pub start_date: String,
    /// Last booked night in the range (inclusive).
    pub end_date: String,
    /// Booked nights in the range.
    pub nights: u32,
}

/// What `block_dates` or `unblock_dates` would do or did.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct AvailabilityOutcome {
    /// preview (nothing changed), done (changed now) or unchanged (Hostaway already holds this; nothing sent).
    pub status: WriteStatus,
    /// The listing.
    pub listing_id: i64,
    /// First day of the range.
    pub start_date: String,
    /// Last day of the range (inclusive).
    pub end_date: String,
    /// Preview only: days that would become blocked (block_dates) or bookable (unblock_dates).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub will_change: Option<Days>,
    /// Preview only: days already blocked (block_dates) or bookable (unblock_dates); nothing changes for them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub already: Option<Days>,
    /// After the change: days now blocked (block_dates) or bookable (unblock_dates).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub now: Option<Days>,
    /// Booked nights in the range; they stay booked whatever this tool does.
    pub conflicts: Vec<Conflict>,
    /// One line for the user.
    pub summary: String,
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

#[tool_router(router = calendar_write_tools, vis = "pub(crate)")]
impl ToolContext {
    /// Block a listing's dates (maintenance, owner use); booked days stay booked. Undo: unblock_dates.
    #[tool(
        name = "block_dates",
        title = "Block dates",
        annotations(
            title = "Block dates",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    pub async fn block_dates(
        &self,
        Parameters(args): Parameters<AvailabilityArgs>,
    ) -> Result<Json<AvailabilityOutcome>, ToolError> {
        self.set_availability("block_dates", Target::Blocked, args).await.map(Json)
    }

    /// Reopen a listing's blocked dates; booked days stay booked. To block: block_dates.
    #[tool(
        name = "unblock_dates",
        title = "Unblock dates",
        annotations(
            title = "Unblock dates",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    pub async fn unblock_dates(
        &self,
        Parameters(args): Parameters<AvailabilityArgs>,
    ) -> Result<Json<AvailabilityOutcome>, ToolError> {
        self.set_availability("unblock_dates", Target::Open, args).await.map(Json)
    }

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

/// The state `block_dates` or `unblock_dates` asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    Blocked,
    Open,
}

impl ToolContext {
    /// Shared body of `block_dates` and `unblock_dates`.
    async fn set_availability(
        &self,
        tool: &'static str,
        target: Target,
        args: AvailabilityArgs,
    ) -> Result<AvailabilityOutcome, ToolError> {
        let range = self.future_range(args.listing_id, &args.start_date, &args.end_date, MAX_DAYS).await?;
        let note = args.note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
        if note.as_ref().is_some_and(|n| n.chars().count() > 500) {
            return Err(ToolError::invalid("note", "at most 500 characters"));
        }
        let id = args.listing_id;
        let wanted = match target {
            Target::Blocked => DayState::Blocked,
            Target::Open => DayState::Open,
        };
        let (verb, state_word) = match target {
            Target::Blocked => ("block", "blocked"),
            Target::Open => ("reopen", "bookable"),
        };
        let (start_date, end_date) = (range.start.to_string(), range.end.to_string());
        if !args.confirm {
            let calendar = self.gateway.calendar_with_reservations(id, range.start, range.end, Fresh::No).await?;
            let pick = |s: DayState| days(calendar.iter().filter(|d| days::state(d) == s).map(|d| d.date));
            let from = match target {
                Target::Blocked => DayState::Open,
                Target::Open => DayState::Blocked,
            };
            let (will_change, already) = (pick(from), pick(wanted));
            let conflicts = conflicts(&calendar);
            let summary = format!(
                "Would {verb} {} day(s); {} already {state_word}; {} booked night(s) stay booked.",
                will_change.count,
                already.count,
                conflicts.iter().map(|c| c.nights).sum::<u32>()
            );
            return Ok(AvailabilityOutcome {
                status: WriteStatus::Preview,
                listing_id: id,
                start_date,
                end_date,
                will_change: Some(will_change),
                already: Some(already),
                now: None,
                conflicts,
                summary,
            });
        }
        let is_available = match target {
            Target::Blocked => 0,
            Target::Open => 1,
        };
        let body = types::CalendarUpdate { is_available: Some(is_available), note, ..update(range) };
        let audit = format!("listing {id} {start_date}..{end_date} isAvailable={is_available}");
        let from = match target {
            Target::Blocked => DayState::Open,
            Target::Open => DayState::Blocked,
        };
        let differs = move |day: &types::CalendarDay| days::state(day) == from;
        let (calendar, status) = self.update_calendar(tool, id, range, body, &audit, differs).await?;
        let now = days(calendar.iter().filter(|d| days::state(d) == wanted).map(|d| d.date));
        let conflicts = conflicts(&calendar);
        let already = if status == WriteStatus::Unchanged { " already" } else { " now" };
        let summary = format!(
            "{} day(s) from {start_date} to {end_date} are{already} {state_word}; {} booked night(s) stay booked.",
            now.count,
            conflicts.iter().map(|c| c.nights).sum::<u32>()
        );
        Ok(AvailabilityOutcome {
            status,
            listing_id: id,
            start_date,
            end_date,
            will_change: None,
            already: None,
            now: Some(now),
            conflicts,
            summary,
        })
    }

    /// One `updateCalendar`, sent only when Hostaway's calendar over `range`, read fresh, has a
    /// day that `differs` from what the update sets; returns the days as they now are and whether
    /// anything was sent.
    async fn update_calendar(
        &self,
        tool: &'static str,
        id: i64,
        range: Range,
        body: types::CalendarUpdate,
        audit: &str,
        differs: impl Fn(&types::CalendarDay) -> bool,
    ) -> Result<(Vec<types::CalendarDay>, WriteStatus), ToolError> {
        let text = format!("{body:?}");
        let request = (id, text);
        let write = async {
            let current = self.gateway.calendar_with_reservations(id, range.start, range.end, Fresh::Yes).await?;
            if !current.iter().any(&differs) {
                return Ok((current, WriteStatus::Unchanged));
            }
            let days = self
                .gateway
                .update_calendar(id, body)
                .await
                .map_err(|e| ToolError::of_write(tool, "the calendar was changed", e))?;
            Ok((days, WriteStatus::Done))
        };
        self.guard.run(tool, &request, audit, write).await
    }
}

/// A calendar update over `range` that sets nothing yet.
fn update(range: Range) -> types::CalendarUpdate {
    types::CalendarUpdate {
        start_date: range.start,
        end_date: range.end,
        closed_on_arrival: None,
        closed_on_departure: None,
        is_available: None,
        maximum_stay: None,
        minimum_stay: None,
        note: None,
        price: None,
    }
}

/// Groups dates (ascending) into runs of consecutive days.
fn days(dates: impl Iterator<Item = NaiveDate>) -> Days {
    let mut runs: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    let mut count = 0;
    for date in dates {
        count += 1;
        match runs.last_mut() {
            Some((_, end)) if end.succ_opt() == Some(date) => *end = date,
            _ => runs.push((date, date)),
        }
    }
    let spans = runs.into_iter().map(|(s, e)| Span { start_date: s.to_string(), end_date: e.to_string() }).collect();
    Days { count, spans }
}

/// Booked nights grouped by reservation (or by status when the reservation is unknown).
fn conflicts(calendar: &[types::CalendarDay]) -> Vec<Conflict> {
    let mut out: Vec<(Conflict, NaiveDate)> = Vec::new();
    for day in calendar.iter().filter(|d| days::state(d) == DayState::Booked) {
        let reservation_id = day.reservations.first().map(|r| r.id);
        let status = match day.status.as_deref() {
            Some("pending") => "pending",
            _ => "reserved",
        };
        match out.last_mut() {
            Some((c, last))
                if c.reservation_id == reservation_id && c.status == status && last.succ_opt() == Some(day.date) =>
            {
                c.end_date = day.date.to_string();
                c.nights += 1;
                *last = day.date;
            }
            _ => out.push((
                Conflict {
                    reservation_id,
                    status: status.to_string(),
                    start_date: day.date.to_string(),
                    end_date: day.date.to_string(),
                    nights: 1,
                },
                day.date,
            )),
        }
    }
    out.into_iter().map(|(c, _)| c).collect()
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
